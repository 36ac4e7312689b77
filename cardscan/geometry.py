"""Quadrilaterals of cards: order their corners, check them, fit them to a mask, and cut the card out.

Why one module: detection, whiteboard mode, OCR crops, the web page's thumbnails and the benches
all turn four corners into an upright crop; when each did its own, a crossed or triangular outline
in one place came out as half a note's text in another. Here a polygon is either a sound convex
quadrilateral (`quad_faults` is empty) or it is refitted (`fit_quad`), never passed on half-made.
"""
from __future__ import annotations

import numpy as np

MIN_FILL = 0.8  # a card's outline fills at least this much of its min-area rectangle
MAX_CORNER_ANGLE = 160.0  # a corner flatter than this makes the quadrilateral a triangle
MIN_SIDE_SHARE = 0.15  # no side shorter than this share of the longest


def order_clockwise(quad: np.ndarray) -> np.ndarray:
    """Sort 4 points clockwise (image coordinates) starting at the top-left corner."""
    quad = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles)]  # y grows downward, so increasing angle is clockwise on screen
    start = int(np.argmin(quad.sum(axis=1)))
    return np.roll(quad, -start, axis=0)


CARD_CROP_INSET = 0.03  # share of a card's width and height cut off each side of its crop


def rectify(rgb: np.ndarray, polygon: np.ndarray, inset: float = CARD_CROP_INSET) -> np.ndarray:
    """Warp a card to an upright rectangle; a small inset keeps the card's edge and shadow out."""
    import cv2

    tl, tr, br, bl = np.asarray(polygon, dtype=np.float32).reshape(4, 2)
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    width, height = max(width, 8), max(height, 8)
    src = np.array([tl, tr, br, bl], dtype=np.float32)
    dx, dy = inset * width, inset * height
    dst = np.array([[-dx, -dy], [width + dx, -dy], [width + dx, height + dy], [-dx, height + dy]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def crossed(quad: np.ndarray) -> bool:
    """Whether a quadrilateral's opposite sides cross (a bow-tie)."""
    pts = np.asarray(quad, dtype=np.float64).reshape(4, 2)

    def side(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def intersect(p1, p2, q1, q2):
        return side(q1, q2, p1) * side(q1, q2, p2) < 0 and side(p1, p2, q1) * side(p1, p2, q2) < 0

    return intersect(pts[0], pts[1], pts[2], pts[3]) or intersect(pts[1], pts[2], pts[3], pts[0])


def quad_faults(polygon, min_fill: float = MIN_FILL) -> list[str]:
    """Why an outline is no sound card outline: [] for a convex quadrilateral that fills its
    min-area rectangle. Faults: "N corners", "crossed", "non-convex", "triangle-like", "low fill"."""
    import cv2

    pts = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    if len(pts) != 4:
        return [f"{len(pts)} corners"]
    faults = []
    if crossed(pts):
        faults.append("crossed")
    elif not cv2.isContourConvex(pts.astype(np.float32).reshape(-1, 1, 2)):
        faults.append("non-convex")
    sides = np.linalg.norm(np.roll(pts, -1, axis=0) - pts, axis=1)
    angles = []
    for k in range(4):
        a, b = pts[k - 1] - pts[k], pts[(k + 1) % 4] - pts[k]
        cos = float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-9))
        angles.append(np.degrees(np.arccos(np.clip(cos, -1, 1))))
    if max(angles) >= MAX_CORNER_ANGLE or sides.min() < MIN_SIDE_SHARE * sides.max():
        faults.append("triangle-like")
    area = abs(cv2.contourArea(pts.astype(np.float32)))
    (_, (rw, rh), _) = cv2.minAreaRect(pts.astype(np.float32))
    if rw * rh <= 0 or area / (rw * rh) < min_fill:
        faults.append("low fill")
    return faults


def fit_quad(hull: np.ndarray, min_cover: float = 0.95) -> np.ndarray:
    """A sound convex quadrilateral (4x2 float32) around a convex outline (a card's paper).

    First the outline's own four corners (approxPolyDP at growing tolerance), kept only when they
    make a sound quadrilateral that covers `min_cover` of the outline; a curled or lifted corner cuts
    a corner off, and a shadow adds a sliver, which would otherwise give a triangle or a crossed
    shape. Failing that, the min-area rectangle, which is always sound and hugs a square note
    whose corner curls.
    """
    import cv2

    hull = np.asarray(hull, dtype=np.float32).reshape(-1, 1, 2)
    hull_area = cv2.contourArea(hull)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) != 4 or not cv2.isContourConvex(approx):
            continue
        quad = approx.reshape(4, 2).astype(np.float32)
        if cv2.contourArea(quad) >= min_cover * hull_area and not quad_faults(quad):
            return quad
    return cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)


def local_axes(polygons: list[np.ndarray], centre: np.ndarray, k: int = 4) -> tuple[np.ndarray, np.ndarray] | None:
    """The directions of a card's top side and left side at `centre`, as the `k` nearest of
    `polygons` (sound quadrilaterals, clockwise from top-left: rectangular cards) show them, or None.

    Why: a round card has no corners of its own to show the perspective, so its upright box left
    the writing sheared on a board photographed at an angle (hard tier: 40° off axis); the
    rectangular cards around it were photographed from the same angle. Nearer cards count more.
    """
    if not polygons:
        return None
    quads = np.asarray(polygons, np.float64).reshape(-1, 4, 2)
    dist = np.linalg.norm(quads.mean(axis=1) - np.asarray(centre, np.float64), axis=1)
    near = np.argsort(dist)[:k]
    weights = 1.0 / np.maximum(dist[near], 1.0)
    tl, tr, br, bl = (quads[near, i] for i in range(4))
    across, down = (tr - tl) + (br - bl), (bl - tl) + (br - tr)
    across /= np.linalg.norm(across, axis=1, keepdims=True) + 1e-9
    down /= np.linalg.norm(down, axis=1, keepdims=True) + 1e-9
    u, v = (weights[:, None] * across).sum(axis=0), (weights[:, None] * down).sum(axis=0)
    u, v = u / (np.linalg.norm(u) + 1e-9), v / (np.linalg.norm(v) + 1e-9)
    if abs(float(u @ v)) > 0.5 or u[0] <= 0 or v[1] <= 0:  # no sensible frame: sides over 30° from square
        return None
    return u, v


def circumscribe(points: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The parallelogram with sides along `u` and `v` that just holds `points` (4x2 float32,
    clockwise from top-left when u points right and v down).

    A circle's bounding square seen at an angle is the parallelogram (nearly: perspective over one
    card's size is almost affine) whose sides touch the ellipse along the photo's own directions."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
    nu, nv = np.array([-u[1], u[0]]), np.array([-v[1], v[0]])  # normals of the top/bottom and the left/right sides
    a, b = pts @ nu, pts @ nv
    basis = np.array([nu, nv])

    def corner(ta: float, tb: float) -> np.ndarray:
        return np.linalg.solve(basis, np.array([ta, tb]))

    corners = [corner(a.min(), b.max()), corner(a.min(), b.min()), corner(a.max(), b.min()), corner(a.max(), b.max())]
    return order_clockwise(np.array(corners, np.float32))


def sound_quad(polygon: np.ndarray) -> np.ndarray:
    """The polygon itself when it is a sound quadrilateral, else the min-area rectangle of its points."""
    import cv2

    pts = np.asarray(polygon, dtype=np.float32).reshape(-1, 2)
    if len(pts) == 4 and not quad_faults(pts):
        return pts
    return cv2.boxPoints(cv2.minAreaRect(pts.reshape(-1, 1, 2))).astype(np.float32)
