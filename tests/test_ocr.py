import numpy as np
import pytest

from cardscan.ocr import (PreparedCrop, _card_inks, _is_light_on_dark, _letter_height, _prepare_grey, _prepare_versions,
                           _reading_score, get_reader, prepare_crop, words_to_reading)
from cardscan._exec import tesseract
from cardscan.exceptions import BadConfig, MissingTesseract
from tests.conftest import text_card


def cer(a: str, b: str) -> float:
    import difflib

    return 1 - difflib.SequenceMatcher(None, a, b).ratio()


def test_reads_dark_marker_on_yellow():
    reading = get_reader("tesseract").read([text_card("QUARTIERSRAT\nSTÄRKEN")])[0]
    assert reading.text.split() == ["QUARTIERSRAT", "STÄRKEN"]
    assert reading.confidence > 0.8


def test_reads_white_marker_on_dark_card_by_flipping():
    card = text_card("NETZWERK", paper=(40, 82, 160), ink=(245, 245, 245))
    assert get_reader("tesseract").read([card])[0].text == "NETZWERK"


def test_multi_line_card_keeps_reading_order():
    reading = get_reader("tesseract").read([text_card("Mehr Geld\nfür Projekte\nim Kiez", size=(640, 300))])[0]
    assert reading.text.splitlines() == ["Mehr Geld", "für Projekte", "im Kiez"]


def test_uneven_light_is_flattened():
    card = text_card("TRANSPARENZ").astype(np.float32)
    ramp = np.linspace(0.45, 1.0, card.shape[1])[None, :, None]
    dim = (card * ramp).astype(np.uint8)
    assert cer(get_reader("tesseract").read([dim])[0].text, "TRANSPARENZ") < 0.1


def test_prepare_crop_scales_small_text_up_and_maps_back():
    small = text_card("Kiez", size=(160, 60), font_size=12)
    prepared = prepare_crop(small)
    assert prepared.scale > 1.5
    x, y = prepared.to_crop(prepared.pad, prepared.pad)
    assert (x, y) == (0, 0)


def test_batch_returns_one_reading_per_crop_in_order():
    crops = [text_card(t) for t in ("EINS", "ZWEI", "DREI")]
    assert [r.text for r in get_reader("tesseract").read(crops)] == ["EINS", "ZWEI", "DREI"]


def test_blank_card_reads_as_empty_with_zero_confidence():
    reading = get_reader("tesseract").read([np.full((200, 500, 3), 240, np.uint8)])[0]
    assert reading.text == "" and reading.confidence == 0.0


def test_words_to_reading_weights_confidence_by_length():
    words = [tesseract.Word("Rat", 0.3, 0, 0, 5, 5, 1, 1, 1), tesseract.Word("Quartier", 0.9, 10, 0, 50, 5, 1, 1, 1)]
    assert words_to_reading(words).confidence == pytest.approx((3 * 0.3 + 8 * 0.9) / 11)


def test_unsure_specks_are_dropped_but_sure_short_words_and_numbers_stay():
    words = [tesseract.Word("J", 0.3, 0, 0, 5, 5, 1, 1, 1), tesseract.Word("QR", 0.9, 10, 0, 20, 5, 1, 1, 1),
             tesseract.Word("5", 0.2, 30, 0, 35, 5, 1, 1, 1), tesseract.Word("),", 0.4, 40, 0, 45, 5, 1, 1, 1)]
    assert words_to_reading(words).text == "QR 5"


def test_unknown_engine_is_a_config_error():
    with pytest.raises(BadConfig, match="tesseract"):
        get_reader("abbyy")


def test_missing_language_data_is_reported(monkeypatch):
    tesseract.check_language.cache_clear()
    with pytest.raises(MissingTesseract, match="xyz"):
        tesseract.check_language("deu+xyz")


def test_missing_program_is_reported(monkeypatch):
    monkeypatch.setenv("CARDSCAN_TESSERACT", "/nonexistent/tesseract")
    tesseract.executable.cache_clear()
    try:
        with pytest.raises(MissingTesseract, match="apt-get install tesseract-ocr"):
            tesseract.executable()
    finally:
        monkeypatch.delenv("CARDSCAN_TESSERACT")
        tesseract.executable.cache_clear()


