"""cardscan.ocr.prepare: card crops made into dark-on-white images for Tesseract."""
import numpy as np

from cardscan.ocr import get_reader
from cardscan.ocr.prepare import card_inks, letter_height, prepare_crop, prepare_grey, prepare_versions
from tests.conftest import text_card


def test_prepare_crop_scales_small_text_up_and_maps_back():
    small = text_card("Kiez", size=(160, 60), font_size=12)
    prepared = prepare_crop(small)
    assert prepared.scale > 1.5
    x, y = prepared.to_crop(prepared.pad, prepared.pad)
    assert (x, y) == (0, 0)


def pinned_card(text: str, paper, ink, pin=(240, 200, 20), size=(640, 260), font_size=44) -> np.ndarray:
    """A card with a round pin above the writing, the writing just below it."""
    return text_card(text, paper=paper, ink=ink, size=size, font_size=font_size, pin=pin, top=100)


def test_pin_is_found_and_painted_out_with_its_shadow():
    card = pinned_card("GEMEINSCHAFTSGARTEN", paper=(245, 160, 190), ink=(20, 20, 24), pin=(30, 80, 200), font_size=36)
    inks = card_inks(card)
    assert len(inks.pins) == 1
    x, y, r = inks.pins[0]
    assert abs(x - 320) < 12 and abs(y - 42) < 14 and 15 < r < 45
    colour_axis = prepare_versions(card)[1]
    px, py = (round(v * colour_axis.scale + colour_axis.pad) for v in (x + 9, y + 12))  # the shadow's centre
    reach = round(r * colour_axis.scale)
    assert colour_axis.image[py - reach:py + reach, px - reach:px + reach].min() > 200  # neither body nor shadow left
    assert colour_axis.image.min() < 50  # the writing is
    text = get_reader("tesseract").read([card])[0].text
    assert text == "GEMEINSCHAFTSGARTEN"


def test_no_pins_in_bold_writing_or_on_a_plain_card():
    assert card_inks(text_card("MOBBING", size=(640, 260), font_size=90)).pins == []
    blank = card_inks(np.full((200, 500, 3), (250, 228, 80), np.uint8))
    assert blank.pins == [] and blank.ink is None


def test_colour_axis_image_of_a_grainy_card_in_low_light_is_not_turned_into_specks():
    # with the paper at 255 on the colour axis its grain clipped away, looked like nil, and the
    # stretch turned a quarter of the plain paper grey: Tesseract read it as long garbage
    rng = np.random.default_rng(3)
    card = text_card("SPENDEN", paper=(60, 40, 15), ink=(8, 8, 10)).astype(np.float32)
    card += rng.normal(0, 8, card.shape[:2])[..., None] + rng.normal(0, 4, card.shape)
    versions = prepare_versions(np.clip(card, 0, 255).astype(np.uint8))
    assert len(versions) == 3
    for prepared in versions:
        paper = prepared.image[prepared.image.shape[0] * 3 // 4:]  # below the writing: only grainy paper
        assert (paper < 255).mean() < 0.001


def test_letter_height_counts_one_blurred_word_that_runs_together():
    grey = np.full((120, 400), 255, np.uint8)
    grey[50:64, 60:330] = 0  # one word-wide blob, 14 px high (wider than half the card)
    grey[0:3, :] = 0  # the card's edge along the border is not writing
    assert letter_height(grey) == 14


def test_writing_is_stretched_to_black_even_beside_a_darker_pin_shadow():
    # stretched from the shadow's black, grainy grey writing stayed grey and the faint cut ate into it
    import cv2

    rng = np.random.default_rng(0)
    writing = np.zeros((240, 640), np.uint8)
    cv2.putText(writing, "Jugendliche", (30, 170), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 1, 5)

    def dark_writing(shadow: bool) -> int:
        grey = np.full(writing.shape, 210, np.float32)
        if shadow:
            cv2.ellipse(grey, (330, 40), (26, 26), 0, 0, 180, 0, -1)
        grey[writing > 0] = 110
        grey = cv2.GaussianBlur(grey, (0, 0), 1.5) + rng.normal(0, 12, grey.shape)
        prepared = prepare_grey(np.clip(grey, 0, 255).astype(np.uint8))
        below_shadow = round(prepared.pad + 100 * prepared.scale)
        return int((prepared.image[below_shadow:] < 128).sum())

    assert dark_writing(shadow=True) > 0.9 * dark_writing(shadow=False)


def test_a_joined_up_handwritten_word_counts_as_half_its_height_a_blurred_capital_word_fully():
    import cv2

    page = np.full((200, 600), 255, np.uint8)
    xs = np.arange(40, 560)
    # a cursive stroke 60 px tall from ascenders to descenders: wide, and mostly paper inside its box
    ys = 100 + 30 * np.sin(xs / 9.0)
    cv2.polylines(page, [np.c_[xs, ys].astype(np.int32)], False, 0, 3)
    assert 25 <= letter_height(page) <= 35
    bar = np.full((200, 600), 255, np.uint8)
    cv2.rectangle(bar, (40, 90), (560, 110), 0, -1)  # small blurred capitals run together: solid, one letter high
    assert 18 <= letter_height(bar) <= 24
