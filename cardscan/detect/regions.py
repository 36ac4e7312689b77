"""Card regions between edges: the smooth connected regions of one edge map, each judged as a card,
cut into the touching cards it holds, or kept as a piece (half a card) to be joined.

A region is a card when it is large enough, roughly convex and four-cornered (or oval), paper along
most of its rim; two cards of one colour that run into one region are cut apart at a neck or along
the straight edge of the upper one (cardscan.detect.split).
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.outline import fit_card_quad, grow_quad, hull_mask, outer_hull, rim_coverage
from cardscan.detect.params import DetectorParams
from cardscan.detect.split import cut_along_edge_line, split_at_necks, split_by_size


class RegionFinder:
    """Finds card regions in edge maps of one analysis copy; `params` as the detector's."""

    def __init__(self, params: DetectorParams):
        self.params = params

    def regions_between(self, edges: np.ndarray, all_edges: np.ndarray, paper_edges: np.ndarray | None = None,
                         opening: int = 3, blocked: tuple[np.ndarray, np.ndarray] | None = None) -> list:
        """Card regions (mask, quad, shape) between `edges`; `all_edges` (with thin lines) guide
        the cuts between touching cards; `paper_edges` (no writing) are where cuts by size must run.
        `blocked` (cards, anything) found before: regions there are dropped before their full-size
        mask is made (a dense wall's 500 masks of a second pass cost 1.5 GB otherwise)."""
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
            outlines = self.outlines(region, piece_min, area_min, area_max)
            candidates.append((region, x, y, outlines, all_edges[y:y + bh, x:x + bw]))
        support = paper_edges if paper_edges is not None else edges
        areas = [a for _, _, _, outlines, _ in candidates for hull, _, shape in outlines
                 if shape != "piece" and (a := cv2.contourArea(hull)) >= area_min]
        typical = float(np.median(areas)) if areas else 0.0
        sides = [sorted(cv2.minAreaRect(hull)[1]) for _, _, _, outlines, _ in candidates for hull, _, shape in outlines
                 if shape == "rect" and cv2.contourArea(hull) >= area_min]
        typical_sides = tuple(np.median(sides, axis=0)) if len(sides) >= 5 else None  # (short, long)
        found = []
        for region, x, y, outlines, local_edges in candidates:
            if len(outlines) == 1:
                outlines = self._split_touching(region, local_edges, outlines, typical, area_min, area_max)
            if len(outlines) == 1 and typical_sides and outlines[0][2] == "rect" \
                    and cv2.contourArea(outlines[0][0]) > self.params.min_line_cut_growth * typical:
                outlines = split_by_size(outlines[0], typical_sides, support[y:y + region.shape[0], x:x + region.shape[1]],
                                          region) or outlines
            for hull, quad, shape in outlines:
                quad = quad + np.array([x, y], dtype=np.float32)
                if np.any(quad < -3) or np.any(quad[:, 0] > w + 3) or np.any(quad[:, 1] > h + 3):
                    continue
                if blocked is not None:
                    local = hull_mask(hull, region.shape).view(bool)
                    taken = blocked[shape == "piece"][y:y + region.shape[0], x:x + region.shape[1]]
                    if np.count_nonzero(local & taken) > 0.2 * np.count_nonzero(local):
                        continue
                found.append((hull_mask(hull + np.array([x, y]), (h, w)).view(bool), quad, shape))
        return found

    def outlines(self, region: np.ndarray, piece_min: float, area_min: float, area_max: float) -> list:
        """The card outline of a region, or, when it is no card, those of its pieces cut at necks,
        or, failing that, the region as a possible half of a card. Regions from piece_min up are
        kept (halves of small cards, to be joined); pieces cut off here must be card-sized."""
        card = self._card_outline(region, piece_min, area_max)
        if card is not None:
            return [card]
        return self._piece_outlines(region, area_min, area_max) or self._half_outline(region, piece_min, area_max)

    def _half_outline(self, region: np.ndarray, area_min: float, area_max: float) -> list:
        """A region too ragged for a card that may be half of one (its other half a card-shaped
        region beside it): kept as a "piece" for join_split_cards, dropped if it joins nothing."""
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
            pieces = cut_along_edge_line(region, edges, 0.5 if big else 0.85)
            if not pieces and big:  # a faint double edge that dilation merges into one line
                pieces = cut_along_edge_line(region, cv2.dilate(edges, np.ones((3, 3), np.uint8)), 0.5)
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
        pieces = (self._card_outline(piece, area_min, area_max) for piece in split_at_necks(region, area_min))
        return [card for card in pieces if card is not None]

    def _card_outline(self, region: np.ndarray, area_min: float, area_max: float):
        """(hull, quad, shape) when a smooth region looks like one card's paper, else None."""
        import cv2

        p = self.params
        hull = self._paper_hull(region, area_min, area_max, p.min_rim_coverage)
        if hull is None:
            return None
        quad, shape = fit_card_quad(hull)
        if quad is None:
            return None
        (_, (rw, rh), _) = cv2.minAreaRect(quad)
        if max(rw, rh) > p.max_aspect * max(min(rw, rh), 1):  # the board's frame, a strip of wall
            return None
        return hull, grow_quad(quad, 2.0), shape  # grow: give back the edge band the gradient threshold ate

    def _paper_hull(self, region: np.ndarray, area_min: float, area_max: float, min_rim: float):
        """The region's convex outline when it is card-sized, mostly paper, and paper along at least
        `min_rim` of its inner rim (text and a pin may touch it), else None."""
        import cv2

        hull = outer_hull(region)
        hull_area = cv2.contourArea(hull)
        if not area_min <= hull_area <= area_max or region.sum() / max(hull_area, 1) < self.params.min_paper_share:
            return None
        return hull if rim_coverage(region, hull) >= min_rim else None
