"""Shared fixtures: small photos and cards generated in code, never downloaded."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def text_card(text: str, paper=(250, 228, 80), ink=(25, 25, 30), size=(640, 220), font_size=44,
              pin=None, top: int = 30) -> np.ndarray:
    """An upright card crop with text, as the detector would hand it to OCR. `pin`: the colour of a
    round pin drawn above the writing (white highlight, black shadow to its lower right, as pins look
    in the generated photos)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(img)
    if pin is not None:
        x, y, r = size[0] // 2, 42, 26
        draw.ellipse([x - r + 9, y - r + 12, x + r + 9, y + r + 12], fill=(0, 0, 0))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=pin)
        draw.ellipse([x - 16, y - 16, x - 6, y - 6], fill=(255, 255, 255))
    font = ImageFont.truetype(DEJAVU_BOLD, font_size)
    y = top
    for line in text.split("\n"):
        draw.text((28, y), line, font=font, fill=ink)
        y += int(font_size * 1.3)
    return np.asarray(img)


@pytest.fixture
def write_image(tmp_path):
    """Save an RGB array as a photo file; returns its path."""
    from PIL import Image

    def _write(rgb: np.ndarray, name: str = "photo.jpg", **save_kw) -> Path:
        path = tmp_path / name
        Image.fromarray(rgb).save(path, **save_kw)
        return path

    return _write


@pytest.fixture(scope="session")
def board_factory(tmp_path_factory):
    """Render a generated pinboard photo with ground truth (samples/generate.py) into a temp folder."""
    from samples.generate import render_board

    root = tmp_path_factory.mktemp("boards")

    def _make(seed: int = 1, tier: str = "easy", name: str | None = None, **kw):
        from PIL import Image

        rgb, truth = render_board(seed, tier, **kw)
        path = root / (name or f"board-{tier}-{seed}.jpg")
        Image.fromarray(rgb).save(path, quality=92)
        truth["image"] = path.name
        return path, truth

    return _make
