"""How well themes match a person's labels, also when minutes fold them (issue 17).

Why this module: the benches (bench/themes_eval.py, themes_folding.py, themes_merging.py) and the tests
must count the same way, and the way folded minutes are counted needs saying once, here.

``theme_accuracy``: a card is right when its theme is the person's. Catalogue names (``fixed``) and
"Sonstiges" must match exactly; other predicted names (discovered themes, clusters) are matched one-to-one
to the person's names that are not catalogue names (Hungarian). "Weitere Nennungen" (FOLDED) is never
matched to another name: it says "not grouped", not "a theme of its own" (it is right only where the
labels it is compared with say FOLDED too, as the person's labels folded by the same rule do).

``folding_scores``: minutes of many cards show at most ``max_themes_for`` themes (cardscan.themes.folding);
the cards of the other themes are listed under "Weitere Nennungen", each with its own theme's name beside
it (cardscan.minutes). Counted strictly (``accuracy``), every such card is wrong, however right its theme:
on the DEV workshop kiez-a 11 of the 14 folded cards had the person's theme, and the person's own labels,
folded by the same rule, score only 0.845 strictly (``ceiling``: they hold 25 themes for 84 cards, ten of
them with one or two cards). So the strict figure mostly measures how fine the person's themes are, not
whether the minutes name the right themes. Two more measures say what a reader of the minutes gets:
``shown_accuracy`` (the theme name the minutes print with each card, as the section it is listed in or
beside it under "Weitere Nennungen") and ``ari_single_mentions`` (the grouping the sections make, a folded
card a group of its own: what folding costs is grouping, not names). All three are reported side by side;
none replaces another.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from cardscan.themes.folding import FOLDED, fold_themes
from cardscan.themes.model import OTHER


def theme_accuracy(gold: Sequence[str], pred: Sequence[str | None], fixed: set[str] | frozenset[str] = frozenset()) -> float:
    """Share of cards whose theme is the person's (see the module text for how names are matched)."""
    right = theme_matches(gold, pred, fixed)
    return sum(right) / len(right) if right else 0.0


def theme_matches(gold: Sequence[str], pred: Sequence[str | None],
                  fixed: set[str] | frozenset[str] = frozenset()) -> list[bool]:
    """Per card: is its theme the person's? (``theme_accuracy`` is their share.)"""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    never = set(fixed) | {OTHER, FOLDED}
    free_pred = sorted({p for p in pred if p is not None and p not in never})
    free_gold = sorted({g for g in gold if g not in never})
    mapping: dict[str, str] = {}
    if free_pred and free_gold:
        counts = np.zeros((len(free_pred), len(free_gold)))
        for g, p in zip(gold, pred):
            if p in free_pred and g in free_gold:
                counts[free_pred.index(p), free_gold.index(g)] += 1
        rows, cols = linear_sum_assignment(-counts)
        mapping = {free_pred[r]: free_gold[c] for r, c in zip(rows, cols)}
    return [p is not None and mapping.get(p, p) == g for g, p in zip(gold, pred)]


def single_mentions(labels: Sequence[str | None], tag: str = "") -> list[str]:
    """FOLDED cards (and blank ones) each as a group of its own: they are listed, not grouped."""
    return [f"{FOLDED} {tag}{i}" if label in (FOLDED, None) else label for i, label in enumerate(labels)]


@dataclass(frozen=True)
class FoldingScores:
    """One workshop's minutes against the person's labels (rounded to three places)."""

    cards: int
    themes_shown: int            # sections of the minutes (without "Sonstiges" and "Weitere Nennungen")
    folded_cards: int            # cards under "Weitere Nennungen"
    folded_right: int            # ... of them whose own theme is the person's (what strict counting loses)
    accuracy: float              # strict: a card under "Weitere Nennungen" is wrong
    ceiling: float               # strict accuracy of the person's own labels folded by the same rule
    shown_accuracy: float        # the theme name printed with each card (section, or beside it when folded);
                                 # the accuracy before folding, since the minutes keep every card's name
    ari_single_mentions: float   # sections against the person's themes, folded cards as single mentions
    ari_unfolded: float          # the same before folding: what folding costs in grouping


def folding_scores(gold: Sequence[str], own: Sequence[str | None], max_themes: int | None = None,
                   fixed: set[str] | frozenset[str] = frozenset(), exempt: Sequence[str] = (OTHER,)) -> FoldingScores:
    """Fold ``own`` (each card's own theme) as minutes do (``fold_themes(own, max_themes, exempt=…)``) and score it."""
    from sklearn.metrics import adjusted_rand_score

    folded = fold_themes(own, max_themes, exempt=exempt).labels
    person = fold_themes(gold, max_themes, exempt=exempt).labels
    right = theme_matches(gold, own, fixed)
    return FoldingScores(
        cards=len(gold), themes_shown=len({f for f in folded if f not in (None, OTHER, FOLDED)}),
        folded_cards=sum(f == FOLDED for f in folded),
        folded_right=sum(f == FOLDED and r for f, r in zip(folded, right)),
        accuracy=round(theme_accuracy(gold, folded, fixed), 3), ceiling=round(theme_accuracy(gold, person, fixed), 3),
        shown_accuracy=round(sum(right) / len(right), 3) if right else 0.0,
        ari_single_mentions=round(float(adjusted_rand_score(list(gold), single_mentions(folded))), 3),
        ari_unfolded=round(float(adjusted_rand_score(list(gold), single_mentions(own))), 3))


__all__ = ["theme_accuracy", "theme_matches", "single_mentions", "FoldingScores", "folding_scores"]