def test_a_card_in_block_capitals_is_read_in_capitals_throughout():
    def word(text, x):
        return tesseract.Word(text, 0.9, x, 0, x + 10, 5, 1, 1, 1)
    assert words_to_reading([word("Dank", 0), word("AN", 20), word("AKTIVE", 40)]).text == "DANK AN AKTIVE"
    # ordinary writing keeps its case
    assert words_to_reading([word("Mehr", 0), word("QR", 20), word("Sitzungen", 40)]).text == "Mehr QR Sitzungen"


def pinned_card(text: str, paper, ink, pin=(240, 200, 20), size=(640, 260), font_size=44) -> np.ndarray:
    """A card with a round pin above the writing, the writing just below it."""
    return text_card(text, paper=paper, ink=ink, size=size, font_size=font_size, pin=pin, top=100)


def test_bright_pin_on_a_dark_card_is_not_taken_for_white_writing():
    # a global bright/dark split called the yellow pin "light writing", flipped the card and read nothing
    card = pinned_card("NETZWERK", paper=(40, 82, 160), ink=(20, 20, 24))
    assert not _is_light_on_dark(card)
    assert _is_light_on_dark(pinned_card("NETZWERK", paper=(40, 82, 160), ink=(245, 245, 245)))
    assert get_reader("tesseract").read([card])[0].text == "NETZWERK"


def test_pin_is_found_and_painted_out_with_its_shadow():
    card = pinned_card("GEMEINSCHAFTSGARTEN", paper=(245, 160, 190), ink=(20, 20, 24), pin=(30, 80, 200), font_size=36)
    inks = _card_inks(card)
    assert len(inks.pins) == 1
    x, y, r = inks.pins[0]
    assert abs(x - 320) < 12 and abs(y - 42) < 14 and 15 < r < 45
    colour_axis = _prepare_versions(card)[1]
    px, py = (round(v * colour_axis.scale + colour_axis.pad) for v in (x + 9, y + 12))  # the shadow's centre
    reach = round(r * colour_axis.scale)
    assert colour_axis.image[py - reach:py + reach, px - reach:px + reach].min() > 200  # neither body nor shadow left
    assert colour_axis.image.min() < 50  # the writing is
    text = get_reader("tesseract").read([card])[0].text
    assert text == "GEMEINSCHAFTSGARTEN"


def test_no_pins_in_bold_writing_or_on_a_plain_card():
    assert _card_inks(text_card("MOBBING", size=(640, 260), font_size=90)).pins == []
    blank = _card_inks(np.full((200, 500, 3), (250, 228, 80), np.uint8))
    assert blank.pins == [] and blank.ink is None


def test_blue_marker_on_green_card_is_read_along_the_colour_axis():
    # the brightest channel shows blue ink on green paper at 73 % of the paper's level: barely there
    card = text_card("SPIELPLATZ", paper=(40, 130, 75), ink=(25, 35, 95))
    inks = _card_inks(card)
    assert np.abs(inks.ink - (25, 35, 95)).max() < 25 and np.abs(inks.paper - (40, 130, 75)).max() < 10
    assert len(_prepare_versions(card)) == 3
    assert get_reader("tesseract").read([card])[0].text == "SPIELPLATZ"


def test_reading_score_prefers_a_whole_card_to_a_sure_lone_letter():
    def reading(text, conf):
        return words_to_reading([tesseract.Word(w, conf, 20 * i, 0, 10, 5, 1, 1, 1)
                                 for i, w in enumerate(text.split())])
    assert _reading_score(reading("J", 0.95)) == 0
    assert _reading_score(reading("NETZWERK MUSS", 0.7)) > _reading_score(reading("NETZ", 0.9))
    # low-light grain read as a long string of unsure "words" does not win by its length
    assert _reading_score(reading("TEN FERN ACHREA WIN EEE REN NER YURR ENTE DNA", 0.2)) == 0


