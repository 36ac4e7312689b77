"""Whiteboard mode: a photo without cards becomes lines of text, top to bottom."""
import numpy as np
import pytest

from cardscan.api import scan_photo
from cardscan.exceptions import NoCardsFound
from tests.conftest import DEJAVU_BOLD

LINES = ["Ziele der Verstetigung", "Mehr Transparenz", "Anker im Quartier"]


DKG_HANDWRITING = "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf"


def whiteboard(lines, size=(1800, 1200), tilt=0.0, font_path=DEJAVU_BOLD, font_size=64):
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, (236, 238, 240))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(font_path, font_size)
    for i, line in enumerate(lines):
        draw.text((160 + 40 * i, 180 + 260 * i), line, font=font, fill=(30, 40, 120))
    rgb = np.asarray(img).astype(np.float32)
    rgb *= np.linspace(1.0, 0.8, size[0])[None, :, None]  # light from the left
    return np.clip(rgb, 0, 255).astype(np.uint8)


def test_whiteboard_lines_come_out_in_order_with_boxes(write_image):
    path = write_image(whiteboard(LINES), "tafel.jpg", quality=92)
    scan = scan_photo(path)
    assert scan.mode == "whiteboard"
    assert [c.raw_text for c in scan.cards] == LINES
    assert all(c.kind == "whiteboard-line" for c in scan.cards)
    tops = [c.polygon[0][1] for c in scan.cards]
    assert tops == sorted(tops)
    first = scan.cards[0].polygon
    assert 120 <= first[0][0] <= 200 and 160 <= first[0][1] <= 220  # where the line was drawn


def test_empty_photo_is_reported_not_guessed(write_image):
    rng = np.random.default_rng(0)
    noise = np.clip(rng.normal(200, 4, (900, 1200, 3)), 0, 255).astype(np.uint8)
    path = write_image(noise, "wand.png")
    with pytest.raises(NoCardsFound, match="wand.png"):
        scan_photo(path)


def test_handwritten_whiteboard_is_read_line_by_line(write_image):
    """PP-OCR reads the whole board (bench/whiteboard_quality.py: CER 0.03 against Tesseract's 0.42)."""
    path = write_image(whiteboard(LINES, font_path=DKG_HANDWRITING, font_size=72), "tafel.jpg", quality=92)
    scan = scan_photo(path)
    assert scan.mode == "whiteboard" and [c.text for c in scan.cards] == LINES
    tesseract_words = [w for c in scan_photo(path, ocr="tesseract").cards for w in c.raw_text.split()]
    assert len(tesseract_words) < sum(len(line.split()) for line in LINES)  # it loses handwritten words
