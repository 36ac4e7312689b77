"""The detector's tuning knobs and analysis sizes, in one place so every stage reads the same ones."""
from __future__ import annotations

from dataclasses import dataclass, field

from cardscan.detect.surfaces import SurfaceParams

WORK_SIZE = 1400  # longest side of the analysis copy; card edges survive, grain is averaged out
MAX_WORK_SIZE = 2000  # a finer copy for photos whose cards are small (a whole board seen from afar)


@dataclass
class DetectorParams:
    min_area_frac: float = 0.0015  # smallest card: 0.15 % of the photo
    min_piece_frac: float = 0.00075  # a piece of a card that writing cut in two, kept to be joined
    min_typical_share: float = 0.6  # ... a card region from this share of the typical card is kept (dense walls)
    max_area_frac: float = 0.25
    max_whole_frac: float = 0.92  # ... unless it is one note seen from close by (RegionFinder.close_note), up to this
    min_whole_paper: float = 0.7  # ... whose paper fills its outline to this share
    max_ink_width: float = 0.15  # ... and whose ink strokes are thinner than this share of its short side
    min_ink_darkening: float = 20.0  # ... ink: at least this much darker (CIE L) than the paper
    max_foreign_share: float = 0.03  # ... and neither wide blobs nor light ones of another colour (cards) cover this
    max_whole_found: float = 0.6  # ... and the cards found inside it cover less than this (its writing, halves)
    small_card_frac: float = 0.006  # cards below 0.6 % of the photo are looked at in a finer copy
    min_paper_share: float = 0.35  # paper pixels in the card's outline (the rest is text, pins)
    min_rim_coverage: float = 0.6  # share of the outline's inner rim that is paper; text and a pin may touch it
    min_half_rim_coverage: float = 0.4  # the same for half a card, whose cut side is writing
    max_aspect: float = 4.5  # cards are at most about 3:1
    min_board_contrast: float = 6.0  # ΔE between card and surrounding board
    edge_sigma: float = 1.2
    valley_sigma: float = 1.5  # scale of the thin dark line between two touching cards
    valley_threshold: float = 0.1  # Hessian of log lightness; board grain stays below about 0.06
    max_plain_chroma: float = 12.0  # a grey-white region (chroma below this) ...
    min_ink_share: float = 0.004  # ... with less ink than this share of its inside is a plain surface
    max_grey_lightness: float = 0.6  # a grey region darker than this share of the photo's bright parts is no card
    max_card_size: float = 3.0  # a region this much larger than the median card is wall, a door panel, the board
    max_card_growth: float = 2.0  # a card this much larger than the median one may be touching cards
    min_line_cut_growth: float = 1.4  # ... and from this size on we look for a straight edge across it
    ink_closing: int = 9  # writing thinner than this (work pixels) is closed over before colour edges; 0: off
    pale_edge_floor: float = 10.0  # last pass: faint steps from this size up (pale notes on white); 0: off
    edge_crest: float = 0.5  # ink-free pass: an edge pixel has at least this share of the strongest step near it
    max_pad_delta: float = 12.0  # a note the finer copy lost (detector._lost_in_finer) is of a paper it found on a card,
    #                              within this ΔE (one pad's notes under one light: a few ΔE, shade up to ~11 on
    #                              legaard-affinity-1; blinds and a border strip taken for notes: 16 and more)
    max_partial: float = 0.8  # a region below this share of the typical card may be part of a note: grown
    max_grown: float = 1.5  # ... over its paper colour to at most this share of the typical card
    grow_delta: float = 10.0  # ... over pixels within this ΔE of its paper (ink closed over)
    min_grown_ink: float = 0.02  # ... when this share of the grown outline is ink (writing cut the region short)
    min_cut_share: float = 0.35  # a card-sized region cut along a line: both pieces at least this share of a card
    # Notes stuck on a card of another colour (thkoeln-verlaufsplan: yellow notes on blue module cards).
    note_hue_step: float = 12.0  # a note on a card differs from the card's paper by this hue step (filters.hue_step,
    #                              CIE a*b* without lightness) or more; a shadow across one note changes its lightness only,
    #                              and the insides of letters and boxes drawn on a card are of its own paper
    join_other_card_delta: float = 20.0  # join: a card found under the gap of a pair, this ΔE from the pair's paper
    #                                      or more, is another card the two notes are stuck on (the pair's own halves
    #                                      differ by at most 8, the join's same-paper limit; 20 leaves room for glare)
    join_other_paper_delta: float = 20.0  # join: a gap pixel this ΔE from the pair's paper or more (and not darker
    #                                       than the paper by join_max_darker: no ink) may be another paper
    join_max_darker: float = 25.0  # ... a pixel this much darker (CIE L) than the paper is ink or shadow, no paper
    join_paper_spread: float = 15.0  # ... a card is one colour: its pixels lie within this ΔE of their median, while
    #                                  a pin, dot stickers and the soft rims of ink strokes are of many colours
    join_min_across: float = 0.55  # ... and it runs across this share of the gap's width: a pin or a dot on a card's
    #                                halves is a blob that leaves most of the width to writing and paper (generated
    #                                hard-1010: 8 -> 2 false cards with thkoeln-verlaufsplan-1/2/3 unchanged)
    surfaces: SurfaceParams = field(default_factory=SurfaceParams)  # when a region is the room, not a note
