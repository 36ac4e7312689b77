"""cardscan.ocr.tesseract (the Tesseract reader) and cardscan._exec.tesseract (the program it runs)."""
import numpy as np
import pytest

from cardscan._exec import tesseract
from cardscan.exceptions import MissingTesseract
from cardscan.ocr import Reading, get_reader
from cardscan.ocr.prepare import PreparedCrop, card_inks, prepare_versions
from tests.conftest import text_card
from tests.test_ocr_prepare import pinned_card


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


def test_batch_returns_one_reading_per_crop_in_order():
    crops = [text_card(t) for t in ("EINS", "ZWEI", "DREI")]
    assert [r.text for r in get_reader("tesseract").read(crops)] == ["EINS", "ZWEI", "DREI"]


def test_blank_card_reads_as_empty_with_zero_confidence():
    reading = get_reader("tesseract").read([np.full((200, 500, 3), 240, np.uint8)])[0]
    assert reading.text == "" and reading.confidence == 0.0


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


def test_bright_pin_on_a_dark_card_is_not_taken_for_white_writing():
    # a global bright/dark split called the yellow pin "light writing", flipped the card and read nothing
    card = pinned_card("NETZWERK", paper=(40, 82, 160), ink=(20, 20, 24))
    assert not card_inks(card).light_on_dark
    assert card_inks(pinned_card("NETZWERK", paper=(40, 82, 160), ink=(245, 245, 245)))
    assert get_reader("tesseract").read([card])[0].text == "NETZWERK"


def test_blue_marker_on_green_card_is_read_along_the_colour_axis():
    # the brightest channel shows blue ink on green paper at 73 % of the paper's level: barely there
    card = text_card("SPIELPLATZ", paper=(40, 130, 75), ink=(25, 35, 95))
    inks = card_inks(card)
    assert np.abs(inks.ink - (25, 35, 95)).max() < 25 and np.abs(inks.paper - (40, 130, 75)).max() < 10
    assert len(prepare_versions(card)) == 3
    assert get_reader("tesseract").read([card])[0].text == "SPIELPLATZ"


def test_reader_keeps_per_card_the_reading_with_the_best_score(monkeypatch):
    import cardscan.ocr.tesseract as reader_module

    images = {"a": np.full((10, 10), 1, np.uint8), "b": np.full((10, 10), 2, np.uint8)}
    monkeypatch.setattr(reader_module, "prepare_versions", lambda crop: [PreparedCrop(images[k], 1.0, 0) for k in "ab"])
    said = {1: Reading("J", 0.95), 2: Reading("QUARTIERSRAT", 0.8)}
    monkeypatch.setattr(reader_module.TesseractReader, "read_images",
                        lambda self, imgs, psm=None: [said[int(im[0, 0])] for im in imgs])
    readings = get_reader("tesseract", retry_psm=None).read([np.zeros((10, 10, 3), np.uint8)] * 2)
    assert [r.text for r in readings] == ["QUARTIERSRAT", "QUARTIERSRAT"]


def test_small_blurred_capitals_are_sharpened_apart():
    # letters run together into one grey bar per word; Tesseract found no text in it at all
    import cv2

    cards = [cv2.GaussianBlur(text_card(text, size=(400, 140), font_size=size), (0, 0), 2.5)
             for text, size in (("TREFFPUNKT FÜR\nJUGENDLICHE", 20), ("BILDUNGSVERBUND", 24))]
    assert [r.text for r in get_reader("tesseract").read(cards)] == ["TREFFPUNKT FÜR\nJUGENDLICHE", "BILDUNGSVERBUND"]


def test_faint_grainy_writing_in_low_light_is_read_from_the_soft_image():
    # cut into ink and paper, the strokes fall apart into grain; enlarged and smoothed they join again
    import cv2

    rng = np.random.default_rng(0)
    card = text_card("VERDRÄNGUNG\nSTOPPEN", paper=(120, 118, 110), ink=(92, 90, 86), size=(220, 90), font_size=22,
                     top=15).astype(np.float32)
    card = np.clip(cv2.GaussianBlur(card, (0, 0), 1.4) + rng.normal(0, 5, card.shape[:2] + (1,)), 0, 255)
    card = card.astype(np.uint8)
    reader = get_reader("tesseract")
    cut = reader.read_images([prepared.image for prepared in prepare_versions(card)])
    assert all(reading.text.split() != ["VERDRÄNGUNG", "STOPPEN"] for reading in cut)
    assert reader.read([card])[0].text.split() == ["VERDRÄNGUNG", "STOPPEN"]
