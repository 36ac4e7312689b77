"""Regions that are surfaces of the room, not notes: a wall, a pillar, a window, the board between notes.

What real photos taught (issue 15, item 2: "signs, magnets, door panels, frames and marker writing on
the board are not cards"): beside and behind a board, smooth patches of wall, a pillar, a window pane
or the board between two notes are bounded by edges and card-sized, so they pass every shape test;
when they carry a few specks or a marker line, `filters.plain_surface` (no ink at all) keeps them too.
What tells them from a note is the board as a whole: notes come off a few pads, so a note's paper is
shared by other notes on the board or it is clearly coloured, and a note is there to be written on.
A greyish region that carries next to no writing and whose colour no other card of its size on the
board has (a note's pad-mates share both) is a surface (a pillar, a strip of wall, the board between
notes, a window blind); so is a blank region of any colour that is unlike every other card, of
neither their colour nor their size and shape (a pane of tinted glass, the view through a window).
A blank strip longer than three to one is a strip of wall, a shelf's edge or the board between two
lines: cards that long are heading strips, and those are written on. A window or lamp seen through a
glass board is brighter than paper can be: the camera's sensor is at its limit over much of it, with
the dark shapes of what lies outside in it.
A piece of board fenced by a marker line or a drawn box has the board's own colour beyond that line,
while beyond a note's edge lies the board, not more of its paper; the detector's ring test
(`DetectorParams.min_board_contrast`) looks right at the edge, where the line itself is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SurfaceParams:
    """When a region counts as a surface of the room (see the module's text)."""

    max_chroma: float = 28.0  # greyish: CIE a*b* chroma of the balanced paper below this (pale blue and pink
    #                           paper lie at 30 and more, the palest yellow note of the dev set at 22)
    mate_delta: float = 15.0  # another card within this ΔE shares the region's paper (of its size: its pad)
    min_board: int = 4  # other cards needed before "no other card has this colour" means anything
    max_writing: float = 0.06  # ... and no writing: strokes on under this share of the inside
    min_marks: int = 5  # ... and fewer than this many letter-sized marks (faint pencil on a pale note)
    min_unlike: int = 2  # other cards needed before "unlike every other card" means anything
    twin_size: float = 1.35  # a card of its size: area within this ratio (filters.typical_size's spread) ...
    twin_aspect: float = 1.25  # ... and sides' ratio within this ratio
    fence_gap: float = 0.08  # beyond the fence: from this share of the short side outside the outline ...
    fence_reach: float = 0.25  # ... to this share, other cards left out
    fence_side: int = 700  # the photo's longest side when looking beyond the outlines
    max_fenced: float = 0.55  # a region with more of that band than this within min_contrast of its paper is fenced
    #                            board (dev: drawn boxes 0.69 and 0.79, notes at most 0.40)
    min_strip: float = 3.0  # a blank region this much longer than wide is a strip of the room (blank dev notes
    #                         reach 2.6) ...
    max_ink: float = 0.08  # ... when under this share of it is darker than its paper: a heading strip's letters
    #                        in thick marker are no pen strokes, but they cover a fifth of it
    min_clipped: float = 0.3  # a window or lamp: this share of the inside at the sensor's limit (all channels ≥ CLIPPED_LEVEL)
    min_blobs: float = 0.05  # ... with dark shapes far wider than pen strokes on this share of it


@dataclass(frozen=True)
class Inside:
    """What a region's upright crop holds: writing (thin dark strokes; how many letter-sized marks),
    ink (all that is dark), wide dark blobs, clipped light."""

    writing: float
    marks: int
    ink: float
    blobs: float
    clipped: float


WORK_SIDE = 120  # crops are judged at this short side, so stroke widths compare across photo scales
INNER_MARGIN = 0.1  # of the short side: the rim left out (edge, shadow, board)
STROKE_CLOSING = 11  # px at WORK_SIDE: wider than a pen or marker stroke, about a tenth of the card
STROKE_LIFT = 12.0  # CIE L the closing lifts a stroke by; also how much darker than the paper ink is
FAINT_LIFT = 8.0  # CIE L: a faint pencil stroke still lifts this much
MARK_SPAN = 8  # px at WORK_SIDE: a letter spans this much; a speck of dirt or a pillar's scratch less
BLOB_DEPTH = 6.0  # px at WORK_SIDE: dark this far from the paper is a blob wider than any stroke
CLIPPED_LEVEL = 250  # all channels at least this: the sensor's limit (a window, a lamp)


def inside_of(crop: np.ndarray) -> Inside:
    """Shares of the inner 80 % of an upright crop that are writing, wide dark blobs and clipped.

    Writing is what a closing over 11 of 120 pixels (about a tenth of the card's short side) lifts by
    12 CIE L or more: pen and marker strokes; darker patches wider than 12 pixels stay dark under the
    closing and count as blobs (the distance to the paper from inside them exceeds 6 pixels); ink is
    all that is 12 darker than the paper, thick marker letters too. Marks are the connected strokes lifted by 8 or more that span 8 pixels: letters, even in faint pencil,
    while a speck of dirt or the scratches of a pillar are smaller and a marker line is one mark; or,
    if more, the dark patches that span 8 pixels clear of the rim: letters in thick marker, which no
    closing lifts, while a shadow or a darker half of a region reaches its rim."""
    import cv2

    h, w = crop.shape[:2]
    s = WORK_SIDE / max(1, min(h, w))
    small = cv2.resize(crop, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    m = int(INNER_MARGIN * min(h, w))
    lightness = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32) * (100 / 255)
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (STROKE_CLOSING, STROKE_CLOSING))
    closed = cv2.morphologyEx(lightness, cv2.MORPH_CLOSE, element)
    paper = float(np.median(closed[m:h - m, m:w - m]))
    lift = closed - lightness
    strokes = lift >= STROKE_LIFT
    dark = ((paper - lightness) > STROKE_LIFT).astype(np.uint8)
    deep = cv2.distanceTransform(dark, cv2.DIST_L2, 3) > BLOB_DEPTH
    clipped = small.min(axis=-1) >= CLIPPED_LEVEL
    inner = (slice(m, h - m), slice(m, w - m))
    n, _, stats, _ = cv2.connectedComponentsWithStats((lift[inner] >= FAINT_LIFT).astype(np.uint8), connectivity=8)
    marks = int(np.count_nonzero(np.maximum(stats[1:, 2], stats[1:, 3]) >= MARK_SPAN))
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark[inner], connectivity=8)
    x, y, bw, bh = stats[1:, 0], stats[1:, 1], stats[1:, 2], stats[1:, 3]
    ih, iw = dark[inner].shape
    letters = (np.maximum(bw, bh) >= MARK_SPAN) & (x > 0) & (y > 0) & (x + bw < iw) & (y + bh < ih)  # a shadow reaches the rim
    marks = max(marks, int(np.count_nonzero(letters)))
    return Inside(writing=float(np.mean(strokes[inner])), marks=marks, ink=float(np.mean(dark[inner])),
                  blobs=float(np.mean(deep[inner])), clipped=float(np.mean(clipped[inner])))


