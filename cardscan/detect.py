"""Find the cards on a board photo: outline, perspective-corrected crop, colour.

How: cards are smooth paper, the board is not (cork, felt, kraft paper grain) and every card
edge is a colour or shadow step. So we work on a downscaled copy, mark strong colour edges,
and take the smooth connected regions between edges. A region is a card when it is large
enough, roughly convex and four-cornered (or oval), and differs in colour from the board
around it. Corners are mapped back to the original pixels, so polygons are exact for export.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardscan import colour as colour_stage

WORK_SIZE = 1400  # longest side of the analysis copy; card edges survive, grain is averaged out


@dataclass
class DetectedCard:
    """A card outline in original-image pixels, its colour, and its upright crop."""

    polygon: np.ndarray  # 4x2 float, clockwise from top-left
    colour: str | None
    colour_distance: float  # ΔE to the nearest palette tone (after white balance)
    crop: np.ndarray  # RGB, perspective-corrected
    shape: str = "rect"


@dataclass
class DetectorParams:
    min_area_frac: float = 0.0015  # smallest card: 0.15 % of the photo
    max_area_frac: float = 0.25
    min_paper_share: float = 0.35  # paper pixels in the card's outline (the rest is text, pins)
    min_rim_coverage: float = 0.6  # share of the outline's inner rim that is paper; text and a pin may touch it
    max_aspect: float = 4.5  # cards are at most about 3:1
    min_board_contrast: float = 6.0  # ΔE between card and surrounding board
    edge_sigma: float = 1.2


class CardDetector:
    """Finds cards on a pinboard photo; parameters in __init__, scikit-learn style."""

    def __init__(self, params: DetectorParams | None = None, max_colour_distance: float = 38.0):
        self.params = params or DetectorParams()
        self.max_colour_distance = max_colour_distance

    def detect(self, rgb: np.ndarray) -> list[DetectedCard]:
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, WORK_SIZE / max(h, w))
        small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        balanced = white_balance(small)
        lab = cv2.cvtColor(balanced, cv2.COLOR_RGB2LAB).astype(np.float32)
        regions = self._smooth_regions(lab)
        kept = []
        for mask, quad, shape in regions:
            card_lab, paper = _paper_colour(lab, small, mask)
            card_lab = _cv_lab_to_cie(card_lab)
            ring = _ring(mask)
            board_lab = np.median(lab[ring], axis=0) if ring.any() else None
            if board_lab is not None and _delta_e(card_lab, _cv_lab_to_cie(board_lab)) < self.params.min_board_contrast:
                continue
            kept.append((mask, quad, shape, paper, card_lab))
        kept = _join_split_cards(kept, lab)
        gains = colour_stage.paper_balance(np.array([paper for _, _, _, paper, _ in kept])) if kept else np.ones(3)
        cards = []
        for _, quad, shape, paper, _ in kept:
            lab_paper = colour_stage.srgb_to_lab(colour_stage.apply_balance(paper, gains))
            name, dist = classify_colour(lab_paper, self.max_colour_distance)
            polygon = order_clockwise(quad / scale)
            crop = rectify(rgb, polygon)
            if shape in ("oval", "round"):
                crop = _blank_outside_ellipse(crop)
            cards.append(DetectedCard(polygon=polygon, colour=name, colour_distance=dist, crop=crop, shape=shape))
        return sort_reading_order(cards)

    def _smooth_regions(self, lab: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, str]]:
        import cv2

        p = self.params
        h, w = lab.shape[:2]
        blurred = cv2.GaussianBlur(lab, (0, 0), p.edge_sigma)
        grad = np.zeros((h, w), np.float32)
        for c, weight in ((0, 1.0), (1, 2.0), (2, 2.0)):  # chroma steps count double: card vs board colour
            gx = cv2.Sobel(blurred[..., c], cv2.CV_32F, 1, 0, ksize=3)
            gy = cv2.Sobel(blurred[..., c], cv2.CV_32F, 0, 1, ksize=3)
            grad = np.maximum(grad, weight * np.hypot(gx, gy))
        threshold = max(20.0, float(np.percentile(grad, 60)) * 1.5)
        edges = (grad > threshold).astype(np.uint8)
        edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
        smooth = (1 - edges).astype(np.uint8)
        smooth = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(smooth, connectivity=4)
        area_min, area_max = p.min_area_frac * h * w, p.max_area_frac * h * w
        found = []
        for i in range(1, n):
            x, y, bw, bh, area = stats[i]
            if area < area_min * 0.5 or bw * bh < area_min or bw * bh > area_max * 1.5:
                continue
            region = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
            contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            contour = max(contours, key=cv2.contourArea)
            hull = cv2.convexHull(contour)
            hull_area = cv2.contourArea(hull)
            if hull_area < area_min or hull_area > area_max or area / max(hull_area, 1) < p.min_paper_share:
                continue
            if _rim_coverage(region, hull) < p.min_rim_coverage:
                continue
            quad, shape = _fit_quad(hull)
            if quad is None:
                continue
            (_, (rw, rh), _) = cv2.minAreaRect(quad)
            if max(rw, rh) > p.max_aspect * max(min(rw, rh), 1):  # the board's frame, a strip of wall
                continue
            quad = _grow(quad, 2.0)  # give back the edge band the gradient threshold ate
            quad += np.array([x, y], dtype=np.float32)
            if np.any(quad < -3) or np.any(quad[:, 0] > w + 3) or np.any(quad[:, 1] > h + 3):
                continue
            found.append((_hull_mask(hull + np.array([x, y]), (h, w)).astype(bool), quad, shape))
        return _drop_nested(found)


def _join_split_cards(regions: list, lab: np.ndarray) -> list:
    """Join the two halves of a card that big writing and a pin cut in two.

    A long word and the pin above it can form an unbroken line of edges from the top of a card to
    its bottom, so the paper falls into two smooth regions. Two regions are one card when they have
    the same paper colour, lie side by side, and together make one card-shaped outline of about
    the size of the other cards (two real neighbours together are twice that).
    """
    import cv2

    if len(regions) < 2:
        return regions
    areas = [float(cv2.contourArea(cv2.convexHull(q.astype(np.float32)))) for _, q, *_ in regions]
    typical = float(np.percentile(areas, 75))  # a card's size; halves are the smaller ones
    labs = [paper_lab for *_, paper_lab in regions]
    joined, used = [], set()
    for i in range(len(regions)):
        if i in used:
            continue
        best = None
        for j in range(i + 1, len(regions)):
            if j in used or _delta_e(labs[i], labs[j]) > 8.0 or areas[i] + areas[j] > 1.5 * typical:
                continue
            union = regions[i][0] | regions[j][0]
            contours, _ = cv2.findContours(union.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            hull = cv2.convexHull(np.vstack(contours))
            hull_area = cv2.contourArea(hull)
            if hull_area > 1.3 * typical or hull_area > 1.25 * (areas[i] + areas[j]):
                continue  # not side by side
            between = _hull_mask(hull, union.shape).astype(bool) & ~union
            if between.any() and _delta_e(_cv_lab_to_cie(np.median(lab[between], axis=0)), labs[i]) > 12.0:
                continue  # what lies between them is board, not writing on the same paper
            quad, shape = _fit_quad(hull)
            if quad is None:
                continue
            best = (j, union, _grow(quad, 2.0), shape)
            break
        if best is None:
            joined.append(regions[i])
            continue
        j, union, quad, shape = best
        used.add(j)
        joined.append((union, quad, shape, *regions[i][3:]))
    return joined


def _blank_outside_ellipse(crop: np.ndarray) -> np.ndarray:
    """An oval card's crop has board in its corners, which OCR reads as stray letters; paint it paper."""
    import cv2

    h, w = crop.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.ellipse(inside, (w // 2, h // 2), (max(1, int(w * 0.47)), max(1, int(h * 0.47))), 0, 0, 360, 1, -1)
    paper = np.median(crop[inside.astype(bool)], axis=0)
    out = crop.copy()
    out[inside == 0] = paper.astype(crop.dtype)
    return out


def _hull_mask(hull: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The filled convex outline as a 0/1 uint8 mask."""
    import cv2

    filled = np.zeros(shape[:2], np.uint8)
    cv2.drawContours(filled, [hull], -1, 1, thickness=-1)
    return filled


def _rim_coverage(region: np.ndarray, hull: np.ndarray) -> float:
    """How much of a thin band just inside the convex outline is this region's own paper.

    A card's paper runs all round its edge even where a pin or a long word touches the border
    (which makes the region itself deeply notched); a blob of board between cards does not.
    """
    import cv2

    filled = _hull_mask(hull, region.shape)
    size = max(3, int(0.02 * min(region.shape)))
    outer = cv2.erode(filled, np.ones((3, 3), np.uint8), iterations=1)
    inner = cv2.erode(filled, np.ones((2 * size + 1, 2 * size + 1), np.uint8))
    rim = (outer > 0) & (inner == 0)
    return float(region[rim].mean()) if rim.any() else 0.0


def _fit_quad(hull: np.ndarray) -> tuple[np.ndarray | None, str]:
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
    return cv2.boxPoints(rect).astype(np.float32), shape


def _grow(quad: np.ndarray, pixels: float) -> np.ndarray:
    centre = quad.mean(axis=0)
    vec = quad - centre
    norm = np.linalg.norm(vec, axis=1, keepdims=True)
    return (centre + vec * (1 + pixels / np.maximum(norm, 1))).astype(np.float32)


def _drop_nested(found):
    """A card's text can form a smooth island inside it; keep only outermost regions."""
    keep = []
    order = sorted(range(len(found)), key=lambda i: -found[i][0].sum())
    taken = None
    for i in order:
        mask = found[i][0]
        if taken is not None and (mask & taken).sum() > 0.5 * mask.sum():
            continue
        keep.append(found[i])
        taken = mask.copy() if taken is None else (taken | mask)
    return keep


def _ring(mask: np.ndarray, width: int = 6) -> np.ndarray:
    import cv2

    m = mask.astype(np.uint8)
    outer = cv2.dilate(m, np.ones((2 * width + 1, 2 * width + 1), np.uint8))
    inner = cv2.dilate(m, np.ones((5, 5), np.uint8))
    return (outer > 0) & (inner == 0)


def _paper_colour(lab: np.ndarray, rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median Lab (OpenCV 8-bit) and sRGB of the card's paper, ignoring ink and pins
    (pixels far from the card's typical lightness)."""
    pixels = lab[mask]
    L = pixels[:, 0]
    keep = np.abs(L - np.median(L)) < 25
    if keep.sum() <= 20:
        keep = np.ones_like(keep)
    return np.median(pixels[keep], axis=0), np.median(rgb[mask][keep].astype(np.float64), axis=0)


def _cv_lab_to_cie(lab8: np.ndarray) -> np.ndarray:
    """OpenCV's 8-bit Lab (L*255/100, a+128, b+128) to CIE Lab."""
    return np.array([lab8[0] * 100 / 255, lab8[1] - 128, lab8[2] - 128], dtype=np.float64)


def _delta_e(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def classify_colour(lab: np.ndarray, max_distance: float = 38.0) -> tuple[str | None, float]:
    """Nearest palette tone; lightness counts half because light varies more than paper hue.

    Returns (None, distance) when nothing is close: an unknown colour is reported, not guessed.
    """
    distances = colour_stage.palette_distance(lab)
    i = int(np.argmin(distances))
    best, best_d = colour_stage.COLOUR_NAMES[i], float(distances[i])
    return (best if best_d <= max_distance else None), best_d


def white_balance(rgb: np.ndarray) -> np.ndarray:
    """Shades-of-grey white balance (Minkowski p=6), which leans on the bright paper, not the cards."""
    img = rgb.astype(np.float32) + 1
    illum = np.power(np.mean(np.power(img, 6), axis=(0, 1)), 1 / 6)
    gain = illum.mean() / illum
    return np.clip(img * gain, 0, 255).astype(np.uint8)


def order_clockwise(quad: np.ndarray) -> np.ndarray:
    """Sort 4 points clockwise (image coordinates) starting at the top-left corner."""
    quad = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    quad = quad[np.argsort(angles)]  # y grows downward, so increasing angle is clockwise on screen
    start = int(np.argmin(quad.sum(axis=1)))
    return np.roll(quad, -start, axis=0)


def rectify(rgb: np.ndarray, polygon: np.ndarray, inset: float = 0.03) -> np.ndarray:
    """Warp a card to an upright rectangle; a small inset keeps the card's edge and shadow out."""
    import cv2

    tl, tr, br, bl = polygon.astype(np.float32)
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    width, height = max(width, 8), max(height, 8)
    src = np.array([tl, tr, br, bl], dtype=np.float32)
    dx, dy = inset * width, inset * height
    dst = np.array([[-dx, -dy], [width + dx, -dy], [width + dx, height + dy], [-dx, height + dy]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def sort_reading_order(cards: list[DetectedCard]) -> list[DetectedCard]:
    """Rows top to bottom (a card joins a row when it overlaps the row vertically), then left to right."""
    items = sorted(cards, key=lambda c: c.polygon[:, 1].mean())
    rows: list[list[DetectedCard]] = []
    for card in items:
        top, bottom = card.polygon[:, 1].min(), card.polygon[:, 1].max()
        if rows:
            row = rows[-1]
            r_top = np.median([c.polygon[:, 1].min() for c in row])
            r_bottom = np.median([c.polygon[:, 1].max() for c in row])
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap > 0.5 * min(bottom - top, r_bottom - r_top):
                row.append(card)
                continue
        rows.append([card])
    return [c for row in rows for c in sorted(row, key=lambda c: c.polygon[:, 0].mean())]
