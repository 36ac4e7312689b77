"""OCR quality on ground-truth card crops: cardscan's preprocessing + settings vs bare Tesseract.

Both read the very same crops, cut from the photo along the *true* card outline (so detection
errors do not count here; oval cards get their corners painted in paper colour, as the detector
does): bare = `tesseract crop.png stdout -l deu` on the RGB crop, as a user
would run it; cardscan = `TesseractReader` (polarity, flattening, ink-only binarisation, pins painted
out, up to three grey images per card and the best-scored reading kept, scaling to
a good letter height, block layout with a sparse-text retry, domain word list). Character and word
error rates per font (held-out fonts marked), per font and tier, per font and tier on the tuned
shapes (rect, oval) apart from the held-out one (round), per tier and overall; the relative
CER reduction is the figure issue #3 asks for (goal ≥ 30 %).

`--engines tesseract,ppocr` reads the crops with each named engine (cardscan.ocr.get_reader) and
prints one CER column per engine; "better" compares the first one with bare Tesseract.

    .venv/bin/python bench/ocr_quality.py PHOTO_DIR [--limit 400] [--engines tesseract,ppocr]
    # PHOTO_DIR: photos with *.truth.json, e.g. from `python -m samples.generate /tmp/evalset`
Writes bench/results/ocr_quality.json.

`--real` reads real photos' notes instead (issue 15): the true polygons of bench/data/real/*.truth.json,
cut from the photos in PHOTO_DIR (default $CARDSCAN_REAL_PHOTOS or /work/realphotos; the photos are not
committed), so reading is measured apart from detection. Whole notes with text only; "dev" and
"heldout" are never pooled (never tune on held-out). Per split and per colour: case-insensitive CER,
the share of notes read exactly (case and line breaks aside; and once more after cardscan.normalise
on both sides), notes whose lines came out in the right number, and notes with writing read as empty.

    .venv/bin/python bench/ocr_quality.py --real [PHOTO_DIR] [--engines ppocr] [--show]
Writes bench/results/ocr_real.json.

`--degraded` (with --real, dev only: never on held-out) reads the dev notes of the colours held-out
photos lost (rosa, hellgrün, orange, gelb; every third one) once more under each of a set of conditions
built in code from the crops, the ways notes on far-off or poorly lit photos look: shrunk, blurred,
dimmed, warm light, ink faded towards the paper, thin pens, grain, JPEG, and some together. Per condition:
notes read empty, CER, seconds; `--second-chance off` reads without `PPOCRReader`'s second chance
for empty cards (cardscan.ocr.fallback), to compare. `--conditions a,b` picks some.

    .venv/bin/python bench/ocr_quality.py --real --degraded [--second-chance off] [--conditions small0.22]
Writes bench/results/ocr_degraded.json (ocr_degraded_off.json without the second chance).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _real import REAL_TRUTH, SPLITS, real_photos_dir  # noqa: E402
from _results import save  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("photos", type=Path, nargs="?")
    parser.add_argument("--limit", type=int, default=400, help="at most this many cards (default 400)")
    parser.add_argument("--engines", default=None,
                        help="OCR engines to compare with bare Tesseract, comma-separated (default ppocr,tesseract; "
                             "with --real: ppocr)")
    parser.add_argument("--real", action="store_true", help="real photos' notes (bench/data/real), see above")
    parser.add_argument("--split", choices=SPLITS, help="with --real: only this split")
    parser.add_argument("--show", action="store_true", help="with --real: print every note's reading")
    parser.add_argument("--truth", type=Path, default=REAL_TRUTH, help="with --real: folder of *.truth.json")
    parser.add_argument("--degraded", action="store_true", help="with --real: dev notes under degraded conditions")
    parser.add_argument("--conditions", default=None, help="with --degraded: only these conditions, comma-separated")
    parser.add_argument("--second-chance", choices=("on", "off"), default="on",
                        help="with --degraded: the reader's second chance for empty cards")
    args = parser.parse_args(argv)
    if args.real and args.degraded:
        return degraded_main(args)
    if args.real:
        return real_main(args)
    if args.photos is None:
        parser.error("PHOTO_DIR fehlt")
    args.engines = args.engines or "ppocr,tesseract"
    return synthetic_main(args)


def synthetic_main(args: argparse.Namespace) -> int:
    import cv2
    import numpy as np

    from cardscan._exec import tesseract
    from cardscan.detect import blank_outside_ellipse
    from cardscan.geometry import rectify
    from cardscan.evaluate import char_errors, flat_text, load_truths, word_errors
    from cardscan.load import load_photo
    from cardscan.ocr import get_reader
    from samples.generate import HELD_OUT_SHAPES

    crops, truths = [], []
    for name, truth in sorted(load_truths(args.photos).items()):
        rgb = load_photo(args.photos / name).rgb
        for card in truth["cards"]:
            crops.append(rectify(rgb, np.asarray(card["polygon"], np.float32)))
            truths.append({**card, "tier": truth["tier"]})
            if len(crops) >= args.limit:
                break
        if len(crops) >= args.limit:
            break
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    # the detector paints an oval card's corners in paper colour before OCR; do the same here
    ours_crops = [crop if t["shape"] == "rect" else blank_outside_ellipse(crop) for crop, t in zip(crops, truths)]
    ours: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}
    for engine in engines:
        reader = get_reader(engine)
        reader.read(ours_crops[:1])  # load the models outside the timing
        start = time.perf_counter()
        ours[engine] = [r.text for r in reader.read(ours_crops)]
        seconds[engine] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, crop in enumerate(crops):
            paths.append(Path(tmp) / f"crop{i:04d}.png")
            cv2.imwrite(str(paths[-1]), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
        start = time.perf_counter()
        bare = [tesseract.read_plain(p) for p in paths]
        t_bare = time.perf_counter() - start

    tallies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    for i, (truth, bare_text) in enumerate(zip(truths, bare)):
        text = flat_text(truth["text"])
        split = "heldout" if truth.get("font_split") == "heldout" else "tune"
        shapes = "heldout" if truth["shape"] in HELD_OUT_SHAPES else "tune"
        for key in ("overall", f"tier={truth['tier']}", f"font={truth['font']} ({split})",
                    f"font={truth['font']} ({split}) tier={truth['tier']}",
                    f"font={truth['font']} ({split}) tier={truth['tier']} shapes={shapes}",
                    f"font={truth['font']} ({split}) shapes={shapes}",
                    f"fonts={split}", f"shape={truth['shape']}", f"fonts={split} shapes={shapes}"):
            t = tallies[key]
            for engine, got in [("bare", bare_text)] + [(e, ours[e][i]) for e in engines]:
                row = t[engine]
                row[0] += char_errors(got, truth["text"])
                row[1] += len(text)
                row[2] += word_errors(got, truth["text"])
                row[3] += len(text.split())
                row[4] += 1
    result = {"photos": str(args.photos), "cards": len(crops), "engines": engines, "seconds_bare": t_bare,
              **{f"seconds_{e}": seconds[e] for e in engines}, "groups": {}}
    print(f"{len(crops)} ground-truth crops; time bare {t_bare:.1f} s, "
          + ", ".join(f"{e} {seconds[e]:.1f} s (ratio {seconds[e] / t_bare:.2f})" for e in engines) + "\n")
    print(f"{'':46}{'cards':>7}{'CER bare':>10}" + "".join(f"{'CER ' + e[:5]:>11}" for e in engines)
          + f"{'better':>8}{'WER bare':>10}" + "".join(f"{'WER ' + e[:5]:>11}" for e in engines))
    for key in sorted(tallies, key=lambda k: (k != "overall", k)):
        rows = tallies[key]
        cer = {e: rows[e][0] / max(rows[e][1], 1) for e in rows}
        wer = {e: rows[e][2] / max(rows[e][3], 1) for e in rows}
        better = (cer["bare"] - cer[engines[0]]) / cer["bare"] if cer["bare"] else 0.0
        result["groups"][key] = {"cards": rows["bare"][4], "cer_bare": cer["bare"], "wer_bare": wer["bare"],
                                 **{f"cer_{e}": cer[e] for e in engines}, **{f"wer_{e}": wer[e] for e in engines},
                                 "relative_cer_reduction": better}
        print(f"{key:46}{rows['bare'][4]:>7}{cer['bare']:>10.3f}" + "".join(f"{cer[e]:>11.3f}" for e in engines)
              + f"{better:>8.0%}{wer['bare']:>10.3f}" + "".join(f"{wer[e]:>11.3f}" for e in engines))
    save("ocr_quality", result)
    return 0


def real_notes(photos: Path, truths: Path, split: str | None) -> list[dict]:
    """Every whole note with text (not null) of the real truth files, with its rectified crop."""
    import json

    import numpy as np

    from cardscan.geometry import rectify
    from cardscan.load import load_photo

    notes = []
    for path in sorted(truths.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if split and truth.get("split", "dev") != split:
            continue
        image = photos / truth["image"]
        if not image.exists():
            print(f"  {image} fehlt, übersprungen")
            continue
        rgb = load_photo(image).rgb
        for card in truth["cards"]:
            if card.get("text") is None or not card.get("whole", True):
                continue
            notes.append({"photo": path.name.removesuffix(".truth.json"), "id": card["id"],
                          "split": truth.get("split", "dev"), "colour": card.get("colour", "?"),
                          "text": card["text"], "crop": rectify(rgb, np.asarray(card["polygon"], np.float32))})
    return notes


def real_main(args: argparse.Namespace) -> int:
    from rapidfuzz.distance import Levenshtein

    from cardscan.evaluate import flat_text
    from cardscan.normalise import normalise
    from cardscan.ocr import get_reader

    photos = args.photos or real_photos_dir()
    notes = real_notes(photos, args.truth, args.split)
    engines = [name.strip() for name in (args.engines or "ppocr").split(",") if name.strip()]

    def folded(text: str) -> str:
        return flat_text(text).casefold()

    result: dict = {"photos": str(photos), "notes": len(notes), "engines": {}}
    for engine in engines:
        reader = get_reader(engine)
        start = time.perf_counter()
        got = [r.text for r in reader.read([n["crop"] for n in notes])]
        seconds = time.perf_counter() - start
        tallies: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        rows = []
        for note, text in zip(notes, got):
            truth = note["text"]
            errors = Levenshtein.distance(folded(text), folded(truth))
            exact = folded(text) == folded(truth)
            exact_norm = folded(normalise(text).text) == folded(normalise(truth).text)
            lines_right = len(text.splitlines()) == len(truth.splitlines())
            empty = bool(truth.strip()) and not text.strip()
            rows.append({"photo": note["photo"], "id": note["id"], "split": note["split"], "colour": note["colour"],
                         "truth": truth, "read": text, "char_errors": errors, "exact": exact})
            for key in (note["split"], f"{note['split']} colour={note['colour']}", f"{note['split']} photo={note['photo']}"):
                t = tallies[key]
                t["notes"] += 1
                t["errors"] += errors
                t["chars"] += len(folded(truth))
                t["exact"] += exact
                t["exact_normalised"] += exact_norm
                t["multi_line"] += len(truth.splitlines()) > 1
                t["lines_right"] += lines_right
                t["multi_lines_right"] += lines_right and len(truth.splitlines()) > 1
                t["with_writing"] += bool(truth.strip())
                t["empty"] += empty
        groups = {}
        print(f"\n{engine}: {len(notes)} notes read in {seconds:.1f} s")
        print(f"{'':38}{'notes':>6}{'CER':>8}{'exact':>8}{'ex.norm':>8}{'lines':>8}{'multi':>8}{'empty':>7}")
        for key in sorted(tallies, key=lambda k: (k.split()[0] != "dev", len(k.split()) > 1, k)):
            t = tallies[key]
            g = {"notes": int(t["notes"]), "cer": t["errors"] / max(t["chars"], 1),
                 "exact": t["exact"] / t["notes"], "exact_normalised": t["exact_normalised"] / t["notes"],
                 "lines_right": t["lines_right"] / t["notes"],
                 "multi_line_notes": int(t["multi_line"]),
                 "multi_lines_right": t["multi_lines_right"] / t["multi_line"] if t["multi_line"] else None,
                 "with_writing": int(t["with_writing"]), "empty_reads": int(t["empty"])}
            groups[key] = g
            multi = f"{g['multi_lines_right']:>8.2f}" if g["multi_lines_right"] is not None else f"{'-':>8}"
            print(f"{key:38}{g['notes']:>6}{g['cer']:>8.3f}{g['exact']:>8.2f}{g['exact_normalised']:>8.2f}"
                  f"{g['lines_right']:>8.2f}{multi}{g['empty_reads']:>7}")
        if args.show:
            for row in rows:
                if not row["exact"]:
                    print(f"  {row['split']:7} {row['photo']}#{row['id']} {row['colour']:10} "
                          f"{flat_text(row['truth'])!r} -> {row['read']!r}")
        result["engines"][engine] = {"seconds": seconds, "groups": groups, "notes": rows}
    save("ocr_real", result)
    return 0


def _conditions() -> dict:
    """Name -> function(rgb crop) -> degraded crop; each deterministic."""
    import cv2
    import numpy as np

    def shrunk(f):
        return lambda c: cv2.resize(c, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)

    def blurred(s):
        return lambda c: cv2.GaussianBlur(c, (0, 0), s)

    def dimmed(f):
        return lambda c: np.clip(c.astype(np.float32) * f, 0, 255).astype(np.uint8)

    def warm(c):
        return np.clip(c.astype(np.float32) * np.array([1.0, 0.85, 0.6]), 0, 255).astype(np.uint8)

    def faded(a):  # ink moved towards the paper colour (the crop's median)
        def fade(c):
            paper = np.median(c.reshape(-1, 3), axis=0)
            return np.clip(paper + (c.astype(np.float32) - paper) * a, 0, 255).astype(np.uint8)
        return fade

    def thin(c):  # a thinner pen: dark strokes eroded
        k = max(3, (min(c.shape[:2]) // 60) | 1)
        return cv2.dilate(c, np.ones((k, k), np.uint8))

    def grain(c):
        return np.clip(c + np.random.default_rng(0).normal(0, 12, c.shape), 0, 255).astype(np.uint8)

    def jpeg(c):
        return cv2.imdecode(cv2.imencode(".jpg", c, [cv2.IMWRITE_JPEG_QUALITY, 30])[1], 1)

    def both(*fs):
        def apply(c):
            for f in fs:
                c = f(c)
            return c
        return apply

    return {"small0.5": shrunk(0.5), "small0.33": shrunk(0.33), "small0.22": shrunk(0.22), "blur1.5": blurred(1.5),
            "blur3.0": blurred(3.0), "dim0.5": dimmed(0.5), "warm": warm, "faded0.4": faded(0.4),
            "faded0.25": faded(0.25), "thin": thin, "grain": grain, "jpeg30": jpeg,
            "small0.4+blur1.0": both(shrunk(0.4), blurred(1.0)), "dim0.55+warm+faded0.5": both(dimmed(0.55), warm, faded(0.5)),
            "small0.4+faded0.4": both(shrunk(0.4), faded(0.4)), "thin+faded0.5": both(thin, faded(0.5)),
            "small0.33+dim0.6+warm": both(shrunk(0.33), dimmed(0.6), warm),
            "blur2.0+faded0.5+grain": both(blurred(2.0), faded(0.5), grain)}


def degraded_main(args: argparse.Namespace) -> int:
    """Dev notes under degraded conditions (see the module's text); never held-out."""
    from rapidfuzz.distance import Levenshtein

    from cardscan.evaluate import flat_text
    from cardscan.ocr import get_reader

    notes = [n for n in real_notes(args.photos or real_photos_dir(), args.truth, "dev")
             if n["colour"] in ("rosa", "hellgrün", "orange", "gelb")][::3]
    conditions = _conditions()
    names = [c.strip() for c in args.conditions.split(",")] if args.conditions else list(conditions)
    reader = get_reader("ppocr", second_chance=args.second_chance == "on")
    reader.read([notes[0]["crop"]])  # load the models outside the timing
    result: dict = {"notes": len(notes), "second_chance": args.second_chance, "conditions": {}}
    print(f"{len(notes)} dev notes (rosa, hellgrün, orange, gelb; every third), second chance {args.second_chance}")
    print(f"{'':26}{'empty':>7}{'of text':>9}{'CER':>8}{'s':>7}")
    for name in names:
        crops = [conditions[name](n["crop"]) for n in notes]
        start = time.perf_counter()
        got = [r.text for r in reader.read(crops)]
        seconds = time.perf_counter() - start
        errors = chars = 0
        empty = []
        for note, text in zip(notes, got):
            truth = flat_text(note["text"]).casefold()
            errors += Levenshtein.distance(flat_text(text).casefold(), truth)
            chars += len(truth)
            if truth and not text.strip():
                empty.append(f"{note['photo']}#{note['id']}")
        blank_read = [f"{n['photo']}#{n['id']}" for n, t in zip(notes, got) if not n["text"].strip() and t.strip()]
        result["conditions"][name] = {"empty": empty, "blank_read_as_text": blank_read, "cer": errors / max(chars, 1),
                                      "seconds": seconds}
        print(f"{name:26}{len(empty):>7}{sum(bool(n['text'].strip()) for n in notes):>9}{errors / max(chars, 1):>8.3f}"
              f"{seconds:>7.1f}  {' '.join(empty[:6])}{'  blank read: ' + ' '.join(blank_read) if blank_read else ''}",
              flush=True)
    save("ocr_degraded" + ("_off" if args.second_chance == "off" else ""), result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
