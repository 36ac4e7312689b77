"""Where the real-photo benches find their data: one place for the three of them.

The ground truth is committed (bench/data/real/*.truth.json); the photos are not (their licences do
not allow it), so each machine names its folder with $CARDSCAN_REAL_PHOTOS or --photos
(bench/data/real/README.md says where to fetch them). The fallback is the folder our bench machine uses.
"""
from __future__ import annotations

import os
from pathlib import Path

REAL_TRUTH = Path(__file__).resolve().parent / "data" / "real"
FALLBACK_PHOTOS = "/work/realphotos"
SPLITS = ("dev", "heldout")


def real_photos_dir() -> Path:
    """The folder of real photos: $CARDSCAN_REAL_PHOTOS, else the bench machine's folder."""
    return Path(os.environ.get("CARDSCAN_REAL_PHOTOS", FALLBACK_PHOTOS))
