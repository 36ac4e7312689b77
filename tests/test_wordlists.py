"""cardscan.wordlists: the one home of German word lists."""
from cardscan import wordlists


def test_lists_are_lower_case_and_serve_their_purpose():
    for name in ("LEMMA_STOP_WORDS", "THEME_STOP_WORDS", "FUNCTION_WORDS", "CONTRACTIONS", "SUSPENDED_HYPHEN_NEXT"):
        words = getattr(wordlists, name)
        assert words and all(w == w.lower() for w in words), name
    assert {"für", "und", "den"} <= wordlists.LEMMA_STOP_WORDS <= wordlists.THEME_STOP_WORDS | {"bleiben", "stark"}
    assert "quartiersrat" not in wordlists.THEME_STOP_WORDS
    assert "in" not in wordlists.GLUED_FUNCTION_WORDS  # "Quartiersmanagerin" must not be split


def test_reformed_spelling_only_changes_old_forms():
    table = wordlists.REFORMED_SPELLING
    assert table["daß"] == "dass" and table["streß"] == "stress"
    assert all(old != new and old == old.lower() for old, new in table.items())
    assert "fuß" not in table and "straße" not in table  # ß after a long vowel stays
