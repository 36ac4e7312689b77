"""The four passes that find card regions on the analysis copy, most trusted first.

What real photos taught (issue 15): block capitals cut notes into triangles, so the first passes look
at edges of a copy with the ink closed over; the plain edge map runs last and counts only where the
ink-free passes found nothing (a white card whose only edge is its thin shadow). A last pass takes
faint steps too (pale pink notes on a warm-lit white board differ from it by a few ΔE), only where
nothing was found: a lower threshold everywhere had brought writing fragments back. Bits of a note's
coloured paper that writing and strings cut below card size are then grown to the note (grow).
"""
from __future__ import annotations

import numpy as np

from cardscan.detect.edges import colour_edges, valley_lines, without_ink
from cardscan.detect.filters import drop_nested, not_overlapping, taken_masks
from cardscan.detect.params import DetectorParams
from cardscan.detect.outline import FoundRegion
from cardscan.detect.regions import RegionFinder
from cardscan.detect.grow import grow_partial


def smooth_regions(lab: np.ndarray, balanced: np.ndarray, params: DetectorParams,
                   pad: float | None = None) -> list[FoundRegion]:
    """Card regions in Lab `lab` of the analysis copy `balanced`, from the
    ink-free passes first, then the plain edge map's where those found nothing, then faint steps where still nothing was.
    `pad`: the size of notes just under the card minimum that the detector found to be a pad (`filters.small_pad`)."""
    import cv2

    p = params
    finder = RegionFinder(params, lab, pad)
    h, w = lab.shape[:2]
    valleys = valley_lines(lab[..., 0], p.valley_sigma, p.valley_threshold)
    raw_edges = colour_edges(lab, p.edge_sigma)
    plain = cv2.dilate(raw_edges | valleys, np.ones((3, 3), np.uint8))
    if not p.ink_closing:
        return drop_nested(finder.regions_between(plain, plain))
    inkless = without_ink(balanced, p.ink_closing)
    paper_edges = colour_edges(inkless, p.edge_sigma)
    crests = colour_edges(inkless, p.edge_sigma, p.edge_crest)
    strokes = (raw_edges & (1 - paper_edges)) | valleys  # thin dark lines: ink, or where cards touch
    thin_lines = paper_edges | strokes
    # The crest of each colour step bounds the paper most closely (a strong step's band would eat
    # into the note, and ink touching it would make the rim ragged); where the crest leaves a
    # card's darker cut edge as a second, dashed line inside, the full band still finds it.
    found = drop_nested(finder.regions_between(cv2.dilate(crests, np.ones((3, 3), np.uint8)), thin_lines,
                                               paper_edges), inkless, p.note_hue_step)
    found += not_overlapping(drop_nested(finder.regions_between(
        cv2.dilate(paper_edges, np.ones((3, 3), np.uint8)), thin_lines, blocked=taken_masks(found))), found)
    # Cards whose only edge is a thin line (a white card's shadow on a white board) vanish with
    # the ink; the plain edge map finds them, but also writing-cut pieces of the other cards,
    # so its regions count only where the ink-free passes found nothing.
    found += not_overlapping(drop_nested(finder.regions_between(plain, plain, blocked=taken_masks(found))), found)
    if p.pale_edge_floor:
        faint = colour_edges(inkless, p.edge_sigma, p.edge_crest, p.pale_edge_floor)
        found += not_overlapping(drop_nested(finder.regions_between(cv2.dilate(faint, np.ones((3, 3), np.uint8)),
                                                                    thin_lines | faint, paper_edges,
                                                                    blocked=taken_masks(found))), found)
    if p.max_partial:
        found = grow_partial(found, lab, inkless, p)
    return with_close_notes(found, finder.close_notes, params)


def with_close_notes(found: list[FoundRegion], notes: list[FoundRegion], params: DetectorParams) -> list[FoundRegion]:
    """`found`, with each note seen from close by (`RegionFinder.close_note`) in place of what was
    found inside it, when that is only bits or halves cut by its writing (cards covering less than
    `max_whole_found` of it); notes of one colour in a grid, edge to edge, are one smooth region
    too, but there the cards found cover it."""
    out = list(found)
    for note in notes:
        size = np.count_nonzero(note.mask)
        inside = [r for r in out if np.count_nonzero(r.mask & note.mask) > 0.5 * np.count_nonzero(r.mask)]
        covered = sum(np.count_nonzero(r.mask & note.mask) for r in inside if r.shape != "piece")
        if covered < params.max_whole_found * size:
            out = [r for r in out if not any(r is i for i in inside)] + [note]
    return out
