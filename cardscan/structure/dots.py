"""Sticky dots (Punktabfrage) on a card: counted, with their colours.

Inside each card (and a margin beyond its outline, where dots overlap the edge), round blobs of a
saturated colour that is not the paper's, thick where writing is thin and standing apart from other
coloured strokes, are dots. A pin is told apart in the pin zone (top middle) by its shadow and the
notch its white highlight bites into its colour. The thresholds follow the light on the card (its
lightness and chroma against its palette tone), so dim and washed-out photos still count.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cardscan.geometry import CARD_CROP_INSET
from cardscan.structure.boxes import sides

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
MASK_GROW = 1.2  # dot radii painted out: the dot, its darker rim and its shadow
PIN_ZONE = (0.25, 0.35)  # pins sit within this share of the card's width from its middle, and of its height from the top
PIN_HIGHLIGHT_SHARE = 0.06  # of a dot's area: a highlight's hole or notch this big makes a blob a pin's head ...
PIN_SHADOW_SHARE = 0.15  # ... as does this share of dark grey pixels just below-right of it
# Reference colours of sticky dots (CIE Lab, D65), to name what was counted.
DOT_COLOURS = {"rot": (47.0, 65.0, 42.0), "grün": (58.0, -50.0, 30.0), "blau": (40.0, 18.0, -62.0),
               "gelb": (84.0, 2.0, 82.0), "orange": (63.0, 42.0, 66.0), "pink": (56.0, 70.0, -5.0)}


@dataclass(frozen=True)
class Dot:
    """One sticky dot on a card: its colour name, its centre in the card's own frame (0..1 across its
    width and down its height, a little beyond where a dot overlaps the edge) and its radius (share of
    the card's width), so it can be painted out of the card's crop before the card is read."""

    colour: str
    u: float
    v: float
    radius: float


def count_dots(rgb: np.ndarray, polygon, paper_name: str | None = None) -> list[str]:
    """Colour names of the sticky dots on one card, left to right (see `find_dots`)."""
    return [dot.colour for dot in find_dots(rgb, polygon, paper_name)]


def mask_dots(crop: np.ndarray, dots: list[Dot], inset: float = CARD_CROP_INSET) -> np.ndarray:
    """The card's crop with its dots (rim and shadow too) painted in the paper's colour.

    Why: the recogniser reads a row of dots as letters ("Q●●OO", "000") and appends them to the card's
    text. crop: the card as `cardscan.geometry.rectify` made it with this inset."""
    if not dots:
        return crop
    import cv2

    h, w = crop.shape[:2]
    out = crop.copy()
    paper = np.median(crop.reshape(-1, crop.shape[-1]), axis=0)
    span_w, span_h = w * (1 + 2 * inset), h * (1 + 2 * inset)
    for dot in dots:
        x, y = dot.u * span_w - inset * w, dot.v * span_h - inset * h
        r = MASK_GROW * dot.radius * span_w
        cv2.circle(out, (int(round(x)), int(round(y))), max(1, int(np.ceil(r))),
                   tuple(int(c) for c in paper), thickness=-1, lineType=cv2.LINE_AA)
    return out


def find_dots(rgb: np.ndarray, polygon, paper_name: str | None = None) -> list[Dot]:
    """The sticky dots on one card, left to right. paper_name: the card's palette colour, whose
    lightness in good light tells how dim the light on this card is."""
    import cv2

    from cardscan.colour import PALETTE, srgb_to_lab

    pts = np.asarray(polygon, dtype=np.float32).reshape(-1, 2)
    if len(pts) != 4:
        return []
    width, height = sides(pts)
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
    found = [Dot(colour, (peaks[k][1] - mx) / W, (peaks[k][0] - my) / H, peaks[k][2] / W) for k, colour in dots.items()]
    return sorted(found, key=lambda dot: dot.u)


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
