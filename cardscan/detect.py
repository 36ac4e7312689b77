"""Find the cards on a board photo: outline, perspective-corrected crop, colour.

How: cards are smooth paper, the board is not (cork, felt, kraft paper grain) and every card
edge is a colour or shadow step. So we work on a downscaled copy, mark strong colour edges and
thin dark lines (where two cards of one colour touch), and take the smooth connected regions
between them. A region is a card when it is large enough, roughly convex and four-cornered
(or oval), and differs in colour from the board around it. Writing can cut a card's paper in
two: such halves are kept as pieces and joined; two cards of one colour that run into one
region are cut apart at a neck or along the straight edge of the upper one. Corners are mapped
back to the original pixels, so polygons are exact for export.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardscan import colour as colour_stage
from cardscan.geometry import fit_quad, order_clockwise, quad_faults, rectify, sound_quad  # noqa: F401 - re-exported for callers

WORK_SIZE = 1400  # longest side of the analysis copy; card edges survive, grain is averaged out
MAX_WORK_SIZE = 2000  # a finer copy for photos whose cards are small (a whole board seen from afar)


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
    min_piece_frac: float = 0.00075  # a piece of a card that writing cut in two, kept to be joined
    max_area_frac: float = 0.25
    small_card_frac: float = 0.006  # cards below 0.6 % of the photo are looked at in a finer copy
    min_paper_share: float = 0.35  # paper pixels in the card's outline (the rest is text, pins)
    min_rim_coverage: float = 0.6  # share of the outline's inner rim that is paper; text and a pin may touch it
    min_half_rim_coverage: float = 0.4  # the same for half a card, whose cut side is writing
    max_aspect: float = 4.5  # cards are at most about 3:1
    min_board_contrast: float = 6.0  # ΔE between card and surrounding board
    edge_sigma: float = 1.2
    valley_sigma: float = 1.5  # scale of the thin dark line between two touching cards
    valley_threshold: float = 0.1  # Hessian of log lightness; board grain stays below about 0.06
    max_card_size: float = 3.0  # a region this much larger than the median card is wall, a door panel, the board
    max_card_growth: float = 2.0  # a card this much larger than the median one may be touching cards
    min_line_cut_growth: float = 1.4  # ... and from this size on we look for a straight edge across it
    ink_closing: int = 9  # writing thinner than this (work pixels) is closed over before colour edges; 0: off
    edge_crest: float = 0.5  # ink-free pass: an edge pixel has at least this share of the strongest step near it
    min_cut_share: float = 0.35  # a card-sized region cut along a line: both pieces at least this share of a card


class CardDetector:
    """Finds cards on a pinboard photo; parameters in __init__, scikit-learn style."""

    def __init__(self, params: DetectorParams | None = None, max_colour_distance: float = 38.0):
        self.params = params or DetectorParams()
        self.max_colour_distance = max_colour_distance

    def detect(self, rgb: np.ndarray) -> list[DetectedCard]:
        kept, scale = self._papers(rgb, WORK_SIZE)
        work_size = self._finer_work_size(kept, scale, rgb.shape)
        if work_size:
            kept, scale = self._papers(rgb, work_size)
        # An outline that is still unsound as its min-area rectangle is a sliver (a strip of frame
        # or a shadow), never a card.
        kept = _one_per_place(_not_oversized([r for r in kept if not quad_faults(sound_quad(r[1]))],
                                             self.params.max_card_size))
        outlines = []
        for _, quad, shape, paper, _ in kept:
            polygon = order_clockwise(sound_quad(quad / scale))
            crop = rectify(rgb, polygon)
            if shape in ("oval", "round"):
                crop = _blank_outside_ellipse(crop)
            outlines.append((polygon, crop, shape))
        papers = np.array([colour_stage.remove_glare(paper, colour_stage.glare_from_ink(crop))
                           for (*_, paper, _), (_, crop, _) in zip(kept, outlines)])
        gains = colour_stage.paper_balance(papers) if kept else np.ones(3)
        cards = []
        for paper, (polygon, crop, shape) in zip(papers, outlines):
            lab_paper = colour_stage.srgb_to_lab(colour_stage.apply_balance(paper, gains))
            name, dist = classify_colour(lab_paper, self.max_colour_distance)
            cards.append(DetectedCard(polygon=polygon, colour=name, colour_distance=dist, crop=crop, shape=shape))
        return sort_reading_order(cards)

    def _papers(self, rgb: np.ndarray, work_size: int) -> tuple[list, float]:
        """Card regions on a copy of the photo whose longest side is work_size, with their
        paper colours, and the copy's scale."""
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, work_size / max(h, w))
        small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        balanced = white_balance(small)
        lab = cv2.cvtColor(balanced, cv2.COLOR_RGB2LAB).astype(np.float32)
        kept = []
        for mask, quad, shape in self._smooth_regions(lab, balanced):
            x, y, bw, bh = cv2.boundingRect(mask.view(np.uint8))
            box = (slice(max(0, y - 10), y + bh + 10), slice(max(0, x - 10), x + bw + 10))  # room for the ring
            card_lab, paper = _paper_colour(lab[box], small[box], mask[box])
            card_lab = _cv_lab_to_cie(card_lab)
            ring = _ring(mask[box])
            board_lab = np.median(lab[box][ring], axis=0) if ring.any() else None
            if board_lab is not None and _delta_e(card_lab, _cv_lab_to_cie(board_lab)) < self.params.min_board_contrast:
                continue
            kept.append((mask, quad, shape, paper, card_lab))
        area_min = self.params.min_area_frac * lab.shape[0] * lab.shape[1]
        joined = _join_split_cards(kept, lab)
        return [r for r in joined if r[2] != "piece" and _region_area(r) >= area_min], scale

    def _finer_work_size(self, kept: list, scale: float, shape: tuple) -> int | None:
        """A larger analysis size when the cards came out small, else None.

        On a photo of a whole board from afar the cards are small in the analysis copy; writing and
        pins then cut their paper into pieces below the smallest card size, and whole cards go
        missing. A finer copy keeps the pieces joined; it costs time, so only those photos pay it.
        """
        import cv2

        longest = max(shape[:2])
        if not kept or longest * scale >= min(longest, MAX_WORK_SIZE):
            return None
        areas = [cv2.contourArea(quad) / (scale * scale) for _, quad, *_ in kept]
        card_frac = float(np.median(areas)) / (shape[0] * shape[1])
        if card_frac >= self.params.small_card_frac:
            return None
        return min(longest, MAX_WORK_SIZE)

    def _smooth_regions(self, lab: np.ndarray, balanced: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, str]]:
        import cv2

        p = self.params
        h, w = lab.shape[:2]
        valleys = _valley_lines(lab[..., 0], p.valley_sigma, p.valley_threshold)
        raw_edges = _colour_edges(lab, p.edge_sigma)
        plain = cv2.dilate(raw_edges | valleys, np.ones((3, 3), np.uint8))
        if not p.ink_closing:
            return _drop_nested(self._regions_between(plain, plain))
        inkless = _without_ink(balanced, p.ink_closing)
        paper_edges = _colour_edges(inkless, p.edge_sigma)
        crests = _colour_edges(inkless, p.edge_sigma, p.edge_crest)
        strokes = (raw_edges & (1 - paper_edges)) | valleys  # thin dark lines: ink, or where cards touch
        thin_lines = paper_edges | strokes
        # The crest of each colour step bounds the paper most closely (a strong step's band would eat
        # into the note, and ink touching it would make the rim ragged); where the crest leaves a
        # card's darker cut edge as a second, dashed line inside, the full band still finds it.
        found = _drop_nested(self._regions_between(cv2.dilate(crests, np.ones((3, 3), np.uint8)), thin_lines))
        found += _not_overlapping(_drop_nested(self._regions_between(
            cv2.dilate(paper_edges, np.ones((3, 3), np.uint8)), thin_lines)), found)
        # Cards whose only edge is a thin line (a white card's shadow on a white board) vanish with
        # the ink; the plain edge map finds them, but also writing-cut pieces of the other cards,
        # so its regions count only where the ink-free passes found nothing.
        return found + _not_overlapping(_drop_nested(self._regions_between(plain, plain)), found)

    def _regions_between(self, edges: np.ndarray, all_edges: np.ndarray, opening: int = 3) -> list:
        """Card regions (mask, quad, shape) between `edges`; `all_edges` (with thin lines) guide
        the cuts between touching cards."""
        import cv2

        p = self.params
        h, w = edges.shape[:2]
        smooth = (1 - edges).astype(np.uint8)
        smooth = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((opening, opening), np.uint8))  # thin slivers go
        n, labels, stats, _ = cv2.connectedComponentsWithStats(smooth, connectivity=4)
        area_min, area_max = p.min_area_frac * h * w, p.max_area_frac * h * w
        piece_min = p.min_piece_frac * h * w
        candidates = []
        for i in range(1, n):
            x, y, bw, bh, area = stats[i]
            if area < piece_min * 0.5 or bw * bh < piece_min or bw * bh > area_max * 1.5:
                continue
            region = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
            outlines = self._outlines(region, piece_min, area_min, area_max)
            candidates.append((region, x, y, outlines, all_edges[y:y + bh, x:x + bw]))
        areas = [a for _, _, _, outlines, _ in candidates for hull, _, shape in outlines
                 if shape != "piece" and (a := cv2.contourArea(hull)) >= area_min]
        typical = float(np.median(areas)) if areas else 0.0
        found = []
        for region, x, y, outlines, local_edges in candidates:
            if len(outlines) == 1:
                outlines = self._split_touching(region, local_edges, outlines, typical, area_min, area_max)
            for hull, quad, shape in outlines:
                quad = quad + np.array([x, y], dtype=np.float32)
                if np.any(quad < -3) or np.any(quad[:, 0] > w + 3) or np.any(quad[:, 1] > h + 3):
                    continue
                found.append((_hull_mask(hull + np.array([x, y]), (h, w)).view(bool), quad, shape))
        return found

    def _outlines(self, region: np.ndarray, piece_min: float, area_min: float, area_max: float) -> list:
        """The card outline of a region, or, when it is no card, those of its pieces cut at necks,
        or, failing that, the region as a possible half of a card. Regions from piece_min up are
        kept (halves of small cards, to be joined); pieces cut off here must be card-sized."""
        card = self._card_outline(region, piece_min, area_max)
        if card is not None:
            return [card]
        return self._piece_outlines(region, area_min, area_max) or self._half_outline(region, piece_min, area_max)

    def _half_outline(self, region: np.ndarray, area_min: float, area_max: float) -> list:
        """A region too ragged for a card that may be half of one (its other half a card-shaped
        region beside it): kept as a "piece" for _join_split_cards, dropped if it joins nothing."""
        import cv2

        hull = self._paper_hull(region, area_min, area_max, self.params.min_half_rim_coverage)
        if hull is None:
            return []
        return [(hull, cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32), "piece")]

    def _split_touching(self, region: np.ndarray, edges: np.ndarray, outlines: list, typical: float,
                        area_min: float, area_max: float, depth: int = 0) -> list:
        """A region's one outline, or those of the touching cards that together passed for one big
        card: cut at a neck when it is far larger than a typical card, or along a straight edge
        (again in each piece: a row of three touching notes takes two cuts)."""
        import cv2

        p = self.params
        area = cv2.contourArea(outlines[0][0])
        if area > p.max_card_growth * typical:
            outlines = self._split_big(region, area_min, area_max) or outlines
        if len(outlines) == 1:
            # A region no larger than a card is cut only along a line that crosses it almost
            # everywhere on edges into two card-sized pieces: writing's lines stop short of the rim.
            big = area > p.min_line_cut_growth * typical
            pieces = _cut_along_edge_line(region, edges, 0.5 if big else 0.85)
            if not pieces and big:  # a faint double edge that dilation merges into one line
                pieces = _cut_along_edge_line(region, cv2.dilate(edges, np.ones((3, 3), np.uint8)), 0.5)
            cards = [self._card_outline(piece, area_min, area_max) for piece in pieces]
            if len(cards) == 2 and all(card is not None for card in cards) and (big or min(
                    cv2.contourArea(card[0]) for card in cards) >= p.min_cut_share * typical):
                outlines = []
                for piece, card in zip(pieces, cards):
                    outlines += (self._split_touching(piece, edges, [card], typical, area_min, area_max, depth + 1)
                                 if depth < 3 else [card])
        return outlines

    def _split_big(self, region: np.ndarray, area_min: float, area_max: float) -> list:
        """Touching cards that together passed for one big card, as separate outlines (else [])."""
        cards = self._piece_outlines(region, area_min, area_max)
        return cards if len(cards) >= 2 else []

    def _piece_outlines(self, region: np.ndarray, area_min: float, area_max: float) -> list:
        pieces = (self._card_outline(piece, area_min, area_max) for piece in _split_at_necks(region, area_min))
        return [card for card in pieces if card is not None]

    def _card_outline(self, region: np.ndarray, area_min: float, area_max: float):
        """(hull, quad, shape) when a smooth region looks like one card's paper, else None."""
        import cv2

        p = self.params
        hull = self._paper_hull(region, area_min, area_max, p.min_rim_coverage)
        if hull is None:
            return None
        quad, shape = _fit_quad(hull)
        if quad is None:
            return None
        (_, (rw, rh), _) = cv2.minAreaRect(quad)
        if max(rw, rh) > p.max_aspect * max(min(rw, rh), 1):  # the board's frame, a strip of wall
            return None
        return hull, _grow(quad, 2.0), shape  # grow: give back the edge band the gradient threshold ate

    def _paper_hull(self, region: np.ndarray, area_min: float, area_max: float, min_rim: float):
        """The region's convex outline when it is card-sized, mostly paper, and paper along at least
        `min_rim` of its inner rim (text and a pin may touch it), else None."""
        import cv2

        hull = _outer_hull(region)
        hull_area = cv2.contourArea(hull)
        if not area_min <= hull_area <= area_max or region.sum() / max(hull_area, 1) < self.params.min_paper_share:
            return None
        return hull if _rim_coverage(region, hull) >= min_rim else None


