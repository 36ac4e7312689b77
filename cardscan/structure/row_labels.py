"""Row labels: the "1." … "6." written left of a plan's rows, which head their whole rows.

Why a module of its own: the labels are short, so every reader and detector stumbles on them in its own
way: the page reader drops a lone "4." or its dot ("6"), and the card detector outlines a label with the
board around it as a card ("1."). These rules say what counts as a label and put such readings back.
"""
from __future__ import annotations

import re

from cardscan.structure.boxes import Box
from cardscan.workshop import Card, Heading

ROW_LABEL = re.compile(r"^\(?(\d{1,2}|[A-Za-z])[.):]$")  # "1.", "2)", "A." number the rows of a plan
BARE_NUMBER = re.compile(r"^\d{1,2}$")  # "1", "2": a row label without its dot (or the reader lost it)
LABEL_STEP = 2  # bare numbers down a column of labels count up by at most this (a row's label may be missed)
LABEL_COLUMN = 0.5  # card widths: a label this far (centre to centre, in x) from the others is in their column


def is_label(text: str) -> bool:
    """Whether the text is all a row label says: "1.", "2)", "A.", or a bare "6"."""
    return bool(ROW_LABEL.match(text.strip()) or BARE_NUMBER.match(text.strip()))


def in_label_column(x: float, column_x: float, card_w: float) -> bool:
    """Whether a box centred at `x` stands in the column of row labels centred at `column_x`: within
    `LABEL_COLUMN` card widths in x (card widths: the board's own scale, whatever the photo's size).
    One test for the clusters (which headings label rows) and for `label_cards` (which cards are labels);
    `drop_lone_numbers` sees headings only, no cards to measure by, and asks for x-overlap instead."""
    return abs(x - column_x) <= LABEL_COLUMN * card_w


def drop_lone_numbers(headings: list[Heading]) -> list[Heading]:
    """A bare number ("6") is a row label only in a column of row labels (another label above or below
    it, less than a letter's height aside in x: a slanted view shifts the rows) that count the rows: the
    column holds a label with its dot ("5."), or its bare numbers count up from top to bottom ("1", "2",
    "3", a step of at most LABEL_STEP). Alone on the board it is a page number, a count or a stray mark,
    and two stray numbers in one band ("7" high up, "3" further down) do not keep each other."""
    labels = [(Box.of(h.polygon), h.raw_text.strip()) for h in headings if is_label(h.raw_text)]

    def counts_rows(h: Heading) -> bool:
        box = Box.of(h.polygon)
        column = sorted(((o, text) for o, text in labels if min(box.x1, o.x1) - max(box.x0, o.x0) > -max(box.h, o.h)),
                        key=lambda item: item[0].cy)
        if len(column) < 2:
            return False
        if any(ROW_LABEL.match(text) for _, text in column):
            return True
        numbers = [int(text) for _, text in column]
        return all(0 < b - a <= LABEL_STEP for a, b in zip(numbers, numbers[1:]))

    return [h for h in headings if not BARE_NUMBER.match(h.raw_text.strip()) or counts_rows(h)]


def label_cards(cards: list[Card], headings: list[Heading]) -> list[Heading]:
    """Cards that read only a row label ("1.") and stand in the column of the row labels found on the
    board: the detector outlined the label with the board around it. Each becomes the label (a marker
    heading keeping the card's id), its outline cut where its row's first card starts."""
    labels = [Box.of(h.polygon) for h in headings if h.source == "marker" and is_label(h.raw_text)]
    if len(labels) < 2 or not cards:
        return []
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    card_w = sorted(b.w for b in boxes.values())[len(boxes) // 2]
    out = []
    for card in cards:
        box = boxes[card.id]
        if not is_label(card.raw_text) or not any(in_label_column(box.cx, o.cx, card_w) for o in labels):
            continue
        row = [b for k, b in boxes.items() if k != card.id and min(b.y1, box.y1) - max(b.y0, box.y0) > 0.5 * b.h]
        x1 = min([box.x1] + [b.x0 for b in row if b.x0 > box.x0])
        if x1 - box.x0 < 0.2 * box.w or any(b.x0 <= box.x0 for b in row):
            continue  # a card of the row left of it: no label
        polygon = [(int(box.x0), int(box.y0)), (int(x1), int(box.y0)), (int(x1), int(box.y1)), (int(box.x0), int(box.y1))]
        out.append(Heading(card.id, polygon, card.raw_text.strip(), card.raw_text, "marker", card.confidence))
    return out
