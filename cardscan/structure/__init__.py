"""The board's own structure: headings, clusters and dot votes, found after the cards are read.

At the end of a workshop the wall already holds the participants' analysis (issue 17): cards stand
in clusters under heading cards or under headings written with marker on the board, in kanban-like
columns, and a dot vote (Punktabfrage) has left small round stickers on the cards that matter most.
`find_structure` adds that to a `Scan` whose cards are detected and read:

* the board's **language** is decided once from its cards (`cardscan.normalise.board_language`), and
  headings are normalised in it like the cards;
* **heading cards** leave `scan.cards` for `scan.headings`: cards whose colour the legend calls a
  heading (``weiß=Überschrift``) or long strips (aspect ≥ STRIP_ASPECT where the other cards are
  far squarer), which is how Metaplan heading strips look;
* **marker headings**: the board with every card painted out (each in the colour of the board around
  it) is read by the OCR engine's page reader, the margin left of the rows once more on its own (row
  labels "1." … "6."); lines of large writing become `Heading(source="marker")`; writing on coloured
  paper of a card's size is a card the detector missed, not a heading; on a board whose rows are
  numbered, a row whose label was missed is read from a crop of its own margin, a bare "6" in the column
  of labels is one, and a "card" reading only "1." there is its row's label (`row_labels`); the board
  above each column of cards that no heading heads is read once more on its own (the page reader misses
  headings on a whole board that it reads in a crop), also on boards whose headings are cards (a heading
  card the detector missed);
* **dots**: inside each card, round blobs of a saturated colour that is not the paper's, thick
  where writing is thin, become `votes` (with `vote_colours`); a pin's white highlight and black
  shadow tell it from a dot;
* **clusters**: with headings, each card goes to the heading above it (the same column first, then
  the nearest: a horizontal gap costs more than a vertical one, since clusters grow downwards);
  a row label heads its whole row; cards far apart from the ones under their nearest heading, or a
  column with no heading over it in its band of the board, are a cluster of their own (their heading
  was missed); without headings, cards that stand clearly apart from the others form their own clusters. The
  clusters are listed in the order the wall reads (rows of clusters top to bottom, each left to
  right) and named after their heading, else "Cluster <n>";
* **outlines**: a marker loop drawn around cards makes them one cluster (`find_outlines`).

Why after OCR and not inside detect: headings are named by what they say and heading cards are
cards until their shape or the legend says otherwise; the card pipeline stays as it is.
"""
from __future__ import annotations

import re

import numpy as np

from cardscan.structure.board_page import BoardPage, read_board_page
from cardscan.structure.clusters import assign_clusters
from cardscan.structure.dots import Dot, count_dots, find_dots, mask_dots
from cardscan.structure.heading_cards import (heading_card_ids, heading_colour_ids, join_pieces, reread_joined,
                                              unheaded_cards, widen_strips)
from cardscan.structure.headings import marker_headings
from cardscan.structure.outlines import find_outlines
from cardscan.structure.row_labels import label_cards
from cardscan.workshop import Card, Heading, Scan


MIN_UNHEADED_CARDS = 2  # one card outside every headed row and column is more often a false card, the legend or
# a stray note than a group with a marker heading; reading the whole page for it costs time and brings captions


def reads_marker_headings(cards: list[Card], reader) -> bool:
    """Whether `find_structure` reads the board around these cards for marker headings: with a page
    reader, unless the board's rows or columns start with cards of a heading colour and every other card
    stands in such a row or column (then its headings are on cards, and writing elsewhere on it is a
    caption or a card the detector saw only in part). Cards outside them have their heading elsewhere:
    written with marker (a mixed board), or on a heading card the detector missed."""
    if reader is None or not hasattr(reader, "read_page") or not cards:
        return False
    colour_ids = heading_colour_ids(cards)
    return (not (colour_ids and colour_ids <= heading_card_ids(cards))
            or len(unheaded_cards(cards, colour_ids)) >= MIN_UNHEADED_CARDS)


def find_structure(rgb: np.ndarray, scan: Scan, *, reader=None, votes: bool = True,
                   page: BoardPage | None = None, language: str | None = None) -> Scan:
    """Add headings, clusters and votes to a scan in cards mode (in place; the scan is returned).

    rgb: the photo as read (the scan's polygons are in its pixels). reader: an OCR engine with a
    ``read_page`` (``cardscan.ocr.get_reader``) to read marker headings; None reads none. votes: count
    the dots now (False: the cards' votes were counted before they were read, `find_dots`). page: the
    board around these cards read before (`read_board_page`; `api.read_photo` reads it before the
    normaliser's tables take their memory), else read here when needed. language: the board's, as its cards
    were normalised in (`api.read_photo` decides it once), else decided here from the cards' raw texts.
    A scan of whiteboard lines, or one without cards, is returned unchanged.
    """
    if scan.mode != "cards" or not scan.cards:
        return scan
    from cardscan.normalise import board_language

    stem = re.sub(r"\.[^.]*$", "", scan.image)
    # One language for the board, from all its cards' raw texts as `normalise_board` decides it for the
    # cards: headings are normalised in it too (the German speller made "Pain points" "Main points").
    language = language or board_language([c.raw_text for c in scan.cards])
    heading_cards = heading_card_ids(scan.cards)
    headings = [Heading(c.id, list(c.polygon), c.text.strip() or c.raw_text.strip(), c.raw_text, "card",
                        c.confidence, c.colour) for c in scan.cards if c.id in heading_cards]
    joined = widen_strips(rgb, join_pieces(headings, rgb))
    kept = {h.id: h.polygon for h in headings}
    changed = {h.id for h in joined if h.polygon != kept[h.id]}
    if reader is not None and hasattr(reader, "read") and changed:
        joined = reread_joined(rgb, joined, changed, reader, language)
    headings = joined
    cards = [c for c in scan.cards if c.id not in heading_cards]
    if reads_marker_headings(scan.cards, reader):
        headings += marker_headings(rgb, scan.cards, reader, stem, page, language, known=headings)
        labels = label_cards(cards, headings)  # "1." outlined as a card is its row's label
        headings += labels
        cards = [c for c in cards if c.id not in {h.id for h in labels}]
    elif reader is not None and hasattr(reader, "read_page"):  # only the board above columns without a heading
        headings += marker_headings(rgb, scan.cards, reader, stem, page, language, known=headings, whole_page=False)
    if votes:
        for card in cards:
            card.vote_colours = count_dots(rgb, card.polygon, card.colour)
            card.votes = len(card.vote_colours)
    outlines = find_outlines(rgb, scan.cards)  # marker loops drawn around groups
    scan.cards = cards
    scan.headings, scan.clusters = assign_clusters(cards, headings, outlines)
    return scan


__all__ = ["BoardPage", "Dot", "count_dots", "find_dots", "find_outlines", "find_structure", "mask_dots",
           "read_board_page", "reads_marker_headings"]
