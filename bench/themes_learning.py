"""Why (c) does not beat (b) with the full catalogue: what the other workshops' corrections can add.

For each workshop of bench/data/themes-labelled.csv, trained on the cards of the *other* two (as in
bench/themes_eval.py (c)), with the default embedder e5+compounds and keywords on:
  - the learnt classifier on its own (char n-grams, + e5 vectors): how much it knows by itself;
  - cards where only it, or only the catalogue (b), is right;
  - ways of adding it to (b): its probability × weight, only where the catalogue is unsure (top-two
    margin < 0.05), and the corrected cards as extra catalogue examples;
  - the web page's case: the other workshops' corrections of (b) in one decisions file, read as this
    workshop's own (weight 0.4) or, with the workshop given, as earlier workshops' (ThemeModel(workshop=…)).
Exploratory: it prints a table and writes bench/results/themes_learning.json; nothing is tuned here.

Run:  .venv/bin/python bench/themes_learning.py
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import themes_eval as te  # noqa: E402
from _results import save  # noqa: E402
from cardscan.themes import OTHER, ThemeModel, load_catalogue  # noqa: E402
from cardscan.themes.learning import LearnedThemes  # noqa: E402

EMBEDDER, KEYWORDS = "e5+compounds", 0.15


def catalogue_scores(texts: list[str], catalogue) -> np.ndarray:
    model = ThemeModel(catalogue, embedder=te.make_embedder(EMBEDDER), keyword_weight=KEYWORDS, min_similarity=-10.0)
    model.fit_assign(texts)
    return model.scores_[:, :len(catalogue)]


def decide(scores: np.ndarray, names: list[str], threshold: float) -> list[str]:
    best = scores.argmax(axis=1)
    return [names[j] if scores[i, j] >= threshold else OTHER for i, j in enumerate(best)]


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    workshops = te.load_data()
    te.CATALOGUE = catalogue = load_catalogue()
    names = [t.name for t in catalogue]
    fixed = set(names)
    threshold = te.choose_threshold(EMBEDDER, workshops[te.DEV], KEYWORDS, fixed)
    out = {"embedder": EMBEDDER, "threshold": threshold, "workshops": {}}
    for workshop, cards in workshops.items():
        texts, gold = [t for t, _ in cards], [g for _, g in cards]
        others = [c for w, cs in workshops.items() if w != workshop for c in cs if c[1] in fixed]
        scores = catalogue_scores(texts, catalogue)
        guided = decide(scores, names, threshold)
        row = {"b_guided": te.accuracy(gold, guided, fixed)}
        for features in (None, "e5"):
            learned = LearnedThemes.fit(others, model=features)
            classes, proba = learned.proba(texts)
            alone = [classes[k] for k in proba.argmax(axis=1)]
            tag = features or "chars"
            row[f"learnt_alone_{tag}"] = te.accuracy(gold, alone, fixed)
            row[f"only_learnt_right_{tag}"] = sum(a == g != b for a, b, g in zip(alone, guided, gold))
            row[f"only_catalogue_right_{tag}"] = sum(b == g != a for a, b, g in zip(alone, guided, gold))
            belief = np.zeros_like(scores)
            for k, c in enumerate(classes):
                belief[:, names.index(c)] = proba[:, k]
            top = np.sort(scores, axis=1)
            unsure = (top[:, -1] - top[:, -2] < 0.05)[:, None]
            for weight in (0.05, 0.1, 0.2, 0.4):
                row[f"b+{weight}*p_{tag}"] = te.accuracy(gold, decide(scores + weight * belief, names, threshold), fixed)
                row[f"b+{weight}*p_unsure_{tag}"] = te.accuracy(
                    gold, decide(scores + weight * belief * unsure, names, threshold), fixed)
        by_theme: dict[str, list[str]] = {}
        for text, theme in others:
            by_theme.setdefault(theme, []).append(text)
        with_examples = [dataclasses.replace(t, examples=(*t.examples, *by_theme.get(t.name, []))) for t in catalogue]
        row["b_with_corrected_cards_as_examples"] = te.accuracy(
            gold, decide(catalogue_scores(texts, with_examples), names, threshold), fixed)
        # The web page keeps all workshops' decisions in one file: the other workshops' corrections of (b)
        # read as this workshop's own (as before 2026-11-30) or as earlier workshops' (workshop given).
        corrected = [(t, g, w) for w, cs in workshops.items() if w != workshop
                     for t, g in te.corrections_of(cs, te.guided(EMBEDDER, [t for t, _ in cs], KEYWORDS, threshold))]
        with tempfile.TemporaryDirectory() as tmp:
            store = te.corrections_file(corrected, Path(tmp))
            for label, given in (("one_file_as_own_decisions", None), ("one_file_workshop_given", workshop)):
                row[label] = te.accuracy(gold, te.guided(EMBEDDER, texts, KEYWORDS, threshold, corrections=store,
                                                         workshop=given), fixed)
        out["workshops"][workshop] = {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}
    keys = list(next(iter(out["workshops"].values())))
    print(f"{'':38}" + "".join(f"{w:>16}" for w in out["workshops"]))
    for key in keys:
        print(f"{key:38}" + "".join(f"{out['workshops'][w][key]:>16}" for w in out["workshops"]))
    save("themes_learning", out)


if __name__ == "__main__":
    main()
