"""What every OCR engine hands back: words with boxes and confidence, and a card's reading.

Why here and not in an engine: Tesseract, PP-OCR and the whiteboard reader all speak in `Word`s and
`Reading`s, and the rules that turn words into a card's text (lines in order, specks and pin
shadows dropped, block capitals made consistent) must be the same for every engine, or the
engines' figures would measure these rules instead of the reading.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

UNSURE_READING = 0.35  # of a card's images, readings less sure than this do not compete (the first one stays)
SPECK_CONFIDENCE = 0.6  # one- or two-character words below this are specks, not writing
ALWAYS_A_PIN = 2.0  # no confidence reaches this: a lone character above or below the writing is always a pin
PIN_MIDDLE = 0.5  # a pin sits in the middle this share of the card's width (a card is pinned at its top centre)


@dataclass
class Word:
    """One word an engine read, with its box in the pixels of the image it was given."""

    text: str
    confidence: float  # 0..1
    left: float  # px; whole pixels from tesseract, scaled back to the photo's by a page reader
    top: float
    width: float
    height: float
    block: int
    paragraph: int
    line: int


@dataclass
class Reading:
    """What one crop says: text in reading order (lines joined by newlines) and how sure we are."""

    text: str
    confidence: float  # mean word confidence 0..1 weighted by word length; 0 when nothing was read
    words: list[Word] = field(default_factory=list)


class Reader(Protocol):
    """What an OCR engine offers (see `cardscan.ocr.get_reader`)."""

    name: str

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """One reading per RGB card crop, in order."""

    def read_page(self, rgb: np.ndarray) -> list[Word]:
        """Every word on a whole (whiteboard) photo, in its pixels."""


def words_to_reading(words: list[Word], sure_lone_character: float = ALWAYS_A_PIN,
                     card_width: float | None = None) -> Reading:
    """Join words into lines in Tesseract's block/paragraph/line order; weight confidence by length.

    Tiny, unsure "words" (a pin, a speck at the card's edge read as "J", "9" or ")") are dropped, and
    so is a lone character on a line of its own above or below the writing (a pin), unless it was read
    at least `sure_lone_character` surely: PP-OCR reads a real note's "4" in a corner at 0.9999, a
    pin's shadow far less surely, while Tesseract is sure of its "J"s too (it keeps the default).

    card_width (px, the crop's): when given, a lone character outside the middle PIN_MIDDLE of the
    card is a label in the note's corner, kept however unsure: a card is pinned at its top centre, real
    notes carry a number or a short code in a corner ("SCP" with "5" bottom right, "FD" top left of
    "5", "3" top right of "CONTRAST"). Of the lone lines the rule dropped on the real dev notes (read at
    0.53-0.94), 13 of 14 were writing and one a "?" beside "PLAN"; with the card's width 7 dev notes
    change, 5 of them gain their label (lines right 0.93 -> 0.94, bench/ocr_quality.py --real --split dev),
    2 gain a "4" that stood above the line it belongs to ("Normalise 4" read "4\nNormalise").
    """
    words = _block_capitals([_dotted_i(w) for w in words if not _is_speck(w)])
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    # A pin above or below the writing is read as a lone "J", "9", "®" or "\\" on a line of its own.
    while len(lines) > 1:
        keys = sorted(lines)
        edge = [key for key in (keys[0], keys[-1]) if _is_pin_line(lines[key], sure_lone_character)
                and not (card_width and _off_middle(lines[key][0], card_width))]
        if not edge:
            break
        del lines[edge[0]]
    words = [w for key in sorted(lines) for w in lines[key]]
    text = "\n".join(" ".join(w.text for w in line) for _, line in sorted(lines.items()))
    weights = np.array([len(w.text) for w in words], dtype=float)
    conf = float(np.average([w.confidence for w in words], weights=weights)) if words else 0.0
    return Reading(text=text, confidence=conf, words=list(words))


def reading_score(reading: Reading) -> float:
    """How many characters of a reading are likely right: its confidence times the characters in
    words of two or more letters or digits. Confidence alone prefers a sure lone "J" (a pin's
    shadow) to a slightly less sure whole card. An unsure reading scores nothing: paper grain in
    low light is read as long strings of unsure "words", which would otherwise win by length."""
    if reading.confidence < UNSURE_READING:
        return 0.0
    return reading.confidence * sum(len(word) for word in reading.text.split()
                                    if sum(ch.isalnum() for ch in word) >= 2)


def _block_capitals(words: list[Word]) -> list[Word]:
    """On a card written in block capitals, Tesseract still reads some words in lower case
    ("Dank AN AKTIVE"); when nearly all letters are capitals, the rest are too."""
    letters = [ch for w in words for ch in w.text if ch.isalpha()]
    if len(letters) < 6 or sum(ch.isupper() for ch in letters) < 0.75 * len(letters):
        return words
    return [replace(w, text=w.text.upper()) if not w.text.isupper() else w
            for w in words]


def _dotted_i(word: Word) -> Word:
    """German has no dotless "ı"; Tesseract writes it when an i's dot is too faint or small."""
    return replace(word, text=word.text.replace("ı", "i")) if "ı" in word.text else word


def _is_pin_line(line: list[Word], sure_lone_character: float) -> bool:
    if len(line) != 1 or line[0].confidence >= sure_lone_character:
        return False
    text = line[0].text.strip()
    return len(text) == 1 or (len(text) == 2 and not text.isalnum())


def _off_middle(word: Word, card_width: float) -> bool:
    """Whether the word's centre lies outside the middle PIN_MIDDLE of the card's width."""
    return abs(word.left + word.width / 2 - card_width / 2) > PIN_MIDDLE * card_width / 2


def _is_speck(word: Word) -> bool:
    text = word.text.strip()
    if not text:
        return True
    return len(text) <= 2 and word.confidence < SPECK_CONFIDENCE and not text.isdigit()