def room_surfaces(rgb: np.ndarray, paper_labs: list[np.ndarray], crops: list[np.ndarray], polygons: list[np.ndarray],
                  min_contrast: float, params: SurfaceParams = SurfaceParams()) -> list[bool]:
    """For each card of one photo `rgb` (CIE Lab of its balanced paper, its upright crop, its outline):
    whether it is a surface of the room rather than a note (the module's text says why); `min_contrast`
    (ΔE) is the least difference of the board beyond a card's edge from its paper."""
    import cv2

    labs = np.asarray(paper_labs, np.float64).reshape(-1, 3)
    quads = [np.asarray(p, np.float32) for p in polygons]
    areas = np.array([max(cv2.contourArea(q), 1.0) for q in quads])
    sides = np.array([sorted(cv2.minAreaRect(q)[1]) for q in quads]).reshape(-1, 2)
    aspects = sides[:, 1] / np.maximum(sides[:, 0], 1.0)
    fenced = [share > params.max_fenced for share in same_beyond(rgb, quads, min_contrast, params)]
    out = []
    for i, crop in enumerate(crops):
        inside = inside_of(crop)
        if inside.clipped >= params.min_clipped and inside.blobs >= params.min_blobs or fenced[i]:
            out.append(True)
            continue
        blank = inside.writing < params.max_writing and inside.marks < params.min_marks
        others = np.arange(len(crops)) != i
        mates = others & (np.linalg.norm(labs - labs[i], axis=1) < params.mate_delta)
        sized = others & (np.abs(np.log(areas / areas[i])) < np.log(params.twin_size))
        twins = sized & (np.abs(np.log(aspects / aspects[i])) < np.log(params.twin_aspect))
        greyish = float(np.hypot(labs[i, 1], labs[i, 2])) < params.max_chroma
        # a grey note's pad-mates are of its colour and size: a window blind and a sheet of paper
        # beside it (annemijn-retro-2) are of one grey, but no pad
        lone_grey = greyish and others.sum() >= params.min_board and not (mates & sized).any()
        unlike = others.sum() >= params.min_unlike and not mates.any() and not twins.any()
        strip = aspects[i] >= params.min_strip and inside.ink < params.max_ink  # a heading strip's thick letters
        out.append(blank and (lone_grey or unlike or strip))
    return out


