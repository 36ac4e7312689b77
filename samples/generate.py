"""Render realistic pinboard photos with ground truth, so every stage can be measured.

A board is laid out flat (cork, felt, grey pinboard or whiteboard), cards in the paper tones of
the palette are pinned on it in columns (one colour per working group), written in marker- or
handwriting-like fonts from Debian packages, each slightly rotated; then the scene is photographed:
perspective, uneven or tinted light, glare, blur, sensor noise and JPEG. The truth records every
card's text, colour, font, shape and its corners in the final photo (clockwise from top-left).

Tiers (issue #3): easy = frontal, even light; medium = up to 25° off axis, warm or cool light;
hard = up to 40°, glare, low light, cards touching or slightly overlapping.

    python -m samples.generate OUT_DIR --count 10 --tier medium --size 4000x3000
"""
from __future__ import annotations

import argparse
import functools
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TIERS = ("easy", "medium", "hard")
CONDITIONS = ("square", "touching", "pale", "panels", "warm", "curl", "marker", "jpeg", "closeup", "glass")
SHAPES = ("rect", "oval", "round")
HELD_OUT_SHAPES = ("round",)
BOARDS = ("cork", "felt", "grey", "white")

# Paper tones of moderation cards (sRGB under neutral light); names are cardscan.colour.PALETTE's.
PAPER = {
    "weiß": (244, 243, 236), "gelb": (250, 226, 82), "orange": (246, 150, 50), "rot": (218, 52, 50),
    "rosa": (245, 160, 190), "lila": (160, 120, 200), "hellblau": (130, 196, 236), "dunkelblau": (40, 80, 160),
    "hellgrün": (160, 215, 110), "dunkelgrün": (40, 130, 75),
}
INK = [(20, 20, 24), (18, 22, 30), (25, 35, 95), (20, 20, 20)]  # black and blue marker
LIGHT_INK = (245, 245, 245)  # people write on dark cards with a white or black marker
BOARD_RGB = {"cork": (176, 134, 88), "felt": (112, 124, 140), "grey": (150, 150, 146), "white": (232, 233, 230)}
PIN_RGB = [(210, 30, 40), (30, 80, 200), (40, 160, 60), (240, 200, 20), (240, 240, 240)]
TIER_SETTINGS = {
    # angle: max camera tilt in degrees; rotation: max card rotation; fill: card size in its cell
    "easy": dict(n_cards=(6, 20), angle=4, rotation=3, fill=(0.70, 0.80), tint=0.0, glare=0, low_light=False,
                 board_in_frame=0.0, blur=(0.4, 0.8), noise=(1.5, 3.0), quality=(88, 94)),
    "medium": dict(n_cards=(10, 40), angle=25, rotation=6, fill=(0.75, 0.86), tint=1.0, glare=0, low_light=False,
                   board_in_frame=0.5, blur=(0.5, 1.1), noise=(2.0, 4.0), quality=(82, 92)),
    "hard": dict(n_cards=(20, 60), angle=40, rotation=8, fill=(0.86, 0.99), tint=1.0, glare=2, low_light=True,
                 board_in_frame=0.5, blur=(0.7, 1.4), noise=(3.0, 6.0), quality=(75, 88)),
}


@dataclass(frozen=True)
class Font:
    id: str
    path: str
    style: str  # caps, marker, hand
    split: str  # tune, heldout


