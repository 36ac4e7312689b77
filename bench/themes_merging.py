"""Fold or merge themes for minutes? Strategies on the labelled workshops, chosen leaving one workshop out.

Each workshop of bench/data/themes-labelled.csv is themed once as bench/themes_eval.py's (b) does
(default embedder, keywords on, threshold chosen on the DEV workshop kiez-a), with no limit. Then every
strategy brings the same labels within the card-count rule (cardscan.themes.folding.max_themes_for):
- "fold": the largest themes stay, single cards and the rest go to "Weitere Nennungen" (what minutes do);
- "merge": the closest themes (centroid cosine of the card vectors: the model's, ThemeModel.vectors_, or
  e5's alone) are merged until the limit is met (only pairs at least ``merge`` close; "smallest": the
  smallest theme goes to its nearest rather than the closest pair overall; the merged theme keeps the
  larger one's name), then folded; "join": a folded card joins its nearest kept theme if its cosine to
  that theme's centroid is at least this, else it stays a single mention.
Figures per workshop: themes shown, cards in "Weitere Nennungen"; accuracy against the person's labels
(as themes_eval counts it) with its "ceiling" (the best any strategy within the limit could reach: the
share of cards in the person's largest themes); accuracy of the cards listed under a theme (not under
"Weitere Nennungen"); "minutes view": accuracy against the person's labels folded by the same rule (their
own minutes under the limit); the adjusted Rand index with "Weitere Nennungen" as single mentions (they
are listed, not grouped; what the choice uses) and, beside it, as one group.

Not tried: merging along the catalogue's parent topics. models/themes.yaml has none, and parents
written now, after seeing which themes fold, could only be scored against labels mapped to those same
parents: a measurement made to fit.

Choosing: leave one workshop out among verstetigung, kiez-a and verstetigung-2: the setting with the best
sum of accuracy and ARI over the other two is scored on the one left out. Every workshop is shown with the
best setting of each kind (closest pair, smallest first, join, …) as chosen on the three together.
kiez-b is held out: it is themed only with --held-out. --score CSV themes other labelled workshops (for
instance ones where people used few themes) with the same settings, without choosing anything on them.

Run:  .venv/bin/python bench/themes_merging.py [--held-out] [--score labels.csv]   (bench/results/themes_merging*.json)
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import Counter
from typing import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import themes_eval as te  # noqa: E402
from _results import save  # noqa: E402
from cardscan.themes import OTHER, ThemeModel, load_catalogue  # noqa: E402
from cardscan.themes.folding import FOLDED, fold_themes, max_themes_for  # noqa: E402

KEYWORDS = 0.15
CHOSEN_FROM = ["verstetigung", te.DEV, te.SERIES]
GRID = {"merge": (None, 0.0, 0.5, 0.6, 0.65, 0.7, 0.75), "smallest": (False, True),
        "join": (None, 0.6, 0.65, 0.7, 0.75, 0.8), "vectors": ("model", "e5")}


# ---- the merging tried here (measured worse than folding, so it stays in this script) ------------------
def _centroid(vectors: np.ndarray, members: list[int]) -> np.ndarray:
    mean = vectors[members].mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def merge_themes(labels: Sequence[str | None], vectors: np.ndarray, max_themes: int | None = None, *,
                 merge_similarity: float = 0.0, join_similarity: float | None = None, min_cards: int = 2,
                 exempt: Sequence[str] = (), protected: Sequence[str] = (), smallest_first: bool = False) -> list[str | None]:
    """Merge the closest themes (centroid cosine ≥ ``merge_similarity``) until at most ``max_themes`` themes
    of ``min_cards`` cards or more are left; fold the rest; a folded card joins its closest kept theme
    if the cosine to its centroid is ``join_similarity`` or more.

    ``vectors``: one unit-length row per label (rows of None labels are ignored). ``max_themes`` None: by
    the number of labelled cards (``max_themes_for``); 0: no limit. ``exempt``: neither counted nor merged
    ("Sonstiges"). ``protected``: themes a person decided, never merged into another (others may join them).
    ``smallest_first``: merge the smallest theme into its closest one rather than the closest pair overall.
    The merged theme keeps the larger theme's name (ties: the one seen first).
    """
    labels = list(labels)
    if max_themes is None:
        max_themes = max_themes_for(sum(label is not None for label in labels))
    skip = set(exempt) | {FOLDED}
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        if label is not None and label not in skip:
            groups.setdefault(label, []).append(i)
    merged: dict[str, str] = {}
    if max_themes:
        _merge_closest(groups, vectors, max_themes, merge_similarity, min_cards, set(protected), smallest_first, merged)
    renamed = [_final(label, merged) for label in labels]
    folding = fold_themes(renamed, max_themes, min_cards=min_cards, exempt=exempt)
    out = list(folding.labels)
    if join_similarity is not None and folding.kept:
        kept = folding.kept
        centroids = np.stack([_centroid(vectors, [i for i, label in enumerate(out) if label == theme]) for theme in kept])
        for i, (before, after) in enumerate(zip(renamed, out)):
            if after == FOLDED and before != FOLDED:
                similarity = centroids @ vectors[i]
                best = int(similarity.argmax())
                if similarity[best] >= join_similarity:
                    out[i] = kept[best]
    return out


def _final(label: str | None, merged: dict[str, str]) -> str | None:
    while label in merged:
        label = merged[label]
    return label


def _merge_closest(groups: dict[str, list[int]], vectors: np.ndarray, limit: int, floor: float, min_cards: int,
                   protected: set[str], smallest_first: bool, merged: dict[str, str]) -> None:
    """Merge in place until ``limit`` themes of ``min_cards`` or more remain or no pair is ``floor`` close."""
    order = {label: k for k, label in enumerate(groups)}
    while True:
        themes = [label for label, members in groups.items() if len(members) >= min_cards]
        if len(themes) <= limit:
            return
        centroids = np.stack([_centroid(vectors, groups[t]) for t in themes])
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        movable = np.array([t not in protected for t in themes])
        if smallest_first:
            sizes = Counter({t: len(groups[t]) for t in themes})
            candidates = [k for k in sorted(range(len(themes)), key=lambda k: (sizes[themes[k]], -order[themes[k]]))
                          if movable[k]]
            pairs = [(k, int(similarity[k].argmax())) for k in candidates[:1]]
        else:
            allowed = np.where(movable[:, None] | movable[None, :], similarity, -np.inf)
            a, b = np.unravel_index(int(allowed.argmax()), allowed.shape)
            pairs = [(int(a), int(b))]
        if not pairs or similarity[pairs[0]] < floor or not np.isfinite(similarity[pairs[0]]):
            return
        a, b = pairs[0]
        big, small = _ranked(themes[a], themes[b], groups, order, protected)
        groups[big] = groups[big] + groups.pop(small)
        merged[small] = big


def _ranked(a: str, b: str, groups: dict[str, list[int]], order: dict[str, int],
            protected: set[str]) -> tuple[str, str]:
    """Which of two themes gives its name: a person's, else the larger, else the one seen first."""
    def rank(label: str):
        return (label in protected, len(groups[label]), -order[label])

    return (a, b) if rank(a) >= rank(b) else (b, a)

