"""cardscan: photos of workshop moderation cards and whiteboards in, structured minutes out.

    import cardscan
    workshop = cardscan.read_workshop("fotos/", title="Verstetigung", legend="gelb=Gruppe 4")
    workshop.cards_frame()        # pandas, one row per card
    print(workshop.to_markdown())

Attributes are imported on first use, so `import cardscan` stays fast (no cv2, torch, pandas).
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "read_workshop": "cardscan.api",
    "scan_photo": "cardscan.api",
    "read_photo": "cardscan.api",
    "assign_themes": "cardscan.api",
    "card_crop": "cardscan.api",
    "Workshop": "cardscan.workshop",
    "Card": "cardscan.workshop",
    "Scan": "cardscan.workshop",
    "Edit": "cardscan.workshop",
    "Problem": "cardscan.workshop",
    "Corpus": "cardscan.corpus",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cardscan' has no attribute {name!r}")
