"""Marker headings: writing on the board itself, read after the cards are painted out.

The board with every card painted out (each in the colour of the board around it) is read by the OCR
engine's page reader, and the margin left of the rows once more on its own (row labels "1." … "6."); large
writing that stands on the board, has cards below or beside it and is not a card the detector missed
(writing on coloured paper of a card's size, or no wider than a card between two cards of a column with
room for a card between them) becomes a `Heading`; words over different columns of cards are one heading
each, stacked lines one heading. The board above a column of cards that no heading heads is read again on
its own: the page reader misses now and then a heading on the whole board that it reads in a crop.
Heading cards are `heading_cards`' job.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from cardscan.structure.board_page import PAGE_MAX_SIDE, BoardPage, outlines_of, paint_board, read_board_page
from cardscan.structure.boxes import Box, sides
from cardscan.structure.heading_cards import PAPER_TOLERANCE
from cardscan.structure.row_labels import ROW_LABEL, drop_lone_numbers, is_label
from cardscan.text_lines import LineBox, group_lines
from cardscan.workshop import Card, Heading

MARKER_MIN_CONFIDENCE = 0.6  # page-reader lines less sure than this are grain, pins or board edges
MARKER_MIN_HEIGHT = 0.18  # of the median card's short side: smaller writing is a logo, a caption or a card's
MARKER_MAX_HEIGHT = 1.2  # ... and taller "writing" is a card the detector missed
MARKER_MAX_SLOPE = 0.35  # a line of writing may slope this much (19°): its box is taller by this share of its width
MARKER_LINE_GAP = 0.75  # words further apart than this many letter heights are separate headings
MARKER_STACK_GAP = 0.7  # lines closer than this many heights, overlapping in x, are one heading ...
MARKER_STACK_SIZE = 1.5  # ... unless one line's letters are this many times taller than the other's
CARD_SIZE_SLACK = 0.35  # paper within this share of the median card's width and height is a card
MARKER_PAPER_CHROMA = 25.0  # Lab chroma of the ground between strokes above which writing is on coloured paper
COLUMN_JOIN = 0.35  # card widths: columns of cards closer than this belong to one cluster (one heading over both)
HEADING_REACH = 3.0  # card heights: a heading's first card is at most this far below it
SANDWICH_MAX_WIDTH = 1.2  # card widths
SANDWICH_GAP = 0.8  # card heights: writing this close under one card and over another is a missed card
MISSED_CARD_ROOM = 1.0  # of their heights: ... when the gap between those two cards has room for a card like them
SECOND_LOOK_SIDE = 3.5  # line heights: a heading is read again from a crop this much wider on each side ...
SECOND_LOOK_UP = 1.3  # ... and this much higher and lower
REREAD_PAD = 0.3  # line heights around a heading in the card reader's crop
REREAD_MAX_CHANGE = 0.3  # share of a heading's letters the card reader's reading may change
KNOWN_ZIPF = 2.0  # wordfreq zipf: rarer entries of a web word list are as often typos as words
MARGIN_WIDTH = 1.5  # card widths: the board left of the cards is read again on its own (row labels)
ROW_CROP_UP = 0.6  # card heights: a row's margin is read from this far above its first card to as far below
HEADLESS_REACH = 2.0  # card heights: the board this far above a column no heading heads is read on its own ...
HEADLESS_SIDE = 0.5  # card widths: ... and this much to each side (a heading strip is wider than its column)
HEADLESS_RUN_GAP = 0.8  # card heights: a gap this tall in a column leaves room for a heading: a new run starts


def marker_headings(rgb: np.ndarray, cards: list[Card], reader, stem: str,
                    page: BoardPage | None = None, language: str = "de", known: list[Heading] = (),
                    whole_page: bool = True) -> list[Heading]:
    """Large writing on the board outside the cards, line by line, stacked lines joined. `page`: the board
    read before (`read_board_page`) for these cards; read here when missing or painted for other cards.
    `language`: the board's (`cardscan.normalise.board_language` of its cards): the German speller would
    turn an English board's "Pain points" into "Main points". `known`: the headings found already (heading
    cards; `cards` may hold them too). Then the board above every column of cards that no heading heads is
    read on its own (`_words_above_headless`); with `whole_page` False only that is read (a board whose
    headings are on cards: the heading card the detector missed)."""
    from cardscan.normalise import normalise

    if page is None or page.outlines != outlines_of(cards):
        page = read_board_page(rgb, cards, reader) if whole_page else None
    h, w = rgb.shape[:2]
    card_side = float(np.median([min(sides(c.polygon)) for c in cards]))
    card_boxes = [Box.of(c.polygon) for c in cards]
    card_h = float(np.median([b.h for b in card_boxes]))
    card_w = float(np.median([b.w for b in card_boxes]))
    known_ids = {k.id for k in known}
    known_boxes = [Box.of(k.polygon) for k in known]
    plain = [Box.of(c.polygon) for c in cards if c.id not in known_ids]  # the cards that are no heading
    headings: list[Heading] = []

    def accept(word, box: Box, line_width: float) -> bool:
        cy, cx = min(h - 1, int(box.cy)), min(w - 1, int(box.cx))
        letters = box.h - MARKER_MAX_SLOPE * line_width  # a sloping line's box is taller than its letters
        return bool(word.confidence >= MARKER_MIN_CONFIDENCE and word.text.strip()  # "&", "+" join words, so they stay
                    and not page.mask[max(0, cy), max(0, cx)]
                    and MARKER_MIN_HEIGHT * card_side <= box.h and letters <= MARKER_MAX_HEIGHT * card_side)

    def take(words: list) -> None:
        """The words' lines and stacks that pass as headings, added to `headings`."""
        lines = [part for line in _lines(words) for part in _split_at_columns(line, card_boxes)]
        for group in _stack(lines):
            group = _second_look(reader, page.small, page.scale, group, accept, card_boxes)
            box = _extent([word for line in group for word in line])
            if any(_box_share(box, Box.of(other.polygon)) > 0.6 for other in headings):
                continue  # a second look already read this heading with another
            if (_sandwiched(box, card_boxes, card_w, card_h) or not _heads_cards(box, card_boxes, card_h)
                    or (_on_coloured_paper(rgb, box, page.board_lab)
                        and (_card_above(box, card_boxes, card_h) or _on_a_card_sized_paper(rgb, box, card_w, card_h)))):
                continue
            raw = "\n".join(" ".join(t for _, t, _ in line) for line in group)
            if sum(ch.isalnum() for ch in raw) < 2 and not is_label(raw):
                continue
            weights = [len(t) for line in group for _, t, _ in line]
            conf = float(np.average([c for line in group for _, _, c in line], weights=weights))
            raw, conf = _read_closer(reader, page.board, box, group, raw, conf, language)
            text = normalise(" ".join(raw.split()), expand_abbreviations=False, language=language).text  # as written
            polygon = [(int(box.x0), int(box.y0)), (int(box.x1), int(box.y0)), (int(box.x1), int(box.y1)),
                       (int(box.x0), int(box.y1))]
            headings.append(Heading("", polygon, text, raw, "marker", conf))

    words: list = []
    if page is not None:
        words = _page_words(reader, page.small, page.scale, (0, 0), accept, page.words)
        margin = _margin_words(reader, page.board, card_boxes, accept)  # read closer: it wins over the page's reading
        words = [word for word in words if not any(_box_share(word[0], other[0]) > 0.3 for other in margin)] + margin
        take(words)
    regions = _above_headless(plain, known_boxes + [Box.of(x.polygon) for x in headings], card_w, card_h)
    if regions:
        if page is None:
            page = paint_board(rgb, cards)
        seen = [word[0] for word in words] + known_boxes + [Box.of(x.polygon) for x in headings]
        extra = []
        for region in regions:
            x0, y0 = max(0, int(region.x0)), max(0, int(region.y0))
            x1, y1 = min(w, int(region.x1) + 1), min(h, int(region.y1) + 1)
            if x1 - x0 >= 8 and y1 - y0 >= 8:
                extra += [word for word in _page_words(reader, page.board[y0:y1, x0:x1], 1.0, (x0, y0), accept)
                          if not any(_box_share(word[0], other) > 0.3 for other in seen + [e[0] for e in extra])]
        take(extra)
    return [replace(h, id=f"{stem}-h{k:02d}") for k, h in enumerate(drop_lone_numbers(headings), start=1)]