# ---- the measurement ------------------------------------------------------------------------------
def ari(gold: list[str], pred: list[str], folded_as_singles: bool = True) -> float:
    from sklearn.metrics import adjusted_rand_score

    if folded_as_singles:
        pred = [f"{FOLDED} {i}" if p == FOLDED else p for i, p in enumerate(pred)]
    return round(float(adjusted_rand_score(gold, pred)), 3)


def ceiling(gold: list[str], limit: int) -> float:
    sizes = Counter(gold)
    return round(sum(n for _, n in sizes.most_common(limit)) / len(gold), 3)


def apply(setting: dict, labels: list[str], vectors: dict[str, np.ndarray]) -> list[str]:
    if setting["merge"] is None and setting["join"] is None:
        return fold_themes(labels, exempt=(OTHER,)).labels
    floor = setting["merge"] if setting["merge"] is not None else 2.0  # 2.0: nothing is that close
    return merge_themes(labels, vectors[setting["vectors"]], merge_similarity=floor, join_similarity=setting["join"],
                        exempt=(OTHER,), smallest_first=setting["smallest"])


def settings() -> list[dict]:
    out = []
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(GRID, values))
        if setting["merge"] is None and setting["smallest"]:
            continue  # smallest_first only matters when merging
        if setting["merge"] is None and setting["join"] is None and setting["vectors"] != "model":
            continue
        out.append(setting)
    return out


def name(setting: dict) -> str:
    if setting["merge"] is None and setting["join"] is None:
        return "fold (old default)"
    parts = [] if setting["merge"] is None else [f"merge≥{setting['merge']}" + (" smallest" if setting["smallest"] else "")]
    parts += [] if setting["join"] is None else [f"join≥{setting['join']}"]
    return ", ".join(parts) + f" [{setting['vectors']}]"


def figures(gold: list[str], pred: list[str], fixed: set[str]) -> dict:
    listed = [k for k, p in enumerate(pred) if p != FOLDED]
    gold_view = fold_themes(gold, exempt=(OTHER,)).labels
    return {"themes": len(set(pred) - {OTHER, FOLDED, None}), "folded": sum(p == FOLDED for p in pred),
            "accuracy": round(te.accuracy(gold, pred, fixed), 3),
            "accuracy_listed": round(te.accuracy([gold[k] for k in listed], [pred[k] for k in listed], fixed), 3),
            "minutes_view": round(te.accuracy(gold_view, pred, fixed | {FOLDED}), 3), "ari": ari(gold, pred),
            "ari_folded_as_group": ari(gold, pred, folded_as_singles=False)}


def theme_workshop(cards: list[tuple[str, str]], threshold: float) -> tuple[list[str], dict[str, np.ndarray]]:
    texts = [t for t, _ in cards]
    model = ThemeModel(te.CATALOGUE, embedder=te.make_embedder(te.QUICK[0]), keyword_weight=KEYWORDS,
                       min_similarity=threshold, max_themes=0)
    labels = model.fit_assign(texts)
    return labels, {"model": model.vectors_, "e5": te.make_embedder("e5").encode(texts)}


