"""How well do themes match what a person would say? Labelled cards in, a table and JSON out.

Data: bench/data/themes-labelled.csv (workshop, text, theme; rules in bench/data/themes-labelling.md).
Four "workshops": verstetigung (the real group summary; the catalogue was first written from this
text, so it is *seen*), kiez-a (samples, the DEV set: thresholds are chosen on it), kiez-b
(samples, HELD OUT: nothing is tuned on it) and verstetigung-2 (a follow-up workshop whose cards
restate verstetigung's in other words: the case where earlier corrections have something to teach).

For every embedding/lexical combination (embedder × keyword bonus on/off) and workshop:
  (a) unsupervised   KMeans on the card vectors with k = the number of gold themes (an oracle k)
  (b) guided         ThemeModel with the catalogue (nearest theme, the rest clustered/discovered)
  (c) guided+learnt  as (b) plus what train_from_corrections learnt from the corrections of the
                     *other* workshops: the cards (b) put under another theme than the person's, with
                     the person's theme (as a facilitator corrects). "all" beside it: every card of the
                     other workshops decided by a person. ThemeModel's settings for this (memory_*,
                     learned_weight) were chosen with --choose-learning: leave one workshop out among
                     the three that are not held out
  (m) minutes       as (b), folded as minutes show it (max_themes="auto", cardscan.themes.folding: single
                     cards and themes beyond the limit for the number of cards become "Weitere Nennungen");
                     (a)–(c) are run with max_themes=0 (the default), so they measure the assignment itself
Metrics: accuracy (catalogue names must match exactly; discovered themes and clusters are matched
one-to-one to the remaining gold themes, Hungarian), adjusted Rand index, NMI; for (m) also the themes
shown, the ARI with "Weitere Nennungen" counted as single mentions (bench/themes_folding.py) and the accuracy
of the cards listed under a theme (not under "Weitere Nennungen"). Folding against merging: bench/themes_merging.py.

Why (m) has more than one accuracy: counted strictly, a card under "Weitere Nennungen" is wrong however right
its theme, and the person's own labels folded by the same rule stay below 1 ("ceiling"); the minutes print
each folded card's theme beside it, so "shown" is the accuracy of the names a reader sees
(cardscan.themes.scoring says why all of them are reported).

kiez-b (HELD OUT) is left out of the run unless --held-out is given: print it once, at the end of a piece of
work, and report it marked HELD-OUT.

Run:  .venv/bin/python bench/themes_eval.py [--quick] [--without field] [--choose-learning] [--held-out]
      (writes bench/results/themes_eval*.json)
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402
from cardscan.embed import PRETRAINED, get_embedder  # noqa: E402
from cardscan.themes import OTHER, ThemeModel, load_catalogue, train_from_corrections  # noqa: E402

DATA = ROOT / "bench" / "data" / "themes-labelled.csv"
CACHE = ROOT / ".cache" / "embeddings"
DEV, HELD_OUT = "kiez-a", "kiez-b"
SERIES = "verstetigung-2"  # a second workshop on the same question: cards restate those of "verstetigung"
EMBEDDERS = ["tfidf", "lemmas", "compounds", "minilm", "use", "e5", "tfidf+compounds", "minilm+compounds",
             "use+compounds", "e5+lemmas", "e5+compounds"]
QUICK = ["e5+compounds"]
# Handlungsfelder of the Soziale Stadt programme that the labelling rules first left to discovery
# (themes-labelling.md, rule 9) and that the catalogue has since gained: `--without` them measures
# how well cards on topics a catalogue lacks are discovered and learnt.
FIELD_THEMES_ADDED_LATER = ["Wohnen & Mieten", "Bildung & Sprache", "Gesundheit & Sport", "Nachbarschaftshilfe",
                            "Integration & Vielfalt", "Soziale Beratung"]


def load_data() -> dict[str, list[tuple[str, str]]]:
    workshops: dict[str, list[tuple[str, str]]] = {}
    with open(DATA, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(row for row in handle if not row.startswith("#")):
            workshops.setdefault(row["workshop"], []).append((row["text"], row["theme"]))
    return workshops


def accuracy(gold: list[str], pred: list[str], fixed: set[str]) -> float:
    """cardscan.themes.scoring.theme_accuracy: exact for catalogue names (``fixed``) and "Sonstiges"; other
    predicted labels (discovered themes, clusters) are matched one-to-one to the gold labels that are not
    catalogue names; "Weitere Nennungen" is never matched to another name."""
    from cardscan.themes.scoring import theme_accuracy

    return theme_accuracy(gold, pred, fixed)


def scores(gold, pred, fixed) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {"accuracy": round(accuracy(gold, pred, fixed), 3), "ari": round(float(adjusted_rand_score(gold, pred)), 3),
            "nmi": round(float(normalized_mutual_info_score(gold, pred)), 3)}


CATALOGUE = None  # the theme list in use: all of models/themes.yaml, or it minus --without


def make_embedder(name: str):
    return get_embedder(name, cache_dir=CACHE, extra_words=[w for t in CATALOGUE for w in " ".join(t.keywords).split()])


def unsupervised(name: str, texts: list[str], k: int) -> list[str]:
    from sklearn.cluster import KMeans

    embedder = make_embedder(name)
    if embedder.fitted_on_corpus:
        embedder.fit(texts)
    vectors = embedder.encode(texts)
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)
    return [f"cluster {label}" for label in labels]


def guided(name: str, texts: list[str], keyword_weight: float, threshold: float | None, learned=None,
           **params) -> list[str]:
    model = ThemeModel(CATALOGUE, embedder=make_embedder(name), keyword_weight=keyword_weight,
                       min_similarity=threshold, learned=learned, **{"max_themes": 0, **params})
    return model.fit_assign(texts)


def minutes_scores(gold: list[str], pred: list[str], own: list[str], fixed: set[str]) -> dict:
    """(m): the usual scores of the folded labels ``pred``, the number of themes shown, the ARI with folded
    cards as single mentions, and (cardscan.themes.scoring.folding_scores, from each card's own theme
    ``own``) how many folded cards had the person's theme, the ceiling (the person's labels folded by the
    same rule, counted strictly) and the theme name the minutes show with each card (section or beside it)."""
    from cardscan.themes import FOLDED
    from cardscan.themes.scoring import folding_scores

    listed = [k for k, p in enumerate(pred) if p != FOLDED]
    folded = folding_scores(gold, own, None, fixed)
    return {**scores(gold, pred, fixed), "themes": len(set(pred) - {FOLDED, OTHER}),
            "ari_single_mentions": folded.ari_single_mentions,
            # the cards listed under a theme, not under "Weitere Nennungen": are the themes shown right?
            "accuracy_listed": round(accuracy([gold[k] for k in listed], [pred[k] for k in listed], fixed), 3),
            "listed": len(listed), "folded_right": folded.folded_right, "ceiling": folded.ceiling,
            "shown_accuracy": folded.shown_accuracy}


def best_scores(name: str, texts: list[str], keyword_weight: float) -> np.ndarray:
    model = ThemeModel(CATALOGUE, embedder=make_embedder(name), keyword_weight=keyword_weight, min_similarity=-10.0)
    model.fit_assign(texts)
    return model.scores_.max(axis=1)


def choose_threshold(name: str, dev: list[tuple[str, str]], keyword_weight: float, fixed: set[str]) -> float:
    """The threshold with the best guided accuracy on the DEV workshop; candidates are quantiles of the
    cards' best scores there (0 % = everything to the catalogue … 30 % = the weakest 30 % rest)."""
    texts, gold = [t for t, _ in dev], [g for _, g in dev]
    best = best_scores(name, texts, keyword_weight)
    candidates = sorted({round(float(np.quantile(best, q)), 4) for q in (0.0, 0.05, 0.1, 0.2, 0.3)})
    results = []
    for threshold in candidates:
        pred = guided(name, texts, keyword_weight, threshold)
        results.append((accuracy(gold, pred, fixed), -threshold, threshold))
    return max(results)[2]