def _above_headless(cards: list[Box], headings: list[Box], card_w: float, card_h: float) -> list[Box]:
    """The board above each column of cards that no heading heads, to read on its own: on a whole board
    the page reader misses a heading now and then that it reads in a crop around it ("Sicherheit",
    "Nächste Schritte" on generated boards), and a board whose headings are cards is not read at all for
    the heading card the detector missed. A column's run of cards starts where the gap above its top card
    leaves room for a heading (HEADLESS_RUN_GAP); it is headed by a heading over it (overlapping it in x,
    ending at most HEADLESS_REACH card heights above it) or beside its first card (a row label)."""
    out = []
    for x0, x1, column in _columns(cards, COLUMN_JOIN * card_w):
        column = sorted(column, key=lambda b: b.y0)
        for k, top in enumerate(column):
            if k and top.y0 - max(b.y1 for b in column[:k]) < HEADLESS_RUN_GAP * card_h:
                continue  # inside a run of cards
            over = any(hb.x1 > x0 and hb.x0 < x1 and hb.y0 < top.y0 + 0.5 * top.h
                       and hb.y1 > top.y0 - HEADLESS_REACH * card_h for hb in headings)
            beside = any(min(hb.y1, top.y1) - max(hb.y0, top.y0) > 0.3 * top.h and hb.x1 <= top.x0 + 0.25 * top.w
                         for hb in headings)
            if over or beside:
                continue
            above = [b.y1 for b in cards if b.y1 <= top.y0 and min(b.x1, x1) - max(b.x0, x0) > 0]
            y0 = max([top.y0 - HEADLESS_REACH * card_h] + above)
            if top.y0 - y0 >= HEADLESS_RUN_GAP * card_h / 2:
                out.append(Box(x0 - HEADLESS_SIDE * card_w, y0, x1 + HEADLESS_SIDE * card_w, top.y0 + 0.1 * card_h))
    return out


