"""Fold themes for minutes: as many themes as a reader can take in, single mentions listed apart.

Why: minutes with 19 themes for 42 cards, ten of them holding one or two cards, read like the cards
themselves (issue 17); people who sort cards make few themes. So the number of themes follows the
number of cards (``max_themes_for``), and a theme with a single card is not a theme: such cards, and the
cards of themes beyond the limit, are listed under ``FOLDED`` ("Weitere Nennungen"). Moving them to
their next-best kept theme instead (``alternatives``) was measured worse: it puts cards into groups
they do not belong to (bench/themes_folding.py).

How minutes use it: ``fold_themes([card.theme for card in cards])`` says which themes get a section
(``kept``) and which cards go under FOLDED (``labels``); the card's own theme stays on the card (and in
CSV, JSON, the corpus), so the minutes can name it beside the card and nothing a person or the
catalogue decided is lost (``cardscan minutes --max-themes`` sets the limit the minutes fold to).
``ThemeModel(max_themes=…)`` / ``cardscan themes --max-themes`` fold the labels themselves, for a
theme list that is to be short.

Why folding and not merging: merging the closest themes by meaning (centroids of the card vectors)
until the limit is met, and moving folded cards to a kept theme they are close to, were measured
against it on the labelled workshops, choosing settings leaving one workshop out: folding was chosen
every time; merging smallest-first kept accuracy but lost ARI (kiez-a 0.66 → 0.54), merging the
closest pair overall lost both (→ 0.51 / 0.22) (bench/themes_merging.py). The person's own themes
there are finer than the rule allows (25 themes for 84 cards), so any card of a theme beyond the
limit is counted wrong, folded or merged.

Why folding loses accuracy, and what the minutes show (DEV workshops, bench/themes_folding.py): counted
strictly (cardscan.themes.scoring), a card under "Weitere Nennungen" is wrong however right its theme, and
the folded cards were mostly right: 11 of 14 on kiez-a, 16 of 21 over the three DEV workshops. So the loss
is "cards of folded themes counted wrong"; no card is moved to a wrong kept theme (none is moved), and the
kept themes are not badly chosen: the person's own labels, folded by the same rule, reach only 0.845 on
kiez-a (0.82 before folding, 0.69 folded). A minute writer lists such further mentions with their topic,
and the minutes do (each folded card with its own theme beside it): the names a reader sees are as right as
before folding (kiez-a 0.821), and the grouping barely changes (ARI with folded cards as single mentions
0.663, unfolded 0.665). Tried and dropped on DEV: moving a folded card to a kept theme that scores nearly as
well (within 0.1: one card put right, two put wrong of 21); keeping the most coherent themes (mean
similarity of their cards) before the largest (it does not tell right themes from wrong ones).

``FOLDED`` means "mentioned, not grouped": its cards make no claim to belong together (evaluations should
count them as single mentions, bench/themes_folding.py). "Sonstiges" (cardscan.themes.model.OTHER)
stays what it was: cards the catalogue and discovery found no theme for.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from cardscan.exceptions import BadConfig

FOLDED = "Weitere Nennungen"
MIN_THEMES, MAX_THEMES = 3, 15
CARDS_PER_THEME = 5


def max_themes_for(n_cards: int) -> int:
    """How many themes minutes of ``n_cards`` cards show: about five cards per theme, 3 to 15.

    Why: issue 17 asks for at most 8 themes for about 40 cards. Measured on the labelled workshops
    (bench/themes_folding.py; the person's labels there have 3–4 cards per theme), a rule of 1.25·√n
    (also 8 at 40 cards) allowed 11 themes for the 84-card workshops and folded a third of their cards
    (accuracy 0.82 → 0.55 on kiez-a), five cards per theme up to 15 folded a sixth (→ 0.69) with the
    same ARI as no folding when single mentions count as such. At most 15: more headings are no
    overview. Chosen on kiez-a and the verstetigung workshops; kiez-b is held out.
    """
    if n_cards <= 0:
        return 0
    return min(MAX_THEMES, max(MIN_THEMES, round(n_cards / CARDS_PER_THEME)))


def check_max_themes(value: int | str) -> int | None:
    """A ``max_themes`` setting as a number (0: no folding), or None for "auto"; BadConfig for anything else."""
    if value == "auto":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadConfig(f"Höchstzahl der Themen {value!r}: eine Zahl ab 1, 0 (nicht zusammenfassen) oder auto")
    return value


@dataclass(frozen=True)
class Folding:
    """The outcome: one label per card, the themes kept (largest first) and the themes folded."""

    labels: list[str | None]
    kept: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)


def fold_themes(labels: Sequence[str | None], max_themes: int | None = None, *, min_cards: int = 2,
                alternatives: Sequence[Sequence[str]] | None = None,
                exempt: Sequence[str] = ()) -> Folding:
    """Keep the ``max_themes`` largest themes with at least ``min_cards`` cards; fold the rest.

    ``max_themes`` None: ``max_themes_for`` the number of labelled cards; 0: no limit (only single cards fold).
    ``alternatives``: per card, other themes it fits (best first, e.g. catalogue themes above the
    threshold); a card of a folded theme moves to the first of them that is kept, else to FOLDED.
    ``exempt``: labels that are neither counted nor folded ("Sonstiges"). None stays None (blank cards).
    Ties in size go to the theme seen first, so the result is deterministic.
    """
    present = [label for label in labels if label is not None and label not in exempt and label != FOLDED]
    if max_themes is None:
        max_themes = max_themes_for(sum(label is not None for label in labels))
    sizes = Counter(present)
    order = {label: i for i, label in reversed(list(enumerate(present)))}
    ranked = sorted(sizes, key=lambda label: (-sizes[label], order[label]))
    kept = [label for label in ranked if sizes[label] >= min_cards]
    if max_themes:
        kept = kept[:max_themes]
    keep = set(kept)
    folded = [label for label in ranked if label not in keep]
    out: list[str | None] = []
    for i, label in enumerate(labels):
        if label is None or label in keep or label in exempt or label == FOLDED:
            out.append(label)
            continue
        other = next((a for a in (alternatives[i] if alternatives is not None else ()) if a in keep), None)
        out.append(other if other is not None else FOLDED)
    return Folding(out, kept, folded)


__all__ = ["FOLDED", "Folding", "fold_themes", "max_themes_for", "check_max_themes", "MIN_THEMES", "MAX_THEMES", "CARDS_PER_THEME"]
