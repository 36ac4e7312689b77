"""The detector: the analysis copy, its card regions, their outlines in the photo's pixels, their colours."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardscan import colour as colour_stage
from cardscan.detect.filters import (cut_by_frame, dark_grey, not_drawn_on, not_oversized, one_per_place, plain_surface,
                                     small_pad, typical_size, white_board)
from cardscan.detect.join import join_split_cards
from cardscan.detect.outline import grow_quad, outer_hull, region_area
from cardscan.detect.paper import (PaperRegion, blank_outside_ellipse, classify_colour, cv_lab_to_cie, delta_e,
                                   paper_colour, ring_around, white_balance)
from cardscan.detect.params import MAX_WORK_SIZE, WORK_SIZE, DetectorParams
from cardscan.detect.passes import smooth_regions
from cardscan.detect.surfaces import room_surfaces
from cardscan.geometry import circumscribe, local_axes, order_clockwise, quad_faults, rectify, sound_quad


@dataclass
class DetectedCard:
    """A card outline in original-image pixels, its colour, and its upright crop."""

    polygon: np.ndarray  # 4x2 float, clockwise from top-left
    colour: str | None
    colour_distance: float  # ΔE to the nearest palette tone (after white balance)
    crop: np.ndarray  # RGB, perspective-corrected
    shape: str = "rect"


MIN_TILT = 6.0  # degrees: the sides of the rectangular cards around a round one must tilt this much to count


class CardDetector:
    """Finds cards on a pinboard photo; parameters in __init__, scikit-learn style."""

    def __init__(self, params: DetectorParams | None = None, max_colour_distance: float = 38.0):
        self.params = params or DetectorParams()
        self.max_colour_distance = max_colour_distance

    def detect(self, rgb: np.ndarray) -> list[DetectedCard]:
        kept, scale = self._papers(rgb, WORK_SIZE)
        work_size = self._finer_work_size(kept, scale, rgb.shape)
        if work_size:
            coarse, coarse_scale = kept, scale
            kept, scale = self._papers(rgb, work_size)
            kept = self._apart_in_first(coarse, coarse_scale, kept, scale, rgb.shape)
            kept = kept + self._lost_in_finer(coarse, coarse_scale, kept, scale, rgb.shape)
        # An outline that is still unsound as its min-area rectangle is a sliver (a strip of frame
        # or a shadow), never a card.
        kept = not_drawn_on(one_per_place(not_oversized([r for r in kept if not quad_faults(sound_quad(r.quad))
                                            and not cut_by_frame(sound_quad(r.quad / scale), rgb.shape)],
                                           self.params.max_card_size), min_step=self.params.note_hue_step))
        outlines = []
        rects = [order_clockwise(sound_quad(r.quad / scale)) for r in kept if r.shape == "rect"]
        for mask, quad, shape, paper, _ in kept:
            polygon = order_clockwise(sound_quad(quad / scale))
            if shape == "round":
                tilted = self._round_outline(mask, scale, rects)
                polygon = polygon if tilted is None else tilted
            crop = rectify(rgb, polygon)
            if shape in ("oval", "round"):
                crop = blank_outside_ellipse(crop)
            outlines.append((polygon, crop, shape))
        plain = [plain_surface(paper_lab, crop, self.params) for (*_, paper_lab), (_, crop, _) in zip(kept, outlines)]
        kept = [r for r, skip in zip(kept, plain) if not skip]
        outlines = [o for o, skip in zip(outlines, plain) if not skip]
        papers = np.array([colour_stage.remove_glare(paper, colour_stage.glare_from_ink(crop))
                           for (*_, paper, _), (_, crop, _) in zip(kept, outlines)])
        gains = colour_stage.paper_balance(papers) if kept else np.ones(3)
        lab_papers = [colour_stage.srgb_to_lab(colour_stage.apply_balance(paper, gains)) for paper in papers]
        surface = room_surfaces(rgb, lab_papers, [crop for _, crop, _ in outlines], [polygon for polygon, _, _ in outlines],
                                self.params.min_board_contrast, self.params.surfaces)
        cards = []
        for lab_paper, (polygon, crop, shape), skip in zip(lab_papers, outlines, surface):
            if skip:
                continue
            name, dist = classify_colour(lab_paper, self.max_colour_distance)
            cards.append(DetectedCard(polygon=polygon, colour=name, colour_distance=dist, crop=crop, shape=shape))
        return sort_reading_order(cards)

    def _lost_in_finer(self, coarse: list[PaperRegion], coarse_scale: float, fine: list[PaperRegion],
                       scale: float, shape: tuple[int, ...]) -> list[PaperRegion]:
        """The coloured cards of the first analysis copy where the finer copy found nothing, in the
        finer copy's pixels.

        Why: the finer copy is taken when the cards came out small, and it keeps their pieces joined;
        but the ink closing is a size in the copy's pixels, so in the finer copy a densely written
        note's strokes are too wide to close, and the edges left inside cut its paper into bits below
        any card (legaard-affinity-1: notes the first copy found whole were lost). Only coloured paper
        of a pad the finer copy found (a card within `max_pad_delta` of it) is taken over: grey-white
        regions are the wall, blinds or a window between the cards, which only the finer copy tells
        from white cards, and a colour the finer copy found on no card is no note's either (warm-lit
        blinds beside a whiteboard). First tried with every region: two false cards on dev for each
        note gained; with coloured ones only, 9 notes and 3 false cards (dev)."""
        import cv2

        fine_quads = [sound_quad(r.quad / scale).astype(np.float32) for r in fine]
        papers = np.array([r.paper_lab for r in fine]).reshape(-1, 3)
        lost: list[PaperRegion] = []
        for r in coarse:
            if float(np.hypot(r.paper_lab[1], r.paper_lab[2])) < self.params.max_plain_chroma or not len(papers) \
                    or np.linalg.norm(papers - r.paper_lab, axis=1).min() > self.params.max_pad_delta:
                continue
            quad = sound_quad(r.quad / coarse_scale).astype(np.float32)
            area = max(cv2.contourArea(quad), 1.0)
            if any(cv2.intersectConvexConvex(quad, f)[0] > 0.2 * area for f in fine_quads):
                continue
            lost += _in_copy([r], coarse_scale, scale, shape)
        return lost

    def _apart_in_first(self, coarse: list[PaperRegion], coarse_scale: float, fine: list[PaperRegion],
                        scale: float, shape: tuple[int, ...]) -> list[PaperRegion]:
        """`fine`, with each card that holds two or more cards of the first analysis copy (each mostly
        inside it, of its paper) replaced by those cards, in the finer copy's pixels.

        Why: two notes of one colour with a narrow gap of board between them were found apart in the
        first copy and as one card in the finer one (annemijn-retro-1: R 0.78 -> 1.00); where one copy
        sees one card and the other two inside it, the two are the notes (the first copy runs notes
        together too, but then it has one card where the finer copy has two, which stay)."""
        import cv2

        quads = [sound_quad(r.quad / coarse_scale).astype(np.float32) for r in coarse]
        areas = [max(cv2.contourArea(q), 1.0) for q in quads]
        out = []
        for r in fine:
            quad = sound_quad(r.quad / scale).astype(np.float32)
            inside = [k for k, q in enumerate(quads) if cv2.intersectConvexConvex(q, quad)[0] > 0.8 * areas[k]
                      and delta_e(coarse[k].paper_lab, r.paper_lab) < self.params.max_pad_delta]
            out += [r] if len(inside) < 2 else _in_copy([coarse[k] for k in inside], coarse_scale, scale, shape)
        return out

    @staticmethod
    def _round_outline(mask: np.ndarray, scale: float, rects: list[np.ndarray]) -> np.ndarray | None:
        """A round card's outline in the photo when the board was photographed at an angle: the
        parallelogram around its paper whose sides run as those of the rectangular cards near it
        (the photo's perspective there); None when they tilt less than MIN_TILT.

        Why: the upright box (fit_card_quad) leaves the writing of a round card sheared on a board
        seen 40° off axis, and a min-area rectangle turns the crop by any angle up to 45°. Each card
        hangs a few degrees askew of its own and a round card's own tilt cannot be seen, so below
        MIN_TILT the upright box is the best guess."""
        hull = outer_hull(mask.view(np.uint8)).reshape(-1, 2) / scale
        axes = local_axes(rects, hull.mean(axis=0))
        if axes is None:
            return None
        (ux, uy), (vx, vy) = axes
        if max(abs(np.degrees(np.arctan2(uy, ux))), abs(np.degrees(np.arctan2(vx, vy)))) < MIN_TILT:
            return None
        return order_clockwise(sound_quad(grow_quad(circumscribe(hull, *axes), 2.0 / scale)))

    def _papers(self, rgb: np.ndarray, work_size: int) -> tuple[list[PaperRegion], float]:
        """Card regions on a copy of the photo whose longest side is work_size, with their
        paper colours, and the copy's scale.

        When the cards kept turn out to be a pad of notes just under the card minimum
        (`filters.small_pad`), the passes run once more knowing it: they judged the typical card,
        by which touching notes are cut apart, from the regions above the minimum, which on such a
        board are notes run together (annemijn-retro-2)."""
        import cv2

        h, w = rgb.shape[:2]
        scale = min(1.0, work_size / max(h, w))
        small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        balanced = white_balance(small)
        lab = cv2.cvtColor(balanced, cv2.COLOR_RGB2LAB).astype(np.float32)
        kept, pad = self._kept(small, balanced, lab)
        if pad is not None:
            kept, _ = self._kept(small, balanced, lab, pad)
        return kept, scale

    def _kept(self, small: np.ndarray, balanced: np.ndarray, lab: np.ndarray,
              pad: float | None = None) -> tuple[list[PaperRegion], float | None]:
        """The card regions of one analysis copy, and the size of its notes when they are a pad just
        under the card minimum (else None); `pad` is handed to the passes."""
        import cv2

        bright_l = float(np.percentile(lab[::4, ::4, 0], 95)) * 100 / 255  # CIE L of the photo's bright parts
        kept = []
        for mask, quad, shape in smooth_regions(lab, balanced, self.params, pad):
            x, y, bw, bh = cv2.boundingRect(mask.view(np.uint8))
            box = (slice(max(0, y - 10), y + bh + 10), slice(max(0, x - 10), x + bw + 10))  # room for the ring
            card_lab, paper = paper_colour(lab[box], small[box], mask[box])
            card_lab = cv_lab_to_cie(card_lab)
            if dark_grey(card_lab, bright_l, self.params) or white_board(
                    card_lab, np.count_nonzero(mask) / mask.size, self.params):
                continue
            ring = ring_around(mask[box])
            board_lab = np.median(lab[box][ring], axis=0) if ring.any() else None
            if board_lab is not None and delta_e(card_lab, cv_lab_to_cie(board_lab)) < self.params.min_board_contrast:
                continue
            kept.append(PaperRegion(mask, quad, shape, paper, card_lab))
        area_min = self.params.min_area_frac * lab.shape[0] * lab.shape[1]
        piece_min = self.params.min_piece_frac * lab.shape[0] * lab.shape[1]
        joined = [r for r in join_split_cards(kept, lab, self.params) if r.shape != "piece"]
        areas = [region_area(r) for r in joined]
        floor = card_floor(areas, area_min, piece_min, self.params.min_typical_share)
        return [r for r in joined if region_area(r) >= floor], small_pad(areas, area_min, piece_min)

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


def _in_copy(regions: list[PaperRegion], from_scale: float, scale: float, shape: tuple[int, ...]) -> list[PaperRegion]:
    """`regions` of the analysis copy at `from_scale` moved to the one at `scale` of a photo of `shape`."""
    import cv2

    size = (round(shape[1] * scale), round(shape[0] * scale)) if scale < 1 else (shape[1], shape[0])  # as _papers
    return [r._replace(mask=cv2.resize(r.mask.view(np.uint8), size, interpolation=cv2.INTER_NEAREST).view(bool),
                       quad=(r.quad * (scale / from_scale)).astype(np.float32)) for r in regions]


def card_floor(areas: list[float], area_min: float, piece_min: float, typical_share: float) -> float:
    """The smallest region kept as a card: `area_min`, or on a wall of notes little larger than it,
    `typical_share` of the typical card (`typical_size` of the card-sized regions), never below `piece_min`.

    Why: on a dense wall seen from afar (legaard-affinity-1: 144 notes, each 0.23 % of the photo)
    a note's writing leaves only part of its paper smooth; that part still lies on the note
    (IoU over 0.5) but falls under the photo-relative minimum, and a fifth of the notes went
    missing. Relative to the notes found whole, the floor scales with the photo's own cards.

    The notes themselves can be just under `area_min` (annemijn-retro-2: a whiteboard from afar,
    each note 0.146 % of the photo): then more regions share one size below `area_min` than above
    it (there only notes run together in twos, board and window), and that size is the card's
    (`filters.small_pad`).
    """
    cards = np.array([a for a in areas if a >= area_min])
    floor = area_min
    if len(cards) >= 3:
        floor = min(area_min, typical_share * typical_size(cards))
    pad = small_pad(areas, area_min, piece_min)
    if pad is not None:
        floor = min(floor, typical_share * pad)
    return max(piece_min, floor)


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
