"""Heading cards: cards that are headings by the legend, their shape, their colour or their place.

Heading cards leave the cards for the headings: cards whose colour the legend calls a heading
(``weiß=Überschrift``), long strips among much squarer cards (Metaplan heading strips), a colour that only
ever starts the rows or columns of one other colour, or low notes on top of every column. A strip the
detector cut in pieces is joined again, one outlined only in part grows along its paper, and either is
read again as one crop (`join_pieces`, `widen_strips`, `reread_joined`).
"""
from __future__ import annotations

import numpy as np

from cardscan.structure.boxes import Box, aspect, sides
from cardscan.workshop import Card, Heading

HEADING_GROUPS = ("überschrift", "überschriften", "heading", "headings", "titel", "oberbegriff", "cluster")
STRIP_ASPECT = 3.0  # a card this many times longer than high is a heading strip ...
STRIP_OVER_MEDIAN = 1.4  # ... when the board's cards are this much squarer
SHORT_HEAD_HEIGHT = 0.55  # a card at most this share of the height of the card under it may head its column
HEADING_COLOUR_SHARE = 0.7  # the cards after a heading colour's cards: this share of them one colour, and in their rows
PIECE_GAP = 0.3  # heading heights: heading cards this close side by side are one strip cut in two
LOST_MIDDLE_GAP = 1.2  # ... and this close when one piece reads as at most one letter
STRIP_MIN_GROWTH = 0.1  # of a strip's width: its paper reaching this much further means the outline was cut
STRIP_PAPER_HEIGHT = 1.4  # of a strip's height: paper taller than this is the board, not the strip
STRIP_REACH = 3.0  # card heights: a heading strip's first card is at most this far below it
HEADING_MAX_WORDS = 4  # heading strips carry a few words, not a sentence
PAPER_TOLERANCE = 18.0  # Lab distance: pixels this close to the paper's colour are the same paper


def heading_card_ids(cards: list[Card]) -> set[str]:
    """Cards the legend calls headings (else a colour that only ever starts the rows or columns of one
    other colour), and long strips lying along their writing among much squarer cards."""
    ids = {c.id for c in cards if c.group and c.group.strip().lower() in HEADING_GROUPS}
    if not ids and (ids := heading_colour_ids(cards)):
        return ids | aligned_heads(cards, ids)  # the board's convention for headings is their colour
    rest = [c for c in cards if c.id not in ids]
    if len(rest) >= 4:
        median = float(np.median([aspect(c.polygon) for c in rest]))
        boxes = {c.id: Box.of(c.polygon) for c in rest}
        card_h = float(np.median([b.h for b in boxes.values()]))
        for card in rest:
            ratio = aspect(card.polygon)
            words = len((card.text or card.raw_text).split())
            width, height = sides(card.polygon)  # a strip lies along its writing: an upright one is a window
            if (ratio >= max(STRIP_ASPECT, STRIP_OVER_MEDIAN * median) and width > height  # frame, a door edge
                    and 0 < words <= HEADING_MAX_WORDS and _cards_below(boxes[card.id], boxes.values(), card_h)):
                ids.add(card.id)
    return ids or short_column_heads(cards)


def _cards_below(box: Box, others, card_h: float) -> bool:
    """Whether a card stands below the strip in its column, at most STRIP_REACH card heights down: a heading
    strip heads the cards under it; a strip with none (a window's reflection read as "GUT" at the foot of a
    glass board) is no heading."""
    return any(o is not box and o.y0 >= box.y1 - 0.3 * box.h and o.y0 - box.y1 <= STRIP_REACH * card_h
               and min(o.x1, box.x1) - max(o.x0, box.x0) > 0 for o in others)


