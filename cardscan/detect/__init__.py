"""Find the cards on a board photo: outline, perspective-corrected crop, colour.

How: cards are smooth paper, the board is not (cork, felt, kraft paper grain) and every card
edge is a colour or shadow step. So we work on a downscaled copy, mark strong colour edges and
thin dark lines (where two cards of one colour touch), and take the smooth connected regions
between them. A region is a card when it is large enough, roughly convex and four-cornered
(or oval), and differs in colour from the board around it. Writing can cut a card's paper in
two: such halves are kept as pieces and joined; two cards of one colour that run into one
region are cut apart at a neck or along the straight edge of the upper one. Corners are mapped
back to the original pixels, so polygons are exact for export.

Real phone photos of sticky notes (issue 15, bench/real_eval.py) added three lessons. Marker
writing is a colour edge as strong as a note's rim, and block capitals cut notes into triangles:
so the first pass looks for edges on a copy with the ink closed over (grey closing), on the crest
of each step (a strong step's wide band ate into the note); the plain edge map runs last and
counts only where the ink-free passes found nothing (a white card whose only edge is its thin
shadow). Notes of one pad stuck edge to edge show little line between them: a region two or three
typical notes long is cut into them where the ink-free edges support the cut. And a door's
panels, a strip of wall or the white board between notes are smooth, card-shaped and blank:
grey-white regions without ink are no cards, nor is a region three times the median card. Every
outline is a sound convex quadrilateral (cardscan.geometry), never a triangle or a bow-tie.
Tried and dropped: a soft or thresholded ink mask instead of the plain closing (new edges where
the mask changes: notes on a black board vanished), a lower or hysteresis edge threshold for pale
notes (writing fragments returned), a larger closing (13, 17 px: no better on the dev photos).

Close-ups and columns (issue 15, second round): a note photographed from close by fills most of a
small frame, above the largest card size; a region that large whose paper fills its outline is one
note, put in place of the bits of its writing found inside it (not when cards cover most of it: a
grid of touching notes). Regions far below the median card (shadow strips) are dropped. A region that
is no card is cut along the photo's thin dark lines (a column of touching cards of one colour). A
round card on a board seen at an angle is boxed along the sides of the rectangular cards near it.
Tried and dropped: blanking an oval's crop outside its region's own outline (a region is often only
the paper below the writing: the writing was blanked), a box along a fitted ellipse's axes for nearly
round ovals (round cards seen at an angle lost IoU, 0.90 -> 0.82), cutting over-large regions along
thin dark lines and adding long straight thin dark lines to the ink-free pass (edge-to-edge walls: no
better, or worse), thin dark lines as support for cuts by size (no change).

Modules by job: params (knobs, analysis sizes), edges (edge maps, ink closed over), passes (the three
passes over the edge maps), regions (smooth regions judged as cards, pieces, touching cards), split
(cutting touching cards apart), join (joining a card's halves), outline (hull, rim, four corners),
filters (plain surfaces, oversized regions, second looks), paper (paper and board colour),
detector (CardDetector, the public entry).
"""
from __future__ import annotations

from cardscan.detect.detector import CardDetector, DetectedCard, sort_reading_order
from cardscan.detect.paper import blank_outside_ellipse, classify_colour, white_balance
from cardscan.detect.params import MAX_WORK_SIZE, WORK_SIZE, DetectorParams
from cardscan.geometry import fit_quad, order_clockwise, quad_faults, rectify, sound_quad  # noqa: F401 - re-exported for callers

__all__ = ["CardDetector", "DetectedCard", "DetectorParams", "MAX_WORK_SIZE", "WORK_SIZE", "blank_outside_ellipse",
           "classify_colour", "fit_quad", "order_clockwise", "quad_faults", "rectify", "sort_reading_order",
           "sound_quad", "white_balance"]