def corrections_file(cards: list[tuple], folder: Path) -> Path:
    """The decisions as record_correction writes them: (text, theme) or (text, theme, workshop) each."""
    path = folder / "korrekturen.json"
    items = [{"text": card[0], "theme": card[1], **({"workshop": card[2]} if len(card) > 2 else {})} for card in cards]
    path.write_text(json.dumps({"version": 1, "corrections": items}, ensure_ascii=False), encoding="utf-8")
    return path


def dense_part(name: str) -> str | None:
    first = name.split("+")[0]
    return first if first in PRETRAINED else None


def corrections_of(cards: list[tuple[str, str]], predicted: list[str]) -> list[tuple[str, str]]:
    """What a facilitator corrects after (b): the cards it put under another theme than the person's."""
    return [(text, theme) for (text, theme), got in zip(cards, predicted) if got != theme]


def learn(tmp: Path, key: str, decided: list[tuple[str, str]], name: str) -> Path:
    """train_from_corrections on these decisions, as the web page and `cardscan learn` do."""
    folder = tmp / key
    return train_from_corrections(corrections_file(decided, tmp), folder, model=dense_part(name))


# ThemeModel's settings for what other workshops' corrections teach, tried by --choose-learning.
LEARNING_GRID = {"memory_similarity": (0.85, 0.9, 0.95), "memory_weight": (0.2, 0.5, 1.0),
                 "learned_weight": (0.0, 0.05, 0.1, 0.2)}


