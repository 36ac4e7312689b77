"""Tesseract 5 (LSTM, German) as a card reader, on the images `cardscan.ocr.prepare` makes.

Why several readings per card: no single prepared image suits every card (see
`cardscan.ocr.prepare`), so all of a card's images go through the same tesseract process, and per
card the reading with the most surely read word characters wins (unsure readings do not compete:
low-light grain read as long garbage would win by length). On generated tuning photos this lowered
the character error rate of block capitals from 0.10 to 0.06; any one image alone reached 0.09 at
best. It costs one Tesseract reading per image (the three go through one process).

Why a soft image for unsure cards: in low light the paper's grain is as strong as faint writing,
and every cut image breaks the strokes into specks. Cards read less surely than
SPARSE_RETRY_CONFIDENCE are read once more in sparse-text mode and from a grey image that is only
flattened, enlarged and smoothed, and Tesseract thresholds it itself (`prepare_soft`). On the tuning
photos (392 cards, tuned fonts and shapes, medium and hard tier) the character error rate went
0.200 → 0.187; about one card in eight is read again. On the blind evaluation photos it changed
little (tuned fonts and shapes 0.141 → 0.137).

The command line itself is built only in `cardscan._exec.tesseract`.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from cardscan.ocr.base import Reading, Word, reading_score, words_to_reading
from cardscan.ocr.prepare import prepare_crop, prepare_soft, prepare_versions
from cardscan.resources import bundled_file

USER_WORDS_FILE = "user-words.txt"  # bundled with the models, when present: words Tesseract should prefer
SPARSE_TEXT_PSM = 11  # a whole page: find as much text as possible, in no particular order (lines sorted later)
SPARSE_RETRY_CONFIDENCE = 0.4  # cards read less surely than this are read a second time (sparse mode, soft image)
RETRY_MARGIN = 0.1  # ... and the sparse reading counts only if it is clearly surer (sparse mode also "finds" noise)


def default_user_words() -> Path | None:
    path = bundled_file(USER_WORDS_FILE)
    return path if path.exists() else None


class TesseractReader:
    """Tesseract 5 LSTM, German, one process per batch of crops."""

    name = "tesseract"

    def __init__(self, lang: str = "deu", psm: int = 6, user_words: Path | None | str = "default",
                 preprocess: bool = True, retry_psm: int | None = SPARSE_TEXT_PSM):
        self.lang = lang
        self.psm = psm
        self.retry_psm = retry_psm
        self.user_words = default_user_words() if user_words == "default" else (Path(user_words) if user_words else None)
        self.preprocess = preprocess

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """Read RGB card crops (our preprocessing first, unless switched off).

        With preprocessing, each card is prepared up to three ways (see the module docstring) and all
        images go through one tesseract process; per card the better reading is kept."""
        import cv2

        if not self.preprocess:
            return self.read_images([cv2.cvtColor(crop, cv2.COLOR_RGB2BGR) for crop in crops])
        versions = [[p.image for p in prepare_versions(crop)] for crop in crops]
        flat = [image for images in versions for image in images]
        flat_readings = iter(self.read_images(flat))
        readings, images = [], []
        for card_images in versions:
            candidates = [next(flat_readings) for _ in card_images]
            best = max(range(len(candidates)), key=lambda i: reading_score(candidates[i]))  # ties: the first
            readings.append(candidates[best])
            images.append(card_images[best])
        if self.retry_psm:
            # Thin handwriting sometimes defeats the block layout; sparse-text mode finds it. Grainy
            # writing in low light is lost in every cut image; the soft image keeps it (`prepare_soft`).
            unsure = [i for i, r in enumerate(readings) if r.confidence < SPARSE_RETRY_CONFIDENCE]
            sparse = self.read_images([images[i] for i in unsure], psm=self.retry_psm)
            soft = self.read_images([prepare_soft(crops[i]).image for i in unsure])
            for i, again, smooth in zip(unsure, sparse, soft):
                if again.text.strip() and again.confidence > readings[i].confidence + RETRY_MARGIN:
                    readings[i] = again
                if reading_score(smooth) > reading_score(readings[i]):
                    readings[i] = smooth
        return readings

    def read_page(self, rgb: np.ndarray) -> list[Word]:
        """Every word on a whole (whiteboard) photo, in sparse-text mode after our preprocessing; positions
        in the photo's pixels (not whole numbers: the prepared image was scaled)."""
        prepared = prepare_crop(rgb)
        words = self.read_images([prepared.image], psm=SPARSE_TEXT_PSM)[0].words
        placed = []
        for word in words:
            left, top = prepared.to_crop(word.left, word.top)
            placed.append(replace(word, left=left, top=top, width=word.width / prepared.scale,
                                  height=word.height / prepared.scale))
        return placed

    def read_images(self, images: list[np.ndarray], psm: int | None = None) -> list[Reading]:
        """Read images exactly as given (greyscale or BGR) in one tesseract process."""
        import tempfile

        import cv2

        from cardscan._exec import tesseract

        if not images:
            return []
        with tempfile.TemporaryDirectory(prefix="cardscan-crops-") as tmp:
            paths = []
            for i, image in enumerate(images):
                path = Path(tmp) / f"crop{i:03d}.png"
                cv2.imwrite(str(path), image)
                paths.append(path)
            pages = tesseract.recognise_files(paths, lang=self.lang, psm=psm or self.psm, user_words=self.user_words)
        return [words_to_reading(words) for words in pages]
