"""The board's own structure: headings, clusters and dot votes, found after the cards are read.

At the end of a workshop the wall already holds the participants' analysis (issue 17): cards stand
in clusters under heading cards or under headings written with marker on the board, in kanban-like
columns, and a dot vote (Punktabfrage) has left small round stickers on the cards that matter most.
`find_structure` adds that to a `Scan` whose cards are detected and read:

* **heading cards** leave `scan.cards` for `scan.headings`: cards whose colour the legend calls a
  heading (``weiß=Überschrift``) or long strips (aspect ≥ STRIP_ASPECT where the other cards are
  far squarer), which is how Metaplan heading strips look;
* **marker headings**: the board with every card painted out is read by the OCR engine's page
  reader; lines of large writing become `Heading(source="marker")`;
* **dots**: inside each card, round blobs of a saturated colour that is not the paper's, thick
  where writing is thin, become `votes` (with `vote_colours`); a pin's white highlight and black
  shadow tell it from a dot;
* **clusters**: with headings, each card goes to the heading above it (the same column first, then
  the nearest: a horizontal gap costs more than a vertical one, since clusters grow downwards);
  without headings, cards that stand clearly apart from the others form their own clusters. The
  clusters are listed in the order the wall reads (rows of clusters top to bottom, each left to
  right) and named after their heading, else "Cluster <n>".

Why after OCR and not inside detect: headings are named by what they say and heading cards are
cards until their shape or the legend says otherwise; the card pipeline stays as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from cardscan.workshop import Card, Cluster, Heading, Scan

HEADING_GROUPS = ("überschrift", "überschriften", "heading", "headings", "titel", "oberbegriff", "cluster")
STRIP_ASPECT = 3.0  # a card this many times longer than high is a heading strip ...
STRIP_OVER_MEDIAN = 1.4  # ... when the board's cards are this much squarer
HEADING_MAX_WORDS = 4  # heading strips carry a few words, not a sentence
MARKER_MIN_CONFIDENCE = 0.6  # page-reader lines less sure than this are grain, pins or board edges
MARKER_MIN_HEIGHT = 0.25  # of the median card's short side: smaller writing is a logo, a caption or a card's
COLUMN_JOIN = 0.35  # card widths: columns of cards closer than this belong to one cluster (one heading over both)
HEADING_REACH = 3.0  # card heights: a heading's first card is at most this far below it
MARKER_PAPER_CHROMA = 25.0  # Lab chroma of the ground between strokes above which writing is on coloured paper
SANDWICH_MAX_WIDTH = 1.2  # card widths
SANDWICH_GAP = 0.8  # card heights: writing this close under one card and over another is a missed card
MARKER_MAX_HEIGHT = 1.2  # ... and taller "writing" is a card the detector missed
MARKER_LINE_GAP = 0.75  # words further apart than this many letter heights are separate headings
MARKER_STACK_GAP = 0.7  # lines closer than this many heights, overlapping in x, are one heading
CARD_MASK_GROW = 0.06  # cards are painted out this much beyond their outline (shadows, rims)
PAGE_MAX_SIDE = 2400  # px; the board's writing is large
DOT_WORK_WIDTH = 240  # px: each card is rectified to this width to look for dots
DOT_MARGIN = 0.12  # of the card's shorter side, looked at beyond its outline
DOT_MIN_RADIUS = 0.022  # of the card's width: dots are 12–19 mm, a Metaplan card 210 mm ...
DOT_MAX_RADIUS = 0.14  # ... a sticky note 76 mm
DOT_MIN_CHROMA = 28.0  # Lab chroma: sticky dots are strongly coloured
DOT_MIN_DELTA = 30.0  # Lab ΔE from the paper
DOT_MIN_LIGHTNESS = 28.0  # marker ink is darker than any dot
DOT_MIN_LIGHT_SCALE = 0.55  # a card darker than its palette tone lowers the dot thresholds, down to this share
DOT_MIN_FILL = 0.6  # share of the disc around the thickest point that is dot-coloured
DOT_RING = 2.0  # radii: a dot stands alone; around it (1.4–2 radii) lies paper, where a letter's stroke goes on
DOT_SAME_HUE = 25.0  # degrees: on coloured paper, a blob of the paper's hue is shading, not a dot
DOT_MAX_RING = 0.35  # share of that ring that may be dot-coloured (a neighbouring dot in a row)
PIN_ZONE = (0.25, 0.35)  # pins sit within this share of the card's width from its middle, and of its height from the top
PIN_HIGHLIGHT_SHARE = 0.06  # of a dot's area: a highlight's hole or notch this big makes a blob a pin's head ...
PIN_SHADOW_SHARE = 0.15  # ... as does this share of dark grey pixels just below-right of it
COLUMN_GAP = 0.35  # of the median card width: a horizontal gap costs this much more than a vertical one
APART_FACTOR = 2.2  # without headings: a gap this many times the usual one separates clusters ...
APART_MIN_GAP = 0.75  # ... if it is also this share of a card's width (an even grid's columns are no clusters)
MIN_CLUSTERS_APART = 2
# Reference colours of sticky dots (CIE Lab, D65), to name what was counted.
DOT_COLOURS = {"rot": (47.0, 65.0, 42.0), "grün": (58.0, -50.0, 30.0), "blau": (40.0, 18.0, -62.0),
               "gelb": (84.0, 2.0, 82.0), "orange": (63.0, 42.0, 66.0), "pink": (56.0, 70.0, -5.0)}


@dataclass(frozen=True)
class _Box:
    """Axis-aligned extent of a polygon in photo pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, polygon) -> "_Box":
        pts = np.asarray(polygon, dtype=float).reshape(-1, 2)
        return cls(float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def find_structure(rgb: np.ndarray, scan: Scan, *, reader=None, votes: bool = True) -> Scan:
    """Add headings, clusters and votes to a scan in cards mode (in place; the scan is returned).

    rgb: the photo as read (the scan's polygons are in its pixels). reader: an OCR engine with a
    ``read_page`` (``cardscan.ocr.get_reader``) to read marker headings; None reads none.
    A scan of whiteboard lines, or one without cards, is returned unchanged.
    """
    if scan.mode != "cards" or not scan.cards:
        return scan
    stem = re.sub(r"\.[^.]*$", "", scan.image)
    heading_cards = _heading_card_ids(scan.cards)
    headings = [Heading(c.id, list(c.polygon), c.text.strip() or c.raw_text.strip(), c.raw_text, "card",
                        c.confidence, c.colour) for c in scan.cards if c.id in heading_cards]
    cards = [c for c in scan.cards if c.id not in heading_cards]
    if reader is not None and hasattr(reader, "read_page"):
        headings += _marker_headings(rgb, scan.cards, reader, stem)
    if votes:
        for card in cards:
            card.vote_colours = _count_dots(rgb, card.polygon, card.colour)
            card.votes = len(card.vote_colours)
    scan.cards = cards
    scan.headings, scan.clusters = _clusters(cards, headings)
    return scan


# ---- heading cards --------------------------------------------------------------------------------
def _sides(polygon) -> tuple[float, float]:
    """Mean width and height of a quadrilateral (clockwise from top-left)."""
    p = np.asarray(polygon, dtype=float).reshape(-1, 2)
    if len(p) != 4:
        box = _Box.of(p)
        return box.w, box.h
    width = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2
    height = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2
    return float(width), float(height)


def _aspect(polygon) -> float:
    w, h = _sides(polygon)
    return max(w, h) / max(min(w, h), 1.0)


def _heading_card_ids(cards: list[Card]) -> set[str]:
    """Cards the legend calls headings, and long strips among much squarer cards."""
    ids = {c.id for c in cards if c.group and c.group.strip().lower() in HEADING_GROUPS}
    rest = [c for c in cards if c.id not in ids]
    if len(rest) >= 4:
        median = float(np.median([_aspect(c.polygon) for c in rest]))
        for card in rest:
            aspect = _aspect(card.polygon)
            words = len((card.text or card.raw_text).split())
            if aspect >= max(STRIP_ASPECT, STRIP_OVER_MEDIAN * median) and 0 < words <= HEADING_MAX_WORDS:
                ids.add(card.id)
    return ids


# ---- marker headings ------------------------------------------------------------------------------
def _marker_headings(rgb: np.ndarray, cards: list[Card], reader, stem: str) -> list[Heading]:
    """Large writing on the board outside the cards, line by line, stacked lines joined."""
    import cv2

    from cardscan.colour import srgb_to_lab
    from cardscan.normalise import normalise

    h, w = rgb.shape[:2]
    board = rgb.copy()
    mask = np.zeros((h, w), np.uint8)
    for card in cards:
        box = _Box.of(card.polygon)
        grow = CARD_MASK_GROW * max(box.w, box.h)
        pts = np.asarray(card.polygon, dtype=np.float32).reshape(-1, 2)
        centre = pts.mean(axis=0)
        grown = centre + (pts - centre) * (1 + 2 * grow / max(box.w, box.h, 1.0))
        cv2.fillPoly(mask, [np.round(grown).astype(np.int32)], 255)
    board_rgb = np.median(rgb[mask == 0] if (mask == 0).any() else rgb.reshape(-1, 3), axis=0)
    board_lab = srgb_to_lab(board_rgb.astype(np.float64))
    board[mask > 0] = board_rgb.astype(rgb.dtype)
    scale = min(1.0, PAGE_MAX_SIDE / max(h, w))
    small = cv2.resize(board, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else board
    card_side = float(np.median([min(_sides(c.polygon)) for c in cards]))
    words = []
    for word in reader.read_page(small):
        height = word.height / scale
        box = _Box(word.left / scale, word.top / scale, (word.left + word.width) / scale,
                   (word.top + word.height) / scale)
        cy, cx = min(h - 1, int(box.cy)), min(w - 1, int(box.cx))
        if (word.confidence >= MARKER_MIN_CONFIDENCE and sum(ch.isalnum() for ch in word.text) >= 2
                and not mask[max(0, cy), max(0, cx)]
                and MARKER_MIN_HEIGHT * card_side <= height <= MARKER_MAX_HEIGHT * card_side):
            words.append((box, word.text, word.confidence))
    headings = []
    card_boxes = [_Box.of(c.polygon) for c in cards]
    card_h = float(np.median([b.h for b in card_boxes]))
    card_w = float(np.median([b.w for b in card_boxes]))
    lines = [part for line in _lines(words) for part in _split_at_columns(line, card_boxes)]
    for group in _stack(lines):
        box = _Box(min(b.x0 for line in group for b, _, _ in line), min(b.y0 for line in group for b, _, _ in line),
                   max(b.x1 for line in group for b, _, _ in line), max(b.y1 for line in group for b, _, _ in line))
        if (_sandwiched(box, card_boxes, card_w, card_h) or not _heads_cards(box, card_boxes, card_h)
                or _on_coloured_paper(rgb, box, board_lab)):
            continue
        raw = "\n".join(" ".join(t for _, t, _ in line) for line in group)
        weights = [len(t) for line in group for _, t, _ in line]
        conf = float(np.average([c for line in group for _, _, c in line], weights=weights))
        text = normalise(" ".join(raw.split()), expand_abbreviations=False).text  # a heading as written
        polygon = [(int(box.x0), int(box.y0)), (int(box.x1), int(box.y0)), (int(box.x1), int(box.y1)),
                   (int(box.x0), int(box.y1))]
        headings.append(Heading(f"{stem}-h{len(headings) + 1:02d}", polygon, text, raw, "marker", conf))
    return headings


def _on_coloured_paper(rgb: np.ndarray, box: _Box, board_lab: np.ndarray) -> bool:
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


def _sandwiched(box: _Box, cards: list[_Box], card_w: float, card_h: float) -> bool:
    """Writing no wider than a card, with a card right above and right below it in the same column, is
    a card the detector missed. (Wider writing between clusters is a heading of an affinity wall.)"""
    if box.w > SANDWICH_MAX_WIDTH * card_w:
        return False

    def near(card: _Box, above: bool) -> bool:
        overlap = min(card.x1, box.x1) - max(card.x0, box.x0)
        gap = box.y0 - card.y1 if above else card.y0 - box.y1
        return overlap > 0.3 * min(card.w, box.w) and -0.2 * card_h <= gap <= SANDWICH_GAP * card_h

    return any(near(c, True) for c in cards) and any(near(c, False) for c in cards)


def _heads_cards(box: _Box, cards: list[_Box], card_h: float) -> bool:
    """A heading has cards below it or beside it, not far away (else it is a note on the board, or a
    card's writing the detector did not see as a card, at the bottom of a column)."""
    return any(c.y1 > box.y1 and c.y0 - box.y1 <= HEADING_REACH * card_h
               and min(c.x1, box.x1 + box.h) - max(c.x0, box.x0 - box.h) > 0 for c in cards)


def _split_at_columns(line: list, cards: list[_Box]) -> list[list]:
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


def _lines(words: list[tuple[_Box, str, float]]) -> list[list[tuple[_Box, str, float]]]:
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
        return _Box(min(b.x0 for b, _, _ in line), min(b.y0 for b, _, _ in line),
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


# ---- dots ---------------------------------------------------------------------------------------
def _count_dots(rgb: np.ndarray, polygon, paper_name: str | None = None) -> list[str]:
    """Colour names of the sticky dots on one card, left to right. paper_name: the card's palette colour,
    whose lightness in good light tells how dim the light on this card is."""
    import cv2

    from cardscan.colour import PALETTE, srgb_to_lab

    pts = np.asarray(polygon, dtype=np.float32).reshape(-1, 2)
    if len(pts) != 4:
        return []
    width, height = _sides(pts)
    if width < 8 or height < 8:
        return []
    W = DOT_WORK_WIDTH
    H = max(8, int(round(W * height / width)))
    # Dots overlap the card's edge and outlines are drawn a little tight: look a margin beyond it.
    mx = my = int(round(DOT_MARGIN * min(W, H)))
    M = cv2.getPerspectiveTransform(pts, np.float32([[mx, my], [mx + W, my], [mx + W, my + H], [mx, my + H]]))
    crop = cv2.warpPerspective(rgb, M, (W + 2 * mx, H + 2 * my), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    lab = srgb_to_lab(crop.reshape(-1, 3).astype(np.float64)).reshape(crop.shape)
    paper = np.median(lab[my + int(H * 0.1):my + int(H * 0.9), mx + int(W * 0.1):mx + int(W * 0.9)].reshape(-1, 3), axis=0)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    delta = np.linalg.norm(lab - paper, axis=2)
    # Low light dims every colour, glare washes it out: compare the paper with its palette tone.
    light = 1.0
    if paper_name in PALETTE:
        tone = srgb_to_lab(np.asarray(PALETTE[paper_name], float))
        light = paper[0] / max(tone[0], 1.0)
        if np.hypot(tone[1], tone[2]) > 20:
            light = min(light, np.hypot(paper[1], paper[2]) / np.hypot(tone[1], tone[2]))
    light = float(np.clip(light, DOT_MIN_LIGHT_SCALE, 1.0))
    candidate = ((chroma >= DOT_MIN_CHROMA * light) & (delta >= DOT_MIN_DELTA * light)
                 & (lab[..., 0] >= DOT_MIN_LIGHTNESS * light))
    candidate = cv2.morphologyEx(candidate.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    dist = cv2.distanceTransform(candidate, cv2.DIST_L2, 3)
    r_min, r_max = DOT_MIN_RADIUS * W, DOT_MAX_RADIUS * W
    count, labels = cv2.connectedComponents((dist >= 0.7 * r_min).astype(np.uint8))
    peaks = [peak for k in range(1, count) for peak in _disc_centres(dist, labels == k, r_min, r_max)]
    yy, xx = np.ogrid[:crop.shape[0], :crop.shape[1]]
    on_card = np.zeros(candidate.shape, bool)  # the board beyond the edge may be as colourful as a dot
    on_card[my:my + H, mx:mx + W] = True
    dots: dict[int, str] = {}
    for _ in range(6):  # dots in a row lie in each other's ring: accepted neighbours do not count there
        accepted = np.zeros(candidate.shape, bool)
        for k in dots:
            y, x, r = peaks[k]
            accepted |= (yy - y) ** 2 + (xx - x) ** 2 <= (1.15 * r) ** 2
        before = len(dots)
        for k, (y, x, r) in enumerate(peaks):
            if k in dots or not (mx - 0.5 * r <= x <= mx + W + 0.5 * r and my - 0.5 * r <= y <= my + H + 0.5 * r):
                continue  # counted, or a dot of the card next to it
            d2 = (yy - y) ** 2 + (xx - x) ** 2
            disc = d2 <= (r * 1.05) ** 2
            ring = (d2 <= (DOT_RING * r) ** 2) & (d2 > (1.4 * r) ** 2) & ~accepted & on_card
            if (candidate[disc].mean() < DOT_MIN_FILL or (ring.any() and candidate[ring].mean() > DOT_MAX_RING)
                    or (_in_pin_zone(x - mx, y - my, W, H) and _is_pin(lab, candidate, x, y, r, paper, on_card))):
                continue
            seen = np.median(lab[disc & (candidate > 0)], axis=0)
            if not _same_hue(seen, paper):  # the paper's own hue, darker, is shading or ink blurred into it
                dots[k] = _dot_colour(seen)
        if len(dots) == before:
            break
    found = [(peaks[k][1], colour) for k, colour in dots.items()]
    return [colour for _, colour in sorted(found)]


def _disc_centres(dist: np.ndarray, comp: np.ndarray, r_min: float, r_max: float) -> list[tuple[int, int, float]]:
    """Centres of the discs in one blob: the thickest points, each at least a radius from the others.

    Touching dots make one blob; its distance transform still has a peak per dot."""
    d = np.where(comp, dist, 0)
    peaks = []
    while True:
        y, x = np.unravel_index(int(np.argmax(d)), d.shape)
        r = float(d[y, x])
        if r < r_min:
            break
        if r <= r_max:
            peaks.append((int(y), int(x), r))
        yy, xx = np.ogrid[:d.shape[0], :d.shape[1]]
        d[(yy - y) ** 2 + (xx - x) ** 2 <= (1.6 * r) ** 2] = 0
    return peaks


def _in_pin_zone(x: float, y: float, width: int, height: int) -> bool:
    """Cards are pinned at the top, near the middle; that is where a round coloured blob may be a pin."""
    return y <= PIN_ZONE[1] * height and abs(x - width / 2) <= PIN_ZONE[0] * width


def _is_pin(lab: np.ndarray, candidate: np.ndarray, x: int, y: int, r: float, paper: np.ndarray,
            on_card: np.ndarray) -> bool:
    """A pin's head casts a dark shadow below-right of it and its white highlight bites a hole or a notch
    into its colour; a flat sticky dot does neither. Only asked in the pin zone: elsewhere a dot's own
    rim, the text or the board below a card would look like a shadow."""
    import cv2

    L, chroma = lab[..., 0], np.hypot(lab[..., 1], lab[..., 2])
    h, w = L.shape
    yy, xx = np.ogrid[:h, :w]
    d2 = (yy - y) ** 2 + (xx - x) ** 2
    ring = (d2 <= (1.8 * r) ** 2) & (d2 > (1.05 * r) ** 2) & (yy > y) & (xx > x - 0.3 * r) & on_card
    dark = (L < min(45.0, max(paper[0] - 35.0, 0.6 * paper[0]))) & (chroma < 20)  # also on dark cards
    if ring.any() and dark[ring].mean() >= PIN_SHADOW_SHARE:
        return True
    near = ((d2 <= (1.6 * r) ** 2) & (candidate > 0)).astype(np.uint8)
    count, labels = cv2.connectedComponents(near)
    head = (labels == labels[y, x]).astype(np.uint8) if labels[y, x] else near
    contours, _ = cv2.findContours(head, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return False
    contour = max(contours, key=cv2.contourArea)
    deficit = cv2.contourArea(cv2.convexHull(contour)) - float(head.sum())
    return deficit >= PIN_HIGHLIGHT_SHARE * np.pi * r * r


def _same_hue(a: np.ndarray, paper: np.ndarray) -> bool:
    if np.hypot(paper[1], paper[2]) < DOT_MIN_CHROMA:
        return False
    gap = np.angle(np.exp(1j * (np.arctan2(a[2], a[1]) - np.arctan2(paper[2], paper[1]))))
    return bool(abs(gap) < np.radians(DOT_SAME_HUE))


def _dot_colour(lab: np.ndarray) -> str:
    names = list(DOT_COLOURS)
    refs = np.array([DOT_COLOURS[n] for n in names])
    hue = np.arctan2(refs[:, 2], refs[:, 1])
    seen = np.arctan2(lab[2], lab[1])
    gap = np.abs(np.angle(np.exp(1j * (hue - seen))))
    return names[int(np.argmin(gap + 0.004 * np.abs(refs[:, 0] - lab[0])))]


# ---- clusters -----------------------------------------------------------------------------------
def _clusters(cards: list[Card], headings: list[Heading]) -> tuple[list[Heading], list[Cluster]]:
    """Assign every card a cluster; return the headings and clusters in the order the wall reads."""
    boxes = {c.id: _Box.of(c.polygon) for c in cards}
    card_w = float(np.median([b.w for b in boxes.values()])) if boxes else 1.0
    members: dict[str, list[Card]] = {}
    if headings:
        hboxes = [_Box.of(h.polygon) for h in headings]
        for card in cards:
            members.setdefault(headings[_nearest_heading(boxes[card.id], hboxes, card_w)].id, []).append(card)
        groups = [(h, members.get(h.id, [])) for h in headings]
    else:
        groups = [(None, g) for g in _apart_groups(cards, boxes)]
        if len(groups) < MIN_CLUSTERS_APART:
            for card in cards:
                card.cluster = None
            return [], []

    def anchor(item):
        heading, group = item
        if heading is not None:
            return _Box.of(heading.polygon)
        return _Box(min(boxes[c.id].x0 for c in group), min(boxes[c.id].y0 for c in group),
                    max(boxes[c.id].x1 for c in group), max(boxes[c.id].y1 for c in group))

    ordered = _reading_order(groups, anchor)
    clusters, used = [], set()
    for n, (heading, group) in enumerate(ordered, start=1):
        if not group:
            continue
        name = (heading.text.strip() if heading is not None else "") or f"Cluster {n}"
        base, k = name, 2
        while name in used:
            name, k = f"{base} ({k})", k + 1
        used.add(name)
        clusters.append(Cluster(name, heading.id if heading is not None else None))
        for card in sorted(group, key=lambda c: (boxes[c.id].cy // max(boxes[c.id].h, 1), boxes[c.id].x0)):
            card.cluster = name
    order = {id(h): k for k, (h, _) in enumerate(ordered) if h is not None}
    return sorted(headings, key=lambda h: order.get(id(h), len(order))), clusters


def _nearest_heading(card: _Box, headings: list[_Box], card_w: float) -> int:
    """The heading the card stands under: above it (or beside it), close in x first, then in y."""
    best, best_cost = 0, float("inf")
    for k, h in enumerate(headings):
        dx = max(0.0, h.x0 - card.x1, card.x0 - h.x1)
        dy = max(0.0, card.y0 - h.y1)
        cost = dx + COLUMN_GAP * dy + 0.05 * abs(card.cx - h.cx)
        if h.y0 > card.cy:  # a heading below the card heads another cluster
            cost += 10 * card_w + (h.y0 - card.cy)
        if cost < best_cost:
            best, best_cost = k, cost
    return best


def _apart_groups(cards: list[Card], boxes: dict[str, _Box]) -> list[list[Card]]:
    """Cards linked to their neighbours by ordinary gaps; a gap much wider than usual separates clusters."""
    n = len(cards)
    if n < 4:
        return [cards]
    gap = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = boxes[cards[i].id], boxes[cards[j].id]
            gap[i, j] = max(0.0, b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)
    np.fill_diagonal(gap, np.inf)
    nearest = gap.min(axis=1)
    card_w = float(np.median([b.w for b in boxes.values()]))
    limit = max(APART_FACTOR * float(np.median(nearest)), APART_MIN_GAP * card_w)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if gap[i, j] <= limit:
                parent[find(i)] = find(j)
    groups: dict[int, list[Card]] = {}
    for i, card in enumerate(cards):
        groups.setdefault(find(i), []).append(card)
    return list(groups.values())


def _reading_order(items: list, anchor) -> list:
    """Rows of items top to bottom (an item starting above the row's middle joins it), each left to right."""
    rows: list[list] = []
    for item in sorted(items, key=lambda it: anchor(it).y0):
        box = anchor(item)
        if rows:
            row_box = [anchor(it) for it in rows[-1]]
            middle = float(np.median([(b.y0 + b.y1) / 2 for b in row_box]))
            bottom = max(b.y1 for b in row_box)
            if box.y0 <= max(middle, bottom - 0.25 * (bottom - min(b.y0 for b in row_box))):
                rows[-1].append(item)
                continue
        rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda it: anchor(it).x0)]


__all__ = ["find_structure"]