def short_column_heads(cards: list[Card]) -> set[str]:
    """Cards much lower than the cards under them, each on top of a column, side by side in one row:
    notes stuck sideways (or cut strips) as column headings over upright notes (a chores board whose
    names head three columns). Both a row of them and most columns having one are asked for, so a
    board's odd small note is no heading."""
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    if len(cards) < 6:
        return set()
    median_h = float(np.median([b.h for b in boxes.values()]))
    heads, columns = [], 0
    for card in cards:
        box = boxes[card.id]
        column = [boxes[o.id] for o in cards if o is not card
                  and min(boxes[o.id].x1, box.x1) - max(boxes[o.id].x0, box.x0) > 0.5 * min(boxes[o.id].w, box.w)]
        if any(o.cy < box.cy for o in column) or not column:
            continue  # not the top of a column (or a card alone)
        columns += 1
        below = min(column, key=lambda o: o.y0)
        words = len((card.text or card.raw_text).split())
        if (box.h <= SHORT_HEAD_HEIGHT * min(below.h, median_h) and below.y0 - box.y1 <= below.h
                and words <= HEADING_MAX_WORDS):
            heads.append(card.id)
    if len(heads) < 2 or len(heads) < HEADING_COLOUR_SHARE * columns:
        return set()
    centres = [boxes[i].cy for i in heads]
    if max(centres) - min(centres) > float(np.median([boxes[i].h for i in heads])):
        return set()  # not one row
    return set(heads)


