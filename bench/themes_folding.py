"""How many themes should minutes show? Folding rules on the labelled workshops: themes, accuracy, ARI.

Each workshop of bench/data/themes-labelled.csv is themed once, as bench/themes_eval.py's (b) guided
run does (default embedder, keywords on, threshold chosen on the DEV workshop kiez-a), with no folding;
then each rule folds the same labels (cardscan.themes.folding.fold_themes). Per rule: themes shown
(without "Sonstiges" and "Weitere Nennungen"), accuracy as themes_eval counts it, and the adjusted Rand
index twice: with "Weitere Nennungen" as one group, and with its cards as single mentions (what the
label means: they are listed, not grouped). The "minutes view" compares with the person's labels folded
by the same rule (their single-card themes and those beyond the limit are single mentions too, and
"Weitere Nennungen" must match exactly): do the two sets of minutes show the same themes? kiez-b is
held out: nothing here was tuned on it.

Why folding loses accuracy (cardscan.themes.scoring): counted strictly, a card under "Weitere Nennungen" is
wrong however right its theme. Per rule the table shows how many folded cards had the person's theme
("right"), the "ceiling" (the person's own labels folded by the same rule, scored strictly: the best any
model can reach under that rule) and the "shown" accuracy: the theme name the minutes print with each
card, as its section or, under "Weitere Nennungen", beside it (for a card moved to another theme: that one).

kiez-b is held out: it is left out of the run unless --held-out is given (print it once, at the end of a
piece of work, and report it marked HELD-OUT); so iterating on a rule never shows its figures.

Run:  .venv/bin/python bench/themes_folding.py [--held-out]     (writes bench/results/themes_folding[-held-out].json)
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import themes_eval as te  # noqa: E402
from _results import save  # noqa: E402
from cardscan.themes import OTHER, ThemeModel, load_catalogue  # noqa: E402
from cardscan.themes.folding import FOLDED, fold_themes, max_themes_for  # noqa: E402
from cardscan.themes.scoring import single_mentions, theme_matches  # noqa: E402

KEYWORDS = 0.15


def ari(gold: list[str], pred: list[str], folded_as_singles: bool) -> float:
    from sklearn.metrics import adjusted_rand_score

    if folded_as_singles:  # on both sides: a single mention shares its group with no other card
        pred, gold = single_mentions(pred), single_mentions(gold, tag="gold ")
    return round(float(adjusted_rand_score(gold, pred)), 3)


def alternatives(model: ThemeModel, threshold: float) -> list[list[str]]:
    """Per card, the themes scoring above the threshold, best first (what a folded card may move to)."""
    names, scores = model.themes_, model.scores_
    return [[names[j] for j in row.argsort()[::-1] if row[j] >= threshold] for row in scores]


def rules(n_cards: int) -> dict[str, dict]:
    default = max_themes_for(n_cards)
    root = min(12, max(3, round(1.25 * math.sqrt(n_cards))))
    linear = max(3, round(n_cards / 5))
    return {
        "none": None,
        "single cards": {"max_themes": 0},
        "single cards, moved if another fits": {"max_themes": 0, "moved": True},
        f"1.25*sqrt(n), 3..12 ({root})": {"max_themes": root},
        f"1.25*sqrt(n), 3..12 ({root}), moved if another fits": {"max_themes": root, "moved": True},
        f"n/5, 3..12 ({min(linear, 12)})": {"max_themes": min(linear, 12)},
        f"n/5, no upper limit ({linear})": {"max_themes": linear},
        f"default: max_themes_for ({default})": {"max_themes": default},
        f"default ({default}), Sonstiges folded too": {"max_themes": default, "other": True},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help=f"also the held-out workshop {te.HELD_OUT} (once, at the end)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    workshops = te.load_data()
    if not args.held_out:
        workshops.pop(te.HELD_OUT)
    te.CATALOGUE = load_catalogue()
    fixed = {t.name for t in te.CATALOGUE}
    name = te.QUICK[0]
    threshold = te.choose_threshold(name, workshops[te.DEV], KEYWORDS, fixed)
    out = {"embedder": name, "threshold": threshold, "keywords": KEYWORDS, "workshops": {}}
    for workshop, cards in workshops.items():
        texts, gold = [t for t, _ in cards], [g for _, g in cards]
        model = ThemeModel(te.CATALOGUE, embedder=te.make_embedder(name), keyword_weight=KEYWORDS,
                           min_similarity=threshold, max_themes=0)
        labels = model.fit_assign(texts)
        moves = alternatives(model, threshold)
        rows = {}
        for rule, params in rules(len(texts)).items():
            if params is None:
                pred = labels
            else:
                exempt = () if params.get("other") else (OTHER,)
                pred = fold_themes(labels, params["max_themes"], alternatives=moves if params.get("moved") else None,
                                   exempt=exempt).labels
            shown = len({p for p in pred if p not in (OTHER, FOLDED)})
            # the person's minutes under the same rule: their single-card themes and those beyond the limit
            # are single mentions too; FOLDED then has to match exactly
            gold_view = gold if params is None else fold_themes(gold, params["max_themes"],
                                                                  exempt=() if params.get("other") else (OTHER,)).labels
            right = theme_matches(gold, labels, fixed)
            shown_names = [own if p == FOLDED else p for p, own in zip(pred, labels)]  # minutes print it beside the card
            person = fold_themes(gold, params["max_themes"], exempt=() if params.get("other") else (OTHER,)).labels \
                if params else gold
            rows[rule] = {"themes": shown, "folded_cards": sum(p == FOLDED for p in pred),
                          "folded_right": sum(p == FOLDED and r for p, r in zip(pred, right)),
                          "accuracy": round(te.accuracy(gold, pred, fixed), 3),
                          "ceiling": round(te.accuracy(gold, person, fixed), 3),
                          "shown_accuracy": round(te.accuracy(gold, shown_names, fixed), 3),
                          "ari_folded_as_group": ari(gold, pred, False), "ari_folded_as_single": ari(gold, pred, True),
                          "minutes_accuracy": round(te.accuracy(gold_view, pred, fixed | {FOLDED}), 3),
                          "minutes_ari": ari(gold_view, pred, True)}
        out["workshops"][workshop] = {"cards": len(texts), "gold_themes": len(set(gold)), "rules": rows}
        print(f"\n{workshop}{' (held out)' if workshop == te.HELD_OUT else ''}: {len(texts)} cards, "
              f"{len(set(gold))} themes by the person, rule allows {max_themes_for(len(texts))}")
        print(f"  {'rule':46} themes folded right  acc  ceiling shown ARI(group) ARI(single) | minutes view: acc   ARI")
        for rule, r in rows.items():
            print(f"  {rule:46} {r['themes']:6d} {r['folded_cards']:6d} {r['folded_right']:5d}  {r['accuracy']:.3f}"
                  f" {r['ceiling']:.3f}  {r['shown_accuracy']:.3f}  {r['ari_folded_as_group']:.3f}"
                  f"      {r['ari_folded_as_single']:.3f}       |               {r['minutes_accuracy']:.3f} "
                  f"{r['minutes_ari']:.3f}")
    save("themes_folding" + ("-held-out" if args.held_out else ""), out)


if __name__ == "__main__":
    main()
