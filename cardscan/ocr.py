"""Read the text on each card crop, with a confidence the review page can sort by.

Why our own preprocessing: Tesseract is trained on dark print on white. Marker on coloured
paper under uneven light is not that. We take the brightest channel (paper is bright in at
least one channel, black marker in none), flip dark cards with light writing, divide out the
uneven light, and scale so letters are ~40 px tall, which is where Tesseract's LSTM reads best.
Engines are chosen by name (`get_reader("tesseract")`), so another engine can slot in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from cardscan._exec.tesseract import Word

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
TARGET_LETTER_HEIGHT = 40  # px; Tesseract's LSTM is most accurate around 30–50 px capitals
BLANK_PAPER_LEVEL = 185  # after flattening, paper is ~255; ink goes well below this
FAINT_LEVEL = 200  # after stretching, ink is near 0; shadows and grain above this become paper
NOISY_PAPER_GRAIN = 6.0  # grain (robust σ of flattened paper) above which a crop is smoothed first
PAPER_GRAIN_CUT = 3.0  # ink must be this many grain σ darker than the paper
RETRY_CONFIDENCE = 0.4  # cards read less surely than this are read a second time in sparse-text mode
RETRY_MARGIN = 0.1  # ... and the second reading counts only if it is clearly surer (sparse mode also "finds" noise)
SPECK_CONFIDENCE = 0.6  # one- or two-character words below this are specks, not writing


@dataclass
class Reading:
    """What one crop says: text in reading order (lines joined by newlines) and how sure we are."""

    text: str
    confidence: float  # mean word confidence 0..1 weighted by word length; 0 when nothing was read
    words: list[Word] = field(default_factory=list)


def default_user_words() -> Path | None:
    path = MODELS_DIR / "user-words.txt"
    return path if path.exists() else None


@dataclass
class PreparedCrop:
    """Greyscale dark-on-white image for Tesseract, and how to map its pixels back to the crop."""

    image: np.ndarray
    scale: float  # prepared = crop * scale + pad
    pad: int

    def to_crop(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.pad) / self.scale, (y - self.pad) / self.scale


def prepare_crop(rgb: np.ndarray) -> PreparedCrop:
    """Turn a card crop into dark-text-on-white greyscale at a good letter height."""
    import cv2

    if _is_light_on_dark(rgb):
        grey = 255 - rgb.min(axis=2).astype(np.uint8)  # white marker is bright in every channel
    else:
        grey = rgb.max(axis=2).astype(np.uint8)  # paper is bright in some channel; marker is dark in all
    # Divide out uneven light: estimate the paper brightness with a large closing (removes strokes).
    h, w = grey.shape
    k = max(15, (min(h, w) // 6) | 1)
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    background = cv2.GaussianBlur(background, (0, 0), k / 4)
    flat = np.clip(grey.astype(np.float32) / np.maximum(background.astype(np.float32), 1) * 255, 0, 255).astype(np.uint8)
    # Paper level and its grain (robust: ink is a minority of the card). In low light the grain is
    # coarse; smooth it first, and count as ink only what is clearly darker than grainy paper.
    paper, grain = _paper_and_grain(flat)
    if grain > NOISY_PAPER_GRAIN:
        flat = cv2.medianBlur(flat, 3)
        paper, grain = _paper_and_grain(flat)
    paper_floor = min(255.0, paper - PAPER_GRAIN_CUT * max(grain, 1.0))
    darkest = float(np.percentile(flat, 0.5))
    if darkest > min(BLANK_PAPER_LEVEL, paper_floor - 10):  # no ink: stretching would make grain into "letters"
        flat[:] = 255
    else:
        flat = np.clip((flat.astype(np.float32) - darkest) * (255 / (paper_floor - darkest)), 0, 255).astype(np.uint8)
        # Marker ink is the darkest thing on a card; pin shadows, card edges and paper grain are only
        # half as dark. Whiten them so Tesseract does not read a pin's shadow as "J" or "9".
        flat[flat > FAINT_LEVEL] = 255
    scale = TARGET_LETTER_HEIGHT / max(_letter_height(flat), 4)
    scale = float(np.clip(scale, 0.25, 4.0))
    if abs(scale - 1) > 0.1:
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        flat = cv2.resize(flat, None, fx=scale, fy=scale, interpolation=interp)
    else:
        scale = 1.0
    pad = TARGET_LETTER_HEIGHT // 2
    image = cv2.copyMakeBorder(flat, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return PreparedCrop(image=image, scale=scale, pad=pad)


def _paper_and_grain(flat: np.ndarray) -> tuple[float, float]:
    paper = float(np.median(flat))
    return paper, 1.4826 * float(np.median(np.abs(flat.astype(np.float32) - paper)))


def _is_light_on_dark(rgb: np.ndarray) -> bool:
    """Dark card with light writing: the ink (the smaller Otsu class) is brighter than the paper."""
    import cv2

    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    threshold, _ = cv2.threshold(luma, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = luma > threshold
    ink_is_bright = bright.mean() < 0.5
    return bool(ink_is_bright)


def _letter_height(grey: np.ndarray) -> float:
    """Median height of ink blobs that look like letters; the crop's scale is unknown otherwise."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = grey.shape
    heights = [s[cv2.CC_STAT_HEIGHT] for s in stats[1:]
               if s[cv2.CC_STAT_AREA] >= 12 and 4 <= s[cv2.CC_STAT_HEIGHT] <= 0.6 * h and s[cv2.CC_STAT_WIDTH] <= 0.5 * w]
    if len(heights) < 2:
        return TARGET_LETTER_HEIGHT
    return float(np.percentile(heights, 70))


