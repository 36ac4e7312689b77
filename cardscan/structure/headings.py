"""Headings: heading cards (legend or long strips) and marker writing on the board itself.

Heading cards leave the cards for the headings: cards whose colour the legend calls a heading
(``weiß=Überschrift``) or long strips among much squarer cards, as Metaplan heading strips are. Marker
headings: the board with every card painted out (in the board's colour) is read by the OCR engine's
page reader; large writing that stands on the board, has cards below it and is not a card the detector
missed (writing on coloured paper, or no wider than a card between two cards of a column) becomes a
`Heading`; words over different columns of cards are one heading each, stacked lines one heading.
"""
from __future__ import annotations

import re

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
HEADING_MAX_WORDS = 4  # heading strips carry a few words, not a sentence
MARKER_MIN_CONFIDENCE = 0.6  # page-reader lines less sure than this are grain, pins or board edges
MARKER_MIN_HEIGHT = 0.25  # of the median card's short side: smaller writing is a logo, a caption or a card's
MARKER_MAX_HEIGHT = 1.2  # ... and taller "writing" is a card the detector missed
MARKER_MAX_SLOPE = 0.35  # a line of writing may slope this much (19°): its box is taller by this share of its width
MARKER_LINE_GAP = 0.75  # words further apart than this many letter heights are separate headings
MARKER_STACK_GAP = 0.7  # lines closer than this many heights, overlapping in x, are one heading
PAPER_TOLERANCE = 18.0  # Lab distance: pixels this close to the paper's colour are the same paper
CARD_SIZE_SLACK = 0.35  # paper within this share of the median card's width and height is a card
MARKER_PAPER_CHROMA = 25.0  # Lab chroma of the ground between strokes above which writing is on coloured paper
COLUMN_JOIN = 0.35  # card widths: columns of cards closer than this belong to one cluster (one heading over both)
HEADING_REACH = 3.0  # card heights: a heading's first card is at most this far below it
SANDWICH_MAX_WIDTH = 1.2  # card widths
SANDWICH_GAP = 0.8  # card heights: writing this close under one card and over another is a missed card
CARD_MASK_GROW = 0.06  # cards are painted out this much beyond their outline (shadows, rims)
PAGE_MAX_SIDE = 2400  # px; the board's writing is large
SECOND_LOOK_SIDE = 3.5  # line heights: a heading is read again from a crop this much wider on each side ...
SECOND_LOOK_UP = 1.3  # ... and this much higher and lower
MARGIN_WIDTH = 1.5  # card widths: the board left of the cards is read again on its own (row labels)
ROW_LABEL = re.compile(r"^\(?(\d{1,2}|[A-Za-z])[.):]$")  # "1.", "2)", "A." number the rows of a plan


def heading_card_ids(cards: list[Card]) -> set[str]:
    """Cards the legend calls headings (else a colour that only ever starts the rows or columns of one
    other colour), and long strips among much squarer cards."""
    ids = {c.id for c in cards if c.group and c.group.strip().lower() in HEADING_GROUPS}
    if not ids and (ids := heading_colour_ids(cards)):
        return ids | aligned_heads(cards, ids)  # the board's convention for headings is their colour
    rest = [c for c in cards if c.id not in ids]
    if len(rest) >= 4:
        median = float(np.median([aspect(c.polygon) for c in rest]))
        for card in rest:
            ratio = aspect(card.polygon)
            words = len((card.text or card.raw_text).split())
            if ratio >= max(STRIP_ASPECT, STRIP_OVER_MEDIAN * median) and 0 < words <= HEADING_MAX_WORDS:
                ids.add(card.id)
    return ids or short_column_heads(cards)


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


