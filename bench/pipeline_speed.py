"""Speed and memory of the board-reading pipeline, as ratios measured in one run.

Prints a table and writes bench/results/pipeline_speed.json:
- time per stage for one 12 MP photo with 60 cards (load, detect, ocr, normalise, structure, themes);
  structure (cardscan.structure: marker headings read from the board, clusters, dot votes) reads
  the board page once more, so it is timed apart and counted in the pipeline;
- our OCR (the default engine PP-OCR, or `--ocr tesseract`: our preprocessing + one batched tesseract
  call) vs bare `tesseract -l deu` on the same crops (one process per crop, default settings, as a
  user would call it), and the whole pipeline vs bare; loading the OCR models once is timed apart;
- batch throughput with one worker vs both cores;
- peak memory (max RSS) of scanning that photo in a fresh process, and of tesseract; also the peak before the
  structure stage's page read (the memory peak; `api.read_photo` does it before the normaliser loads its
  tables) and the memory held when it starts.

    .venv/bin/python bench/pipeline_speed.py [--photos 6] [--cards 60] [--ocr tesseract]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402


def render(out: Path, seed: int, cards: int, size=(4000, 3000), tier="medium") -> Path:
    from PIL import Image

    from samples.generate import render_board

    rgb, truth = render_board(seed, tier, n_cards=cards, size=size)
    path = out / f"bench{seed}.jpg"
    Image.fromarray(rgb).save(path, quality=90)
    return path


def timed(fn, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - start


def bare_tesseract(crops, tmp: Path) -> float:
    """One `tesseract crop.png stdout -l deu` per crop, on the raw RGB crop."""
    import cv2

    paths = []
    for i, crop in enumerate(crops):
        p = tmp / f"bare{i:03d}.png"
        cv2.imwrite(str(p), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))
        paths.append(p)
    from cardscan._exec import tesseract

    start = time.perf_counter()
    for p in paths:
        tesseract.read_plain(p)
    return time.perf_counter() - start


PEAK_CODE = """
import re, resource, sys
import cardscan.structure as structure

def hwm_kb(): return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))
def rss_kb(): return int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1))
before = {}
read_board_page = structure.read_board_page
def watched_page_read(*args, **kwargs):
    before.update(hwm=hwm_kb(), rss=rss_kb())
    return read_board_page(*args, **kwargs)
structure.read_board_page = watched_page_read
from cardscan.api import scan_photo
s = scan_photo(sys.argv[1], ocr=sys.argv[2])
print(len(s.cards), hwm_kb(), before.get('hwm', 0), before.get('rss', 0),
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_memory(photo: Path, ocr: str | None) -> dict:
    """Peak memory of scanning the photo in a fresh process, and what it was before the board's page read
    (the peak): the high-water mark until then and the memory held when it starts."""
    # VmHWM, not ru_maxrss: a process started from this (big) benchmark inherits its ru_maxrss
    # across fork and exec, while VmHWM belongs to the new program alone.
    out = subprocess.run([sys.executable, "-c", PEAK_CODE, str(photo), ocr or ""], capture_output=True, text=True,
                         check=True)
    cards, self_kb, before_kb, held_kb, child_kb = map(int, out.stdout.split())
    return {"cards": cards, "python_peak_mb": self_kb / 1024, "peak_before_page_read_mb": before_kb / 1024,
            "held_when_page_read_starts_mb": held_kb / 1024, "tesseract_peak_mb": child_kb / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=6, help="photos for the throughput run")
    ap.add_argument("--cards", type=int, default=60)
    ap.add_argument("--ocr", default=None, help="OCR engine (default: cardscan's default, ppocr)")
    args = ap.parse_args()

    from cardscan.api import read_workshop
    from cardscan.detect import CardDetector
    from cardscan.load import load_photo
    from cardscan.normalise import normalise
    from cardscan.ocr import get_reader
    from cardscan.structure import find_structure
    from cardscan.themes import ThemeModel
    from cardscan.workshop import Card, Scan

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        photo_path = render(tmp, 1, args.cards)
        photo, t_load = timed(load_photo, photo_path)
        detected, t_detect = timed(CardDetector().detect, photo.rgb)
        crops = [d.crop for d in detected]
        reader = get_reader(args.ocr)
        _, t_ocr_load = timed(reader.read, crops[:1])  # loads the models (PP-OCR); Tesseract: one card
        readings, t_ocr = timed(reader.read, crops)
        _, t_norm = timed(lambda: [normalise(r.text) for r in readings])
        cards = [Card(id=f"bench-{i:03d}", photo=photo_path.name, polygon=[(int(x), int(y)) for x, y in d.polygon],
                      colour=d.colour, raw_text=r.text, text=r.text, confidence=r.confidence)
                 for i, (d, r) in enumerate(zip(detected, readings), start=1)]
        scan = Scan(image=photo_path.name, width=photo.width, height=photo.height, cards=cards)
        _, t_structure = timed(find_structure, photo.rgb, scan, reader=reader)
        model = ThemeModel()
        model.fit_assign(["Aufwärmen des Modells"] * 2)  # load the embedding model outside the timing
        _, t_themes = timed(model.fit_assign, [r.text for r in readings if r.text.strip()] or ["leer"])
        t_bare = bare_tesseract(crops, tmp)
        pipeline = t_load + t_detect + t_ocr + t_norm + t_structure
        results["one_photo"] = {
            "megapixels": photo.width * photo.height / 1e6, "cards_found": len(detected),
            "ocr_engine": getattr(reader, "name", str(args.ocr)), "ocr_first_card_with_model_load_s": t_ocr_load,
            "load_s": t_load, "detect_s": t_detect, "ocr_s": t_ocr, "normalise_s": t_norm,
            "structure_s": t_structure, "headings_found": len(scan.headings), "themes_s": t_themes,
            "bare_tesseract_same_crops_s": t_bare,
            "ratio_our_ocr_to_bare": t_ocr / t_bare,
            "ratio_pipeline_to_bare": pipeline / t_bare,
            "ratio_pipeline_with_themes_to_bare": (pipeline + t_themes) / t_bare,
        }
        photos = [photo_path] + [render(tmp, seed, args.cards // 2, size=(3000, 2250)) for seed in range(2, args.photos + 1)]
        _, t1 = timed(read_workshop, photos, themes=False, workers=1, ocr=args.ocr)
        _, t2 = timed(read_workshop, photos, themes=False, workers=2, ocr=args.ocr)
        results["batch"] = {"photos": len(photos), "one_worker_s": t1, "two_workers_s": t2,
                            "photos_per_min_1": 60 * len(photos) / t1, "photos_per_min_2": 60 * len(photos) / t2,
                            "speedup": t1 / t2}
        results["memory"] = peak_memory(photo_path, args.ocr)
    for section, figures in results.items():
        print(f"[{section}]")
        for key, value in figures.items():
            print(f"  {key:38s} {value:10.3f}" if isinstance(value, float) else f"  {key:38s} {value:>10}")
    save("pipeline_speed" + (f"-{args.ocr}" if args.ocr else ""), results)


if __name__ == "__main__":
    main()