def _columns(cards: list[Box], join: float) -> list[tuple[float, float, list[Box]]]:
    """Columns of cards left to right, (x0, x1, boxes): cards overlapping in x, or closer than `join`."""
    spans: list[list] = []
    for box in sorted(cards, key=lambda b: b.x0):
        if spans and box.x0 <= spans[-1][1] + join:
            spans[-1][1] = max(spans[-1][1], box.x1)
            spans[-1][2].append(box)
        else:
            spans.append([box.x0, box.x1, [box]])
    return [(x0, x1, boxes) for x0, x1, boxes in spans]


def _read_closer(reader, board: np.ndarray, box: Box, group: list, raw: str, confidence: float,
                 language: str) -> tuple[str, float]:
    """The heading read once more by the card reader, from a crop of the painted board around it: the page
    reader misreads a letter of marker writing ("Unwelt", "Sugend", "Dachste Schritte") that the card
    reader, seeing the heading alone and enlarged, reads right. The second reading wins only when it has
    as many lines, changes at most REREAD_MAX_CHANGE of the letters (the same writing, not a card's
    writing that came into the crop) and makes more words the board's language knows."""
    from rapidfuzz.distance import Levenshtein

    if not hasattr(reader, "read") or ROW_LABEL.match(raw.strip()):
        return raw, confidence
    line_h = float(np.median([b.h for line in group for b, _, _ in line]))
    pad = REREAD_PAD * line_h
    y0, y1 = max(0, int(box.y0 - pad)), min(board.shape[0], int(box.y1 + pad) + 1)
    x0, x1 = max(0, int(box.x0 - pad)), min(board.shape[1], int(box.x1 + pad) + 1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return raw, confidence
    reading = reader.read([board[y0:y1, x0:x1]])[0]
    text = "\n".join(" ".join(line.split()) for line in reading.text.splitlines() if line.strip())
    flat, again = " ".join(raw.split()), " ".join(text.split())
    if (len(text.splitlines()) != len(raw.splitlines()) or again == flat
            or Levenshtein.distance(again, flat) > REREAD_MAX_CHANGE * max(len(flat), 1)
            or _known_words(again, language) <= _known_words(flat, language)):
        return raw, confidence
    return text, float(reading.confidence)


def _known_words(text: str, language: str) -> int:
    """How many of the words a general word list of the language knows (zipf ≥ KNOWN_ZIPF)."""
    from cardscan.normalise.language import LETTER_WORD, word_zipf

    return sum(word_zipf(word.lower(), language) >= KNOWN_ZIPF for word in LETTER_WORD.findall(text))


def _page_words(reader, image: np.ndarray, scale: float, offset: tuple[int, int], accept,
                found: list | None = None) -> list[tuple[Box, str, float]]:
    """The page reader's words on (part of) the painted board, as (box in photo pixels, text, confidence);
    `found`: the reader's words on `image` when they were read before."""
    words, found = [], reader.read_page(image) if found is None else found
    spans: dict[tuple, list[float]] = {}  # the words of one text box share its line, top and height
    for word in found:
        span = spans.setdefault((getattr(word, "line", None), word.top, word.height), [word.left, word.left + word.width])
        span[0], span[1] = min(span[0], word.left), max(span[1], word.left + word.width)
    for word in found:
        box = Box((word.left + offset[0]) / scale, (word.top + offset[1]) / scale,
                  (word.left + word.width + offset[0]) / scale, (word.top + word.height + offset[1]) / scale)
        x0, x1 = spans[(getattr(word, "line", None), word.top, word.height)]
        if accept(word, box, (x1 - x0) / scale):
            words.append((box, word.text, word.confidence))
    return words


def _margin_words(reader, board: np.ndarray, cards: list[Box], accept) -> list[tuple[Box, str, float]]:
    """The board left of the cards, read on its own: on a whole large board the page reader misses short
    labels standing alone ("1.", "4." numbering the rows of a plan, found in 2 of 6), which it reads in a
    strip of the margin. Nothing when the rows start at the photo's edge."""
    import cv2

    card_w = float(np.median([c.w for c in cards]))
    card_h = float(np.median([c.h for c in cards]))
    starts = [c for c in cards if not any(min(o.y1, c.y1) - max(o.y0, c.y0) > 0.5 * min(o.h, c.h)
                                          and o.x1 <= c.x0 + 0.5 * c.w and o is not c for o in cards)]
    left = float(np.median([c.x0 for c in starts]))  # where the rows start (a stray box off the board does not move it)
    x0, x1 = max(0, int(left - MARGIN_WIDTH * card_w)), min(board.shape[1], int(left + 0.25 * card_w))
    y0, y1 = max(0, int(min(c.y0 for c in cards) - card_h)), min(board.shape[0], int(max(c.y1 for c in cards)))
    if left - x0 < 0.3 * card_w or y1 - y0 < 8:
        return []
    crop = board[y0:y1, x0:x1]
    scale = min(1.0, PAGE_MAX_SIDE / max(crop.shape[:2]))
    if scale < 1:
        crop = cv2.resize(crop, (round(crop.shape[1] * scale), round(crop.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    words = _page_words(reader, crop, scale, (x0 * scale, y0 * scale), accept)
    if not any(is_label(text) for _, text, _ in words):
        return words
    # The rows are numbered: a row whose label the strip's reading missed ("4.", "5." of six) is read
    # from a crop of its own margin, which the text detector sees alone.
    for card in sorted((c for c in starts if c.x0 <= left + 0.5 * card_w), key=lambda c: c.y0):
        if any(min(b.y1, card.y1) - max(b.y0, card.y0) > 0.3 * b.h and b.x1 <= card.x0 + 0.25 * card_w
               for b, _, _ in words):
            continue  # this row's label (or other writing beside it) was read
        cy0 = max(0, int(card.y0 - ROW_CROP_UP * card_h))
        cy1 = min(board.shape[0], int(card.y1 + ROW_CROP_UP * card_h))
        cx0, cx1 = max(0, int(card.x0 - MARGIN_WIDTH * card_w)), min(board.shape[1], int(card.x0 + 0.1 * card_w))
        if cx1 - cx0 >= 8 and cy1 - cy0 >= 8:
            words += [word for word in _page_words(reader, board[cy0:cy1, cx0:cx1], 1.0, (cx0, cy0), accept)
                      if not any(_box_share(word[0], other[0]) > 0.3 for other in words)]
    return words


def _second_look(reader, small: np.ndarray, scale: float, group: list, accept, cards: list[Box]) -> list:
    """A heading read again from a crop around it: on the whole board the text detector misses words and
    lines of large writing that it finds when it sees the heading alone ("Individual" of "Individual
    characteristics", the "Frequency of" over "dealing with gov"). The crop's lines that overlap the
    heading replace it when they hold more letters."""
    box = _extent([word for line in group for word in line])
    line_h = float(np.median([b.h for line in group for b, _, _ in line]))
    x0, y0 = max(0, int((box.x0 - SECOND_LOOK_SIDE * line_h) * scale)), max(0, int((box.y0 - SECOND_LOOK_UP * line_h) * scale))
    x1 = min(small.shape[1], int((box.x1 + SECOND_LOOK_SIDE * line_h) * scale))
    y1 = min(small.shape[0], int((box.y1 + SECOND_LOOK_UP * line_h) * scale))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return group
    words = _page_words(reader, small[y0:y1, x0:x1], scale, (x0, y0), accept)
    lines = [part for line in _lines(words) for part in _split_at_columns(line, cards)]
    near = []
    for line in lines:
        extent = _extent(line)
        if min(extent.x1, box.x1) - max(extent.x0, box.x0) > 0 and extent.y1 > box.y0 - SECOND_LOOK_UP * line_h:
            near.append(line)
    stacks = [g for g in _stack(near) if min(_extent([wd for ln in g for wd in ln]).y1, box.y1)
              - max(_extent([wd for ln in g for wd in ln]).y0, box.y0) > 0]

    def letters(g) -> int:
        return sum(ch.isalnum() for line in g for _, text, _ in line for ch in text)

    def dotted(g) -> bool:  # "6." read where the page had "6": the label's own dot
        return bool(ROW_LABEL.match(" ".join(text for line in g for _, text, _ in line).strip()))

    best = max(stacks, key=lambda g: (letters(g), dotted(g)), default=None)
    return best if best is not None and (letters(best), dotted(best)) > (letters(group), dotted(group)) else group


def _extent(words: list) -> Box:
    return Box(min(b.x0 for b, _, _ in words), min(b.y0 for b, _, _ in words),
               max(b.x1 for b, _, _ in words), max(b.y1 for b, _, _ in words))


def _box_share(a: Box, b: Box) -> float:
    """Share of the smaller box that the two boxes have in common."""
    iw, ih = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, iw) * max(0.0, ih) / max(min(a.w * a.h, b.w * b.h), 1.0)


def _on_coloured_paper(rgb: np.ndarray, box: Box, board_lab: np.ndarray) -> bool:
    """Whether writing stands on coloured paper unlike the board: the writing of a card the detector did
    not outline (whole or in part). Marker headings stand on the board; heading strips the detector missed
    are mostly white, and stay headings."""
    from cardscan.colour import srgb_to_lab

    y0, y1 = max(0, int(box.y0)), min(rgb.shape[0], int(box.y1) + 1)
    x0, x1 = max(0, int(box.x0)), min(rgb.shape[1], int(box.x1) + 1)
    pixels = rgb[y0:y1, x0:x1].reshape(-1, 3).astype(np.float64)
    if len(pixels) == 0:
        return False
    ground = srgb_to_lab(np.median(pixels[pixels.sum(axis=1) >= np.median(pixels.sum(axis=1))], axis=0))
    return bool(np.hypot(ground[1], ground[2]) > MARKER_PAPER_CHROMA
                and np.hypot(*(ground[1:] - board_lab[1:])) > MARKER_PAPER_CHROMA)


def _on_a_card_sized_paper(rgb: np.ndarray, box: Box, card_w: float, card_h: float) -> bool:
    """Whether the coloured paper under the writing is as large as the board's cards (not a long heading
    strip): the paper's colour is taken from the light ground between the strokes and followed outwards
    from the writing; a card the detector missed at the top of a column has a card's width and height."""
    import cv2

    from cardscan.colour import srgb_to_lab

    x0, y0 = max(0, int(box.x0 - card_w)), max(0, int(box.y0 - card_h))
    x1, y1 = min(rgb.shape[1], int(box.x1 + card_w) + 1), min(rgb.shape[0], int(box.y1 + card_h) + 1)
    window = srgb_to_lab(rgb[y0:y1, x0:x1].astype(np.float64))
    inner = window[int(box.y0) - y0:int(box.y1) - y0 + 1, int(box.x0) - x0:int(box.x1) - x0 + 1].reshape(-1, 3)
    if len(inner) == 0:
        return False
    ground = np.median(inner[inner[:, 0] >= np.median(inner[:, 0])], axis=0)
    paper = (np.linalg.norm(window - ground, axis=2) < PAPER_TOLERANCE).astype(np.uint8)
    paper[int(box.y0) - y0:int(box.y1) - y0 + 1, int(box.x0) - x0:int(box.x1) - x0 + 1] = 1  # the writing is on it
    count, labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    label = labels[int(box.cy) - y0, int(box.cx) - x0]
    w, h = stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]
    return bool(abs(w / card_w - 1) <= CARD_SIZE_SLACK and abs(h / card_h - 1) <= CARD_SIZE_SLACK)


def _card_above(box: Box, cards: list[Box], card_h: float) -> bool:
    """A card right above the writing, in its column: writing on coloured paper there is a card the
    detector missed inside a cluster; at the top of a column it is a heading card it missed."""
    return any(min(c.x1, box.x1) - max(c.x0, box.x0) > 0.3 * min(c.w, box.w)
               and -0.2 * card_h <= box.y0 - c.y1 <= SANDWICH_GAP * card_h for c in cards)


def _sandwiched(box: Box, cards: list[Box], card_w: float, card_h: float) -> bool:
    """Writing no wider than a card, with a card right above and right below it in the same column, is
    a card the detector missed, when a card of their height fits between them (MISSED_CARD_ROOM): writing in a
    narrower gap is on a heading tag stuck between two groups of a column ("Routines", "Tools" on small
    white tags). (Wider writing between clusters is a heading of an affinity wall.)"""
    if box.w > SANDWICH_MAX_WIDTH * card_w:
        return False

    def near(card: Box, above: bool) -> bool:
        overlap = min(card.x1, box.x1) - max(card.x0, box.x0)
        gap = box.y0 - card.y1 if above else card.y0 - box.y1
        return overlap > 0.3 * min(card.w, box.w) and -0.2 * card_h <= gap <= SANDWICH_GAP * card_h

    above = [c for c in cards if near(c, True)]
    below = [c for c in cards if near(c, False)]
    if not above or not below:
        return False
    upper, lower = max(above, key=lambda c: c.y1), min(below, key=lambda c: c.y0)
    return lower.y0 - upper.y1 >= MISSED_CARD_ROOM * min(upper.h, lower.h)


def _heads_cards(box: Box, cards: list[Box], card_h: float) -> bool:
    """A heading has cards below it or beside it, not far away (else it is a note on the board, or a
    card's writing the detector did not see as a card, at the bottom of a column). Beside: a row's label
    stands left of the row's first card, up to a card's height away."""
    return any((c.y1 > box.y1 and c.y0 - box.y1 <= HEADING_REACH * card_h
                and min(c.x1, box.x1 + box.h) - max(c.x0, box.x0 - box.h) > 0)
               or (min(c.y1, box.y1) - max(c.y0, box.y0) >= 0.5 * box.h and 0 <= c.x0 - box.x1 <= card_h)
               for c in cards)


def _split_at_columns(line: list, cards: list[Box]) -> list[list]:
    """A line of words whose words stand over different columns of cards is one heading per column
    (kanban headings written side by side: "UPCOMING  TOMORROW  TODAY")."""
    if len(line) < 2:
        return [line]
    bottom = max(b.y1 for b, _, _ in line)
    below = [c for c in cards if c.y0 >= bottom - 0.2 * c.h]
    if not below:
        return [line]
    join = COLUMN_JOIN * float(np.median([c.w for c in below]))  # a cluster's own columns stand closer
    columns: list[list[float]] = []
    for x0, x1 in sorted((c.x0, c.x1) for c in below):
        if columns and x0 <= columns[-1][1] + join:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])

    def column(word) -> int | None:
        centre = word[0].cx
        return next((k for k, (x0, x1) in enumerate(columns) if x0 <= centre <= x1), None)

    parts = [[line[0]]]
    for previous, word in zip(line, line[1:]):
        a, b = column(previous), column(word)
        if a is not None and b is not None and a != b:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _lines(words: list[tuple[Box, str, float]]) -> list[list[tuple[Box, str, float]]]:
    """Words side by side on one centre line, with small gaps between them, form one line: wider gaps
    part two headings written on one row (`cardscan.text_lines`, the rule every reader's lines follow)."""
    return group_lines(words, lambda word: LineBox.upright(word[0].x0, word[0].y0, word[0].w, word[0].h),
                       max_gap=MARKER_LINE_GAP)