def test_colour_axis_image_of_a_grainy_card_in_low_light_is_not_turned_into_specks():
    # with the paper at 255 on the colour axis its grain clipped away, looked like nil, and the
    # stretch turned a quarter of the plain paper grey: Tesseract read it as long garbage
    rng = np.random.default_rng(3)
    card = text_card("SPENDEN", paper=(60, 40, 15), ink=(8, 8, 10)).astype(np.float32)
    card += rng.normal(0, 8, card.shape[:2])[..., None] + rng.normal(0, 4, card.shape)
    versions = _prepare_versions(np.clip(card, 0, 255).astype(np.uint8))
    assert len(versions) == 3
    for prepared in versions:
        paper = prepared.image[prepared.image.shape[0] * 3 // 4:]  # below the writing: only grainy paper
        assert (paper < 255).mean() < 0.001


def test_reader_keeps_per_card_the_reading_with_the_best_score(monkeypatch):
    import cardscan.ocr as ocr

    images = {"a": np.full((10, 10), 1, np.uint8), "b": np.full((10, 10), 2, np.uint8)}
    monkeypatch.setattr(ocr, "_prepare_versions", lambda crop: [PreparedCrop(images[k], 1.0, 0) for k in "ab"])
    said = {1: ocr.Reading("J", 0.95), 2: ocr.Reading("QUARTIERSRAT", 0.8)}
    monkeypatch.setattr(ocr.TesseractReader, "read_images",
                        lambda self, imgs, psm=None: [said[int(im[0, 0])] for im in imgs])
    readings = get_reader("tesseract", retry_psm=None).read([np.zeros((10, 10, 3), np.uint8)] * 2)
    assert [r.text for r in readings] == ["QUARTIERSRAT", "QUARTIERSRAT"]


def test_letter_height_counts_one_blurred_word_that_runs_together():
    grey = np.full((120, 400), 255, np.uint8)
    grey[50:64, 60:330] = 0  # one word-wide blob, 14 px high (wider than half the card)
    grey[0:3, :] = 0  # the card's edge along the border is not writing
    assert _letter_height(grey) == 14


def test_small_blurred_capitals_are_sharpened_apart():
    # letters run together into one grey bar per word; Tesseract found no text in it at all
    import cv2

    cards = [cv2.GaussianBlur(text_card(text, size=(400, 140), font_size=size), (0, 0), 2.5)
             for text, size in (("TREFFPUNKT FÜR\nJUGENDLICHE", 20), ("BILDUNGSVERBUND", 24))]
    assert [r.text for r in get_reader("tesseract").read(cards)] == ["TREFFPUNKT FÜR\nJUGENDLICHE", "BILDUNGSVERBUND"]


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
        prepared = _prepare_grey(np.clip(grey, 0, 255).astype(np.uint8))
        below_shadow = round(prepared.pad + 100 * prepared.scale)
        return int((prepared.image[below_shadow:] < 128).sum())

    assert dark_writing(shadow=True) > 0.9 * dark_writing(shadow=False)


def test_dotless_i_becomes_i():
    words = [tesseract.Word("Jugendlıche", 0.8, 0, 0, 50, 5, 1, 1, 1), tesseract.Word("ım", 0.9, 60, 0, 10, 5, 1, 1, 1),
             tesseract.Word("Kıez", 0.9, 80, 0, 20, 5, 1, 1, 1)]
    assert words_to_reading(words).text == "Jugendliche im Kiez"


def test_faint_grainy_writing_in_low_light_is_read_from_the_soft_image():
    # cut into ink and paper, the strokes fall apart into grain; enlarged and smoothed they join again
    import cv2

    rng = np.random.default_rng(0)
    card = text_card("VERDRÄNGUNG\nSTOPPEN", paper=(120, 118, 110), ink=(92, 90, 86), size=(220, 90), font_size=22,
                     top=15).astype(np.float32)
    card = np.clip(cv2.GaussianBlur(card, (0, 0), 1.4) + rng.normal(0, 5, card.shape[:2] + (1,)), 0, 255)
    card = card.astype(np.uint8)
    reader = get_reader("tesseract")
    cut = reader.read_images([prepared.image for prepared in _prepare_versions(card)])
    assert all(reading.text.split() != ["VERDRÄNGUNG", "STOPPEN"] for reading in cut)
    assert reader.read([card])[0].text.split() == ["VERDRÄNGUNG", "STOPPEN"]


def test_a_joined_up_handwritten_word_counts_as_half_its_height_a_blurred_capital_word_fully():
    import cv2

    page = np.full((200, 600), 255, np.uint8)
    xs = np.arange(40, 560)
    # a cursive stroke 60 px tall from ascenders to descenders: wide, and mostly paper inside its box
    ys = 100 + 30 * np.sin(xs / 9.0)
    cv2.polylines(page, [np.c_[xs, ys].astype(np.int32)], False, 0, 3)
    assert 25 <= _letter_height(page) <= 35
    bar = np.full((200, 600), 255, np.uint8)
    cv2.rectangle(bar, (40, 90), (560, 110), 0, -1)  # small blurred capitals run together: solid, one letter high
    assert 18 <= _letter_height(bar) <= 24