def marker_headings(rgb: np.ndarray, cards: list[Card], reader, stem: str) -> list[Heading]:
    """Large writing on the board outside the cards, line by line, stacked lines joined."""
    import cv2

    from cardscan.colour import srgb_to_lab
    from cardscan.normalise import normalise

    h, w = rgb.shape[:2]
    board = rgb.copy()
    mask = np.zeros((h, w), np.uint8)
    painted = []
    for card in cards:
        box = Box.of(card.polygon)
        grow = CARD_MASK_GROW * max(box.w, box.h)
        pts = np.asarray(card.polygon, dtype=np.float32).reshape(-1, 2)
        centre = pts.mean(axis=0)
        grown = centre + (pts - centre) * (1 + 2 * grow / max(box.w, box.h, 1.0))
        cv2.fillPoly(mask, [np.round(grown).astype(np.int32)], 255)
        painted.append(np.round(grown).astype(np.int32))
    board_rgb = np.median(rgb[mask == 0] if (mask == 0).any() else rgb.reshape(-1, 3), axis=0)
    board_lab = srgb_to_lab(board_rgb.astype(np.float64))
    board[mask > 0] = board_rgb.astype(rgb.dtype)
    for poly in painted:  # each card in the colour of the board around it: grey patches hide labels
        board = _paint_locally(board, rgb, mask, poly)
    scale = min(1.0, PAGE_MAX_SIDE / max(h, w))
    small = cv2.resize(board, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else board
    card_side = float(np.median([min(sides(c.polygon)) for c in cards]))
    def accept(word, box: Box, line_width: float) -> bool:
        cy, cx = min(h - 1, int(box.cy)), min(w - 1, int(box.cx))
        letters = box.h - MARKER_MAX_SLOPE * line_width  # a sloping line's box is taller than its letters
        return bool(word.confidence >= MARKER_MIN_CONFIDENCE and word.text.strip()  # "&", "+" join words, so they stay
                    and not mask[max(0, cy), max(0, cx)]
                    and MARKER_MIN_HEIGHT * card_side <= box.h and letters <= MARKER_MAX_HEIGHT * card_side)

    words = _page_words(reader, small, scale, (0, 0), accept)
    headings = []
    card_boxes = [Box.of(c.polygon) for c in cards]
    card_h = float(np.median([b.h for b in card_boxes]))
    card_w = float(np.median([b.w for b in card_boxes]))
    margin = _margin_words(reader, board, card_boxes, accept)  # read closer: it wins over the page's reading
    words = [word for word in words if not any(_box_share(word[0], other[0]) > 0.3 for other in margin)] + margin
    lines = [part for line in _lines(words) for part in _split_at_columns(line, card_boxes)]
    for group in _stack(lines):
        group = _second_look(reader, small, scale, group, accept, card_boxes)
        box = _extent([word for line in group for word in line])
        if any(_box_share(box, Box.of(other.polygon)) > 0.6 for other in headings):
            continue  # a second look already read this heading with another
        if (_sandwiched(box, card_boxes, card_w, card_h) or not _heads_cards(box, card_boxes, card_h)
                or (_on_coloured_paper(rgb, box, board_lab)
                    and (_card_above(box, card_boxes, card_h) or _on_a_card_sized_paper(rgb, box, card_w, card_h)))):
            continue
        raw = "\n".join(" ".join(t for _, t, _ in line) for line in group)
        if sum(ch.isalnum() for ch in raw) < 2 and not ROW_LABEL.match(raw.strip()):
            continue
        weights = [len(t) for line in group for _, t, _ in line]
        conf = float(np.average([c for line in group for _, _, c in line], weights=weights))
        text = normalise(" ".join(raw.split()), expand_abbreviations=False).text  # a heading as written
        polygon = [(int(box.x0), int(box.y0)), (int(box.x1), int(box.y0)), (int(box.x1), int(box.y1)),
                   (int(box.x0), int(box.y1))]
        headings.append(Heading(f"{stem}-h{len(headings) + 1:02d}", polygon, text, raw, "marker", conf))
    return headings


def _page_words(reader, image: np.ndarray, scale: float, offset: tuple[int, int], accept) -> list[tuple[Box, str, float]]:
    """The page reader's words on (part of) the painted board, as (box in photo pixels, text, confidence)."""
    words, found = [], reader.read_page(image)
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


def _paint_locally(board: np.ndarray, rgb: np.ndarray, mask: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Paint one card out in the median colour of the board around it (not the whole photo's, which a
    ceiling or a wall makes grey): the text detector reads a short label beside a grey patch as part of
    it and drops it ("1.", "4." beside painted cards; all six read once the patches match the board)."""
    import cv2

    x0, y0 = poly.min(axis=0)
    x1, y1 = poly.max(axis=0)
    pad = int(0.3 * max(x1 - x0, y1 - y0))
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(rgb.shape[1], x1 + pad + 1), min(rgb.shape[0], y1 + pad + 1)
    around = rgb[y0:y1, x0:x1][mask[y0:y1, x0:x1] == 0].astype(np.int32)
    if len(around) < 50:
        return board
    ground = np.median(around, axis=0)
    cv2.fillPoly(board, [poly], tuple(int(v) for v in ground))
    return board


def _margin_words(reader, board: np.ndarray, cards: list[Box], accept) -> list[tuple[Box, str, float]]:
    """The board left of the cards, read on its own: on a whole large board the page reader misses short
    labels standing alone ("1.", "4." numbering the rows of a plan, found in 2 of 6), which it reads in a
    strip of the margin. Nothing when the rows start at the photo's edge."""
    import cv2

    card_w = float(np.median([c.w for c in cards]))
    card_h = float(np.median([c.h for c in cards]))
    starts = [c.x0 for c in cards if not any(min(o.y1, c.y1) - max(o.y0, c.y0) > 0.5 * min(o.h, c.h)
                                             and o.x1 <= c.x0 + 0.5 * c.w and o is not c for o in cards)]
    left = float(np.median(starts))  # where the rows start (a stray box off the board does not move it)
    x0, x1 = max(0, int(left - MARGIN_WIDTH * card_w)), min(board.shape[1], int(left + 0.25 * card_w))
    y0, y1 = max(0, int(min(c.y0 for c in cards) - card_h)), min(board.shape[0], int(max(c.y1 for c in cards)))
    if left - x0 < 0.3 * card_w or y1 - y0 < 8:
        return []
    crop = board[y0:y1, x0:x1]
    scale = min(1.0, PAGE_MAX_SIDE / max(crop.shape[:2]))
    if scale < 1:
        crop = cv2.resize(crop, (round(crop.shape[1] * scale), round(crop.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    return _page_words(reader, crop, scale, (x0 * scale, y0 * scale), accept)


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

    best = max(stacks, key=letters, default=None)
    return best if best is not None and letters(best) > letters(group) else group


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
    a card the detector missed. (Wider writing between clusters is a heading of an affinity wall.)"""
    if box.w > SANDWICH_MAX_WIDTH * card_w:
        return False

    def near(card: Box, above: bool) -> bool:
        overlap = min(card.x1, box.x1) - max(card.x0, box.x0)
        gap = box.y0 - card.y1 if above else card.y0 - box.y1
        return overlap > 0.3 * min(card.w, box.w) and -0.2 * card_h <= gap <= SANDWICH_GAP * card_h

    return any(near(c, True) for c in cards) and any(near(c, False) for c in cards)


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
    """Words side by side (vertical overlap, small horizontal gap) form one line."""
    lines: list[list] = []
    for word in sorted(words, key=lambda wd: wd[0].x0):
        box = word[0]
        for line in lines:
            last = line[-1][0]
            overlap = min(last.y1, box.y1) - max(last.y0, box.y0)
            if overlap >= 0.5 * min(last.h, box.h) and box.x0 - last.x1 <= MARKER_LINE_GAP * max(last.h, box.h):
                line.append(word)
                break
        else:
            lines.append([word])
    return lines


def _stack(lines: list[list]) -> list[list[list]]:
    """Lines written under each other, overlapping in x, form one heading ("Interactions with / government")."""
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
            if x_overlap > 0.3 * min(last.w, box.w) and -0.5 * min(last.h, box.h) <= gap <= MARKER_STACK_GAP * max(last.h, box.h):
                group.append(line)
                break
        else:
            groups.append([line])
    return groups


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


def reread_joined(rgb: np.ndarray, headings: list[Heading], pieces: set[str], reader) -> list[Heading]:
    """Heading strips joined from pieces, read again as one crop: each piece's reading lost the letters
    at the cut ("Rolle" + "es QR", "Bil" + "")."""
    from cardscan.geometry import rectify
    from cardscan.normalise import normalise

    out = []
    for heading in headings:
        if heading.id in pieces and heading.source == "card" and len(heading.polygon) == 4:
            reading = reader.read([rectify(rgb, np.asarray(heading.polygon, np.float32))])[0]
            if reading.text.strip():
                text = normalise(" ".join(reading.text.split()), expand_abbreviations=False).text
                heading = Heading(heading.id, heading.polygon, text, reading.text, "card", reading.confidence,
                                  heading.colour)
        out.append(heading)
    return out