def same_beyond(rgb: np.ndarray, quads: list[np.ndarray], min_contrast: float,
                params: SurfaceParams = SurfaceParams()) -> list[float]:
    """For each outline, the share of what lies beyond its edge (a band from `fence_gap` to `fence_reach`
    of its short side outside, other cards left out) within `min_contrast` ΔE of its paper (its inside,
    rim left out); 0 where too little of that band is left to tell. A share, not the band's median: a
    note beside a note of its colour that was not found keeps most of its band board-coloured."""
    import cv2

    h, w = rgb.shape[:2]
    s = min(1.0, params.fence_side / max(h, w))
    small = cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA) if s < 1 else rgb
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32) * np.float32([100 / 255, 1, 1]) \
        - np.float32([0, 128, 128])
    cards = np.zeros(small.shape[:2], np.uint8)
    for q in quads:
        cv2.fillPoly(cards, [np.round(q * s).astype(np.int32)], 1)

    def disc(r: float) -> np.ndarray:
        k = 2 * max(1, int(round(r))) + 1
        return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))

    out = []
    for q in quads:
        side = min(cv2.minAreaRect(q * s)[1])
        reach = max(4.0, params.fence_reach * side)
        x0, y0 = np.maximum(np.floor(q.min(axis=0) * s - reach - 2), 0).astype(int)
        x1, y1 = np.ceil(q.max(axis=0) * s + reach + 3).astype(int)
        box = (slice(y0, y1), slice(x0, x1))  # only around the outline: a wall of 150 notes stays cheap
        m = np.zeros(cards[box].shape, np.uint8)
        cv2.fillPoly(m, [np.round(q * s - [x0, y0]).astype(np.int32)], 1)
        band = (cv2.dilate(m, disc(reach)) > 0) & (cv2.dilate(m, disc(max(2.0, params.fence_gap * side))) == 0) \
            & (cards[box] == 0)
        paper = cv2.erode(m, disc(0.1 * side)) > 0
        if np.count_nonzero(band) < 10 or np.count_nonzero(paper) < 10:
            out.append(0.0)
            continue
        local = lab[box]
        near = np.linalg.norm(local[band] - np.median(local[paper], axis=0), axis=1) < min_contrast
        out.append(float(np.mean(near)))
    return out
