"""Check and look at the real-photo ground truth (bench/data/real/*.truth.json).

Why this exists: the truth files were drawn by hand, and anyone who corrects one should re-run the
same checks that were run before each commit: the photo has the stated size, each polygon has 4
points inside the image, is convex and runs clockwise, ids are unique, colours are palette names,
and clusters name a heading. The overlay shows the polygons numbered on a pixel grid, so an outline
can be compared with the photo by eye.

    python bench/data/real/annotate_tools.py check [--photos DIR]
    python bench/data/real/annotate_tools.py overlay datascope-postit-1 /tmp/overlay.png [--scale 0.5]

The photos folder is --photos, else $CARDSCAN_REAL_PHOTOS, else /work/realphotos.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIRED = ("image", "width", "height", "source", "licence", "split", "tier", "board", "light", "cards", "headings")


@dataclass
class Problem:
    """One thing wrong in one truth file."""

    file: str
    what: str


def photos_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("CARDSCAN_REAL_PHOTOS") or "/work/realphotos")


def _clockwise_convex(poly: list[list[float]]) -> bool:
    """Image y points down, so a clockwise turn has a positive cross product at every corner."""
    turns = []
    for i in range(4):
        (ax, ay), (bx, by), (cx, cy) = poly[i], poly[(i + 1) % 4], poly[(i + 2) % 4]
        turns.append((bx - ax) * (cy - by) - (by - ay) * (cx - bx))
    return all(t > 0 for t in turns)


def check_file(path: Path, photos: Path) -> list[Problem]:
    from PIL import Image, ImageOps

    sys.path.insert(0, str(HERE.parents[2]))
    from cardscan.colour import COLOUR_NAMES

    name = path.name
    truth = json.loads(path.read_text(encoding="utf-8"))
    problems = [Problem(name, f"field {key!r} missing") for key in REQUIRED if key not in truth]
    width, height = truth["width"], truth["height"]
    photo = photos / truth["image"]
    if photo.exists():
        size = ImageOps.exif_transpose(Image.open(photo)).size
        if size != (width, height):
            problems.append(Problem(name, f"photo is {size}, truth says {(width, height)}"))
    else:
        problems.append(Problem(name, f"photo {photo} not found (size not checked)"))
    shapes = [(f"card {c['id']}", c["polygon"]) for c in truth["cards"]]
    shapes += [(f"heading {h['id']}", h["polygon"]) for h in truth["headings"]]
    shapes += [(f"not_card {n['what']}", n["polygon"]) for n in truth.get("not_cards", [])]
    for label, poly in shapes:
        if len(poly) != 4:
            problems.append(Problem(name, f"{label}: {len(poly)} points"))
            continue
        if any(not (0 <= x <= width - 1 and 0 <= y <= height - 1) for x, y in poly):
            problems.append(Problem(name, f"{label}: a point lies outside the image"))
        if not _clockwise_convex(poly):
            problems.append(Problem(name, f"{label}: not convex or not clockwise"))
    ids = [c["id"] for c in truth["cards"]]
    if len(set(ids)) != len(ids):
        problems.append(Problem(name, "card ids repeat"))
    heading_texts = {h["text"] for h in truth["headings"]}
    for card in truth["cards"]:
        for key in ("text", "colour", "polygon", "whole", "cluster"):
            if key not in card:
                problems.append(Problem(name, f"card {card['id']}: {key!r} missing"))
        if card.get("colour") not in COLOUR_NAMES:
            problems.append(Problem(name, f"card {card['id']}: colour {card.get('colour')!r} not in the palette"))
        if card.get("cluster") is not None and card["cluster"] not in heading_texts:
            problems.append(Problem(name, f"card {card['id']}: cluster {card['cluster']!r} is no heading"))
    return problems


def overlay(stem: str, out: Path, photos: Path, scale: float = 1.0, grid: int = 100) -> None:
    from PIL import Image, ImageDraw, ImageOps

    truth = json.loads((HERE / f"{stem}.truth.json").read_text(encoding="utf-8"))
    image = ImageOps.exif_transpose(Image.open(photos / truth["image"])).convert("RGB")
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    draw = ImageDraw.Draw(image)
    for x in range(grid, truth["width"], grid):
        draw.line([(x * scale, 0), (x * scale, image.height)], fill=(0, 90, 255))
        draw.text((x * scale + 2, 2), str(x), fill=(255, 0, 0))
    for y in range(grid, truth["height"], grid):
        draw.line([(0, y * scale), (image.width, y * scale)], fill=(0, 90, 255))
        draw.text((2, y * scale + 2), str(y), fill=(255, 0, 0))
    shapes = [(c["id"], c["polygon"], (255, 0, 0)) for c in truth["cards"]]
    shapes += [(h["id"], h["polygon"], (0, 160, 0)) for h in truth["headings"]]
    for label, poly, colour in shapes:
        pts = [(x * scale, y * scale) for x, y in poly]
        draw.line(pts + [pts[0]], fill=colour, width=2)
        cx, cy = sum(p[0] for p in pts) / 4, sum(p[1] for p in pts) / 4
        draw.text((cx - 6, cy - 6), label, fill=(255, 0, 255))
    image.save(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate every truth file")
    check.add_argument("--photos")
    draw = sub.add_parser("overlay", help="draw one photo's truth polygons on a grid")
    draw.add_argument("stem")
    draw.add_argument("out", type=Path)
    draw.add_argument("--photos")
    draw.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    photos = photos_dir(args.photos)
    if args.command == "overlay":
        overlay(args.stem, args.out, photos, args.scale)
        return 0
    bad = 0
    for path in sorted(HERE.glob("*.truth.json")):
        problems = check_file(path, photos)
        cards = json.loads(path.read_text(encoding="utf-8"))["cards"]
        whole = [c for c in cards if c["whole"]]
        with_text = [c for c in whole if c["text"] is not None]
        print(f"{path.name}: {len(cards)} notes, {len(whole)} whole, {len(with_text)} whole with text"
              + ("" if not problems else f", {len(problems)} problem(s)"))
        for problem in problems:
            print(f"  {problem.what}")
        bad += len(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