def list_fonts(split: str | None = None) -> list[Font]:
    """The fonts of samples/fonts.txt that are installed here (optionally only 'tune' or 'heldout')."""
    fonts = []
    for line in (HERE / "fonts.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        _package, font_id, path, style, font_split = line.split()[:5]
        if Path(path).exists() and (split is None or font_split == split):
            fonts.append(Font(font_id, path, style, font_split))
    if not fonts:
        raise FileNotFoundError("no font of samples/fonts.txt is installed: run scripts/setup.sh")
    return fonts


def card_texts() -> list[str]:
    """Realistic card texts; '|' marks a line break the writer made."""
    lines = (HERE / "card_texts.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# ---- drawing helpers ------------------------------------------------------------------------------
def _texture(rng, shape, rgb, strength, grain):
    """A flat colour with low-frequency blotches and fine grain (cork, felt, paper)."""
    import cv2

    h, w = shape
    low = cv2.resize(rng.normal(0, 1, (max(2, h // 64), max(2, w // 64))).astype(np.float32), (w, h),
                     interpolation=cv2.INTER_CUBIC)
    fine = rng.normal(0, 1, (h, w)).astype(np.float32)
    if grain > 1:
        fine = cv2.GaussianBlur(fine, (0, 0), grain)
        fine /= fine.std() + 1e-6
    field = strength * (0.6 * low + 0.4 * fine)
    img = np.asarray(rgb, np.float32)[None, None, :] * (1.0 + field[..., None] / 100.0)
    return np.clip(img, 0, 255)


@functools.lru_cache(maxsize=None)
def _has_glyph(font_path: str, ch: str) -> bool:
    from PIL import ImageFont

    font = ImageFont.truetype(font_path, 32)
    missing = np.asarray(font.getmask("\ue000")).tobytes()
    return np.asarray(font.getmask(ch)).tobytes() != missing


def _font_fits(font_path: str, text: str) -> bool:
    """Whether the font has glyphs for every character (some handwriting fonts lack € or umlauts)."""
    return all(ch.isspace() or _has_glyph(font_path, ch) for ch in set(text))


def _wrap(text: str, font, max_width: float) -> list[str]:
    if "|" in text:
        return [part.strip() for part in text.split("|")]
    words, lines = text.split(), []
    for word in words:
        if lines and font.getlength(lines[-1] + " " + word) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _card_image(rng, text: str, paper, size, shape: str, font: Font):
    """One card as RGBA (transparent outside its shape) and the text as written on it."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    written = text.upper() if font.style == "caps" else text
    tex = _texture(rng, (h, w), paper, 2.5, 1.0).astype(np.uint8)
    img = Image.fromarray(tex).convert("RGBA")
    mask = Image.new("L", (w, h), 0)
    mdraw = ImageDraw.Draw(mask)
    if shape == "rect":
        mdraw.rounded_rectangle([0, 0, w - 1, h - 1], radius=max(2, int(min(w, h) * 0.02)), fill=255)
        box_w, box_h = 0.86 * w, 0.72 * h
    else:
        mdraw.ellipse([0, 0, w - 1, h - 1], fill=255)
        box_w, box_h = 0.66 * w, 0.56 * h
    # The cut edge of the paper catches less light than its face: a thin, slightly darker rim,
    # which is what tells two touching cards of one colour apart in a real photo.
    edge = np.asarray(mask, np.float32) / 255.0
    rim_px = max(1, int(round(min(w, h) * 0.008)))
    inner = cv2.erode(edge, np.ones((2 * rim_px + 1, 2 * rim_px + 1), np.uint8), borderType=cv2.BORDER_CONSTANT,
                      borderValue=0)
    face = np.asarray(img, np.float32)
    face[..., :3] *= (1.0 - 0.22 * (edge - inner))[..., None]
    img = Image.fromarray(face.astype(np.uint8), "RGBA")
    img.putalpha(mask)
    dark_paper = sum(paper) / 3 < 120
    ink = LIGHT_INK if dark_paper and rng.random() < 0.5 else INK[rng.integers(len(INK))]
    lines, fsize = [written], 10
    for size_try in range(int(h * 0.42), 9, -2):
        f = ImageFont.truetype(font.path, size_try)
        candidate = _wrap(written, f, box_w)
        widths = [f.getlength(line) for line in candidate]
        height = len(candidate) * size_try * 1.18
        if max(widths) <= box_w and height <= box_h and len(candidate) <= 4:
            lines, fsize = candidate, size_try
            break
    fsize = int(fsize * rng.uniform(0.88, 1.0))
    f = ImageFont.truetype(font.path, fsize)
    stroke = int(round(fsize * 0.02)) if font.style == "marker" else 0  # thicker printed marker letters
    draw = ImageDraw.Draw(img)
    line_h = fsize * 1.18
    y = (h - line_h * len(lines)) / 2 + rng.uniform(-0.04, 0.04) * h
    for line in lines:
        lw = f.getlength(line)
        x = (w - lw) / 2 + rng.uniform(-0.05, 0.05) * (w - lw + 1)
        draw.text((x, y), line, font=f, fill=ink + (255,), stroke_width=stroke, stroke_fill=ink + (255,))
        y += line_h
    return img, "\n".join(lines)


def _curl_corner(img, corner: int, size: float):
    """The note with one corner lifted: the corner's paper seen edge-on is darker (it faces away
    from the light) and a little of the board shows where it no longer lies flat."""
    from PIL import ImageDraw

    w, h = img.size
    d = int(size * min(w, h))
    x, y = (0, 0) if corner == 0 else (w - 1, 0) if corner == 1 else (w - 1, h - 1) if corner == 2 else (0, h - 1)
    sx, sy = (1 if x == 0 else -1), (1 if y == 0 else -1)
    face = img.copy()
    draw = ImageDraw.Draw(face)
    fold = [(x + sx * d, y), (x, y + sy * d), (x + sx * d * 0.55, y + sy * d * 0.55)]
    px = img.getpixel((int(x + sx * d * 0.4), int(y + sy * d * 0.4)))
    draw.polygon(fold, fill=tuple(int(c * 0.72) for c in px[:3]) + (255,))
    alpha = face.getchannel("A")
    ImageDraw.Draw(alpha).polygon([(x, y), (x + sx * d, y), (x, y + sy * d)], fill=0)  # the lifted tip is gone
    face.putalpha(alpha)
    return face


def _heading(rng, draw, font_pool, x: float, y: float, size: int) -> None:
    """A heading written with marker on the board itself (not a card)."""
    from PIL import ImageFont

    word = str(rng.choice(["LATER", "TODAY", "DONE", "Ideen", "Fragen", "Nächste Schritte", "Themen"]))
    font = font_pool[int(rng.integers(len(font_pool)))]
    ink = [(170, 30, 40), (25, 50, 140), (20, 20, 24)][int(rng.integers(3))]
    draw.text((x, y), word, font=ImageFont.truetype(font.path, size), fill=ink + (255,))


def _pin(draw, x, y, r, colour):
    draw.ellipse([x - r + r * 0.35, y - r + r * 0.45, x + r + r * 0.35, y + r + r * 0.45], fill=(0, 0, 0, 90))
    draw.ellipse([x - r, y - r, x + r, y + r], fill=colour + (255,))
    hr = r * 0.35
    draw.ellipse([x - r * 0.45 - hr, y - r * 0.45 - hr, x - r * 0.45 + hr, y - r * 0.45 + hr],
                 fill=(255, 255, 255, 170))


def _layout(n: int, region_w: float, region_h: float, aspect: float) -> tuple[int, int, float, float]:
    """Columns, rows and cell size that give the biggest cards of the given aspect."""
    best = None
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        cell_w, cell_h = region_w / cols, region_h / rows
        card_w = min(cell_w, cell_h * aspect)
        if best is None or card_w > best[0]:
            best = (card_w, cols, rows, cell_w, cell_h)
    _, cols, rows, cell_w, cell_h = best
    return cols, rows, cell_w, cell_h


def _camera(rng, plane_w, plane_h, frame_w, frame_h, max_angle, region, fill_frame):
    """Homography from the flat board to the photo: the board seen from a tilted camera.

    region (x0, y0, x1, y1) is what must fit inside the frame: the whole board, or only the card
    area when the board fills the frame.
    """
    import cv2

    yaw = math.radians(rng.uniform(-max_angle, max_angle))
    pitch = math.radians(rng.uniform(-max_angle, max_angle) * 0.6)
    roll = math.radians(rng.uniform(-2.0, 2.0) if max_angle > 5 else rng.uniform(-0.8, 0.8))
    cy, sy, cp, sp, cr, sr = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch), math.cos(roll), math.sin(roll)
    rot = (np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]]) @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
           @ np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]]))
    f = max(plane_w, plane_h) * 1.1
    x0, y0, x1, y1 = region
    src = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    pts = np.c_[src - [plane_w / 2, plane_h / 2], np.zeros(4)] @ rot.T + [0, 0, f * 1.6]
    proj = (pts[:, :2] / pts[:, 2:3]) * f
    margin = 0.03 * min(frame_w, frame_h) if fill_frame else rng.uniform(0.04, 0.12) * min(frame_w, frame_h)
    lo, hi = proj.min(0), proj.max(0)
    scale = min((frame_w - 2 * margin) / (hi[0] - lo[0]), (frame_h - 2 * margin) / (hi[1] - lo[1]))
    dst = (proj - (lo + hi) / 2) * scale + [frame_w / 2, frame_h / 2]
    return cv2.getPerspectiveTransform(src, dst.astype(np.float32))


def _parallelogram_area(corners) -> float:
    """|a x b| of the two sides from the first corner (a 2-D cross product, written out: NumPy 2
    deprecates np.cross on 2-D vectors)."""
    (x0, y0), (x1, y1), (x3, y3) = corners[0], corners[1], corners[3]
    return abs(float((x1 - x0) * (y3 - y0) - (y1 - y0) * (x3 - x0)))


def _closeup_fit(rng, cards: list[dict], aspect: float) -> tuple[float, float, float, float]:
    """The part of the board a close-up shows: the notes' bounding box grown (to the frame's aspect)
    until the notes cover a random 50-90 % of it, or just the box when that is already less."""
    pts = np.array([p for card in cards for p in card["plane"]], np.float64)
    (x0, y0), (x1, y1) = pts.min(0), pts.max(0)
    paper = sum(_parallelogram_area(c["plane"]) * (1.0 if c["shape"] == "rect" else math.pi / 4) for c in cards)
    target = rng.uniform(0.5, 0.9)
    height = max(math.sqrt(paper / (target * aspect)), (y1 - y0) * 1.04, (x1 - x0) * 1.04 / aspect)
    width = height * aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


# ---- the board ------------------------------------------------------------------------------------
def render_board(seed: int = 0, tier: str = "easy", *, n_cards: int | None = None,
                 size: tuple[int, int] = (2400, 1800), fonts: list[str] | None = None,
                 shapes: tuple[str, ...] | None = None, board: str | None = None,
                 texts: list[str] | None = None, colours: list[str] | None = None,
                 structure=None, conditions: tuple[str, ...] = ()) -> tuple[np.ndarray, dict]:
    """A photo of a pinboard as an RGB uint8 array, and its ground truth.

    fonts: font ids of samples/fonts.txt to use (default: all installed); shapes: card shapes
    (default rect and oval; "round" is held out); colours: group colours (default 2-5 random).
    structure: headings, clusters and dot votes (samples.board_structure: "columns", "clusters", "mixed").
    conditions: real-photo conditions of issue 15 (CONDITIONS), off by default so that the tiers'
    photos stay as they were: "square" sticky notes without pins, "touching" notes edge to edge
    in a dense grid, "pale" notes (paper halfway to white) on a white board, "panels" (door
    panels' bevels under the notes and a round sign beside them), "warm" light, "curl" (a lifted
    corner folded towards the camera, in its own shadow, on every third note), "marker" (headings
    written on the board above the notes), "jpeg" (a phone's strong compression and sensor noise),
    "closeup" (1-3 notes, unless n_cards says otherwise, photographed from so near that together
    they fill 50-90 % of the frame; meant for a small frame such as 240x230, as when one note was
    photographed or cut out of a larger photo), "glass" (a glass board in front of a room: what
    lies behind or is mirrored in it shows as smooth grey patches, card-sized, dark and some bright).
    A dense wall is ``n_cards=170, conditions=("square", "touching")``.
    The same arguments always give the same photo.
    """
    import cv2
    from PIL import Image, ImageDraw

    if tier not in TIER_SETTINGS:
        raise ValueError(f"tier must be one of {TIERS}, not {tier!r}")
    cfg = TIER_SETTINGS[tier]
    rng = np.random.default_rng([seed, TIERS.index(tier)])
    frame_w, frame_h = size
    available = list_fonts()
    font_pool = [f for f in available if fonts is None or f.id in fonts]
    if not font_pool:
        raise ValueError(f"none of the fonts {fonts} is installed")
    unknown = set(conditions) - set(CONDITIONS)
    if unknown:
        raise ValueError(f"unknown conditions {sorted(unknown)}; known: {CONDITIONS}")
    shapes = tuple(shapes or ("rect", "rect", "rect", "oval"))
    if "square" in conditions or "touching" in conditions:
        shapes = ("rect",)
    board = board or str(rng.choice(BOARDS, p=[0.4, 0.2, 0.2, 0.2]))
    if "pale" in conditions or "panels" in conditions:
        board = "white"
    if "glass" in conditions:
        board = "grey"
    n = int(n_cards or rng.integers(cfg["n_cards"][0], cfg["n_cards"][1] + 1))
    if "closeup" in conditions:
        n = int(n_cards or rng.integers(1, 4))
    if colours is None:
        k = int(rng.integers(2, 6))
        colours = [str(c) for c in rng.choice(list(PAPER), size=k, replace=False)]
    pool = texts or card_texts()
    chosen_texts = [pool[i % len(pool)] for i in rng.permutation(max(n, len(pool)))[:n]]
    plan = None
    if structure is not None:  # the board's own structure (board_structure.py) decides places, colours, texts
        from samples.board_structure import plan_board

        margin = (0.07 * frame_w, 0.08 * frame_h)
        plan = plan_board(structure, [seed, TIERS.index(tier), 17], n, (margin[0], margin[1], frame_w - margin[0],
                          frame_h - margin[1]), colours, chosen_texts, board, list(PAPER))
        n = plan.n

    # the flat board, a little larger than the frame so it can be seen at an angle
    plane_w, plane_h = int(frame_w * 1.0), int(frame_h * 1.0)
    if "closeup" in conditions:  # a few notes fill a small frame: draw them finely enough to be read there
        zoom = max(1.0, 1600 / max(frame_w, frame_h))
        plane_w, plane_h = int(frame_w * zoom), int(frame_h * zoom)
    grain = {"cork": 1.2, "felt": 2.5, "grey": 2.0, "white": 6.0}[board]
    strength = {"cork": 9.0, "felt": 4.0, "grey": 3.0, "white": 1.2}[board]
    plane = Image.fromarray(_texture(rng, (plane_h, plane_w), BOARD_RGB[board], strength, grain).astype(np.uint8))
    plane = plane.convert("RGBA")
    frame_px = 0.025 * min(plane_w, plane_h)  # the board's aluminium frame
    fdraw = ImageDraw.Draw(plane)
    for i in range(int(frame_px)):
        shade = 150 + int(60 * i / frame_px)
        fdraw.rectangle([i, i, plane_w - 1 - i, plane_h - 1 - i], outline=(shade, shade, shade + 4, 255))

    margin_x, margin_y = 0.07 * plane_w, 0.08 * plane_h
    if "marker" in conditions:  # headings in marker above the notes
        for k in range(3):
            _heading(rng, fdraw, font_pool, margin_x + k * (plane_w - 2 * margin_x) / 3, 0.015 * plane_h,
                     int(0.045 * plane_h))
    if "panels" in conditions:  # a door's raised panels: bevels of light and shadow, flat paint inside
        for px0, py0, px1, py1 in ((0.04, 0.05, 0.47, 0.45), (0.53, 0.05, 0.96, 0.45),
                                   (0.04, 0.55, 0.47, 0.95), (0.53, 0.55, 0.96, 0.95)):
            box = [px0 * plane_w, py0 * plane_h, px1 * plane_w, py1 * plane_h]
            bevel = int(0.012 * min(plane_w, plane_h))
            for k in range(bevel):
                shade = 200 + int(40 * k / bevel)
                fdraw.rectangle([box[0] + k, box[1] + k, box[2] - k, box[3] - k], outline=(shade, shade, shade - 2, 255))
    if "glass" in conditions:  # the room behind the glass: dark corridors, door frames, a bright window
        for k in range(int(rng.integers(10, 16))):
            rw, rh = rng.uniform(0.04, 0.14) * plane_w, rng.uniform(0.04, 0.14) * plane_w
            rx, ry = rng.uniform(0, plane_w - rw), rng.uniform(0, plane_h - rh)
            shade = int(rng.integers(235, 252)) if k % 5 == 0 else int(rng.integers(45, 105))
            fdraw.rectangle([rx, ry, rx + rw, ry + rh], fill=(shade, shade + 1, shade + 3, 255))
    region = (margin_x, margin_y, plane_w - margin_x, plane_h - margin_y)
    if "closeup" in conditions:  # the few notes close together in the middle: cards one above the other,
        square = "square" in conditions  # square notes two side by side
        cols = 2 if square and n > 1 else 1
        half_w, half_h = 0.11 * plane_w * cols, (0.11 if square else 0.06) * plane_w * math.ceil(n / cols)
        region = (plane_w / 2 - half_w, plane_h / 2 - half_h, plane_w / 2 + half_w, plane_h / 2 + half_h)
    region_w, region_h = region[2] - region[0], region[3] - region[1]
    base_aspect = 2.0
    cols, rows, cell_w, cell_h = _layout(n, region_w, region_h, base_aspect * 1.08)
    if "closeup" in conditions:  # the grid chosen above, one note per cell
        cols, rows = (2 if "square" in conditions and n > 1 else 1), math.ceil(n / (2 if "square" in conditions and n > 1 else 1))
        cell_w, cell_h = region_w / cols, region_h / rows
    # Column-major: each working group's cards end up in neighbouring columns, as on real boards.
    per_group = np.array_split(np.arange(n), len(colours))
    card_colour = {int(i): colours[g] for g, idx in enumerate(per_group) for i in idx}
    cards = []
    layers = []
    for i in range(n):
        col, row = divmod(i, rows)
        shape = str(rng.choice(shapes))
        fill = rng.uniform(*cfg["fill"])
        cw = min(cell_w, cell_h * base_aspect) * fill
        cw = min(cw, 0.22 * plane_w)
        w, h = (cw, cw / rng.uniform(1.8, 2.2)) if shape == "rect" else \
            ((cw * 0.85, cw * 0.85 / 1.6) if shape == "oval" else (cw * 0.55, cw * 0.55))
        if "touching" in conditions:  # edge to edge: the cell is the note
            w, h = cell_w, cell_h
        elif "square" in conditions:
            w = h = min(cell_w, cell_h) * fill
        w, h = int(w), int(h)
        slack_x, slack_y = max(0.0, cell_w - w), max(0.0, cell_h - h)
        cx = region[0] + (col + 0.5) * cell_w + rng.uniform(-0.3, 0.3) * slack_x
        cy = region[1] + (row + 0.5) * cell_h + rng.uniform(-0.3, 0.3) * slack_y
        angle = rng.uniform(-cfg["rotation"], cfg["rotation"])
        if "touching" in conditions:
            angle = 0.0
        colour = card_colour[i]
        paper = tuple(int(np.clip(c + rng.integers(-6, 7), 0, 255)) for c in PAPER[colour])
        if "pale" in conditions:  # pastel paper, halfway to white
            paper = tuple(int(0.5 * c + 0.5 * 248) for c in paper)
        text = chosen_texts[i]
        if plan is not None:
            cx, cy, w, h, shape, colour, text = plan.slot(i)
            paper = tuple(int(np.clip(c + rng.integers(-6, 7), 0, 255)) for c in PAPER[colour])
        usable = [f for f in font_pool if _font_fits(f.path, text.upper() if f.style == "caps" else text)]
        font = usable[rng.integers(len(usable))] if usable else font_pool[0]
        img, written = _card_image(rng, text.replace("|", " | ") if "|" in text else text, paper, (w, h), shape, font)
        if "curl" in conditions and i % 3 == 0:
            img = _curl_corner(img, int(rng.integers(4)), float(rng.uniform(0.15, 0.3)))
        rotated = img.rotate(angle, resample=Image.BICUBIC, expand=True)
        ox, oy = int(round(cx - rotated.width / 2)), int(round(cy - rotated.height / 2))
        layers.append((rotated, ox, oy))
        a = math.radians(-angle)  # PIL rotates counter-clockwise for positive angles (y axis down)
        corners = []
        for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
            corners.append((cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)))
        cards.append({"text": written, "colour": colour, "font": font.id, "font_split": font.split,
                      "shape": shape, "angle": round(float(angle), 2), "plane": corners, "pin": (cx, cy - h * 0.40)})
    # Paste the cards in order; each casts a soft drop shadow and a tight contact shadow on
    # whatever lies under it (board or an earlier card), as diffuse light from above does.
    canvas = np.asarray(plane, np.float32).copy()
    soft, tight = 0.008 * min(plane_w, plane_h), 0.0025 * min(plane_w, plane_h)
    for rotated, ox, oy in layers:
        alpha = np.asarray(rotated.getchannel("A"), np.float32) / 255.0
        pad = int(4 * soft) + int(0.04 * rotated.height) + 4
        x0, y0 = ox - pad, oy - pad
        local = np.zeros((alpha.shape[0] + 2 * pad, alpha.shape[1] + 2 * pad), np.float32)
        dx, dy = int(0.012 * rotated.height) + 2, int(0.03 * rotated.height) + 2
        local[pad + dy:pad + dy + alpha.shape[0], pad + dx:pad + dx + alpha.shape[1]] = alpha
        shade = 0.40 * cv2.GaussianBlur(local, (0, 0), soft)
        contact = np.zeros_like(local)
        contact[pad:pad + alpha.shape[0], pad:pad + alpha.shape[1]] = alpha
        shade = np.maximum(shade, 0.35 * cv2.GaussianBlur(contact, (0, 0), tight))
        ys, xs = slice(max(0, y0), min(plane_h, y0 + local.shape[0])), slice(max(0, x0), min(plane_w, x0 + local.shape[1]))
        part = shade[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0]
        canvas[ys, xs, :3] *= (1.0 - part)[..., None]
        card_rgba = np.asarray(rotated, np.float32)
        cys, cxs = slice(max(0, oy), min(plane_h, oy + alpha.shape[0])), slice(max(0, ox), min(plane_w, ox + alpha.shape[1]))
        src = card_rgba[cys.start - oy:cys.stop - oy, cxs.start - ox:cxs.stop - ox]
        a = src[..., 3:4] / 255.0
        canvas[cys, cxs, :3] = canvas[cys, cxs, :3] * (1 - a) + src[..., :3] * a
    plane = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    pdraw = ImageDraw.Draw(plane)
    for card in cards if not {"square", "touching"} & set(conditions) else []:  # sticky notes need no pins
        r = 0.011 * min(plane_w, plane_h)
        _pin(pdraw, card["pin"][0], card["pin"][1], r, PIN_RGB[rng.integers(len(PIN_RGB))])
    if plan is not None:
        plan.draw(plane, cards, font_pool)
    if "panels" in conditions:  # a round sign beside the notes ("Fire door keep locked")
        r = 0.035 * min(plane_w, plane_h)
        sx, sy = plane_w - margin_x / 2, margin_y / 2 + r
        pdraw.ellipse([sx - r, sy - r, sx + r, sy + r], fill=(40, 90, 170), outline=(250, 250, 250), width=int(r / 8))

    # photograph it
    fill_frame = rng.random() >= cfg["board_in_frame"]
    fit = region if fill_frame else (0, 0, plane_w, plane_h)
    if "closeup" in conditions:  # the frame holds the notes and a little board: they fill 50-90 % of it
        fit = _closeup_fit(rng, cards, frame_w / frame_h)
    H = _camera(rng, plane_w, plane_h, frame_w, frame_h, cfg["angle"], fit, fill_frame or "closeup" in conditions)
    wall = _texture(rng, (frame_h, frame_w), (214, 208, 196), 4.0, 4.0)
    warped = cv2.warpPerspective(np.asarray(plane.convert("RGB")), H, (frame_w, frame_h), flags=cv2.INTER_AREA
                                 if tier == "easy" else cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    inside = cv2.warpPerspective(np.full((plane_h, plane_w), 255, np.uint8), H, (frame_w, frame_h))
    alpha = (inside.astype(np.float32) / 255.0)[..., None]
    photo = warped.astype(np.float32) * alpha + wall * (1 - alpha)

    # light: gradient and vignette, warm or cool tint, glare, low light
    yy, xx = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    xx, yy = xx / frame_w - 0.5, yy / frame_h - 0.5
    direction = rng.uniform(0, 2 * math.pi)
    gradient = 1.0 + rng.uniform(0.03, 0.10 if tier == "easy" else 0.25) * (xx * math.cos(direction) + yy * math.sin(direction))
    vignette = 1.0 - rng.uniform(0.02, 0.08 if tier == "easy" else 0.25) * (xx ** 2 + yy ** 2) * 2
    photo *= (gradient * vignette)[..., None]
    light = "neutral"
    if "warm" in conditions:
        light = "warm"
        photo *= np.array([1.10, 1.0, 0.78])[None, None, :]
    elif cfg["tint"] and rng.random() < 0.85:
        light = str(rng.choice(["warm", "cool"]))
        strength = rng.uniform(0.5, 1.0)
        tint = np.array([1.10, 1.0, 0.78]) if light == "warm" else np.array([0.84, 0.97, 1.12])
        photo *= (1 + (tint - 1) * strength)[None, None, :]
    if cfg["low_light"] and rng.random() < 0.5:
        photo *= rng.uniform(0.45, 0.65)
        light += "+low"
    for _ in range(int(rng.integers(0, cfg["glare"] + 1))):
        gx, gy = rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)
        radius = rng.uniform(0.08, 0.18)
        blob = np.exp(-(((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * radius ** 2)))
        photo += (255 - photo) * (rng.uniform(0.35, 0.6) * blob)[..., None]
        light += "+glare"
    scale = frame_w / 2400
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(*cfg["blur"]) * max(scale, 0.6))
    noise_sigma = rng.uniform(*cfg["noise"]) * (1.6 if "low" in light else 1.0) * (2.0 if "jpeg" in conditions else 1.0)
    photo += rng.normal(0, noise_sigma, photo.shape[:2] + (1,)).astype(np.float32)
    photo += rng.normal(0, noise_sigma * 0.5, photo.shape).astype(np.float32)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    quality = int(rng.integers(*cfg["quality"]))
    Image.fromarray(photo).save(buf, "JPEG", quality=min(quality, 62) if "jpeg" in conditions else quality)
    photo = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))

    truth_cards = []
    for i, card in enumerate(cards, start=1):
        pts = cv2.perspectiveTransform(np.asarray(card["plane"], np.float32)[None], H)[0]
        truth_cards.append({"id": f"{i:02d}", "text": card["text"], "colour": card["colour"], "font": card["font"],
                            "font_split": card["font_split"], "shape": card["shape"], "angle": card["angle"],
                            "polygon": [[round(float(x), 1), round(float(y), 1)] for x, y in pts]})
    truth = {"image": "", "width": frame_w, "height": frame_h, "tier": tier, "board": board, "light": light,
             "seed": seed, "board_fills_frame": bool(fill_frame), "colours": colours, "cards": truth_cards}
    if plan is not None:
        truth = plan.truth(truth, H)
    if conditions:
        truth["conditions"] = list(conditions)
    return photo, truth


def write_board(out_dir: str | Path, name: str, seed: int, tier: str, **kw) -> Path:
    """Render one board to `<name>.jpg` with its truth in `<name>.truth.json`."""
    from PIL import Image

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rgb, truth = render_board(seed, tier, **kw)
    path = out_dir / f"{name}.jpg"
    Image.fromarray(rgb).save(path, quality=90)
    truth["image"] = path.name
    (out_dir / f"{name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_sample_set(out_dir: str | Path, count: int, tiers: tuple[str, ...] = TIERS, first_seed: int = 1000,
                     size: tuple[int, int] = (4000, 3000), **kw) -> list[Path]:
    """An evaluation set: `count` photos per tier, all fonts and shapes (held-out ones included)."""
    paths = []
    shapes = kw.pop("shapes", None) or ("rect", "rect", "oval", "round")
    for tier in tiers:
        for k in range(count):
            seed = first_seed + k
            paths.append(write_board(out_dir, f"{tier}-{seed}", seed, tier, size=size,
                                     shapes=shapes, **kw))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="folder for the photos and their .truth.json files")
    parser.add_argument("--count", type=int, default=10, help="photos per tier (default 10)")
    parser.add_argument("--tier", choices=TIERS, action="append", help="tier(s) to render (default all three)")
    parser.add_argument("--size", default="4000x3000", help="photo size WxH (default 4000x3000, 12 MP)")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--structure", choices=("columns", "clusters", "mixed", "outlines"), help="headings, clusters, dot votes")
    args = parser.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    paths = write_sample_set(args.out, args.count, tuple(args.tier or TIERS), args.first_seed, (w, h),
                             **({"structure": args.structure} if args.structure else {}))
    print(f"{len(paths)} photos written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