def choose_learning(name: str, workshops: dict, keyword_weight: float, threshold: float, tmp: Path) -> dict:
    """Leave one workshop out among all but the held-out one: each is themed with the corrections of the
    other two, for every setting in LEARNING_GRID; the settings with the best accuracy over their cards
    win. The held-out workshop takes no part, so the defaults are not tuned on it."""
    import itertools

    chosen = [w for w in workshops if w != HELD_OUT]
    corrected = {w: corrections_of(workshops[w], guided(name, [t for t, _ in workshops[w]], keyword_weight, threshold))
                 for w in chosen}
    learnt = {w: learn(tmp, f"choose-{w}-{name}-{keyword_weight}", [c for o in chosen if o != w for c in corrected[o]],
                       name) for w in chosen}
    baseline = sum(len(workshops[w]) - len(corrected[w]) for w in chosen)
    results = []
    for values in itertools.product(*LEARNING_GRID.values()):
        params = dict(zip(LEARNING_GRID, values))
        right = 0
        for w in chosen:
            texts, gold = [t for t, _ in workshops[w]], [g for _, g in workshops[w]]
            predicted = guided(name, texts, keyword_weight, threshold, learned=learnt[w], **params)
            right += sum(p == g for p, g in zip(predicted, gold))
        results.append({**params, "right": right})
        print(f"  choose: {params} right {right} (b: {baseline}) of {sum(len(workshops[w]) for w in chosen)}", flush=True)
    best = max(results, key=lambda r: (r["right"], -r["memory_weight"], -r["learned_weight"], r["memory_similarity"]))
    print("  chosen:", best, flush=True)
    return {"workshops": chosen, "guided_right": baseline, "grid": results, "best": best}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only " + ", ".join(QUICK))
    parser.add_argument("--choose-learning", action="store_true",
                        help="first try the settings of LEARNING_GRID, leaving one workshop out (not " + HELD_OUT + ")")
    parser.add_argument("--held-out", action="store_true",
                        help=f"also the held-out workshop {HELD_OUT} (print it once, at the end of a piece of work)")
    parser.add_argument("--without", default="", metavar="THEMA,THEMA",
                        help="leave these catalogue themes out, so their cards measure discovery; 'field' = the six "
                             "Handlungsfelder added after labelling (results go to themes_eval-without.json)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    workshops = load_data()
    if not args.held_out:
        workshops.pop(HELD_OUT)
    shown = [ws for ws in (HELD_OUT, "verstetigung", DEV, SERIES) if ws in workshops]
    global CATALOGUE
    left_out = set(FIELD_THEMES_ADDED_LATER) if args.without == "field" else \
        {name.strip() for name in args.without.split(",") if name.strip()}
    CATALOGUE = [theme for theme in load_catalogue() if theme.name not in left_out]
    unknown = left_out - {theme.name for theme in load_catalogue()}
    if unknown:
        parser.error(f"not in the catalogue: {', '.join(sorted(unknown))}")
    fixed = {t.name for t in CATALOGUE}
    combos = [(name, kw) for name in (QUICK if args.quick else EMBEDDERS) for kw in (0.0, 0.15)]
    out = {"data": {w: len(c) for w, c in workshops.items()}, "dev": DEV, "held_out": HELD_OUT,
           "catalogue": sorted(fixed), "learning": {k: getattr(ThemeModel(), k) for k in LEARNING_GRID}, "results": []}
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, kw in combos:
            threshold = choose_threshold(name, workshops[DEV], kw, fixed)
            if args.choose_learning:
                out.setdefault("choose_learning", {})[f"{name} kw={kw}"] = choose_learning(name, workshops, kw, threshold, tmp)
            guided_pred = {w: guided(name, [t for t, _ in cards], kw, threshold) for w, cards in workshops.items()}
            corrected = {w: corrections_of(cards, guided_pred[w]) for w, cards in workshops.items()}
            row = {"embedder": name, "keywords": kw > 0, "threshold": threshold, "workshops": {},
                   "corrections": {w: len(c) for w, c in corrected.items()}}
            for workshop, cards in workshops.items():
                texts, gold = [t for t, _ in cards], [g for _, g in cards]
                others = [w for w in workshops if w != workshop]
                learnt = learn(tmp, f"{workshop}-{name}-{kw}", [c for w in others for c in corrected[w]], name)
                learnt_all = learn(tmp, f"{workshop}-{name}-{kw}-all", [c for w in others for c in workshops[w]], name)
                row["workshops"][workshop] = {
                    "a_unsupervised": scores(gold, unsupervised(name, texts, len(set(gold))), set()),
                    "b_guided": scores(gold, guided_pred[workshop], fixed),
                    "c_learnt": scores(gold, guided(name, texts, kw, threshold, learned=learnt), fixed),
                    "c_every_card_decided": scores(gold, guided(name, texts, kw, threshold, learned=learnt_all), fixed),
                    "m_minutes": minutes_scores(gold, guided(name, texts, kw, threshold, max_themes="auto"),
                                                guided_pred[workshop], fixed),
                }
            w = row["workshops"]
            total = sum(len(cards) for cards in workshops.values())
            row["pooled_accuracy"] = {part: round(sum(w[ws][part]["accuracy"] * len(workshops[ws]) for ws in w) / total, 3)
                                      for part in w[DEV]}
            row["pooled_accuracy_listed_m"] = round(sum(w[ws]["m_minutes"]["accuracy_listed"] * w[ws]["m_minutes"]["listed"]
                                                        for ws in w) / sum(w[ws]["m_minutes"]["listed"] for ws in w), 3)
            row["gold_themes"] = {ws: len({g for _, g in workshops[ws]}) for ws in w}
            out["results"].append(row)
            print(f"{name:>18} kw={'on ' if kw else 'off'} th={threshold:6.3f} | "
                  + " | ".join(f"{ws}: a {w[ws]['a_unsupervised']['accuracy']:.2f}/{w[ws]['a_unsupervised']['ari']:.2f}"
                               f" b {w[ws]['b_guided']['accuracy']:.2f}/{w[ws]['b_guided']['ari']:.2f}"
                               f" c {w[ws]['c_learnt']['accuracy']:.2f}/{w[ws]['c_learnt']['ari']:.2f}"
                               f" (all {w[ws]['c_every_card_decided']['accuracy']:.2f})"
                               for ws in shown), flush=True)
            print(f"{'minutes (m)':>18} {'':13} | "
                  + " | ".join(f"{ws}: {w[ws]['m_minutes']['accuracy']:.2f}/{w[ws]['m_minutes']['ari']:.2f}"
                               f" ({w[ws]['m_minutes']['ari_single_mentions']:.2f}; listed "
                               f"{w[ws]['m_minutes']['accuracy_listed']:.2f}; ceiling {w[ws]['m_minutes']['ceiling']:.2f},"
                               f" shown {w[ws]['m_minutes']['shown_accuracy']:.2f}), {w[ws]['m_minutes']['themes']}"
                               f" themes (person: {row['gold_themes'][ws]})"
                               for ws in shown), flush=True)
    out["seconds"] = round(time.time() - started, 1)
    print("\nacc/ARI per workshop; a = KMeans (oracle k), b = guided by the catalogue, c = b + what the other "
          "workshops' corrections taught (all = every card there decided). Thresholds chosen on", DEV, "only;",
          HELD_OUT, "is held out. m = b folded for minutes: acc/ARI (ARI with \"Weitere Nennungen\" as single "
          "mentions), themes shown.")
    for row in out["results"]:
        print(f"pooled accuracy over all {sum(out['data'].values())} cards, {row['embedder']}, "
              f"keywords {'on' if row['keywords'] else 'off'}: "
              + ", ".join(f"{part} {value:.3f}" for part, value in row["pooled_accuracy"].items())
              + f"; m, cards listed under a theme: {row['pooled_accuracy_listed_m']:.3f}")
    out["left_out"] = sorted(left_out)
    save("themes_eval" + ("-without" if left_out else "") + ("-quick" if args.quick else "")
         + ("-held-out" if args.held_out else ""), out)


if __name__ == "__main__":
    main()