def _stack(lines: list[list]) -> list[list[list]]:
    """Lines written under each other, overlapping in x, in writing of one size, form one heading
    ("Interactions with / government"). Smaller writing right under a heading is another heading or a
    card's writing the detector missed ("FINANCIAL ADVISER" over "Good/Bad economy", "Reflection" over a
    note's "Hugh loss")."""
    def extent(line):
        return Box(min(b.x0 for b, _, _ in line), min(b.y0 for b, _, _ in line),
                    max(b.x1 for b, _, _ in line), max(b.y1 for b, _, _ in line))

    groups: list[list] = []
    for line in sorted(lines, key=lambda ln: extent(ln).y0):
        box = extent(line)
        for group in groups:
            last = extent(group[-1])
            x_overlap = min(last.x1, box.x1) - max(last.x0, box.x0)
            gap = box.y0 - last.y1  # the page reader's boxes of stacked lines often overlap a little
            same_size = max(last.h, box.h) <= MARKER_STACK_SIZE * min(last.h, box.h)
            if (x_overlap > 0.3 * min(last.w, box.w) and same_size
                    and -0.5 * min(last.h, box.h) <= gap <= MARKER_STACK_GAP * max(last.h, box.h)):
                group.append(line)
                break
        else:
            groups.append([line])
    return groups
