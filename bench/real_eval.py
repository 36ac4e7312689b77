"""Score cardscan on real photos against hand-made ground truth, dev and held-out apart.

Why a separate bench: the generated boards are what cardscan was built on, so they flatter it; real
phone photos of sticky-note boards (white doors, whiteboards, warm light, square notes) are the
measure (issue 15). The photos themselves carry no licence that allows committing them, so they stay
outside the repository (``--photos``, default ``$CARDSCAN_REAL_PHOTOS`` or /work/realphotos); the
ground truth ``bench/data/real/<stem>.truth.json`` (format: samples/*.truth.json plus split, whole,
cluster, headings, not_cards) is committed.

Scoring is ``cardscan eval``'s (cardscan.evaluate: Evaluation, match; IoU ≥ 0.5, one-to-one),
per photo and per split; "dev" and "heldout" are never pooled, so a figure tuned on dev cannot pass
for a held-out one. By default only whole notes count: a note cut by the image border or mostly
covered is neither required nor, when found, a false card (``--partial`` counts them). Notes whose
text no human can read (text null) count for detection only. Beyond ``cardscan eval`` it counts

- degenerate outlines: not four corners, not convex, crossed, triangle-like (a corner ≥ 160° or a
  side under 15 % of the longest) or filling under 80 % of its min-area rectangle; cards cut in half
  by a crossed or triangular outline are what made the crops hold half a note's text;
- false cards, and how many of them lie on a marked ``not_cards`` thing (sign, door panel, magnet);
- detection (and reading) time per photo.

    .venv/bin/python bench/real_eval.py [--photos DIR] [--ocr ppocr|tesseract|none] [--split dev]

``--ocr none`` scores detection only (text figures are then left out). Writes bench/results/real_eval.json.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from _real import REAL_TRUTH, SPLITS, real_photos_dir  # noqa: E402
from _results import save  # noqa: E402


@dataclass
class PhotoResult:
    """One photo's figures beside cardscan.evaluate's report."""

    image: str
    split: str
    true_cards: int
    predicted: int
    matched: int
    false_cards: int
    false_on_not_cards: int
    degenerate: int
    degenerate_kinds: dict[str, int]
    seconds_detect: float
    seconds_ocr: float
    report: dict


def score_photo(path: Path, truth: dict, reader, partial: bool) -> tuple[PhotoResult, object, dict]:
    """Detect (and read) one photo, and score it; returns the result, the Scan and the truth used."""
    from cardscan.detect import CardDetector
    from cardscan.evaluate import Evaluation, match, polygon_iou
    from cardscan.geometry import quad_faults
    from cardscan.load import load_photo
    from cardscan.workshop import Card, Scan

    photo = load_photo(path)
    t0 = time.perf_counter()
    detected = CardDetector().detect(photo.rgb)
    t_detect = time.perf_counter() - t0
    t0 = time.perf_counter()
    texts = [r.text for r in reader.read([d.crop for d in detected])] if reader is not None else [""] * len(detected)
    t_ocr = time.perf_counter() - t0
    cards = [Card(id=f"{path.stem}-{i:02d}", photo=photo.name, colour=d.colour, raw_text=text,
                  polygon=[(float(x), float(y)) for x, y in d.polygon])
             for i, (d, text) in enumerate(zip(detected, texts), start=1)]
    scored = dict(truth)
    kept_truth = [c for c in truth["cards"] if partial or c.get("whole", True)]
    if not partial:  # a found partial note is neither required nor false
        partial_polys = [c["polygon"] for c in truth["cards"] if not c.get("whole", True)]
        whole_polys = [c["polygon"] for c in kept_truth]
        on_whole = {i for i, _, _ in match([c.polygon for c in cards], whole_polys)}
        on_partial = {i for i, _, _ in match([c.polygon for c in cards], partial_polys)} - on_whole
        cards = [c for i, c in enumerate(cards) if i not in on_partial]
    pairs = {j: i for i, j, _ in match([c.polygon for c in cards], [c["polygon"] for c in kept_truth])}
    truth_cards = []
    for j, t in enumerate(kept_truth):
        t = dict(t)
        if t.get("text") is None or reader is None:  # unreadable (or not read): detection only
            t["text"] = ""
            if j in pairs:
                cards[pairs[j]].raw_text = ""
        truth_cards.append(t)
    scored["cards"] = truth_cards
    scan = Scan(image=photo.name, width=photo.width, height=photo.height, cards=cards)
    evaluation = Evaluation()
    evaluation.add_photo(scan, scored)
    matched_pred = set(pairs.values())
    false = [c for i, c in enumerate(cards) if i not in matched_pred]
    not_cards = [n["polygon"] for n in truth.get("not_cards", [])]
    on_not = sum(1 for c in false if any(polygon_iou(c.polygon, n) > 0.1 for n in not_cards))
    kinds: dict[str, int] = {}
    degenerate = 0
    for c in cards:
        faults = quad_faults(c.polygon)
        degenerate += bool(faults)
        for f in faults:
            kinds[f] = kinds.get(f, 0) + 1
    result = PhotoResult(image=photo.name, split=truth.get("split", "dev"), true_cards=len(truth_cards),
                         predicted=len(cards), matched=len(pairs), false_cards=len(false), false_on_not_cards=on_not,
                         degenerate=degenerate, degenerate_kinds=kinds, seconds_detect=round(t_detect, 2),
                         seconds_ocr=round(t_ocr, 2), report=evaluation.report()["overall"])
    return result, scan, scored


def draw_overlay(path: Path, scan, truth: dict, folder: Path) -> None:
    """Truth (green) and found outlines (red, numbered) over the photo, to see what went wrong."""
    import cv2

    from cardscan.load import load_photo

    folder.mkdir(parents=True, exist_ok=True)
    bgr = cv2.cvtColor(load_photo(path).rgb, cv2.COLOR_RGB2BGR)
    width = max(2, round(max(bgr.shape[:2]) / 600))
    for t in truth["cards"]:
        cv2.polylines(bgr, [np.asarray(t["polygon"], np.int32)], True, (0, 200, 0), width)
    for k, c in enumerate(scan.cards):
        poly = np.asarray(c.polygon, np.int32)
        cv2.polylines(bgr, [poly], True, (0, 0, 255), width)
        cv2.putText(bgr, str(k), tuple(int(v) for v in poly.mean(axis=0)), cv2.FONT_HERSHEY_SIMPLEX,
                    width * 0.4, (255, 0, 0), width)
    cv2.imwrite(str(folder / f"{path.stem}.png"), bgr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--photos", default=str(real_photos_dir()))
    ap.add_argument("--truth", default=str(REAL_TRUTH))
    ap.add_argument("--ocr", default="ppocr", help="OCR engine, or 'none' for detection only")
    ap.add_argument("--split", choices=SPLITS, help="score only this split")
    ap.add_argument("--only", nargs="*", help="photo stems to score (e.g. datascope-postit-1)")
    ap.add_argument("--partial", action="store_true", help="count partial notes (whole=false) too")
    ap.add_argument("--out", default="real_eval", help="name of the result file in bench/results/")
    ap.add_argument("--draw", help="folder for overlays (truth green, found red: matched thin, false thick)")
    args = ap.parse_args(argv)

    from cardscan.evaluate import Evaluation, format_table, load_truths

    photos = Path(args.photos)
    if not photos.is_dir():
        print(f"real_eval: Fotoordner {photos} nicht gefunden (--photos oder CARDSCAN_REAL_PHOTOS setzen)",
              file=sys.stderr)
        return 2
    truths = load_truths(args.truth)
    if not truths:
        print(f"real_eval: {args.truth}: keine *.truth.json-Dateien gefunden", file=sys.stderr)
        return 2
    reader = None
    if args.ocr != "none":
        from cardscan.ocr import get_reader

        reader = get_reader(args.ocr)
    by_split = {s: Evaluation() for s in SPLITS}
    results: list[PhotoResult] = []
    for name, truth in sorted(truths.items()):
        split = truth.get("split", "dev")
        if args.split and split != args.split or args.only and Path(name).stem not in args.only:
            continue
        path = photos / name
        if not path.is_file():
            print(f"real_eval: {path} fehlt, übersprungen", file=sys.stderr)
            continue
        result, scan, scored = score_photo(path, truth, reader, args.partial)
        by_split.setdefault(split, Evaluation()).add_photo(scan, scored)
        results.append(result)
        if args.draw:
            draw_overlay(path, scan, scored, Path(args.draw))
        r = result.report
        print(f"{split:8s} {name:26s} true {result.true_cards:4d}  found {result.predicted:4d}  "
              f"P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  IoU {r['mean_iou']:.2f}  "
              f"false {result.false_cards:3d} (on not_cards {result.false_on_not_cards})  "
              f"degenerate {result.degenerate:2d}  {result.seconds_detect:6.1f}s"
              + (f" + OCR {result.seconds_ocr:.1f}s" if reader else ""), flush=True)
    out = {"photos": str(photos), "ocr": args.ocr, "partial": args.partial, "splits": {}, "per_photo": []}
    for split, evaluation in by_split.items():
        mine = [r for r in results if r.split == split]
        if not mine:
            continue
        report = evaluation.report()
        if reader is None:  # nothing was read: text figures would be meaningless
            for key in ("cer", "cer_incl_missed", "wer"):
                report["overall"].pop(key, None)
        summary = {"overall": report["overall"], "photos": len(mine),
                   "false_cards": sum(r.false_cards for r in mine),
                   "false_on_not_cards": sum(r.false_on_not_cards for r in mine),
                   "degenerate": sum(r.degenerate for r in mine),
                   "seconds_detect": round(sum(r.seconds_detect for r in mine), 2),
                   "seconds_ocr": round(sum(r.seconds_ocr for r in mine), 2)}
        out["splits"][split] = summary
        print(f"\n== {split} ({len(mine)} photos; held-out figures are never tuned on)" if split == "heldout"
              else f"\n== {split} ({len(mine)} photos)")
        if reader is not None:
            print(format_table(report, keys=()))
        o = report["overall"]
        print(f"cards {o['cards']}  P {o['precision']:.3f}  R {o['recall']:.3f}  F1 {o['f1']:.3f}  "
              f"colour {o['colour_accuracy']:.3f}  false {summary['false_cards']}  "
              f"degenerate {summary['degenerate']}  detect {summary['seconds_detect']:.1f}s")
    out["per_photo"] = [r.__dict__ for r in results]
    save(args.out, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