def words_to_reading(words: list[Word]) -> Reading:
    """Join words into lines in Tesseract's block/paragraph/line order; weight confidence by length.

    Tiny, unsure "words" (a pin, a speck at the card's edge read as "J", "9" or ")") are dropped.
    """
    words = _block_capitals([w for w in words if not _is_speck(w)])
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    # A pin above or below the writing is read as a lone "J", "9", "®" or "\\" on a line of its own.
    while len(lines) > 1:
        keys = sorted(lines)
        edge = [key for key in (keys[0], keys[-1]) if _is_pin_line(lines[key])]
        if not edge:
            break
        del lines[edge[0]]
    words = [w for key in sorted(lines) for w in lines[key]]
    text = "\n".join(" ".join(w.text for w in line) for _, line in sorted(lines.items()))
    weights = np.array([len(w.text) for w in words], dtype=float)
    conf = float(np.average([w.confidence for w in words], weights=weights)) if words else 0.0
    return Reading(text=text, confidence=conf, words=list(words))


def _block_capitals(words: list[Word]) -> list[Word]:
    """On a card written in block capitals, Tesseract still reads some words in lower case
    ("Dank AN AKTIVE"); when nearly all letters are capitals, the rest are too."""
    letters = [ch for w in words for ch in w.text if ch.isalpha()]
    if len(letters) < 6 or sum(ch.isupper() for ch in letters) < 0.75 * len(letters):
        return words
    return [replace(w, text=w.text.upper()) if not w.text.isupper() else w
            for w in words]


def _is_pin_line(line: list[Word]) -> bool:
    if len(line) != 1:
        return False
    text = line[0].text.strip()
    return len(text) == 1 or (len(text) == 2 and not text.isalnum())


def _is_speck(word: Word) -> bool:
    text = word.text.strip()
    if not text:
        return True
    return len(text) <= 2 and word.confidence < SPECK_CONFIDENCE and not text.isdigit()


class TesseractReader:
    """Tesseract 5 LSTM, German, one process per batch of crops."""

    name = "tesseract"

    def __init__(self, lang: str = "deu", psm: int = 6, user_words: Path | None | str = "default",
                 preprocess: bool = True, retry_psm: int | None = 11):
        self.lang = lang
        self.psm = psm
        self.retry_psm = retry_psm
        self.user_words = default_user_words() if user_words == "default" else (Path(user_words) if user_words else None)
        self.preprocess = preprocess

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """Read RGB card crops (our preprocessing first, unless switched off)."""
        import cv2

        if self.preprocess:
            images = [prepare_crop(crop).image for crop in crops]
        else:
            images = [cv2.cvtColor(crop, cv2.COLOR_RGB2BGR) for crop in crops]
        readings = self.read_images(images)
        if self.preprocess and self.retry_psm:
            # Thin handwriting sometimes defeats the block layout; sparse-text mode finds it.
            unsure = [i for i, r in enumerate(readings) if r.confidence < RETRY_CONFIDENCE]
            for i, again in zip(unsure, self.read_images([images[i] for i in unsure], psm=self.retry_psm)):
                if again.text.strip() and again.confidence > readings[i].confidence + RETRY_MARGIN:
                    readings[i] = again
        return readings

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


READERS = {"tesseract": TesseractReader}


def get_reader(name: str = "tesseract", **params) -> TesseractReader:
    """Pick an OCR engine by name, scikit-learn style: parameters go to its constructor."""
    from cardscan.exceptions import BadConfig

    try:
        return READERS[name](**params)
    except KeyError:
        raise BadConfig(f"Unbekannte Texterkennung {name!r}; verfügbar: {', '.join(READERS)}") from None
