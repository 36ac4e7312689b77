"""Dense boards, fast: time and peak memory of reading a 12 MP photo with 150-200 notes (issue 15).

Each measurement runs in a fresh child process (so one model load or one big photo cannot hide
in another's figures) and reports the child's own peak resident memory (VmHWM, threads of the OCR
runtime included) and the seconds for detection and for OCR. Not ru_maxrss: Linux keeps it across
fork and exec, so a child started from a parent that had rendered a 12 MP board reported the
parent's 1.3 GB for a 1024x768 photo.

    .venv/bin/python bench/dense_speed.py [--cards 170] [--photos /work/realphotos]

Targets: the dense 12 MP board read in ≤ 60 s on two cores, peak memory ≤ 1.5 GB: detect + OCR, and the
whole `scan_photo` (normalisation and the structure stage included, models loaded) in its own process.
It also reads a small (1024x768) and a large (4476x2972) real photo, if the folder of real photos is
there, to show where memory goes on each. Writes bench/results/dense_speed.json.

Why a 1024x768 photo "peaked at 1.1 GB, more than a 4476x2972 one": measured per process with
VmHWM it does not (2026-12-03, two cores shared with other sessions: 1024x768 chore board 112 MB
after detection, 369 MB with PP-OCR; 4476x2972 kanban board 210 MB / 418 MB). Detection works on
a copy of at most 1400-2000 px whatever the photo's size, and PP-OCR's memory is its model plus
one crop at a time. A figure like 1.1 GB is what ru_maxrss shows: Linux carries a process's peak
across fork and exec, so a reader started from (or a pool worker forked off) a parent that held a
big photo or the models reports the parent's peak; the first run of this bench showed 1338 MB for
every photo, the parent's, for that reason. Hence VmHWM here.

What did cost memory was detection on dense boards: every candidate region kept a full-size mask
(3 MB at 2000x1500), and with several passes a 170-note wall held over 250 of them (902 MB);
later passes now drop regions where earlier ones found something before making their masks.
Dense 12 MP board, 170 notes: 163 found, detection 13.1 s, OCR 48.2 s (61 s in all, at the
60 s target on a shared machine; OCR is four fifths of it), peak 634 MB (target 1.5 GB).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402

PRELUDE = r"""
import json, re, sys, time
def hwm():  # this process's own peak (VmHWM); ru_maxrss would carry the parent's peak across fork+exec
    return round(int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024)
sys.path.insert(0, {root!r})
"""

CHILD = PRELUDE + r"""
from cardscan.detect import CardDetector
from cardscan.load import load_photo
photo = load_photo({path!r})
t0 = time.perf_counter()
cards = CardDetector().detect(photo.rgb)
t_detect = time.perf_counter() - t0
peak_detect = hwm()
t_ocr = 0.0
if {ocr!r} != "none":
    from cardscan.ocr import get_reader
    reader = get_reader({ocr!r})
    t0 = time.perf_counter()
    readings = reader.read([c.crop for c in cards])
    t_ocr = time.perf_counter() - t0
crop_px = sorted((c.crop.shape[0] * c.crop.shape[1] for c in cards), reverse=True)
print(json.dumps(dict(width=photo.width, height=photo.height, cards=len(cards), seconds_detect=round(t_detect, 2),
                      seconds_ocr=round(t_ocr, 2), peak_mb_after_detect=peak_detect,
                      peak_mb=hwm(),
                      largest_crops_px=crop_px[:3])))
"""


WHOLE_SCAN = PRELUDE + r"""
t0 = time.perf_counter()
from cardscan.api import scan_photo
scan = scan_photo({path!r})
print(json.dumps(dict(cards=len(scan.cards), headings=len(scan.headings), seconds=round(time.perf_counter() - t0, 2),
                      peak_mb=hwm())))
"""


def run_child(code: str) -> dict:
    """Run a measuring script in a fresh process (two OCR threads); the JSON of its last line, or its error."""
    env = dict(os.environ, OMP_NUM_THREADS="2")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_whole_scan(path: Path) -> dict:
    """What a user waits for: `scan_photo` (detect, OCR, normalise, structure, models loaded) in a fresh
    process; seconds and peak memory. The structure stage's page read is the memory peak."""
    return run_child(WHOLE_SCAN.format(root=str(ROOT), path=str(path)))


def measure(path: Path, ocr: str) -> dict:
    """Detect (and read) one photo in a fresh process; its times and peak memory."""
    return run_child(CHILD.format(root=str(ROOT), path=str(path), ocr=ocr))


def dense_board(folder: Path, cards: int, seed: int) -> tuple[Path, int]:
    """A generated 12 MP (4000x3000) board with `cards` notes; its path and true card count."""
    from PIL import Image

    from samples.generate import render_board

    rgb, truth = render_board(seed, "medium", n_cards=cards, size=(4000, 3000))
    path = folder / f"dense-{cards}.jpg"
    Image.fromarray(rgb).save(path, quality=90)
    return path, len(truth["cards"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=170)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ocr", default="ppocr")
    ap.add_argument("--photos", default=os.environ.get("CARDSCAN_REAL_PHOTOS", "/work/realphotos"))
    args = ap.parse_args(argv)
    out: dict = {"ocr": args.ocr}
    with tempfile.TemporaryDirectory() as tmp:
        path, n_true = dense_board(Path(tmp), args.cards, args.seed)
        r = measure(path, args.ocr)
        r["true_cards"] = n_true
        out["dense"] = r
        print(f"dense 12 MP, {n_true} notes: {r}", flush=True)
        whole = measure_whole_scan(path)
        out["dense_whole_scan"] = whole
        print(f"dense 12 MP, {n_true} notes, whole scan_photo: {whole}", flush=True)
    photos = Path(args.photos)
    for name in ("datascope-postit-4.jpg", "datascope-postit-2.jpg"):  # 1024x768 and 4476x2972, both dev photos
        if (photos / name).is_file():
            for ocr in ("none", args.ocr):
                r = measure(photos / name, ocr)
                out[f"{name} ocr={ocr}"] = r
                print(f"{name} ocr={ocr}: {r}", flush=True)
    save("dense_speed", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
