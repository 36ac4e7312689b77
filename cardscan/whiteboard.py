"""Whiteboard mode: a photo with no cards is read as lines of marker text, top to bottom.

Each line becomes a card-like item (kind "whiteboard-line") with its own polygon, so the
rest of the pipeline (normalise, themes, minutes) treats it like a card.

Each engine reads the whole board through its `read_page`: PP-OCR (the default) finds the lines
itself, Tesseract reads it in sparse-text mode after our preprocessing. On generated whiteboards (bench/whiteboard_quality.py,
21 photos, seven fonts) PP-OCR's character error rate is 0.033 with every board's line count right,
Tesseract's 0.423 with 48 %, and PP-OCR takes a third of the time.
"""
from __future__ import annotations

import numpy as np

from cardscan.load import Photo
from cardscan.text_lines import LineBox, group_lines
from cardscan.workshop import Card

PAGE_WORK_SIZE = 2400  # longest side for reading a whiteboard page (detect.WORK_SIZE, 1400, is for finding cards): writing is large, more pixels only slow the OCR
MIN_WORD_CONFIDENCE = 0.3


def read_whiteboard(photo: Photo, reader) -> list[Card]:
    """Lines of text with their boxes in original pixels; empty when nothing legible is there."""
    import cv2

    h, w = photo.rgb.shape[:2]
    scale = min(1.0, PAGE_WORK_SIZE / max(h, w))
    small = cv2.resize(photo.rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else photo.rgb
    words = [wd for wd in reader.read_page(small)
             if wd.confidence >= MIN_WORD_CONFIDENCE and any(ch.isalnum() for ch in wd.text)]
    cards = []
    for i, line in enumerate(group_lines(words, _where), start=1):
        x0, y0 = min(wd.left for wd in line), min(wd.top for wd in line)
        x1, y1 = max(wd.left + wd.width for wd in line), max(wd.top + wd.height for wd in line)
        x0, y0, x1, y1 = (max(0, x0 / scale), max(0, y0 / scale), min(w, x1 / scale), min(h, y1 / scale))
        poly = [(int(x0), int(y0)), (int(x1), int(y0)), (int(x1), int(y1)), (int(x0), int(y1))]
        weights = np.array([len(wd.text) for wd in line], float)
        conf = float(np.average([wd.confidence for wd in line], weights=weights))
        cards.append(Card(id=f"{photo.path.stem}-{i:02d}", photo=photo.name, polygon=poly,
                          raw_text=" ".join(wd.text for wd in line), confidence=conf, kind="whiteboard-line"))
    return cards


def _where(word) -> LineBox:
    """Tesseract's sparse-text mode puts every word in its own block, and PP-OCR's words keep their text
    box's line only within one box: the lines are rebuilt from where the words lie."""
    return LineBox.upright(word.left, word.top, word.width, word.height)
