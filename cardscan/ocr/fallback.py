"""Other preparations of a card crop, for the cards whose reading came out empty although they hold ink.

Why: a card whose writing is read as nothing drops out of the minutes, which is worse than any misread
(issue 15: coloured notes are never to be read empty; 7 held-out notes were). The dev notes never read
empty, so they were degraded in code the way far-off notes in poor light look (bench/ocr_quality.py
--real --degraded: shrunk, blurred, dimmed, warm light, ink faded towards the paper, thin pens, grain,
JPEG, and some together): up to half of them then read empty, and in all of those the text detector had
found no box at all, although the writing was plain to see. Each preparation here shows the detector
the strokes from another side: enlarged further, the channel in which ink and paper differ most,
contrast stretched, sharpened; the last resort (`ink_lines`) finds the lines from the ink alone and
hands them to the recogniser without the detector. `cardscan.ocr.ppocr.PPOCRReader` reads them only
for a card that read empty and `holds_ink`: cards read at once cost nothing more, and blank cards
(paper fibres, grain, a shadow in a corner) stay blank.
"""
from __future__ import annotations

import numpy as np

FALLBACK_SIDE = 320  # px; an empty card is enlarged so its shorter side is this long (letters ~25 px and up)
INK_LEVEL = 7  # grey levels: the least a stroke must be darker than the paper around it, in some channel
INK_GRAIN = 3.5  # ... and this many times the paper's grain (robust σ of the black-hat image)
INK_MIN_SHARE = 0.005  # of the card's inner area: less ink than this is a speck or a shadow, not writing
INK_RIM = 0.08  # of each side: the card's rim (edge, shadow, board) is not looked at for ink
INK_SMOOTH = 150  # the crop is smoothed by its shorter side / this (px) before looking: paper fibres vanish
INK_SPECK = 30  # ink blobs smaller than (shorter side / this)² px are fibres or specks
LINE_ROW_SHARE = 0.12  # of the inkiest row: rows with less ink lie between lines
LINE_GAP = 0.02  # of the card's height: thinner gaps between inked rows join them into one line
LINE_MIN_HEIGHT = 0.05  # of the card's height: thinner bands are a stroke's tail or a shadow, not a line
LINE_VALLEY = 0.6  # a band is cut where its rows hold less than this share of the ink of the peaks beside
LINE_PAD = 0.25  # of a line's height, added around it (the recogniser wants some paper round the letters)
SHARPEN_SIGMA = 2.0  # px at FALLBACK_SIDE: about a blurred stroke's spread
SHARPEN_AMOUNT = 1.5  # unsharp-mask strength


