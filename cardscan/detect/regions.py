"""Card regions between edges: the smooth connected regions of one edge map, each judged as a card,
cut into the touching cards it holds, or kept as a piece (half a card) to be joined.

A region is a card when it is large enough, roughly convex and four-cornered (or oval), paper along
most of its rim; two cards of one colour that run into one region are cut apart at a neck or along
the straight edge of the upper one (cardscan.detect.split).
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.outline import FoundRegion, Outline, fit_card_quad, grow_quad, hull_mask, outer_hull, rim_coverage
from cardscan.detect.params import DetectorParams
from cardscan.detect.split import cut_along_edge_line, split_at_necks, split_by_size


PAD_SPREAD = 1.35  # notes within this size ratio of a pad's size are its notes (filters.typical_group's spread)


class RegionFinder:
    """Finds card regions in edge maps of one analysis copy; `params` as the detector's."""

    def __init__(self, params: DetectorParams, lab: np.ndarray | None = None, pad: float | None = None):
        self.params = params
        self.lab = lab  # the analysis copy (OpenCV Lab): a close-up note is told from a board by colour
        self.pad = pad  # the size of a pad's notes just under the card minimum (filters.small_pad), if known
        self.close_notes: list[FoundRegion] = []  # the regions `close_note` took for one note

    def regions_between(self, edges: np.ndarray, all_edges: np.ndarray, paper_edges: np.ndarray | None = None,
                         opening: int = 3, blocked: tuple[np.ndarray, np.ndarray] | None = None) -> list[FoundRegion]:
        """Card regions between `edges`; `all_edges` (with thin lines) guide
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
            if area < piece_min * 0.5 or bw * bh < piece_min or bw * bh > p.max_whole_frac * h * w:
                continue
            region = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
            if bw * bh > area_max:  # a note seen from close by, or a board, or touching notes of one colour
                note = self.close_note(region, p.max_whole_frac * h * w, (x, y))
                if note is not None:
                    hull, quad, shape = note
                    self.close_notes.append(FoundRegion(hull_mask(hull + np.array([x, y]), (h, w)).view(bool),
                                                        quad + np.array([x, y], np.float32), shape))
                if bw * bh > area_max * 1.5:
                    continue
            outlines = self.outlines(region, piece_min, area_min, area_max)
            candidates.append((region, x, y, outlines, all_edges[y:y + bh, x:x + bw]))
        support = paper_edges if paper_edges is not None else edges
        # The typical card is judged from the card-sized regions, or, on a board whose notes are a pad
        # just under the card minimum, from those notes: the regions above it are notes run together
        # (annemijn-retro-2), and judged by those a column of three touching notes was never cut.
        card_min = area_min if self.pad is None else max(piece_min, min(area_min, p.min_typical_share * self.pad))
        areas = [a for _, _, _, outlines, _ in candidates for hull, _, shape in outlines
                 if shape != "piece" and (a := cv2.contourArea(hull)) >= card_min]
        typical = float(np.median(areas)) if areas else 0.0
        sides = [sorted(cv2.minAreaRect(hull)[1]) for _, _, _, outlines, _ in candidates for hull, _, shape in outlines
                 if shape == "rect" and (a := cv2.contourArea(hull)) >= card_min
                 and (self.pad is None or abs(np.log(a / self.pad)) <= np.log(PAD_SPREAD))]
        typical_sides = tuple(np.median(sides, axis=0)) if len(sides) >= 5 else None  # (short, long)
        found = []
        for region, x, y, outlines, local_edges in candidates:
            if len(outlines) == 1:
                outlines = self._split_touching(region, local_edges, outlines, typical, area_min, area_max)
            if len(outlines) == 1 and typical_sides and outlines[0].shape == "rect" \
                    and cv2.contourArea(outlines[0].hull) > self.params.min_line_cut_growth * typical:
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
                found.append(FoundRegion(hull_mask(hull + np.array([x, y]), (h, w)).view(bool), quad, shape))
        return found

    def close_note(self, region: np.ndarray, area_whole: float, at: tuple[int, int] = (0, 0)) -> Outline | None:
        """The outline of a region larger than any card of a board photo when it may be one note
        seen from close by, else None; `at` is the region's top-left corner in the analysis copy.
        (Touching notes of one colour in a grid are such a region too: `with_close_notes` decides.)

        Why: a photo of one to three notes, taken close or cut out of a larger photo, has notes that
        fill most of the frame; their paper was above the largest card size, so only bits of paper
        inside the letters were found (thkoeln-zettel-6: 5 false cards, no note). A board is such a
        region too (a whiteboard holding 16 cards was once taken for one note, samples/pinnwand-3),
        but a board holds cards and a note only writing. So what lies inside its outline but is not
        its paper must be the paper's own colour (the insides of letters), or dark ink (strokes, thinner
        than `max_ink_width` of its short side): a blob of another colour, light or wide, is a card
        in a board. The paper's colour is judged later (a white region that large is a whiteboard).
        """
        import cv2

        p = self.params
        hull = outer_hull(region)
        hull_area = cv2.contourArea(hull)
        if self.lab is None or hull_area > area_whole or region.sum() < p.min_whole_paper * hull_area:
            return None
        if rim_coverage(region, hull) < p.min_rim_coverage:
            return None
        x, y = at
        lab = self.lab[y:y + region.shape[0], x:x + region.shape[1]]
        paper = np.median(lab[region.astype(bool)], axis=0)
        holes = hull_mask(hull, region.shape).astype(bool) & ~region.astype(bool)
        step = np.linalg.norm((lab - paper) * np.array([100 / 255, 1, 1], np.float32), axis=-1)
        darker = (paper[0] - lab[..., 0]) * 100 / 255
        other = holes & (step > p.min_board_contrast * 2)  # not the paper's own colour
        light = other & (darker < p.min_ink_darkening)  # ... nor ink (a stroke's soft rim is thin: opened away)
        light = cv2.morphologyEx(light.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        size = max(3, int(p.max_ink_width * min(cv2.minAreaRect(hull)[1])))
        solid = cv2.morphologyEx(other.astype(np.uint8), cv2.MORPH_OPEN,
                                 cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
        if cv2.countNonZero(solid) + cv2.countNonZero(light) > p.max_foreign_share * hull_area:
            return None
        quad, shape = fit_card_quad(hull)
        if quad is None:
            return None
        (_, (rw, rh), _) = cv2.minAreaRect(quad)
        if max(rw, rh) > p.max_aspect * max(min(rw, rh), 1):
            return None
        return Outline(hull, grow_quad(quad, 2.0), shape)

    def outlines(self, region: np.ndarray, piece_min: float, area_min: float, area_max: float) -> list[Outline]:
        """The card outline of a region, or, when it is no card, those of its pieces cut at necks,
        or, failing that, the region as a possible half of a card. Regions from piece_min up are
        kept (halves of small cards, to be joined); pieces cut off here must be card-sized."""
        card = self._card_outline(region, piece_min, area_max)
        if card is not None:
            return [card]
        return self._piece_outlines(region, area_min, area_max) or self._half_outline(region, piece_min, area_max)

    def _half_outline(self, region: np.ndarray, area_min: float, area_max: float) -> list[Outline]:
        """A region too ragged for a card that may be half of one (its other half a card-shaped
        region beside it): kept as a "piece" for join_split_cards, dropped if it joins nothing."""
        import cv2

        hull = self._paper_hull(region, area_min, area_max, self.params.min_half_rim_coverage)
        if hull is None:
            return []
        return [Outline(hull, cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32), "piece")]

    def _split_touching(self, region: np.ndarray, edges: np.ndarray, outlines: list[Outline], typical: float,
                        area_min: float, area_max: float, depth: int = 0) -> list[Outline]:
        """A region's one outline, or those of the touching cards that together passed for one big
        card: cut at a neck when it is far larger than a typical card, or along a straight edge
        (again in each piece: a row of three touching notes takes two cuts)."""
        import cv2

        p = self.params
        area = cv2.contourArea(outlines[0].hull)
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
                    cv2.contourArea(card.hull) for card in cards) >= p.min_cut_share * typical):
                outlines = []
                for piece, card in zip(pieces, cards):
                    outlines += (self._split_touching(piece, edges, [card], typical, area_min, area_max, depth + 1)
                                 if depth < 3 else [card])
        return outlines

    def _split_big(self, region: np.ndarray, area_min: float, area_max: float) -> list[Outline]:
        """Touching cards that together passed for one big card, as separate outlines (else [])."""
        cards = self._piece_outlines(region, area_min, area_max)
        return cards if len(cards) >= 2 else []

    def _piece_outlines(self, region: np.ndarray, area_min: float, area_max: float) -> list[Outline]:
        pieces = (self._card_outline(piece, area_min, area_max) for piece in split_at_necks(region, area_min))
        return [card for card in pieces if card is not None]

    def _card_outline(self, region: np.ndarray, area_min: float, area_max: float) -> Outline | None:
        """The outline when a smooth region looks like one card's paper, else None."""
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
        return Outline(hull, grow_quad(quad, 2.0), shape)  # grow: give back the edge band the gradient threshold ate

    def _paper_hull(self, region: np.ndarray, area_min: float, area_max: float, min_rim: float):
        """The region's convex outline when it is card-sized, mostly paper, and paper along at least
        `min_rim` of its inner rim (text and a pin may touch it), else None."""
        import cv2

        hull = outer_hull(region)
        hull_area = cv2.contourArea(hull)
        if not area_min <= hull_area <= area_max or region.sum() / max(hull_area, 1) < self.params.min_paper_share:
            return None
        return hull if rim_coverage(region, hull) >= min_rim else None
