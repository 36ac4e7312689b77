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

Close-ups, glass and floors (issue 15, third round): a note photographed from close by fills most of
a small frame, above the largest card size; a region that large whose paper fills its outline is one
note when what lies inside its outline is only the paper's own colour or thin dark strokes (a board
holds cards: blobs of another colour, light or wide), it is coloured (white: a whiteboard), and the
cards found inside it cover little of it (a grid of touching notes of one colour); it takes the place
of the bits of its writing found inside it. Pale notes on a white board are looked for in a last
pass that takes faint steps too, where nothing else was found. A dark grey region (reflections in a glass board, shadows)
is no card, nor is an outline with a side along the photo's border (floor and frame strips below a
board; a note the border cuts is only part of one). A region counts as oversized against the size
most regions share, not the median one (many small false regions pulled the median below the notes).
Tried and dropped: blanking an oval's crop outside its region's own outline (a region is often only
the paper below the writing: the writing was blanked), a box along a fitted ellipse's axes for nearly
round ovals (round cards seen at an angle lost IoU, 0.90 -> 0.82), cutting over-large regions along
thin dark lines and adding long straight thin dark lines to the ink-free pass (edge-to-edge walls: no
better, or worse), thin dark lines as support for cuts by size (no change), a close-up rule on paper
filling alone (a whiteboard with 16 cards became one note), grey-white regions whose ink-closed inside
is not one colour as views through a window (white cards with a pin and bold writing were lost on
generated boards), adding every card of the coarse copy where the finer copy found none (one more note,
two more false cards on dev; see below for the coloured ones).

Dense walls and notes on cards (issue 15, fourth round): on a wall of small notes seen from afar
writing and strings cut a note's paper into bits below card size even with the ink closed over; a
bit of coloured paper is grown over its own paper colour to the note (grow), when the grown outline
is card-sized and written on. A note stuck on a card of another colour (thkoeln-verlaufsplan) lies
inside the card's outline: it is no island of the card's text nor a second look at the card, and
two notes on one card are not joined across it (a card found under the gap, or one paper colour
running across it; a pin or dot stickers between a card's halves are blobs of many colours).
Tried and dropped: a note's closed rim (the outer border of a loop of edges: strings and touching
notes join the loops of neighbours), a grid cut along every long straight seam for touching notes
of one colour (the ink closing wipes out the thin dark seams, and the plain edges hold the writing).

Boards seen from afar (issue 15, fifth round): the ink closing is a size in the analysis copy's pixels,
so in the finer copy a densely written note's strokes are too wide to close and cut it into bits; a
coloured card of the first copy, of a paper the finer copy found on a card, is kept where the finer copy
found nothing (legaard-affinity-1), and where the finer copy has one card holding two of the first copy's
of its paper, those two (notes with a narrow gap of board that the finer copy ran together,
annemijn-retro-1). When the notes kept are a pad just under the card minimum
(filters.small_pad), the passes run again judging the typical card (by which touching notes are cut)
from the pad instead of the notes run together above the minimum (annemijn-retro-2). Tried and dropped:
replacing the finer copy's bits inside a coarse card by it (the coarse copy's merged pairs replaced
notes the finer copy had cut apart), an ink closing scaled with the copy (11, 13 px: fewer notes), a
card floor that follows the size of the nearest cards (a far, small note on a board at an angle is the
size of writing bits near it), cutting along the longest edge line that leaves two cards instead of the
longest line (+1 note, +1 false card), keeping whole rectangles out of joins (+1 note, +2 false cards),
no oval from joining a rectangle to a piece (+1 note on dev, -1 on a generated board with oval cards),
the board's ring measured round the outline instead of the region (+1 note, +2 false cards), a straight
seam found by the lightness profile across a region (writing scores as high as seams), cuts by size
moved up to a tenth of the region to the best-supported line (dev +11 notes, +2 false, but large notes
on a tilted board were cut in three along their writing: datascope-postit-4 R 1.00 -> 0.82).

Surfaces of the room (issue 15, fifth round, surfaces): half the false cards on the dev photos were no
paper at all: the view through a window, a pillar, a wall or brick, the board fenced by a drawn box, a
window blind. A note has mates: other notes of its paper and its size. A blank region whose paper and
size no other card shares, a greyish one no card vouches for, a window clipped at the sensor's limit, a
piece of board whose edge band is its own colour, and a blank strip longer than 3:1 are dropped
(dev false cards 48 -> 24, no note lost). Tried and dropped: only written cards vouching for a colour
(blurry notes read as blank), a plain colour test at one scale (unstable across the analysis copies).

Modules by job: params (knobs, analysis sizes), edges (edge maps, ink closed over), passes (the four
passes over the edge maps), regions (smooth regions judged as cards, pieces, touching cards), split
(cutting touching cards apart), join (joining a card's halves), grow (bits of a note grown to it),
outline (hull, rim, four corners; the Outline and FoundRegion the early passes hand on), filters (plain
surfaces, oversized regions, second looks), surfaces (pieces of the room that have no mates), paper
(paper and board colour; PaperRegion, a region with its paper as the later stages pass it on), detector
(CardDetector, the public entry).
"""
from __future__ import annotations

from cardscan.detect.detector import CardDetector, DetectedCard, sort_reading_order
from cardscan.detect.paper import blank_outside_ellipse, classify_colour, white_balance
from cardscan.detect.params import MAX_WORK_SIZE, WORK_SIZE, DetectorParams
from cardscan.geometry import fit_quad, order_clockwise, quad_faults, rectify, sound_quad  # noqa: F401 - re-exported for callers

__all__ = ["CardDetector", "DetectedCard", "DetectorParams", "MAX_WORK_SIZE", "WORK_SIZE", "blank_outside_ellipse",
           "classify_colour", "fit_quad", "order_clockwise", "quad_faults", "rectify", "sort_reading_order",
           "sound_quad", "white_balance"]
