"""Rejecting regions that are no (new) cards: plain surfaces, oversized ones, second looks at one card.

What real photos taught (issue 15): a door's panels, a strip of wall or the white board between notes
are smooth, card-shaped and blank: grey-white regions without ink are no cards, nor is a region three
times the typical card. Reflections in a glass board are dark grey, strips of floor below a board run
along the photo's border: neither is a card.
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.paper import PaperRegion
from cardscan.detect.params import DetectorParams
from cardscan.geometry import sound_quad


def plain_surface(paper_lab: np.ndarray, crop: np.ndarray, params: DetectorParams) -> bool:
    """Whether a region is a plain surface, not a card: grey-white paint with nothing written on it.

    Why: a door's panels, a strip of wall or whiteboard between notes, the frame of a board are
    smooth, bounded by edges and card-sized, so they pass every shape test; but they are grey or
    white and blank, while a note is coloured or carries writing (a blank white card is the price).
    """
    if float(np.hypot(paper_lab[1], paper_lab[2])) >= params.max_plain_chroma:
        return False
    grey = np.asarray(crop, np.float32)[::2, ::2].min(axis=-1)
    h, w = grey.shape
    inner = grey[int(0.08 * h):int(0.92 * h), int(0.08 * w):int(0.92 * w)]  # the rim's shadow is no writing
    if inner.size == 0:
        return True
    return float(np.mean(inner < 0.75 * np.median(inner))) < params.min_ink_share


def dark_grey(paper_lab: np.ndarray, bright_l: float, params: DetectorParams) -> bool:
    """Whether a region's paper is dark grey: far darker than the photo's bright parts, and without colour.

    Why: on a glass board (a kanban wall in front of a window) the smooth patches of what lies
    behind or is mirrored in the glass (a dark corridor, a window frame, a shadowed wall) are
    card-shaped and bounded by edges, so they pass every shape test (scolem-taskboard: 19 false
    cards). Notes are coloured or white paper, lit like the rest of the board; a grey region at
    well under the brightness of the photo's bright paper is a shadow, a reflection or a hole.
    Relative to the photo (`bright_l`, CIE L of its bright parts), so a white card in a dim photo stays.
    """
    chroma = float(np.hypot(paper_lab[1], paper_lab[2]))
    return chroma < params.max_plain_chroma and float(paper_lab[0]) < params.max_grey_lightness * bright_l


def white_board(paper_lab: np.ndarray, size_frac: float, params: DetectorParams) -> bool:
    """Whether a region larger than any card of a board photo (`size_frac` of the photo) is grey-white:
    a whiteboard or a wall with writing on it, not a note seen from close by (those are coloured)."""
    return size_frac > params.max_area_frac and float(np.hypot(paper_lab[1], paper_lab[2])) < params.max_plain_chroma


def typical_size(areas: np.ndarray, spread: float = 1.35) -> float:
    """The size most regions share: the median of the largest group of areas within `spread` of one another.

    Why not the plain median: notes of one pad are all one size, while what else passes for a card
    (reflections in a glass board, strips of floor below a whiteboard, bits of writing) is of any
    size; when those are many and small, the median falls below the notes and the notes themselves
    look oversized (seblexis-review-6: 4 of 7 notes dropped). Sizes are compared as ratios, so the
    group is the same at any photo scale.
    """
    return typical_group(areas, spread)[0]


def typical_group(areas, spread: float = 1.35) -> tuple[float, int]:
    """`typical_size` and how many regions share it (the size of its group)."""
    logs = np.log(np.maximum(np.asarray(areas, np.float64), 1.0))
    near = np.abs(logs[:, None] - logs[None, :]) <= np.log(spread)
    counts = near.sum(axis=1)
    best = int(np.argmax(counts))  # a tie goes to the first such region
    return float(np.exp(np.median(logs[near[best]]))), int(counts[best])


def small_pad(areas, area_min: float, piece_min: float, min_group: int = 6) -> float | None:
    """The size of notes of one pad that all come out just under the card minimum `area_min`
    (from `piece_min` up), else None: at least `min_group` regions below it share one size, more
    than share one among the regions above it (notes run together, board). Writing cut from cards
    scatters in size and forms no such group.

    Why: a whiteboard seen from afar (annemijn-retro-2) has notes of 0.146 % of the photo, just
    under the photo-relative minimum of 0.15 %, and the few larger regions are two notes run
    together; judged by those, the notes were dropped and the pairs never cut.
    """
    areas = np.asarray(areas, np.float64)
    small = areas[(areas >= piece_min) & (areas < area_min)]
    if len(small) < min_group:
        return None
    size, count = typical_group(small)
    large = areas[areas >= area_min]
    above = typical_group(large)[1] if len(large) else 0
    return size if count >= min_group and count > above else None


def not_oversized(regions: list[PaperRegion], max_size: float) -> list[PaperRegion]:
    """Regions no larger than `max_size` times the typical one (`typical_size`): what is left that
    large after touching cards were cut apart is a plain surface (a wall beside the board, a door panel)."""
    import cv2

    if len(regions) < 3:
        return regions
    areas = np.array([cv2.contourArea(sound_quad(r.quad)) for r in regions])
    return [r for r, a in zip(regions, areas) if a <= max_size * typical_size(areas)]


def cut_by_frame(quad: np.ndarray, shape: tuple[int, ...], margin: float = 0.006) -> bool:
    """Whether an outline has a side along the photo's border (two corners within `margin` of it).

    Why: below or beside a board the photo's edge cuts off strips of floor, wall and frame that are
    smooth and four-cornered (seblexis-review-6: four false cards along the bottom edge). A note the
    border cuts is only part of one (its text too), which the minutes cannot use either.
    """
    h, w = shape[:2]
    m = margin * max(h, w)
    q = np.asarray(quad, np.float64)
    return any(np.count_nonzero(side) >= 2 for side in (q[:, 0] < m, q[:, 0] > w - 1 - m, q[:, 1] < m, q[:, 1] > h - 1 - m))


def one_per_place(regions: list[PaperRegion], max_covered: float = 0.4,
                  min_step: float = DetectorParams.note_hue_step) -> list[PaperRegion]:
    """One outline per place: an outline mostly covered by one kept before it (the ink-free pass's
    come first, then larger ones) is a second look at the same card, unless it is smaller and of
    another paper colour (`hue_step` from `min_step`): a note stuck on a card (thkoeln-verlaufsplan)."""
    import cv2

    quads = [sound_quad(r.quad).astype(np.float32) for r in regions]
    areas = [max(cv2.contourArea(q), 1.0) for q in quads]
    keep: list[int] = []
    for i in range(len(regions)):
        covered = [k for k in keep if cv2.intersectConvexConvex(cv2.convexHull(quads[i]), cv2.convexHull(quads[k]))[0]
                   > max_covered * areas[i]]
        if all(areas[i] < 0.8 * areas[k] and hue_step(regions[i].paper_lab, regions[k].paper_lab) >= min_step
               for k in covered):
            keep.append(i)
    return [regions[i] for i in keep]


def not_drawn_on(regions: list[PaperRegion], max_inside: float = 0.85, max_delta: float = 10.0) -> list[PaperRegion]:
    """Regions that do not lie inside a larger one of the same paper colour.

    Why: a box drawn on a note (a circled letter, a framed word) encloses a smooth card-shaped bit of
    the note's own paper; when the note itself is found by a later pass, both came out as cards
    (seblexis-review-6). A note stuck on a larger card is of another colour, and stays.
    """
    import cv2

    from cardscan.detect.paper import delta_e

    quads = [sound_quad(r.quad).astype(np.float32) for r in regions]
    areas = [max(cv2.contourArea(q), 1.0) for q in quads]
    keep = []
    for i, r in enumerate(regions):
        inside = any(areas[k] > 2 * areas[i] and delta_e(r.paper_lab, regions[k].paper_lab) < max_delta
                     and cv2.intersectConvexConvex(quads[i], quads[k])[0] > max_inside * areas[i]
                     for k in range(len(regions)) if k != i)
        if not inside:
            keep.append(r)
    return keep


def taken_masks(found: list) -> tuple[np.ndarray, np.ndarray] | None:
    """Where `found` has cards, and where it has anything (cards or pieces), as two masks."""
    cards = np.zeros_like(found[0][0]) if found else None
    if cards is None:
        return None
    anything = cards.copy()
    for mask, _, shape in found:
        anything |= mask
        if shape != "piece":
            cards |= mask
    return cards, anything


def not_overlapping(extra: list, found: list, max_overlap: float = 0.2) -> list:
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


def drop_nested(found, lab: np.ndarray | None = None, min_step: float = DetectorParams.note_hue_step):
    """A card's text can form a smooth island inside it; keep only outermost regions (cards before
    pieces: a ragged blob of board around a card in glare must not hide it). With `lab` (the analysis
    copy, OpenCV Lab), a card-shaped region of another paper colour (`hue_step` from `min_step`) than the
    region around it stays: a note stuck on a larger card (thkoeln-verlaufsplan: yellow notes on the
    module cards), while the insides of letters and boxes drawn on a card are of its own paper."""
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
        if np.count_nonzero(local[i] & taken[y:y + h, x:x + w]) > 0.5 * sizes[i] \
                and not (lab is not None and found[i][2] != "piece" and _other_paper(found[i][0], keep, lab, min_step)):
            continue
        keep.append(found[i])
        taken[y:y + h, x:x + w] |= local[i]
    return keep


def _other_paper(mask: np.ndarray, kept: list, lab: np.ndarray, min_step: float) -> bool:
    """Whether the region `mask` is of another colour than the paper of the kept region it lies on."""
    from cardscan.detect.paper import cv_lab_to_cie

    overlaps = [np.count_nonzero(k[0] & mask) for k in kept]
    if not overlaps or max(overlaps) == 0:
        return False
    around = kept[int(np.argmax(overlaps))][0] & ~mask
    if not around.any():
        return False
    inner, outer = (cv_lab_to_cie(np.median(lab[m], axis=0)) for m in (mask, around))
    return hue_step(inner, outer) >= min_step


def hue_step(a: np.ndarray, b: np.ndarray) -> float:
    """The colour difference of two CIE Lab colours without their lightness: a shadow across one note
    makes part of it darker, another paper is another colour."""
    return float(np.hypot(a[1] - b[1], a[2] - b[2]))
