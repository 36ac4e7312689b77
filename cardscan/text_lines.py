"""Lines of text from boxes found one by one: the one rule for card crops, whiteboards and board headings.

Readers report text in pieces: PP-OCR a box per stretch of writing (a tilted note's line can come in
two), Tesseract's sparse mode a box per word, the board's page reader a word per box of marker writing.
Every stage that needs lines rebuilds them here, so a fix to the rule reaches all of them (three copies
of it had drifted apart: overlapping heights, a median band, centre lines).

Why along centre lines and not by overlapping heights: handwriting on a small note is slanted and its
lines stand close, so the upright boxes of neighbouring lines overlap by half a line ("LED" above
"LIGHT BULBS" became "LIGHT BULBS LED"; a tilted note's four lines became one). A box joins the line
whose nearest member's centre line, followed along its slant, passes closest to its centre.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Sequence, TypeVar

import numpy as np

SAME_LINE_OFFSET = 0.5  # a box whose centre lies within this share of the smaller box height of a line
# member's centre line (followed along its slant) belongs to that member's line

Item = TypeVar("Item")


class LineBox(NamedTuple):
    """Where a piece of writing lies: its upright bounding box and its centre line (centre, slant, and
    height across the writing, which on a slanted line is less than the upright box's height)."""

    left: float
    top: float
    right: float
    bottom: float
    centre_x: float
    centre_y: float
    slope: float  # dy/dx of the centre line
    height: float

    @classmethod
    def upright(cls, left: float, top: float, width: float, height: float) -> LineBox:
        """An axis-aligned box (a Tesseract word, a word of the page reader): a level centre line."""
        return cls(float(left), float(top), float(left + width), float(top + height),
                   float(left + width / 2), float(top + height / 2), 0.0, float(max(height, 1e-6)))

    @classmethod
    def from_corners(cls, corners) -> LineBox:
        """Four corners clockwise from the top left (PP-OCR's text boxes); other point lists count as upright."""
        points = np.asarray(corners, dtype=float).reshape(-1, 2)
        (left, top), (right, bottom) = points.min(axis=0), points.max(axis=0)
        if len(points) == 4:
            left_mid, right_mid = (points[0] + points[3]) / 2, (points[1] + points[2]) / 2
            height = (np.linalg.norm(points[3] - points[0]) + np.linalg.norm(points[2] - points[1])) / 2
        else:
            left_mid, right_mid = np.array([left, (top + bottom) / 2]), np.array([right, (top + bottom) / 2])
            height = bottom - top
        run = right_mid[0] - left_mid[0]
        slope = (right_mid[1] - left_mid[1]) / run if abs(run) > 1e-6 else 0.0
        centre = (left_mid + right_mid) / 2
        return cls(float(left), float(top), float(right), float(bottom),
                   float(centre[0]), float(centre[1]), float(slope), float(max(height, 1e-6)))

    def offset(self, other: LineBox) -> float:
        """How far the other box's centre lies from this box's centre line, in the smaller box height."""
        line_y = self.centre_y + self.slope * (other.centre_x - self.centre_x)
        return abs(other.centre_y - line_y) / min(self.height, other.height)


def group_lines(items: Sequence[Item], box: Callable[[Item], LineBox], *,
                max_gap: float | None = None) -> list[list[Item]]:
    """Items grouped into lines of text, top to bottom, each line left to right.

    `box(item)` says where an item lies. Without `max_gap` (a card, a whiteboard) everything on one
    centre line is one line, however far apart. With `max_gap` (writing on a board, where two headings
    can stand side by side) items are taken left to right and an item only joins a line whose last item
    ends at most `max_gap` times the taller height before it; a wider gap starts a line of its own.
    """
    where = [box(item) for item in items]
    lines: list[list[int]] = []  # indices into items
    if max_gap is None:
        for i in sorted(range(len(items)), key=lambda k: where[k].centre_y):
            offsets = [min(where[member].offset(where[i]) for member in line) for line in lines]
            best = int(np.argmin(offsets)) if offsets else -1
            if best >= 0 and offsets[best] < SAME_LINE_OFFSET:
                lines[best].append(i)
            else:
                lines.append([i])
    else:
        for i in sorted(range(len(items)), key=lambda k: where[k].left):
            here, best, best_offset = where[i], None, SAME_LINE_OFFSET
            for line in lines:
                last = where[line[-1]]
                if here.left - last.right > max_gap * max(last.height, here.height):
                    continue
                offset = last.offset(here)
                if offset < best_offset:
                    best, best_offset = line, offset
            if best is None:
                lines.append([i])
            else:
                best.append(i)
    lines.sort(key=lambda line: float(np.mean([where[k].centre_y for k in line])))
    return [[items[k] for k in sorted(line, key=lambda k: (where[k].left, where[k].top))] for line in lines]


__all__ = ["SAME_LINE_OFFSET", "LineBox", "group_lines"]
