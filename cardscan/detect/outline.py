"""The shape of one smooth region: its convex outline, how much of its rim is paper, four corners for it."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Outline(NamedTuple):
    """A smooth region's outline in the region's own box, as the region finder judges it: a NamedTuple
    so that the stages name its parts (unpacking it as (hull, quad, shape) still works)."""

    hull: np.ndarray  # convex hull of the region's paper (OpenCV contour, region-box pixels)
    quad: np.ndarray  # four corners (4x2 float32)
    shape: str  # "rect", "oval", "round", or "piece" (half a card, kept to be joined)


class FoundRegion(NamedTuple):
    """A card region (or a piece of one) found in the analysis copy, before its paper colour is known:
    what the passes, the cuts and the growing hand each other (cardscan.detect.paper.PaperRegion adds
    the paper). Unpacking it as (mask, quad, shape) still works."""

    mask: np.ndarray  # bool, the size of the analysis copy
    quad: np.ndarray  # outline, analysis-copy pixels
    shape: str  # "rect", "oval", "round", or "piece"


def outer_hull(region: np.ndarray) -> np.ndarray:
    """Convex hull of a region's largest outer contour (specks beside it do not count)."""
    import cv2

    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return cv2.convexHull(max(contours, key=cv2.contourArea))


def hull_mask(hull: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The filled convex outline as a 0/1 uint8 mask."""
    import cv2

    filled = np.zeros(shape[:2], np.uint8)
    cv2.drawContours(filled, [hull], -1, 1, thickness=-1)
    return filled


def rim_coverage(region: np.ndarray, hull: np.ndarray) -> float:
    """How much of a thin band just inside the convex outline is this region's own paper.

    A card's paper runs all round its edge even where a pin or a long word touches the border
    (which makes the region itself deeply notched); a blob of board between cards does not.
    """
    import cv2

    filled = hull_mask(hull, region.shape)
    size = max(3, int(0.02 * min(region.shape)))
    outside = dict(borderType=cv2.BORDER_CONSTANT, borderValue=0)  # the region's box edge is not paper
    outer = cv2.erode(filled, np.ones((3, 3), np.uint8), **outside)
    inner = cv2.erode(filled, np.ones((2 * size + 1, 2 * size + 1), np.uint8), **outside)
    rim = (outer > 0) & (inner == 0)
    return float(region[rim].mean()) if rim.any() else 0.0


def fit_card_quad(hull: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Four corners for a card: the polygon itself if it has four, else its min-area rectangle."""
    import cv2

    hull_area = cv2.contourArea(hull)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            quad = approx.reshape(4, 2).astype(np.float32)
            if cv2.contourArea(quad) >= 0.85 * hull_area:
                return quad, "rect"
    rect = cv2.minAreaRect(hull)
    (rw, rh) = rect[1]
    if rw < 4 or rh < 4:
        return None, ""
    rect_area = rw * rh
    fill = hull_area / rect_area
    if fill > 0.9:
        shape = "rect"
    elif abs(fill - np.pi / 4) < 0.08:  # an ellipse fills π/4 of its bounding box
        shape = "round" if 0.8 < rw / rh < 1.25 else "oval"
    else:
        return None, ""
    if shape == "round":
        # A circle's min-area rectangle has no meaningful angle: a pixel of the hull can turn it by 45°,
        # and the crop (and the writing in it) with it ("Wer ist für die Bürger da?" read as "Wes finde").
        # Round cards hang upright like the others, so their box is the upright one (the detector
        # tilts it to the photo's perspective when the cards around show one).
        x, y, w, h = cv2.boundingRect(hull.astype(np.float32))
        return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32), shape
    return cv2.boxPoints(rect).astype(np.float32), shape


def rect_fill(hull: np.ndarray) -> float:
    """How much of its min-area rectangle a convex outline fills."""
    import cv2

    (_, (rw, rh), _) = cv2.minAreaRect(hull)
    return float(cv2.contourArea(hull) / max(rw * rh, 1.0))


def grow_quad(quad: np.ndarray, pixels: float) -> np.ndarray:
    centre = quad.mean(axis=0)
    vec = quad - centre
    norm = np.linalg.norm(vec, axis=1, keepdims=True)
    return (centre + vec * (1 + pixels / np.maximum(norm, 1))).astype(np.float32)


def is_ellipse(mask: np.ndarray, min_iou: float = 0.92) -> bool:
    """Whether a region's convex outline is an ellipse: its overlap (IoU) with the ellipse fitted to
    its boundary. A whole oval card scores about 0.94 to 0.99, a card half cut off by writing, or
    a rectangle, well below."""
    import cv2

    x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
    pad = max(w, h) // 4 + 2  # room for a fitted ellipse that bulges past the region's box
    local = np.pad(mask[y:y + h, x:x + w].astype(np.uint8), pad)
    filled = hull_mask(outer_hull(local), local.shape)
    boundary, _ = cv2.findContours(filled, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)  # evenly spaced points
    if len(boundary[0]) < 5:
        return False
    ellipse = np.zeros_like(local)
    cv2.ellipse(ellipse, cv2.fitEllipse(boundary[0]), 1, -1)
    return float((ellipse & filled).sum() / max((ellipse | filled).sum(), 1)) >= min_iou


def region_area(region: tuple) -> float:
    """A region's size: its pixels, or its outline's area for two halves joined across their writing."""
    import cv2

    mask, quad = region[:2]
    return max(float(cv2.countNonZero(mask.view(np.uint8))), float(cv2.contourArea(quad)))