def _region_area(region: tuple) -> float:
    """A region's size: its pixels, or its outline's area for two halves joined across their writing."""
    import cv2

    mask, quad = region[:2]
    return max(float(cv2.countNonZero(mask.view(np.uint8))), float(cv2.contourArea(quad)))


def _cut_along_edge_line(region: np.ndarray, edges: np.ndarray, min_on_edge: float = 0.5) -> list[np.ndarray]:
    """The two pieces of a region either side of a straight edge line that crosses it, else [].

    Where one card overlaps another of the same colour, the upper card's edge is a straight thin
    line across the paper; a short gap in it (where its shadow is faint) lets the two cards' paper
    run into one region that can pass for a single big card. Writing makes thick blobs of edges, not
    long thin lines, so we look for a long straight line in the thin edges inside the region's
    outline, extend it across, and cut there when most of the extended line lies on edges.
    """
    import cv2

    hull = _outer_hull(region)
    inside = cv2.erode(_hull_mask(hull, region.shape), np.ones((5, 5), np.uint8))
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


def _split_at_necks(region: np.ndarray, area_min: float) -> list[np.ndarray]:
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


def _colour_edges(lab: np.ndarray, sigma: float, thin: float = 0.0) -> np.ndarray:
    """Strong lightness or colour steps (0/1 uint8): card against board, ink against paper."""
    import cv2

    blurred = cv2.GaussianBlur(lab, (0, 0), sigma)
    grad = np.zeros(lab.shape[:2], np.float32)
    for c, weight in ((0, 1.0), (1, 2.0), (2, 2.0)):  # chroma steps count double: card vs board colour
        gx = cv2.Sobel(blurred[..., c], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(blurred[..., c], cv2.CV_32F, 0, 1, ksize=3)
        grad = np.maximum(grad, weight * np.hypot(gx, gy))
    threshold = max(20.0, float(np.percentile(grad[::2, ::2], 60)) * 1.5)  # every 4th pixel is plenty
    edges = grad > threshold
    if thin:  # a strong step's band is cut down to its crest, so that it does not eat into the paper
        edges &= grad >= thin * cv2.dilate(grad, np.ones((9, 9), np.uint8))
    return edges.astype(np.uint8)


def _without_ink(rgb: np.ndarray, size: int) -> np.ndarray:
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


def _valley_lines(lightness: np.ndarray, sigma: float, threshold: float) -> np.ndarray:
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
    pixels = [int(np.count_nonzero(mask)) for mask, *_ in regions]  # counted once, not per candidate pair
    # An ellipse of half a card's size or more is a whole oval or round card: writing cuts paper
    # along ragged strokes, it does not leave a clean ellipse behind (a half may still fill π/4
    # of its box and so pass for "round", hence the check of the outline itself).
    whole = [shape in ("oval", "round") and area >= 0.45 * typical and _is_ellipse(mask)
             for (mask, _, shape, *_), area in zip(regions, areas)]
    joined, used = [], set()
    for i in range(len(regions)):
        if i in used:
            continue
        best = None
        for j in range(i + 1, len(regions)):
            if j in used or whole[i] or whole[j] or _delta_e(labs[i], labs[j]) > 8.0 \
                    or areas[i] + areas[j] > 1.5 * typical:
                continue
            union = regions[i][0] | regions[j][0]
            contours, _ = cv2.findContours(union.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            hull = cv2.convexHull(np.vstack(contours))
            hull_area = cv2.contourArea(hull)
            if hull_area > 1.3 * typical or hull_area > 2.0 * (areas[i] + areas[j]):
                continue  # not side by side
            between = _hull_mask(hull, union.shape).astype(bool) & ~union
            if between.any() and _board_share(lab, between, union, labs[i]) > 0.25:
                continue  # what lies between them is board, not writing on the same paper
            if _holds_another(between, regions, pixels, (i, j)):
                continue  # a third card of the same colour lies between them: neighbours in a column
            quad, shape = _fit_quad(hull)
            if quad is None and _rect_fill(hull) > 0.88:  # two halves either side of a fat letter
                quad, shape = fit_quad(hull), "rect"
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


def _is_ellipse(mask: np.ndarray, min_iou: float = 0.92) -> bool:
    """Whether a region's convex outline is an ellipse: its overlap (IoU) with the ellipse fitted to
    its boundary. A whole oval card scores about 0.94 to 0.99, a card half cut off by writing, or
    a rectangle, well below."""
    import cv2

    x, y, w, h = cv2.boundingRect(mask.view(np.uint8))
    pad = max(w, h) // 4 + 2  # room for a fitted ellipse that bulges past the region's box
    local = np.pad(mask[y:y + h, x:x + w].astype(np.uint8), pad)
    filled = _hull_mask(_outer_hull(local), local.shape)
    boundary, _ = cv2.findContours(filled, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)  # evenly spaced points
    if len(boundary[0]) < 5:
        return False
    ellipse = np.zeros_like(local)
    cv2.ellipse(ellipse, cv2.fitEllipse(boundary[0]), 1, -1)
    return float((ellipse & filled).sum() / max((ellipse | filled).sum(), 1)) >= min_iou


def _holds_another(between: np.ndarray, regions: list, pixels: list[int], pair: tuple[int, int]) -> bool:
    """Whether most of some other region lies in `between`, the gap that joining a pair would fill.

    A piece far smaller than either half does not count: that is a strip of paper between two
    lines of writing on the same card, not a third card (or a large fragment of one). ``pixels``:
    each region's size."""
    import cv2

    x, y, w, h = cv2.boundingRect(between.view(np.uint8))
    gap = between[y:y + h, x:x + w]
    smaller_half = min(pixels[i] for i in pair)
    for k, (mask, _, shape, *_) in enumerate(regions):
        if k in pair or (shape == "piece" and pixels[k] < 0.5 * smaller_half):
            continue
        inside = np.count_nonzero(mask[y:y + h, x:x + w] & gap)
        if inside and inside > 0.5 * pixels[k]:
            return True
    return False


def _board_share(lab: np.ndarray, between: np.ndarray, union: np.ndarray, paper_lab: np.ndarray) -> float:
    """Share of the pixels between two regions that look like the board around them.

    Between two halves of one card lies writing (dark ink, or paper the edge map took), between
    two neighbouring cards lies board; the writing can cover most of it, so a median says little.
    """
    ring = _ring(union)
    if not ring.any():
        return 0.0
    board = _cv_lab_to_cie(np.median(lab[ring], axis=0))
    pixels = _cv_lab_to_cie(lab[between])
    to_board = np.linalg.norm(pixels - board, axis=1)
    to_paper = np.linalg.norm(pixels - paper_lab, axis=1)
    return float(np.mean((to_board < 15.0) & (to_board < to_paper)))


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


def _outer_hull(region: np.ndarray) -> np.ndarray:
    """Convex hull of a region's largest outer contour (specks beside it do not count)."""
    import cv2

    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return cv2.convexHull(max(contours, key=cv2.contourArea))


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
    outside = dict(borderType=cv2.BORDER_CONSTANT, borderValue=0)  # the region's box edge is not paper
    outer = cv2.erode(filled, np.ones((3, 3), np.uint8), **outside)
    inner = cv2.erode(filled, np.ones((2 * size + 1, 2 * size + 1), np.uint8), **outside)
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


def _rect_fill(hull: np.ndarray) -> float:
    """How much of its min-area rectangle a convex outline fills."""
    import cv2

    (_, (rw, rh), _) = cv2.minAreaRect(hull)
    return float(cv2.contourArea(hull) / max(rw * rh, 1.0))


def _grow(quad: np.ndarray, pixels: float) -> np.ndarray:
    centre = quad.mean(axis=0)
    vec = quad - centre
    norm = np.linalg.norm(vec, axis=1, keepdims=True)
    return (centre + vec * (1 + pixels / np.maximum(norm, 1))).astype(np.float32)


def _not_oversized(regions: list, max_size: float) -> list:
    """Regions no larger than `max_size` times the median one: what is left that large after
    touching cards were cut apart is a plain surface (a wall beside the board, a door panel)."""
    import cv2

    if len(regions) < 3:
        return regions
    areas = np.array([cv2.contourArea(sound_quad(r[1])) for r in regions])
    return [r for r, a in zip(regions, areas) if a <= max_size * np.median(areas)]


def _one_per_place(regions: list, max_covered: float = 0.4) -> list:
    """One outline per place: an outline mostly covered by one kept before it (the ink-free pass's
    come first, then larger ones) is a second look at the same card."""
    import cv2

    quads = [sound_quad(r[1]).astype(np.float32) for r in regions]
    areas = [max(cv2.contourArea(q), 1.0) for q in quads]
    keep: list[int] = []
    for i in range(len(regions)):
        covered = max((cv2.intersectConvexConvex(cv2.convexHull(quads[i]), cv2.convexHull(quads[k]))[0]
                       for k in keep), default=0.0)
        if covered <= max_covered * areas[i]:
            keep.append(i)
    return [regions[i] for i in keep]


def _not_overlapping(extra: list, found: list, max_overlap: float = 0.2) -> list:
    """The regions of `extra` that overlap no region of `found` by more than `max_overlap` of their
    size; a piece of `found` (no card yet) blocks only pieces: another pass may see a card there."""
    if not extra or not found:
        return extra
    cards = np.zeros_like(found[0][0])
    pieces = np.zeros_like(found[0][0])
    for mask, _, shape in found:
        (pieces if shape == "piece" else cards)[...] |= mask
    anything = cards | pieces
    return [r for r in extra
            if np.count_nonzero(r[0] & (anything if r[2] == "piece" else cards)) <= max_overlap * np.count_nonzero(r[0])]


def _drop_nested(found):
    """A card's text can form a smooth island inside it; keep only outermost regions (cards before
    pieces: a ragged blob of board around a card in glare must not hide it)."""
    import cv2

    if not found:
        return []
    boxes = [cv2.boundingRect(mask.view(np.uint8)) for mask, *_ in found]
    local = [mask[y:y + h, x:x + w] for (mask, *_), (x, y, w, h) in zip(found, boxes)]  # only where a mask is
    sizes = [int(np.count_nonzero(m)) for m in local]
    keep = []
    taken = np.zeros_like(found[0][0])
    for i in sorted(range(len(found)), key=lambda i: (found[i][2] == "piece", -sizes[i])):
        x, y, w, h = boxes[i]
        if np.count_nonzero(local[i] & taken[y:y + h, x:x + w]) > 0.5 * sizes[i]:
            continue
        keep.append(found[i])
        taken[y:y + h, x:x + w] |= local[i]
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
    """OpenCV's 8-bit Lab (L*255/100, a+128, b+128), one colour or (…,3), to CIE Lab."""
    return np.asarray(lab8, dtype=np.float64) * np.array([100 / 255, 1, 1]) - np.array([0, 128, 128])


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
    illum = np.power(np.mean(np.power(img[::2, ::2], 6), axis=(0, 1)), 1 / 6)
    gain = illum.mean() / illum
    return np.clip(img * gain, 0, 255).astype(np.uint8)


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
