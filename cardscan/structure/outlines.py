"""Marker lines drawn around groups of cards (loops): each one is a cluster.

Participants often draw a loop with a marker around cards that belong together instead of (or beside)
writing a heading. With every card painted out in the board's colour, such a loop is a closed line of
ink whose hole holds the centres of two or more cards; the hole's outline is the cluster's outline.
Strokes of writing have holes too (an "o", an "A"), but none that holds a card.
"""
from __future__ import annotations

import numpy as np

from cardscan.structure.boxes import Box
from cardscan.workshop import Card

OUTLINE_WORK_SIDE = 1400  # px: the board is looked at this large (loops are long, thick lines)
OUTLINE_INK = 0.3  # share darker than the board nearby: marker ink (black, blue, red, green marker) ...
OUTLINE_MIN_STEP = 12  # ... and at least this many grey levels (dim photos keep their contrast as a share)
OUTLINE_COLOUR_STEP = 14  # a/b units (OpenCV Lab): ink of another hue than the board nearby
OUTLINE_CARD_GROW = 0.08  # cards are painted out this much beyond their outline (shadows, rims)
OUTLINE_GAP = 0.012  # of the work side: gaps in the line this wide are closed (a marker running dry)
OUTLINE_MIN_CARDS = 2  # a loop around fewer cards is a circled word or a drawing
OUTLINE_MAX_CARDS = 0.85  # of the cards: a line around (nearly) all of them is the board's edge or frame
OUTLINE_MAX_WIDTH = 0.008  # of the work side: the widest marker line (ink around the hole over its length)
OUTLINE_MAX_SHARE = 0.6  # of the photo: a larger hole is the board's frame, not a loop


def find_outlines(rgb: np.ndarray, cards: list[Card]) -> list[list[tuple[int, int]]]:
    """Polygons (photo pixels) of the marker loops drawn around two or more cards, largest first."""
    import cv2

    if len(cards) < OUTLINE_MIN_CARDS:
        return []
    h, w = rgb.shape[:2]
    scale = min(1.0, OUTLINE_WORK_SIDE / max(h, w))
    small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    lab = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2LAB)
    mask = np.zeros(lab.shape[:2], np.uint8)
    centres = []
    for card in cards:
        pts = np.asarray(card.polygon, dtype=np.float64).reshape(-1, 2) * scale
        centre = pts.mean(axis=0)
        centres.append(centre)
        grown = centre + (pts - centre) * (1 + 2 * OUTLINE_CARD_GROW)
        cv2.fillPoly(mask, [np.round(grown).astype(np.int32)], 255)
    if not (mask == 0).any():
        return []
    # The board's own shade varies over the photo (light, cork blotches): compare with the board nearby.
    # Ink differs from it in lightness (black, blue marker) or in colour (red marker on cork).
    board = lab.astype(np.float32)
    valid = (mask == 0).astype(np.float32)
    side = max(mask.shape)
    size = (_odd(0.04 * side), _odd(0.04 * side))
    weight = np.maximum(cv2.boxFilter(valid, -1, size), 1e-3)
    local = np.dstack([cv2.boxFilter(board[..., c] * valid, -1, size) / weight for c in range(3)])
    step = local[..., 0] - board[..., 0]
    shift = np.hypot(*(board[..., 1:] - local[..., 1:]).transpose(2, 0, 1))
    darker = (step > OUTLINE_INK * local[..., 0]) & (step > OUTLINE_MIN_STEP)
    ink = (darker | (shift > OUTLINE_COLOUR_STEP)).astype(np.uint8)
    ink[mask > 0] = 0
    k = _odd(OUTLINE_GAP * side)
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    loops = []
    for k_, contour in enumerate(contours):
        if hierarchy[0][k_][3] < 0:
            continue  # an outer boundary; holes are the insides of closed lines
        area = cv2.contourArea(contour)
        if area > OUTLINE_MAX_SHARE * mask.size:
            continue
        inside = sum(cv2.pointPolygonTest(contour, (float(x), float(y)), False) > 0 for x, y in centres)
        ring = cv2.contourArea(contours[hierarchy[0][k_][3]]) - area
        width = ring / max(cv2.arcLength(contour, True), 1.0)  # a marker line is thin; a board's edge is a step
        if OUTLINE_MIN_CARDS <= inside <= OUTLINE_MAX_CARDS * len(cards) and width <= OUTLINE_MAX_WIDTH * side:
            poly = cv2.approxPolyDP(contour, 0.005 * cv2.arcLength(contour, True), True).reshape(-1, 2) / scale
            loops.append((area, [(int(round(x)), int(round(y))) for x, y in poly]))
    return [poly for _, poly in sorted(loops, key=lambda item: -item[0])]


def inside(polygon, box: Box) -> bool:
    """Whether a box's centre lies inside an outline."""
    import cv2

    return cv2.pointPolygonTest(np.asarray(polygon, np.float32).reshape(-1, 1, 2), (box.cx, box.cy), False) > 0


def _odd(size: float) -> int:
    return max(3, int(size) // 2 * 2 + 1)