def heading_colour_ids(cards: list[Card]) -> set[str]:
    """Cards of a colour that starts every row (or column) of the board while the cards after them are
    nearly all of one other colour: a heading colour without a legend (pink row headings, yellow notes).
    Groups' colours side by side never pass: after a group's column come several other colours."""
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    colours = [c.colour for c in cards if c.colour]
    for colour in sorted(set(colours)):
        heads = [c for c in cards if c.colour == colour]
        others = [c for c in cards if c.colour != colour]
        if len(heads) < 2 or len(others) < 2 * len(heads) or np.median([aspect(h.polygon) for h in heads]) >= STRIP_ASPECT:
            continue  # (strips are headings by their shape, beside marker headings)
        main = max(set(c.colour for c in others), key=lambda k: sum(c.colour == k for c in others))
        if sum(c.colour == main for c in others) < HEADING_COLOUR_SHARE * len(others):
            continue
        for along in ("row", "column"):
            followers = [_following(boxes[h.id], [boxes[o.id] for o in others], along) for h in heads]
            leading = (all(n > 0 for n, _ in followers)  # (one row may start with a stray card: an intro note)
                       and sum(before for _, before in followers) <= len(heads) // 4)
            if leading and sum(n for n, _ in followers) >= HEADING_COLOUR_SHARE * len(others):
                return {h.id for h in heads}
    return set()


def aligned_heads(cards: list[Card], heads: set[str]) -> set[str]:
    """Cards standing in the line of the heading cards (their column when they start rows, their row when
    they top columns) at the start of a row or column that has no heading: a heading written on a card
    of another colour (the last row's "CLOSE" on a yellow note under pink row headings)."""
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    head_boxes = [boxes[i] for i in heads]
    if len(head_boxes) < 2:
        return set()
    width = float(np.median([b.w for b in head_boxes]))
    height = float(np.median([b.h for b in head_boxes]))
    along = "row" if np.ptp([b.cx for b in head_boxes]) <= width else "column" if np.ptp([b.cy for b in head_boxes]) <= height else None
    if along is None:
        return set()
    line = (float(np.median([b.cx for b in head_boxes])) if along == "row" else float(np.median([b.cy for b in head_boxes])))
    others = [boxes[c.id] for c in cards if c.id not in heads]
    out = set()
    for card in cards:
        box = boxes[card.id]
        centre = box.cx if along == "row" else box.cy
        if (card.id in heads or abs(centre - line) > 0.5 * (width if along == "row" else height)
                or len((card.text or card.raw_text).split()) > HEADING_MAX_WORDS):
            continue
        after, before = _following(box, [o for o in others if o is not box], along)
        if after and not before and not any(_following(h, [box], along)[0] or _following(box, [h], along)[0]
                                            for h in head_boxes):
            out.add(card.id)
    return out


def unheaded_cards(cards: list[Card], heads: set[str]) -> list[Card]:
    """The cards in no row and no column that a heading card starts: their heading is not on a card of
    the heading colour (written with marker on a mixed board, or a heading card the detector missed)."""
    boxes = {c.id: Box.of(c.polygon) for c in cards}
    return [c for c in cards if c.id not in heads and not any(
        _following(boxes[h], [boxes[c.id]], along)[0] for h in heads for along in ("row", "column"))]


def _following(head: Box, others: list[Box], along: str) -> tuple[int, bool]:
    """How many cards follow `head` in its row (to its right) or column (below it), and whether any
    card of that row or column comes before it."""
    after = before = 0
    for o in others:
        if along == "row":
            shared = min(o.y1, head.y1) - max(o.y0, head.y0) > 0.5 * min(o.h, head.h)
            after, before = after + int(shared and o.x0 >= head.cx), before or (shared and o.x1 <= head.cx)
        else:
            shared = min(o.x1, head.x1) - max(o.x0, head.x0) > 0.5 * min(o.w, head.w)
            after, before = after + int(shared and o.y0 >= head.cy), before or (shared and o.y1 <= head.cy)
    return after, before


def join_pieces(headings: list[Heading], rgb: np.ndarray | None = None) -> list[Heading]:
    """Heading cards side by side on one line with hardly a gap are pieces of one strip the detector cut
    in two ("Zeit" + "plan"): one heading, spanning both. A piece that reads as almost nothing ("E", "")
    is joined across a wider gap when the gap has the pieces' paper colour (given the photo): the detector
    lost the strip's middle; with the board showing between them they are notes of their own."""
    out: list[Heading] = []
    for heading in sorted(headings, key=lambda h: Box.of(h.polygon).x0):
        box = Box.of(heading.polygon)
        for k, prev in enumerate(out):
            pbox = Box.of(prev.polygon)
            overlap = min(pbox.y1, box.y1) - max(pbox.y0, box.y0)
            if (prev.source == heading.source == "card" and overlap >= 0.7 * min(pbox.h, box.h)
                    and (-0.5 * box.h <= box.x0 - pbox.x1 <= PIECE_GAP * min(pbox.h, box.h)
                         or (rgb is not None and min(_letters(prev.text), _letters(heading.text)) <= 1
                             and 0 < box.x0 - pbox.x1 <= LOST_MIDDLE_GAP * min(pbox.h, box.h)
                             and _same_paper_between(rgb, pbox, box)))):
                glue = "" if prev.text[-1:].islower() and heading.text[:1].islower() else " "
                out[k] = Heading(prev.id, _joined_quad(prev.polygon, heading.polygon),
                                 prev.text + glue + heading.text, prev.raw_text + glue + heading.raw_text, "card",
                                 min(prev.confidence, heading.confidence), prev.colour)
                break
        else:
            out.append(heading)
    return out


def _same_paper_between(rgb: np.ndarray, left: Box, right: Box) -> bool:
    """Whether the gap between two pieces on one line shows the pieces' paper (the light ground of each),
    and not the board (as over the gap): on a whiteboard, white notes side by side do not pass."""
    from cardscan.colour import srgb_to_lab

    top, bottom = max(left.y0, right.y0), min(left.y1, right.y1)
    h = bottom - top

    def ground(x0: float, x1: float, y0: float, y1: float):
        pixels = rgb[max(0, int(y0)):max(0, int(y1) + 1), max(0, int(x0)):max(0, int(x1) + 1)].reshape(-1, 3)
        if len(pixels) == 0:
            return None
        pixels = pixels.astype(np.float64)
        light = pixels.sum(axis=1)
        return srgb_to_lab(np.median(pixels[light >= np.median(light)], axis=0))

    inner = (top + 0.2 * h, bottom - 0.2 * h)
    gap, a, b = ground(left.x1, right.x0, *inner), ground(left.x0, left.x1, *inner), ground(right.x0, right.x1, *inner)
    above = ground(left.x1, right.x0, top - 0.6 * h, top - 0.15 * h)  # the board over the gap
    if gap is None or a is None or b is None:
        return False
    return bool(np.linalg.norm(gap - a) < PAPER_TOLERANCE and np.linalg.norm(gap - b) < PAPER_TOLERANCE
                and (above is None or np.linalg.norm(gap - above) >= PAPER_TOLERANCE))


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _joined_quad(left, right) -> list[tuple[int, int]]:
    """The outline of a strip cut in two: the left piece's left side and the right piece's right side,
    so the strip's perspective stays and its crop reads as one line."""
    a, b = np.asarray(left, float).reshape(-1, 2), np.asarray(right, float).reshape(-1, 2)
    if len(a) != 4 or len(b) != 4:
        box = Box(min(Box.of(a).x0, Box.of(b).x0), min(Box.of(a).y0, Box.of(b).y0),
                  max(Box.of(a).x1, Box.of(b).x1), max(Box.of(a).y1, Box.of(b).y1))
        return [(int(box.x0), int(box.y0)), (int(box.x1), int(box.y0)), (int(box.x1), int(box.y1)),
                (int(box.x0), int(box.y1))]
    return [tuple(int(round(v)) for v in p) for p in (a[0], b[1], b[2], a[3])]


def widen_strips(rgb: np.ndarray, headings: list[Heading]) -> list[Heading]:
    """Heading strips the detector outlined only in part ("EEN" of "IDEEN", "SICHERHEI"): the strip's
    paper is followed along its line from the outline (pixels of the paper's colour, connected to it),
    and the outline grows to where the paper ends. Nothing changes where the paper runs into a board of
    the same colour (white strips on a whiteboard): then the paper is much taller than the strip."""
    import cv2

    from cardscan.colour import srgb_to_lab

    out = []
    for heading in headings:
        pts = np.asarray(heading.polygon, dtype=float).reshape(-1, 2)
        box = Box.of(pts)
        if heading.source != "card" or len(pts) != 4 or box.w < 2 * box.h or pts[1, 0] <= pts[0, 0]:
            out.append(heading)
            continue
        x0, x1 = max(0, int(box.x0 - box.w)), min(rgb.shape[1], int(box.x1 + box.w) + 1)
        y0, y1 = max(0, int(box.y0 - 0.5 * box.h)), min(rgb.shape[0], int(box.y1 + 0.5 * box.h) + 1)
        window = srgb_to_lab(rgb[y0:y1, x0:x1].astype(np.float64))
        bx0, by0 = int(box.x0) - x0, int(box.y0) - y0
        bx1, by1 = int(box.x1) - x0, int(box.y1) - y0
        inner = window[by0:by1 + 1, bx0:bx1 + 1].reshape(-1, 3)
        ground = np.median(inner[inner[:, 0] >= np.median(inner[:, 0])], axis=0)
        paper = (np.linalg.norm(window - ground, axis=2) < PAPER_TOLERANCE).astype(np.uint8)
        dy, dx = int(0.25 * box.h), int(0.1 * box.w)
        paper[by0 + dy:by1 - dy + 1, bx0 + dx:bx1 - dx + 1] = 1  # the writing is on it
        _, labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
        label = labels[(by0 + by1) // 2, (bx0 + bx1) // 2]
        left, top, width, height = (int(stats[label, k]) for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP,
                                                                     cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
        grow_left, grow_right = max(0, bx0 - left), max(0, left + width - 1 - bx1)
        if height > STRIP_PAPER_HEIGHT * box.h or grow_left + grow_right < STRIP_MIN_GROWTH * box.w:
            out.append(heading)
            continue
        along = (pts[1] - pts[0]) / np.linalg.norm(pts[1] - pts[0])
        grown = pts.copy()
        grown[[0, 3]] -= along * grow_left / along[0]
        grown[[1, 2]] += along * grow_right / along[0]
        out.append(Heading(heading.id, [(int(round(x)), int(round(y))) for x, y in grown], heading.text,
                           heading.raw_text, heading.source, heading.confidence, heading.colour))
    return out


def reread_joined(rgb: np.ndarray, headings: list[Heading], pieces: set[str], reader,
                  language: str = "de") -> list[Heading]:
    """Heading strips joined from pieces, read again as one crop: each piece's reading lost the letters
    at the cut ("Rolle" + "es QR", "Bil" + ""). `language`: the board's, as for its cards."""
    from cardscan.geometry import rectify
    from cardscan.normalise import normalise

    out = []
    for heading in headings:
        if heading.id in pieces and heading.source == "card" and len(heading.polygon) == 4:
            reading = reader.read([rectify(rgb, np.asarray(heading.polygon, np.float32))])[0]
            if reading.text.strip():
                text = normalise(" ".join(reading.text.split()), expand_abbreviations=False, language=language).text
                heading = Heading(heading.id, heading.polygon, text, reading.text, "card", reading.confidence,
                                  heading.colour)
        out.append(heading)
    return out
