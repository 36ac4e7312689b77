"""Cutting regions that hold several touching cards: at a neck, along a straight edge line, or by size.

What real photos taught (issue 15): notes of one pad stuck edge to edge show little line between them,
so a region two or three typical notes long is cut into them where the ink-free edges support the cut.
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.outline import Outline, hull_mask, outer_hull


def cut_along_edge_line(region: np.ndarray, edges: np.ndarray, min_on_edge: float = 0.5) -> list[np.ndarray]:
    """The two pieces of a region either side of a straight edge line that crosses it, else [].

    Where one card overlaps another of the same colour, the upper card's edge is a straight thin
    line across the paper; a short gap in it (where its shadow is faint) lets the two cards' paper
    run into one region that can pass for a single big card. Writing makes thick blobs of edges, not
    long thin lines, so we look for a long straight line in the thin edges inside the region's
    outline, extend it across, and cut there when most of the extended line lies on edges.
    """
    import cv2

    hull = outer_hull(region)
    inside = cv2.erode(hull_mask(hull, region.shape), np.ones((5, 5), np.uint8))
    thick = cv2.morphologyEx(edges, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    thin = (edges & (1 - thick) & inside) * 255
    short = min(cv2.minAreaRect(hull)[1])
    lines = cv2.HoughLinesP(thin, 1, np.pi / 180, threshold=max(10, int(0.3 * short)),
                            minLineLength=0.4 * short, maxLineGap=4)
    if lines is None:
        return []
    area = region.sum()
    near_edge = cv2.dilate(edges, np.ones((5, 5), np.uint8))  # a line's middle can be missing from the edge map
    for x0, y0, x1, y1 in sorted(lines.reshape(-1, 4), key=lambda l: -np.hypot(l[2] - l[0], l[3] - l[1]))[:5]:
        d = np.array([x1 - x0, y1 - y0], np.float64)
        d *= 2 * max(region.shape) / max(np.linalg.norm(d), 1)
        cut = np.zeros_like(region)
        cv2.line(cut, (int(x0 - d[0]), int(y0 - d[1])), (int(x1 + d[0]), int(y1 + d[1])), 1, 3)
        along = cut.astype(bool) & inside.astype(bool)
        if not along.any() or near_edge[along].mean() < min_on_edge:
            continue
        n, labels, stats, _ = cv2.connectedComponentsWithStats(region & (1 - cut), connectivity=4)
        big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.2 * area]
        if len(big) == 2:
            return [(labels == i).astype(np.uint8) for i in big]
    return []


def split_at_necks(region: np.ndarray, area_min: float) -> list[np.ndarray]:
    """Pieces of a region that is no card, cut where it narrows to a thin neck.

    Two touching cards of one colour are joined only where the line between them has a gap, so
    their common region is two card-shaped blobs linked by a narrow bridge. Eroding breaks the
    bridge; each piece is then grown back inside the region.
    """
    import cv2

    for radius in (3, 6):
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        core = cv2.erode(region, kernel)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=4)
        big = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.3 * area_min]
        if len(big) >= 2:
            return [cv2.dilate((labels == i).astype(np.uint8), kernel) & region for i in big]
    return []


def split_by_size(outline: Outline, typical: tuple[float, float], edges: np.ndarray, region: np.ndarray,
                   tolerance: float = 0.2, min_on_edge: float = 0.3, sure_on_edge: float = 0.7) -> list[Outline]:
    """A rectangle that is two or three typical cards long (or wide) cut into them, else [].

    Why: sticky notes of one pad are all one size and are often stuck edge to edge in a row or a
    column; where no line shows between two of one colour (no shadow, glare), the size is what
    tells a row of two from one note: two typical notes' length and one note's width. A large note
    can have those sizes too (three header notes' size), so each cut must also run along some edge
    (`min_on_edge` of it near `edges`): where two notes meet, a shadow or a paper step shows in part,
    and the outline has a notch at one end of the cut (two notes never line up exactly); writing
    alone gives edges but no notch. A cut that runs on edges almost all along (`sure_on_edge`) needs
    no notch.
    """
    import cv2

    hull = outline.hull
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(hull)
    t_short, t_long = typical
    for along_w, along_h in ((True, False), (False, True)):
        for k in (2, 3):
            w_unit, h_unit = (rw / k if along_w else rw), (rh / k if along_h else rh)
            short, long_ = sorted((w_unit, h_unit))
            if abs(short / t_short - 1) < tolerance and abs(long_ / t_long - 1) < tolerance:
                parts = _cut_box(cv2.boxPoints(((cx, cy), (rw, rh), angle)).astype(np.float32), rw, rh, k, along_w)
                near = cv2.dilate(edges, np.ones((5, 5), np.uint8)).astype(bool)
                filled = hull_mask(hull, region.shape)
                for part in parts[:-1]:
                    a, b = part.quad[1], part.quad[2]  # the cut between this part and the next
                    support = _on_edges(near, a, b)
                    if support < sure_on_edge and not (support >= min_on_edge and _notched(region, filled, a, b)):
                        return []
                return parts
    return []


def _notched(region: np.ndarray, filled: np.ndarray, a: np.ndarray, b: np.ndarray, min_missing: float = 0.12) -> bool:
    """Whether the region misses a bite of its convex outline at either end of the cut a-b."""
    import cv2

    radius = max(3, int(0.08 * np.linalg.norm(b - a)))
    for end in (a, b):
        disk = np.zeros_like(filled)
        cv2.circle(disk, (int(round(end[0])), int(round(end[1]))), radius, 1, -1)
        inside = disk.astype(bool) & filled.astype(bool)
        if inside.any() and np.mean(region[inside] == 0) >= min_missing:
            return True
    return False


def _on_edges(near: np.ndarray, p0: np.ndarray, p1: np.ndarray) -> float:
    """Share of the points on the segment p0-p1 (away from its ends) that lie on `near`."""
    ts = np.linspace(0.1, 0.9, 40)
    pts = (p0[None] + (p1 - p0)[None] * ts[:, None]).round().astype(int)
    inside = (pts[:, 0] >= 0) & (pts[:, 1] >= 0) & (pts[:, 0] < near.shape[1]) & (pts[:, 1] < near.shape[0])
    return float(near[pts[inside, 1], pts[inside, 0]].mean()) if inside.any() else 0.0


def _cut_box(box: np.ndarray, rw: float, rh: float, k: int, along_w: bool) -> list[Outline]:
    """k equal rectangular outlines of a min-area box, cut across its width or height side."""
    sides = [np.linalg.norm(box[(i + 1) % 4] - box[i]) for i in range(4)]
    # the side to divide: the one whose length is rw (along_w) or rh
    target = rw if along_w else rh
    i = int(np.argmin([abs(sd - target) for sd in sides[:2]]))
    p0, p1 = box[i], box[(i + 1) % 4]  # the side to divide
    q0, q1 = box[(i + 3) % 4], box[(i + 2) % 4]  # the opposite side, same direction
    out = []
    for j in range(k):
        f0, f1 = j / k, (j + 1) / k
        quad = np.array([p0 + (p1 - p0) * f0, p0 + (p1 - p0) * f1, q0 + (q1 - q0) * f1, q0 + (q1 - q0) * f0],
                        np.float32)
        out.append(Outline(quad.round().astype(np.int32).reshape(-1, 1, 2), quad, "rect"))
    return out
