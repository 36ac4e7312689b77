"""cardscan.normalise.normaliser: reformed spelling is its own edit, the raw text keeps the original."""
from cardscan.normalise import normalise


def test_old_spelling_becomes_reformed_with_its_own_reason():
    result = normalise("Wir wissen, daß Streß nicht hilft")
    assert result.text == "Wir wissen, dass Stress nicht hilft"
    assert [(e.original, e.replacement, e.reason) for e in result.edits] == [
        ("daß", "dass", "reformed-spelling"), ("Streß", "Stress", "reformed-spelling")]
    assert result.raw == "Wir wissen, daß Streß nicht hilft"
    assert normalise("Muß das sein?").text == "Muss das sein?"  # the capital is kept


def test_words_whose_sharp_s_is_right_stay():
    assert normalise("Fuß und Straße, weiß und groß").text == "Fuß und Straße, weiß und groß"
