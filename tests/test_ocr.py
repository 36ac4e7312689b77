import numpy as np
import pytest

from cardscan.ocr import get_reader, prepare_crop, words_to_reading
from cardscan._exec import tesseract
from cardscan.exceptions import BadConfig, MissingTesseract
from tests.conftest import text_card


def cer(a: str, b: str) -> float:
    import difflib

    return 1 - difflib.SequenceMatcher(None, a, b).ratio()


def test_reads_dark_marker_on_yellow():
    reading = get_reader().read([text_card("QUARTIERSRAT\nSTÄRKEN")])[0]
    assert reading.text.split() == ["QUARTIERSRAT", "STÄRKEN"]
    assert reading.confidence > 0.8


def test_reads_white_marker_on_dark_card_by_flipping():
    card = text_card("NETZWERK", paper=(40, 82, 160), ink=(245, 245, 245))
    assert get_reader().read([card])[0].text == "NETZWERK"


def test_multi_line_card_keeps_reading_order():
    reading = get_reader().read([text_card("Mehr Geld\nfür Projekte\nim Kiez", size=(640, 300))])[0]
    assert reading.text.splitlines() == ["Mehr Geld", "für Projekte", "im Kiez"]


def test_uneven_light_is_flattened():
    card = text_card("TRANSPARENZ").astype(np.float32)
    ramp = np.linspace(0.45, 1.0, card.shape[1])[None, :, None]
    dim = (card * ramp).astype(np.uint8)
    assert cer(get_reader().read([dim])[0].text, "TRANSPARENZ") < 0.1


def test_prepare_crop_scales_small_text_up_and_maps_back():
    small = text_card("Kiez", size=(160, 60), font_size=12)
    prepared = prepare_crop(small)
    assert prepared.scale > 1.5
    x, y = prepared.to_crop(prepared.pad, prepared.pad)
    assert (x, y) == (0, 0)


def test_batch_returns_one_reading_per_crop_in_order():
    crops = [text_card(t) for t in ("EINS", "ZWEI", "DREI")]
    assert [r.text for r in get_reader().read(crops)] == ["EINS", "ZWEI", "DREI"]


def test_blank_card_reads_as_empty_with_zero_confidence():
    reading = get_reader().read([np.full((200, 500, 3), 240, np.uint8)])[0]
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
