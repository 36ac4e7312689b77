"""Axis-aligned boxes and card sides: the little geometry the structure stages share."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """Axis-aligned extent of a polygon in photo pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, polygon) -> "Box":
        pts = np.asarray(polygon, dtype=float).reshape(-1, 2)
        return cls(float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def sides(polygon) -> tuple[float, float]:
    """Mean width and height of a quadrilateral (clockwise from top-left)."""
    p = np.asarray(polygon, dtype=float).reshape(-1, 2)
    if len(p) != 4:
        box = Box.of(p)
        return box.w, box.h
    width = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2
    height = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2
    return float(width), float(height)


def aspect(polygon) -> float:
    w, h = sides(polygon)
    return max(w, h) / max(min(w, h), 1.0)
