"""cardscan.ocr: the engine registry and the rules that turn any engine's words into a card's reading."""
import pytest

from cardscan.exceptions import BadConfig
from cardscan.ocr import Word, get_reader, reading_score, words_to_reading


def test_words_to_reading_weights_confidence_by_length():
    words = [Word("Rat", 0.3, 0, 0, 5, 5, 1, 1, 1), Word("Quartier", 0.9, 10, 0, 50, 5, 1, 1, 1)]
    assert words_to_reading(words).confidence == pytest.approx((3 * 0.3 + 8 * 0.9) / 11)


def test_unsure_specks_are_dropped_but_sure_short_words_and_numbers_stay():
    words = [Word("J", 0.3, 0, 0, 5, 5, 1, 1, 1), Word("QR", 0.9, 10, 0, 20, 5, 1, 1, 1),
             Word("5", 0.2, 30, 0, 35, 5, 1, 1, 1), Word("),", 0.4, 40, 0, 45, 5, 1, 1, 1)]
    assert words_to_reading(words).text == "QR 5"


def test_unknown_engine_is_a_config_error():
    with pytest.raises(BadConfig, match="tesseract"):
        get_reader("abbyy")


def test_a_card_in_block_capitals_is_read_in_capitals_throughout():
    def word(text, x):
        return Word(text, 0.9, x, 0, x + 10, 5, 1, 1, 1)
    assert words_to_reading([word("Dank", 0), word("AN", 20), word("AKTIVE", 40)]).text == "DANK AN AKTIVE"
    # ordinary writing keeps its case
    assert words_to_reading([word("Mehr", 0), word("QR", 20), word("Sitzungen", 40)]).text == "Mehr QR Sitzungen"


def test_reading_score_prefers_a_whole_card_to_a_sure_lone_letter():
    def reading(text, conf):
        return words_to_reading([Word(w, conf, 20 * i, 0, 10, 5, 1, 1, 1)
                                 for i, w in enumerate(text.split())])
    assert reading_score(reading("J", 0.95)) == 0
    assert reading_score(reading("NETZWERK MUSS", 0.7)) > reading_score(reading("NETZ", 0.9))
    # low-light grain read as a long string of unsure "words" does not win by its length
    assert reading_score(reading("TEN FERN ACHREA WIN EEE REN NER YURR ENTE DNA", 0.2)) == 0


def test_dotless_i_becomes_i():
    words = [Word("Jugendlıche", 0.8, 0, 0, 50, 5, 1, 1, 1), Word("ım", 0.9, 60, 0, 10, 5, 1, 1, 1),
             Word("Kıez", 0.9, 80, 0, 20, 5, 1, 1, 1)]
    assert words_to_reading(words).text == "Jugendliche im Kiez"


def test_an_unsure_label_in_a_corner_is_kept_while_an_unsure_character_at_the_top_centre_is_a_pin():
    # real thkoeln notes: "SCP" with a "5" in the bottom right corner read at 0.90, "+D" (FD) top left of a "5";
    # a card is pinned at its top centre, so only a lone character in the middle of the card is a pin
    def reading(lone: str, x: float, y: float, card_width: float | None = 280):
        words = [Word("SCP", 0.99, 30, 40, 100, 40, 1, 1, 1), Word(lone, 0.9, x, y, 40, 40, 1, 1, 2 if y > 40 else 0)]
        return words_to_reading(words, sure_lone_character=0.95, card_width=card_width).text
    assert reading("5", 230, 110) == "SCP\n5"  # bottom right corner
    assert reading("+D", 5, 0) == "+D\nSCP"  # top left corner
    assert reading("J", 120, 0) == "SCP"  # top centre: a pin
    assert reading("5", 230, 110, card_width=None) == "SCP"  # without the card's width every lone one is a pin
