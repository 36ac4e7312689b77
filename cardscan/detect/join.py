"""Joining the two halves of a card that writing cut in two."""
from __future__ import annotations

import numpy as np

from cardscan.detect.outline import fit_card_quad, grow_quad, hull_mask, is_ellipse, rect_fill
from cardscan.detect.paper import PaperRegion, cv_lab_to_cie, delta_e, ring_around
from cardscan.detect.params import DetectorParams
from cardscan.geometry import fit_quad


def join_split_cards(regions: list[PaperRegion], lab: np.ndarray, params: DetectorParams | None = None) -> list[PaperRegion]:
    """Join the two halves of a card that big writing and a pin cut in two.

    A long word and the pin above it can form an unbroken line of edges from the top of a card to
    its bottom, so the paper falls into two smooth regions. Two regions are one card when they have
    the same paper colour, lie side by side, and together make one card-shaped outline of about
    the size of the other cards (two real neighbours together are twice that). ``params``: the
    thresholds for notes stuck on another card (DetectorParams' defaults when None).
    """
    import cv2

    p = params or DetectorParams()

    if len(regions) < 2:
        return regions
    areas = [float(cv2.contourArea(cv2.convexHull(r.quad.astype(np.float32)))) for r in regions]
    typical = float(np.percentile(areas, 75))  # a card's size; halves are the smaller ones
    labs = [r.paper_lab for r in regions]
    pixels = [int(np.count_nonzero(r.mask)) for r in regions]  # counted once, not per candidate pair
    # An ellipse of half a card's size or more is a whole oval or round card: writing cuts paper
    # along ragged strokes, it does not leave a clean ellipse behind (a half may still fill π/4
    # of its box and so pass for "round", hence the check of the outline itself).
    whole = [r.shape in ("oval", "round") and area >= 0.45 * typical and is_ellipse(r.mask)
             for r, area in zip(regions, areas)]
    joined, used = [], set()
    for i in range(len(regions)):
        if i in used:
            continue
        best = None
        for j in range(i + 1, len(regions)):
            if j in used or whole[i] or whole[j] or delta_e(labs[i], labs[j]) > 8.0 \
                    or areas[i] + areas[j] > 1.5 * typical:
                continue
            union = regions[i].mask | regions[j].mask
            contours, _ = cv2.findContours(union.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            hull = cv2.convexHull(np.vstack(contours))
            hull_area = cv2.contourArea(hull)
            if hull_area > 1.3 * typical or hull_area > 2.0 * (areas[i] + areas[j]):
                continue  # not side by side
            between = hull_mask(hull, union.shape).astype(bool) & ~union
            if between.any() and _board_share(lab, between, union, labs[i]) > 0.25:
                continue  # what lies between them is board, not writing on the same paper
            if _on_another_card(between, regions, labs, (i, j), p) \
                    or _across_other_paper(lab, between, regions, labs, (i, j), p):
                continue  # they are two notes stuck on a card of another colour
            if _holds_another(between, regions, pixels, (i, j)):
                continue  # a third card of the same colour lies between them: neighbours in a column
            quad, shape = fit_card_quad(hull)
            if quad is None and rect_fill(hull) > 0.88:  # two halves either side of a fat letter
                quad, shape = fit_quad(hull), "rect"
            if quad is None:
                continue
            best = (j, union, grow_quad(quad, 2.0), shape)
            break
        if best is None:
            joined.append(regions[i])
            continue
        j, union, quad, shape = best
        used.add(j)
        joined.append(regions[i]._replace(mask=union, quad=quad, shape=shape))
    return joined


def _holds_another(between: np.ndarray, regions: list[PaperRegion], pixels: list[int], pair: tuple[int, int]) -> bool:
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
    ring = ring_around(union)
    if not ring.any():
        return 0.0
    board = cv_lab_to_cie(np.median(lab[ring], axis=0))
    pixels = cv_lab_to_cie(lab[between])
    to_board = np.linalg.norm(pixels - board, axis=1)
    to_paper = np.linalg.norm(pixels - paper_lab, axis=1)
    return float(np.mean((to_board < 15.0) & (to_board < to_paper)))


def _on_another_card(between: np.ndarray, regions: list[PaperRegion], labs: list, pair: tuple[int, int],
                     p: DetectorParams) -> bool:
    """Whether most of `between`, the gap that joining a pair would fill, lies on a card of another colour.

    Why: two yellow notes stuck one above the other on a blue card (thkoeln-verlaufsplan) passed the
    board test (the blue is no board) and were joined into one. What lies between a card's own halves
    is its writing or a pin, and no card found."""
    import cv2

    if not between.any():
        return False
    x, y, w, h = cv2.boundingRect(between.view(np.uint8))
    gap = between[y:y + h, x:x + w]
    size = np.count_nonzero(gap)
    return any(k not in pair and shape != "piece" and delta_e(labs[k], labs[pair[0]]) > p.join_other_card_delta
               and np.count_nonzero(mask[y:y + h, x:x + w] & gap) > 0.5 * size
               for k, (mask, _, shape, *_) in enumerate(regions))


def _across_other_paper(lab: np.ndarray, between: np.ndarray, regions: list[PaperRegion], labs: list, pair: tuple[int, int],
                        p: DetectorParams) -> bool:
    """Whether another paper (neither near the pair's paper colour nor darker: no ink) runs right
    across the gap between the pair, from one side of it to the other (`join_min_across` of its width).

    Why: the card under two notes shows between them as a band across the gap (thkoeln-verlaufsplan,
    where the card's own region is not always found); a pin or a dot sticker on a card's halves, as
    large as it may be, is a blob that leaves most of the gap's width to the writing and paper, and
    pins, dots and the soft rims of ink strokes are of many colours, a card of one."""
    import cv2

    if not between.any():
        return False
    paper = labs[pair[0]]
    ys, xs = np.nonzero(between)
    pixels = cv_lab_to_cie(lab[ys, xs])
    other = (np.linalg.norm(pixels - paper, axis=1) > p.join_other_paper_delta) & (pixels[:, 0] > paper[0] - p.join_max_darker)
    if other.mean() < 0.5:
        return False
    card = np.median(pixels[other], axis=0)  # a card is one colour; a pin, dots and ink halos are many
    other &= np.linalg.norm(pixels - card, axis=1) < p.join_paper_spread
    if other.mean() < 0.3:
        return False
    centres = [np.array(cv2.boundingRect(regions[k].mask.view(np.uint8)), np.float64) for k in pair]
    d = (centres[1][:2] + centres[1][2:] / 2) - (centres[0][:2] + centres[0][2:] / 2)
    if np.linalg.norm(d) < 1e-9:
        return False  # one centre on the other: no line between them, so no "across" to measure (all in one bin)
    across = np.array([-d[1], d[0]]) / np.linalg.norm(d)  # along the gap, across the line between them
    t = xs * across[0] + ys * across[1]
    bins = np.floor((t - t.min()) / 2).astype(int)
    covered = np.zeros(bins.max() + 1, bool)
    covered[bins[other]] = True
    return float(covered.mean()) >= p.join_min_across
