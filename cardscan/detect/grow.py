"""Growing a region that covers only part of a note to the note's edges, by the note's paper colour.

Why: on a dense wall seen from afar (legaard-affinity-1: 144 notes of about 70 work pixels) the ink
closing does not wipe out the writing: the closed-over strokes still leave colour steps above the
edge threshold (a smooth wall sets a low one), and with a string across the wall they cut the note's
paper into bits; the largest bit lies on the note with IoU 0.4 and is too small for a card (a third
of that wall's notes went missing). The note's paper around the bit is still its colour, and the
wall around the note is not: grown over the pixels of its own paper colour (ink closed over), the
bit becomes the note.
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.filters import typical_size
from cardscan.detect.outline import FoundRegion, fit_card_quad, grow_quad, hull_mask
from cardscan.detect.params import DetectorParams


def grow_partial(found: list[FoundRegion], lab: np.ndarray, inkless: np.ndarray,
                 params: DetectorParams) -> list[FoundRegion]:
    """`found`, with each bit of a note (a piece, or a region below the smallest
    card) grown over its paper colour in `inkless` (OpenCV Lab of the copy with ink closed over) to a
    card-shaped outline about the typical card's size. What was found of the same note (regions
    mostly inside the grown outline) goes; an outline reaching into another region is a neighbour's.

    Only coloured paper is followed (a white card on a white wall has no colour to tell it from the
    wall), and the grown outline must hold writing (in `lab`, the copy itself): writing is what cut
    the bit short; a reflection in a glass board grown over its own colour holds none."""
    import cv2

    h, w = inkless.shape[:2]
    p = params
    boxes = [cv2.boundingRect(r.mask.view(np.uint8)) for r in found]  # masks are photo-sized: work in their boxes
    sizes = [int(np.count_nonzero(r.mask[y:y + bh, x:x + bw])) for r, (x, y, bw, bh) in zip(found, boxes)]
    cards = [a for a, r in zip(sizes, found) if r.shape != "piece" and a >= p.min_area_frac * h * w]
    if len(cards) < 3:
        return found
    typical = typical_size(np.array(cards))
    taken = np.zeros((h, w), np.int32)  # which region (index + 1) holds a pixel, pieces after cards
    for k in sorted(range(len(found)), key=lambda k: found[k].shape == "piece"):
        x, y, bw, bh = boxes[k]
        local = taken[y:y + bh, x:x + bw]
        local[found[k].mask[y:y + bh, x:x + bw] & (local == 0)] = k + 1
    whole = np.array([False] + [r.shape != "piece" and size >= p.max_partial * typical
                                for r, size in zip(found, sizes)])  # by taken's numbers
    out: list[FoundRegion] = list(found)
    gone: set[int] = set()
    side = int(np.sqrt(typical))
    for k, ((mask, quad, shape), size) in enumerate(zip(found, sizes)):
        small = shape == "piece" or shape == "rect" and size < p.min_area_frac * h * w
        if k in gone or not small or not p.min_piece_frac * h * w <= size < p.max_partial * typical:
            continue
        x, y, bw, bh = boxes[k]
        box = (slice(max(0, y - side), min(h, y + bh + side)), slice(max(0, x - side), min(w, x + bw + side)))
        hull = _grown_hull(mask[box], inkless[box], lab[box], whole[taken[box]], size, typical, p)
        if hull is None:
            continue
        quad_, shape_ = fit_card_quad(hull)
        if quad_ is None or shape_ != "rect":
            continue
        (_, (rw, rh), _) = cv2.minAreaRect(quad_)
        if max(rw, rh) > p.max_aspect * max(min(rw, rh), 1):
            continue
        inside = hull_mask(hull, mask[box].shape).view(bool)
        numbers, counts = np.unique(taken[box][inside], return_counts=True)
        taken_in = {int(n) - 1 for n, c in zip(numbers, counts) if n and n != k + 1 and c > 0.5 * sizes[n - 1]}
        if any(n and n != k + 1 and n - 1 not in taken_in and found[n - 1].shape != "piece" and c > 0.05 * size
               for n, c in zip(numbers, counts)):
            continue  # it reaches into a region it does not take in: a neighbour
        full = np.zeros((h, w), bool)
        full[box] = inside
        out[k] = FoundRegion(full, grow_quad(quad_, 1.0) + np.array([box[1].start, box[0].start], np.float32), "rect")
        gone |= taken_in
    return [r for k, r in enumerate(out) if k not in gone]


def _grown_hull(own: np.ndarray, inkless: np.ndarray, lab: np.ndarray, whole: np.ndarray, size: int,
                typical: float, p: DetectorParams):
    """The convex outline of the paper of `own`'s colour joined to it, up to the cards found `whole`,
    when it is card-sized, mostly that paper, coloured and written on, and does not run along a whole
    card of its colour (then it is most likely a bit of that card's note that writing cut off); else None."""
    import cv2

    paper = np.median(inkless[own], axis=0)
    if np.hypot(paper[1] - 128, paper[2] - 128) < p.max_plain_chroma:
        return None  # grey-white: a white card on a white wall, a window in a glass board
    step = np.linalg.norm((inkless - paper) * np.array([100 / 255, 1, 1], np.float32), axis=-1)
    similar = ((step < p.grow_delta) & ~whole).astype(np.uint8)
    similar = cv2.morphologyEx(similar, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) | own.view(np.uint8)
    # A string across the note (or a stroke the closing left) must not stop it: paper either side of
    # a thin line is joined, but the outline is built on the paper itself.
    bridged = cv2.morphologyEx(similar, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    _, labels = cv2.connectedComponents(bridged.astype(np.uint8), connectivity=4)
    keep = np.unique(labels[own])
    grown = np.isin(labels, keep[keep > 0]).astype(np.uint8) & similar
    hull = cv2.convexHull(cv2.findNonZero(grown))  # all of it: a string may have cut it in two
    area = cv2.contourArea(hull)
    if area < 1.2 * size or not p.min_typical_share * typical <= area <= p.max_grown * typical \
            or np.count_nonzero(grown) < 0.8 * area:
        return None
    contact = cv2.dilate(grown, np.ones((5, 5), np.uint8)).view(bool) & whole & (step < p.grow_delta)
    if np.count_nonzero(contact) > 0.5 * np.sqrt(area):
        return None
    inside = hull_mask(hull, grown.shape).view(bool)
    darker = (paper[0] - lab[..., 0][inside]) * 100 / 255
    if np.mean(darker > p.min_ink_darkening) < p.min_grown_ink:
        return None  # writing cut the bit short, so the note around it holds writing
    return hull
