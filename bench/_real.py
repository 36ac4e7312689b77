"""Where the real-photo benches find their data: one place for the three of them.

The ground truth is committed (bench/data/real/*.truth.json); the photos are not (their licences do
not allow it), so each machine names its folder with $CARDSCAN_REAL_PHOTOS or --photos
(bench/data/real/README.md says where to fetch them). The fallback is the folder our bench machine uses.

Each truth file names its split ("dev" or "heldout"). The first twelve photos were split by hand
(README); every photo added later is split by ``split_by_rule``, fixed before cardscan ever ran on it,
so nobody can move a photo to the side where it scores better.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

REAL_TRUTH = Path(__file__).resolve().parent / "data" / "real"
FALLBACK_PHOTOS = "/work/realphotos"
SPLITS = ("dev", "heldout")
# The photos split by hand before the rule existed (README, "Split"); all others follow split_by_rule.
HAND_SPLIT_PREFIXES = ("datascope-postit-", "lallement-")


def board_group(image: str) -> str:
    """The board a photo shows: its file stem without the trailing view number.

    "seblexis-door-3.jpg" -> "seblexis-door". Views of one board share a group, so they land on the
    same side of the split (two photos of one wall on both sides would leak dev into held-out).
    """
    stem = Path(image).stem
    head, _, tail = stem.rpartition("-")
    return head if head and tail.isalnum() and any(c.isdigit() for c in tail) else stem


def split_by_rule(image: str) -> str:
    """Held-out when the first hex digit of sha256(board group) is 0-7, else dev (about half each)."""
    digest = hashlib.sha256(board_group(image).encode("utf-8")).hexdigest()
    return "heldout" if int(digest[0], 16) < 8 else "dev"


def real_photos_dir() -> Path:
    """The folder of real photos: $CARDSCAN_REAL_PHOTOS, else the bench machine's folder."""
    return Path(os.environ.get("CARDSCAN_REAL_PHOTOS", FALLBACK_PHOTOS))