def stroke_kernel(shape: tuple[int, ...]) -> np.ndarray:
    """The black-hat element for a card crop: wider than any pen stroke, a sixth of the shorter side."""
    import cv2

    k = max(9, (min(shape[:2]) // 6) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def darker_strokes(channel: np.ndarray, level: float, grain_times: float) -> np.ndarray:
    """Strokes darker than the paper around them in one channel (bool): by `level` grey levels and by
    `grain_times` the paper's grain (the robust σ of the black-hat image), whichever is more. One rule for
    the reader's missed ink (`ppocr.ink_strokes`) and the second chance's ink (`ink_mask`)."""
    import cv2

    hat = cv2.morphologyEx(np.ascontiguousarray(channel), cv2.MORPH_BLACKHAT, stroke_kernel(channel.shape))
    hat = hat.astype(np.float32)
    grain = 1.4826 * float(np.median(np.abs(hat - np.median(hat)))) + 1
    return hat > max(level, grain_times * grain)


def blank_rim(mask: np.ndarray, share: float) -> np.ndarray:
    """The mask with `share` of each side cleared: the card's rim (edge, shadow, board) holds no writing."""
    h, w = mask.shape
    rim_h, rim_w = int(h * share), int(w * share)
    mask[:rim_h], mask[h - rim_h:], mask[:, :rim_w], mask[:, w - rim_w:] = False, False, False, False
    return mask


def ink_mask(rgb: np.ndarray) -> np.ndarray:
    """Strokes darker than the paper around them (bool) in any colour channel, the rim left out.

    Why per channel: a blue pen on a green note, or a red one on pink, hardly differs in the brightest
    channel; in one of the three it always does (ink absorbs, paper reflects)."""
    import cv2

    h, w = rgb.shape[:2]
    smooth = cv2.GaussianBlur(rgb, (0, 0), max(1.0, min(h, w) / INK_SMOOTH))
    mask = np.zeros((h, w), bool)
    for c in range(rgb.shape[2]):
        mask |= darker_strokes(smooth[..., c], INK_LEVEL, INK_GRAIN)
    mask = blank_rim(mask, INK_RIM)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < (min(h, w) / INK_SPECK) ** 2
    small[0] = True
    return ~small[labels]


def holds_ink(rgb: np.ndarray) -> bool:
    """Whether the card carries enough strokes to be writing (a blank card does not)."""
    mask = ink_mask(rgb)
    h, w = mask.shape
    inner = max(1, int(h * (1 - 2 * INK_RIM)) * int(w * (1 - 2 * INK_RIM)))
    return bool(mask.sum() >= INK_MIN_SHARE * inner)


def enlarged(rgb: np.ndarray, side: int = FALLBACK_SIDE) -> np.ndarray:
    """The crop with its shorter side `side` long (never shrunk)."""
    import cv2

    short = min(rgb.shape[:2])
    if short >= side:
        return rgb
    factor = side / short
    return cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def ink_channel(rgb: np.ndarray) -> np.ndarray:
    """The colour channel in which the strokes differ most from the paper, stretched to the full range
    and repeated in all three channels (the detector wants colour)."""
    import cv2

    kernel = stroke_kernel(rgb.shape)
    contrast = [float(np.percentile(cv2.morphologyEx(np.ascontiguousarray(rgb[..., c]), cv2.MORPH_BLACKHAT, kernel),
                                    99)) for c in range(rgb.shape[2])]
    channel = rgb[..., int(np.argmax(contrast))].astype(np.float32)
    low, high = np.percentile(channel, (1, 99))
    grey = np.clip((channel - low) / max(high - low, 1.0) * 255, 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def sharpened(rgb: np.ndarray) -> np.ndarray:
    """Unsharp mask: blurred strokes get their edges back."""
    import cv2

    soft = cv2.GaussianBlur(rgb, (0, 0), SHARPEN_SIGMA)
    return cv2.addWeighted(rgb, 1 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0)


def ink_lines(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bands of writing found from the ink alone, as (left, top, right, bottom) px, top to bottom.

    Why: when the text detector finds no box even in the other preparations, the rows that hold ink
    still show where the lines are; each band is handed to the recogniser as a line."""
    mask = ink_mask(rgb)
    h, w = mask.shape
    rows = np.convolve(mask.sum(axis=1).astype(np.float32), np.ones(3) / 3, mode="same")
    if rows.max() <= 0:
        return []
    inked = rows > LINE_ROW_SHARE * rows.max()
    bands, start = [], None
    for y, on in enumerate(np.append(inked, False)):
        if on and start is None:
            start = y
        elif not on and start is not None:
            bands.append([start, y])
            start = None
    merged: list[list[int]] = []
    for band in bands:  # a gap thinner than a stroke splits no line (an "i"'s dot, a thin bar)
        if merged and band[0] - merged[-1][1] < LINE_GAP * h:
            merged[-1][1] = band[1]
        else:
            merged.append(band)
    lines = []
    for top, bottom in (part for band in merged for part in _split_at_valleys(rows, band[0], band[1], h)):
        if bottom - top < LINE_MIN_HEIGHT * h:
            continue
        cols = np.flatnonzero(mask[top:bottom].any(axis=0))
        if not len(cols):  # a valley cut can leave a part without ink
            continue
        pad = max(2, int(LINE_PAD * (bottom - top)))
        lines.append((max(0, int(cols[0]) - pad), max(0, top - pad), min(w, int(cols[-1]) + 1 + pad),
                      min(h, bottom + pad)))
    return lines


def _split_at_valleys(rows: np.ndarray, top: int, bottom: int, h: int) -> list[tuple[int, int]]:
    """A band of inked rows cut at its deepest valley, again and again, while the valley holds less
    than LINE_VALLEY of the ink of the peaks on either side and both parts stay a line high: lines
    written close together, slanted or blurred into each other leave no empty row between them."""
    if bottom - top < 2 * LINE_MIN_HEIGHT * h:
        return [(top, bottom)]
    low = int(LINE_MIN_HEIGHT * h)
    inner = rows[top + low:bottom - low]
    if not len(inner):
        return [(top, bottom)]
    cut = top + low + int(np.argmin(inner))
    if rows[cut] >= LINE_VALLEY * min(rows[top:cut].max(), rows[cut:bottom].max()):
        return [(top, bottom)]
    return _split_at_valleys(rows, top, cut, h) + _split_at_valleys(rows, cut, bottom, h)


__all__ = ["FALLBACK_SIDE", "enlarged", "holds_ink", "ink_channel", "ink_lines", "ink_mask", "sharpened"]
