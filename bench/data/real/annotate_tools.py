"""Check and look at the real-photo ground truth (bench/data/real/*.truth.json).

Why this exists: the truth files were drawn by hand, and anyone who corrects one should re-run the
same checks that were run before each commit: the photo has the stated size, each polygon has 4
points inside the image, is convex and runs clockwise, ids are unique, colours are palette names,
and clusters name a heading. The overlay shows the polygons numbered on a pixel grid, so an outline
can be compared with the photo by eye.

    python bench/data/real/annotate_tools.py check [--photos DIR]
    python bench/data/real/annotate_tools.py overlay datascope-postit-1 /tmp/overlay.png [--scale 0.5]
    python bench/data/real/annotate_tools.py seed PHOTO [--channel saturation|lab-b|chroma] > seeds.json

``check`` also holds every photo added after the first twelve to bench/_real.py's split_by_rule, so
a photo cannot be moved to the side where it scores better. ``seed`` proposes outlines by colour
segmentation (never cardscan's own detector, which is what the truth is there to judge); every seed
was checked and corrected by eye before it went into a truth file.

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
    sys.path.insert(0, str(HERE.parents[1]))
    from _real import HAND_SPLIT_PREFIXES, split_by_rule

    if not truth["image"].startswith(HAND_SPLIT_PREFIXES) and truth.get("split") != split_by_rule(truth["image"]):
        problems.append(Problem(name, f"split {truth.get('split')!r}, but split_by_rule says "
                                      f"{split_by_rule(truth['image'])!r}"))
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


def seed(photo: Path, channel: str = "saturation", maxdim: int = 1600, core: float = 9.0,
         chroma_min: float = 14.0) -> list[dict]:
    """Outline proposals: threshold a colour channel, split touching notes by a watershed from eroded cores.

    "saturation" suits coloured notes on white boards; "lab-b" (Otsu on Lab b*, yellow-blue) suits
    yellow and orange notes on a grey or bluish wall, where the shadowed notes are not saturated;
    "chroma" (Lab distance from grey above chroma_min) suits pale pastel notes on a white or grey
    board, which are too pale for the saturation threshold.
    """
    import cv2
    import numpy as np

    bgr = cv2.imread(str(photo))
    height, width = bgr.shape[:2]
    scale = min(1.0, maxdim / max(height, width))
    small = cv2.resize(bgr, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    if channel == "chroma":
        lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
        chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
        mask = ((chroma > chroma_min) & (lab[..., 0] > 60)).astype(np.uint8) * 255
    elif channel == "lab-b":
        _, mask = cv2.threshold(cv2.cvtColor(small, cv2.COLOR_BGR2LAB)[..., 2], 0, 255,
                                cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    else:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        mask = ((hsv[..., 1] > 70) & (hsv[..., 2] > 60)).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    cores = (cv2.distanceTransform(mask, cv2.DIST_L2, 5) > core).astype(np.uint8)
    count, markers = cv2.connectedComponents(cores)
    markers = markers + 1
    markers[(mask > 0) & (cores == 0)] = 0
    regions = cv2.watershed(small, markers.astype(np.int32))
    seeds = []
    for k in range(2, count + 1):
        region = ((regions == k) & (mask > 0)).astype(np.uint8)
        if region.sum() < 0.0008 * region.size:
            continue
        contour = max(cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0], key=cv2.contourArea)
        hull = cv2.convexHull(contour)
        quad = cv2.boxPoints(cv2.minAreaRect(contour))
        for eps in (0.02, 0.03, 0.05, 0.08):
            approx = cv2.approxPolyDP(hull, eps * cv2.arcLength(hull, True), True)
            if len(approx) == 4:
                quad = approx.reshape(4, 2)
                break
        pts = np.asarray(quad, float) / scale
        centre = pts.mean(axis=0)
        pts = pts[np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))]  # clockwise, y down
        pts = np.roll(pts, -int(np.argmin(pts.sum(axis=1))), axis=0)  # start top-left
        seeds.append({"polygon": [[round(float(x)), round(float(y))] for x, y in pts]})
    return sorted(seeds, key=lambda s: (s["polygon"][0][1] // 200, s["polygon"][0][0]))


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
    propose = sub.add_parser("seed", help="propose outlines for a new photo (to be checked by eye)")
    propose.add_argument("photo", type=Path)
    propose.add_argument("--channel", choices=("saturation", "lab-b", "chroma"), default="saturation")
    propose.add_argument("--core", type=float, default=9.0, help="erosion depth (px) that splits touching notes")
    propose.add_argument("--chroma-min", type=float, default=14.0, help="chroma threshold of --channel chroma")
    args = parser.parse_args(argv)
    if args.command == "seed":
        print(json.dumps(seed(args.photo, args.channel, core=args.core, chroma_min=args.chroma_min)))
        return 0
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
