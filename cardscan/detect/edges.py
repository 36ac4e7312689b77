"""Edge maps of the analysis copy: colour steps, thin dark valleys, and the photo with ink closed over.

What real photos taught (issue 15): marker writing is a colour edge as strong as a note's rim, so the
first pass looks for edges on a copy with the ink closed over (grey closing, `without_ink`), on the
crest of each step (a strong step's wide band ate into the note). Tried and dropped: a soft or
thresholded ink mask instead of the plain closing (new edges where the mask changes: notes on a black
board vanished), a lower or hysteresis edge threshold for pale notes (writing fragments returned), a
larger closing (13, 17 px: no better on the dev photos).
"""
from __future__ import annotations

import numpy as np


def colour_edges(lab: np.ndarray, sigma: float, thin: float = 0.0, floor: float = 20.0) -> np.ndarray:
    """Strong lightness or colour steps (0/1 uint8): card against board, ink against paper; `floor`:
    the least step that counts, whatever the photo's own grain."""
    import cv2

    blurred = cv2.GaussianBlur(lab, (0, 0), sigma)
    grad = np.zeros(lab.shape[:2], np.float32)
    for c, weight in ((0, 1.0), (1, 2.0), (2, 2.0)):  # chroma steps count double: card vs board colour
        gx = cv2.Sobel(blurred[..., c], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(blurred[..., c], cv2.CV_32F, 0, 1, ksize=3)
        grad = np.maximum(grad, weight * np.hypot(gx, gy))
    threshold = max(floor, float(np.percentile(grad[::2, ::2], 60)) * 1.5)  # every 4th pixel is plenty
    edges = grad > threshold
    if thin:  # a strong step's band is cut down to its crest, so that it does not eat into the paper
        edges &= grad >= thin * cv2.dilate(grad, np.ones((9, 9), np.uint8))
    return edges.astype(np.uint8)


def without_ink(rgb: np.ndarray, size: int) -> np.ndarray:
    """Lab (OpenCV 8-bit, float32) of the photo with dark strokes narrower than `size` closed over.

    Why: marker writing on a sticky note is a strong colour edge, and big block capitals cut the
    note's paper into pieces that no longer look like a card (the halves of "DRAFT POST" came out
    as triangles); writing on the board itself made marker headings into edge tangles. A grey
    closing (dilate, then erode) of each RGB channel paints thin dark strokes in the colour of the
    paper around them (ink is dark in every channel), while a card's edge against the board, a step
    and not a stroke, stays where it is.
    """
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    out = cv2.morphologyEx(rgb, cv2.MORPH_CLOSE, kernel)
    return cv2.cvtColor(out, cv2.COLOR_RGB2LAB).astype(np.float32)


def valley_lines(lightness: np.ndarray, sigma: float, threshold: float) -> np.ndarray:
    """Thin dark lines (0/1 uint8): where two cards of one colour touch, only a line tells them apart.

    A card's cut edge is a little darker than its face and casts a thin contact shadow, so even
    between two touching cards of the same paper there is a narrow valley in lightness, too weak
    for the colour-edge threshold. We find valleys as the largest eigenvalue of the Hessian of
    log lightness (log: a dim photo's valleys are as deep as a bright one's, in relative terms).
    Weak valley pixels count when they connect to strong ones (hysteresis), which closes the
    small gaps that would otherwise let two cards' paper leak into one region.
    """
    import cv2

    log_l = cv2.GaussianBlur(np.log(lightness + 8.0), (0, 0), sigma)
    dxx = cv2.Sobel(log_l, cv2.CV_32F, 2, 0, ksize=3)
    dyy = cv2.Sobel(log_l, cv2.CV_32F, 0, 2, ksize=3)
    dxy = cv2.Sobel(log_l, cv2.CV_32F, 1, 1, ksize=3)
    valley = (dxx + dyy) / 2 + np.sqrt(((dxx - dyy) / 2) ** 2 + dxy ** 2)
    weak = (valley > 0.5 * threshold).astype(np.uint8)
    n, labels = cv2.connectedComponents(weak, connectivity=8)
    strong = np.zeros(n, bool)
    strong[np.unique(labels[valley > threshold])] = True
    strong[0] = False
    return strong[labels].astype(np.uint8)
