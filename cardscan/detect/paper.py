"""The colour of a card's paper and of the board around it: white balance, paper median, palette name."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cardscan import colour as colour_stage


class PaperRegion(NamedTuple):
    """A smooth region found as a card (or a piece of one) with its paper colour: what join, filters
    and the detector hand each other after the passes. A NamedTuple so that the stages name its parts
    instead of counting positions, while unpacking it as (mask, quad, shape, paper, paper_lab) still works."""

    mask: np.ndarray  # bool, in the analysis copy
    quad: np.ndarray  # outline, analysis-copy pixels
    shape: str  # "rect", "oval", "round", or "piece" (half a card, kept to be joined)
    paper: np.ndarray  # sRGB median of the paper (ink and pins left out)
    paper_lab: np.ndarray  # the same as CIE Lab


def ring_around(mask: np.ndarray, width: int = 6) -> np.ndarray:
    import cv2

    m = mask.astype(np.uint8)
    outer = cv2.dilate(m, np.ones((2 * width + 1, 2 * width + 1), np.uint8))
    inner = cv2.dilate(m, np.ones((5, 5), np.uint8))
    return (outer > 0) & (inner == 0)


def paper_colour(lab: np.ndarray, rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median Lab (OpenCV 8-bit) and sRGB of the card's paper, ignoring ink and pins
    (pixels far from the card's typical lightness)."""
    pixels = lab[mask]
    L = pixels[:, 0]
    keep = np.abs(L - np.median(L)) < 25
    if keep.sum() <= 20:
        keep = np.ones_like(keep)
    return np.median(pixels[keep], axis=0), np.median(rgb[mask][keep].astype(np.float64), axis=0)


def cv_lab_to_cie(lab8: np.ndarray) -> np.ndarray:
    """OpenCV's 8-bit Lab (L*255/100, a+128, b+128), one colour or (…,3), to CIE Lab."""
    return np.asarray(lab8, dtype=np.float64) * np.array([100 / 255, 1, 1]) - np.array([0, 128, 128])


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def classify_colour(lab: np.ndarray, max_distance: float = 38.0) -> tuple[str | None, float]:
    """Nearest palette tone; lightness counts half because light varies more than paper hue.

    Returns (None, distance) when nothing is close: an unknown colour is reported, not guessed.
    """
    distances = colour_stage.palette_distance(lab)
    i = int(np.argmin(distances))
    best, best_d = colour_stage.COLOUR_NAMES[i], float(distances[i])
    return (best if best_d <= max_distance else None), best_d


def white_balance(rgb: np.ndarray) -> np.ndarray:
    """Shades-of-grey white balance (Minkowski p=6), which leans on the bright paper, not the cards."""
    img = rgb.astype(np.float32) + 1
    illum = np.power(np.mean(np.power(img[::2, ::2], 6), axis=(0, 1)), 1 / 6)
    gain = illum.mean() / illum
    return np.clip(img * gain, 0, 255).astype(np.uint8)


def blank_outside_ellipse(crop: np.ndarray) -> np.ndarray:
    """An oval card's crop has board in its corners, which OCR reads as stray letters; paint it paper."""
    import cv2

    h, w = crop.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.ellipse(inside, (w // 2, h // 2), (max(1, int(w * 0.47)), max(1, int(h * 0.47))), 0, 0, 360, 1, -1)
    paper = np.median(crop[inside.astype(bool)], axis=0)
    out = crop.copy()
    out[inside == 0] = paper.astype(crop.dtype)
    return out
