import numpy as np
import pytest

from cardscan.ocr.fallback import enlarged, holds_ink, ink_channel, ink_lines, ink_mask
from tests.conftest import text_card

HANDWRITING = "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf"
PINK, PINK_INK = (245, 140, 180), (120, 40, 120)


def far_faint_note(text: str = "Treffpunkt\nfür\nJugendliche", paper=PINK, ink=PINK_INK, side: int = 90,
                   blur: float = 1.8, fade: float = 0.35) -> np.ndarray:
    """A handwritten note seen from afar in poor light: 90 px wide, blurred, its ink faded towards the
    paper (a thin pen on pink), as notes on far-off held-out photos tend to be."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (400, 400), paper)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(HANDWRITING, 60)
    for i, line in enumerate(text.split("\n")):
        draw.text((40, 70 + 85 * i), line, font=font, fill=ink)
    card = np.asarray(img).astype(np.float32)
    card = np.asarray(paper, np.float32) + (card - np.asarray(paper, np.float32)) * fade
    card = cv2.GaussianBlur(cv2.resize(card, (side, side), interpolation=cv2.INTER_AREA), (0, 0), blur)
    return np.clip(card, 0, 255).astype(np.uint8)


def textured_blank(paper=PINK, seed: int = 0) -> np.ndarray:
    """A blank note with paper fibres, grain and a shadow in one corner: no writing."""
    import cv2

    rng = np.random.default_rng(seed)
    card = np.empty((250, 250, 3), np.float32)
    card[:] = paper
    card += cv2.GaussianBlur(rng.normal(0, 6, (250, 250, 1)).astype(np.float32), (0, 0), 1.2)[..., None]
    yy, xx = np.mgrid[:250, :250]
    card *= (1 - 0.12 * np.clip(1 - np.hypot(yy - 250, xx) / 90, 0, 1))[..., None]
    return np.clip(card, 0, 255).astype(np.uint8)


def test_written_cards_hold_ink_and_blank_ones_do_not():
    assert holds_ink(enlarged(far_faint_note(), 160))
    assert holds_ink(text_card("KIEZ", paper=(170, 230, 120), ink=(40, 90, 150)))
    assert not holds_ink(enlarged(textured_blank(), 160))
    assert not holds_ink(np.full((120, 200, 3), 230, np.uint8))


def test_ink_is_found_in_the_channel_where_it_differs_from_the_paper():
    # blue pen on green paper: nearly equal in the brightest channel, far apart in red
    card = text_card("GRÜN", paper=(150, 235, 150), ink=(20, 110, 225), size=(300, 120), font_size=40)
    assert card.max(axis=2).min() >= 180  # the brightest channel hardly shows the writing (paper 235)
    assert ink_mask(card).mean() > 0.01
    grey = ink_channel(card)
    assert (grey[..., 0] == grey[..., 1]).all() and grey.min() < 30 and grey.max() > 225


def test_ink_lines_are_the_bands_of_writing_top_to_bottom():
    card = text_card("EINS\nZWEI\nDREI", size=(300, 260), font_size=40, top=25)
    lines = ink_lines(card)
    assert len(lines) == 3
    tops = [top for _, top, _, _ in lines]
    assert tops == sorted(tops)
    for left, top, right, bottom in lines:
        assert right - left > 60 and 30 < bottom - top < 90


@pytest.mark.slow
def test_a_far_faint_note_read_empty_before_gets_a_second_chance():
    from rapidfuzz.distance import Levenshtein

    from cardscan.ocr import get_reader

    note = far_faint_note()
    assert get_reader("ppocr", second_chance=False).read([note])[0].text == ""  # today's reading without it
    reading = get_reader("ppocr").read([note])[0]
    assert reading.text.strip() and reading.confidence > 0.35
    truth = "treffpunkt für jugendliche"
    assert Levenshtein.normalized_similarity(" ".join(reading.text.split()).casefold(), truth) > 0.4
    assert len(reading.text.splitlines()) >= 2
    for word in reading.words:  # boxes in the pixels of the crop given
        assert 0 <= word.left and word.left + word.width <= note.shape[1] + 2


@pytest.mark.slow
def test_a_blank_textured_note_stays_empty():
    from cardscan.ocr import get_reader

    for seed in range(3):
        reading = get_reader("ppocr").read([textured_blank(seed=seed)])[0]
        assert reading.text == "" and reading.confidence == 0.0
