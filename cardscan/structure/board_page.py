"""The board around the cards: the photo with every card painted out, and what the page reader reads on it.

Why a module of its own: the painted board is what marker headings, row labels and the board above a
column without heading are read from (`headings`), and reading the whole page is the scan's memory peak,
so `cardscan.api.read_photo` reads it early and hands it over (`BoardPage`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cardscan.structure.boxes import Box
from cardscan.workshop import Card

CARD_MASK_GROW = 0.06  # cards are painted out this much beyond their outline (shadows, rims)
PAGE_MAX_SIDE = 2400  # px; the board's writing is large


@dataclass
class BoardPage:
    """The board with its cards painted out, and what the page reader read on it.

    A value of its own because the whole-page read is the scan's memory peak (the detector's map of a
    2,400 px page): `cardscan.api.read_photo` reads it before the normaliser loads its tables (some
    450 MB), so the two never sit in memory together, and hands it to `find_structure`.
    """

    board: np.ndarray  # the photo, every card painted out in the colour of the board around it
    small: np.ndarray  # the board as the page reader saw it (at most PAGE_MAX_SIDE)
    scale: float  # small / board
    mask: np.ndarray  # where cards were painted
    board_lab: np.ndarray  # the board's colour (Lab)
    words: list = field(default_factory=list)  # the page reader's words on `small`
    outlines: tuple = ()  # the card outlines it was painted for (a page of other cards is read again)


def read_board_page(rgb: np.ndarray, cards: list[Card], reader) -> BoardPage:
    """Paint the cards out of the photo and read what is left with the reader's page reader."""
    page = paint_board(rgb, cards)
    page.words = list(reader.read_page(page.small))
    return page


def paint_board(rgb: np.ndarray, cards: list[Card]) -> BoardPage:
    """The photo with its cards painted out, not read yet (`words` empty): parts of it are read on their own."""
    import cv2

    from cardscan.colour import srgb_to_lab

    h, w = rgb.shape[:2]
    board = rgb.copy()
    mask = np.zeros((h, w), np.uint8)
    painted = []
    for card in cards:
        box = Box.of(card.polygon)
        grow = CARD_MASK_GROW * max(box.w, box.h)
        pts = np.asarray(card.polygon, dtype=np.float32).reshape(-1, 2)
        centre = pts.mean(axis=0)
        grown = centre + (pts - centre) * (1 + 2 * grow / max(box.w, box.h, 1.0))
        cv2.fillPoly(mask, [np.round(grown).astype(np.int32)], 255)
        painted.append(np.round(grown).astype(np.int32))
    board_rgb = np.median(rgb[mask == 0] if (mask == 0).any() else rgb.reshape(-1, 3), axis=0)
    board_lab = srgb_to_lab(board_rgb.astype(np.float64))
    board[mask > 0] = board_rgb.astype(rgb.dtype)
    for poly in painted:  # each card in the colour of the board around it: grey patches hide labels
        board = _paint_locally(board, rgb, mask, poly)
    scale = min(1.0, PAGE_MAX_SIDE / max(h, w))
    small = cv2.resize(board, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else board
    return BoardPage(board, small, scale, mask, board_lab, [], outlines_of(cards))


def outlines_of(cards: list[Card]) -> tuple:
    """The cards' outlines as a hashable value: which cards a BoardPage was painted for."""
    return tuple(tuple(map(tuple, c.polygon)) for c in cards)


def _paint_locally(board: np.ndarray, rgb: np.ndarray, mask: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Paint one card out in the median colour of the board around it (not the whole photo's, which a
    ceiling or a wall makes grey): the text detector reads a short label beside a grey patch as part of
    it and drops it ("1.", "4." beside painted cards; all six read once the patches match the board)."""
    import cv2

    x0, y0 = poly.min(axis=0)
    x1, y1 = poly.max(axis=0)
    pad = int(0.3 * max(x1 - x0, y1 - y0))
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(rgb.shape[1], x1 + pad + 1), min(rgb.shape[0], y1 + pad + 1)
    around = rgb[y0:y1, x0:x1][mask[y0:y1, x0:x1] == 0].astype(np.int32)
    if len(around) < 50:
        return board
    ground = np.median(around, axis=0)
    cv2.fillPoly(board, [poly], tuple(int(v) for v in ground))
    return board
