"""Whiteboard mode: how well each OCR engine reads generated whiteboard photos, line by line.

Each photo is a light board with 3–6 lines of marker writing (texts of samples/card_texts.txt, one
font of samples/fonts.txt per board, held-out fonts included and marked), a slight tilt, uneven
light, blur, noise and JPEG. `cardscan.api.scan_photo(mode="whiteboard")` reads it with each engine;
the raw lines, top to bottom, are scored against the truth: character error rate of all lines
joined, and the share of boards whose line count is right. Prints a table and writes
bench/results/whiteboard_quality.json.

    .venv/bin/python bench/whiteboard_quality.py [--boards 21] [--engines ppocr,tesseract]
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

from _results import save  # noqa: E402

INKS = [(25, 25, 30), (20, 50, 150), (170, 30, 30), (20, 110, 50)]  # black, blue, red, green marker


def render_whiteboard(seed: int, font, size=(3000, 2000)):
    """A whiteboard photo with its lines of writing; returns (rgb, lines)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from samples.generate import card_texts

    rng = np.random.default_rng(seed)
    texts = card_texts()
    lines = [texts[i].replace("|", " ") for i in rng.choice(len(texts), size=int(rng.integers(3, 7)), replace=False)]
    board = Image.new("RGB", size, tuple(int(v) for v in rng.integers(228, 246, 3)))
    layer = Image.new("L", size, 0)
    draw = ImageDraw.Draw(layer)
    font_size = int(rng.integers(60, 100))
    pil_font = ImageFont.truetype(font.path, font_size)
    if font.style == "caps":
        lines = [line.upper() for line in lines]
    y = int(rng.integers(120, 260))
    for line in lines:
        draw.text((int(rng.integers(120, 400)), y), line, font=pil_font, fill=255)
        y += int(font_size * rng.uniform(1.6, 2.1))
    layer = layer.rotate(float(rng.uniform(-3, 3)), resample=Image.BICUBIC, center=(size[0] / 2, size[1] / 2))
    ink = Image.new("RGB", size, INKS[int(rng.integers(len(INKS)))])
    board.paste(ink, (0, 0), layer)
    rgb = np.asarray(board.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 2.0))))).astype(np.float32)
    xs = np.linspace(0, 1, size[0])[None, :, None]
    rgb *= 1.0 - float(rng.uniform(0.1, 0.3)) * (xs if rng.random() < 0.5 else 1 - xs)  # light from one side
    rgb += rng.normal(0, float(rng.uniform(2, 6)), rgb.shape[:2] + (1,))
    return np.clip(rgb, 0, 255).astype(np.uint8), lines


def main(argv: list[str] | None = None) -> int:
    from PIL import Image

    from cardscan.api import scan_photo
    from cardscan.evaluate import char_errors, flat_text
    from cardscan.exceptions import NoCardsFound
    from samples.generate import list_fonts

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boards", type=int, default=21, help="photos (default 21: three per font)")
    parser.add_argument("--engines", default="ppocr,tesseract")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    fonts = list_fonts()
    tallies: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0.0]))
    with tempfile.TemporaryDirectory() as tmp:
        boards = []
        for i in range(args.boards):
            font = fonts[i % len(fonts)]
            rgb, lines = render_whiteboard(7000 + i, font)
            path = Path(tmp) / f"tafel{i:02d}.jpg"
            Image.fromarray(rgb).save(path, quality=88)
            boards.append((path, font, lines))
        for engine in engines:
            scan_photo(boards[0][0], mode="whiteboard", ocr=engine)  # models loaded outside the timing
            for path, font, lines in boards:
                start = time.perf_counter()
                try:
                    got = [card.raw_text for card in scan_photo(path, mode="whiteboard", ocr=engine).cards]
                except NoCardsFound:
                    got = []
                seconds = time.perf_counter() - start
                truth = "\n".join(lines)
                for key in ("overall", f"font={font.id} ({font.split})", f"fonts={font.split}"):
                    row = tallies[key][engine]
                    row[0] += char_errors("\n".join(got), truth)
                    row[1] += len(flat_text(truth))
                    row[2] += len(got) == len(lines)
                    row[3] += 1
                    row[4] += seconds
    result = {"boards": args.boards, "engines": engines, "groups": {}}
    print(f"{'':32}{'boards':>7}" + "".join(f"{'CER ' + e[:5]:>11}{'lines ok':>9}{'s/photo':>9}" for e in engines))
    for key in sorted(tallies, key=lambda k: (k != "overall", k)):
        rows = tallies[key]
        result["groups"][key] = {e: {"cer": r[0] / max(r[1], 1), "line_count_right": r[2] / r[3],
                                     "seconds_per_photo": r[4] / r[3]} for e, r in rows.items()}
        print(f"{key:32}{rows[engines[0]][3]:>7}" + "".join(
            f"{rows[e][0] / max(rows[e][1], 1):>11.3f}{rows[e][2] / rows[e][3]:>9.0%}{rows[e][4] / rows[e][3]:>9.2f}"
            for e in engines))
    save("whiteboard_quality", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