def objective(row: dict) -> float:
    return row["accuracy"] + row["ari"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help=f"also score {te.HELD_OUT} with the settings chosen")
    parser.add_argument("--score", metavar="CSV", type=Path,
                        help="labelled cards of other workshops (columns workshop, text, theme): scored with the "
                             "settings chosen here, never used to choose them")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    workshops = te.load_data()
    te.CATALOGUE = load_catalogue()
    fixed = {t.name for t in te.CATALOGUE}
    threshold = te.choose_threshold(te.QUICK[0], workshops[te.DEV], KEYWORDS, fixed)
    scored_only = [te.HELD_OUT] if args.held_out else []
    if args.score:
        te.DATA = args.score
        extra = te.load_data()
        workshops.update({f"{w} (scored only)": cards for w, cards in extra.items()})
        scored_only += [f"{w} (scored only)" for w in extra]
    names = CHOSEN_FROM + scored_only
    grid = settings()
    table = {w: score_all(workshops[w], threshold, grid, fixed) for w in names}
    out = {"threshold": threshold, "grid": GRID, "workshops": {}, "leave_one_out": {}}
    for w in names:
        gold = [g for _, g in workshops[w]]
        limit = max_themes_for(len(gold))
        out["workshops"][w] = {"cards": len(gold), "gold_themes": len(set(gold)), "limit": limit,
                               "ceiling": ceiling(gold, limit), "rows": table[w]}
    for left in CHOSEN_FROM:
        best = max((name(s) for s in grid), key=lambda n: sum(objective(table[w][n]) for w in CHOSEN_FROM if w != left))
        out["leave_one_out"][left] = {"chosen": best, "figures": table[left][best],
                                      "fold": table[left]["fold (old default)"], "none": table[left]["none"]}
    summed = {n: {"accuracy": sum(table[w][n]["accuracy"] for w in CHOSEN_FROM),
                  "ari": sum(table[w][n]["ari"] for w in CHOSEN_FROM)} for n in table[CHOSEN_FROM[0]]}
    out["chosen_on_all_three"] = best_of_each_family(summed)
    report(out, names)
    save("themes_merging" + ("-scored" if scored_only else ""), out)


def score_all(cards: list[tuple[str, str]], threshold: float, grid: list[dict], fixed: set[str]) -> dict[str, dict]:
    """Theme the workshop once, then bring the labels within the limit by every setting of the grid."""
    gold = [g for _, g in cards]
    labels, vectors = theme_workshop(cards, threshold)
    rows = {"none": figures(gold, labels, fixed)}
    rows.update({name(s): figures(gold, apply(s, labels, vectors), fixed) for s in grid})
    return rows


def family(label: str) -> str:
    """Which kind of strategy a row is: closest pair / smallest first / join only, with or without join."""
    if label in ("none", "fold (old default)"):
        return label
    kind = "smallest" if "smallest" in label else "merge" if label.startswith("merge") else "join"
    return kind + (" + join" if "join" in label and kind != "join" else "") + (" e5" if "[e5]" in label else "")


def best_of_each_family(rows: dict[str, dict]) -> list[str]:
    best: dict[str, str] = {}
    for label in sorted(rows, key=lambda n: -objective(rows[n])):
        best.setdefault(family(label), label)
    return list(best.values())


def report(out: dict, names: list[str]) -> None:
    """Per workshop: no limit, folding, and the best setting of each kind as chosen on the three workshops
    together (so a workshop's own best, which would be tuned on it, is not shown)."""
    families = out["chosen_on_all_three"]
    for w in names:
        info = out["workshops"][w]
        rows = info["rows"]
        print(f"\n{w}{' (HELD OUT)' if w == te.HELD_OUT else ''}: {info['cards']} cards, person {info['gold_themes']} "
              f"themes, limit {info['limit']}, accuracy ceiling within the limit {info['ceiling']:.3f}")
        for n in families:
            r = rows[n]
            print(f"  {n:42} themes {r['themes']:2d} folded {r['folded']:2d}  acc {r['accuracy']:.3f} (listed "
                  f"{r['accuracy_listed']:.3f}, minutes view {r['minutes_view']:.3f})  ARI {r['ari']:.3f}"
                  f" (folded as one group {r['ari_folded_as_group']:.3f})")
    print("\nleave one out (chosen on the other two, scored on the one left out):")
    for left, r in out["leave_one_out"].items():
        f, o = r["figures"], r["fold"]
        print(f"  {left:15} {r['chosen']:42} acc {f['accuracy']:.3f} ARI {f['ari']:.3f} themes {f['themes']}"
              f" | fold: acc {o['accuracy']:.3f} ARI {o['ari']:.3f} themes {o['themes']}")
    print("best of each kind on all three, best first:", ", ".join(families[:3]), "…")


if __name__ == "__main__":
    main()
