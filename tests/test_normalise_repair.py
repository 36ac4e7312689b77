"""cardscan.normalise.repair: words broken by a space joined, words run together split, and not more."""
import pytest

from cardscan.normalise import normalise


@pytest.mark.parametrize("raw, expected", [
    ("Real isierung planen", "Realisierung planen"),
    ("Tät igkeiten bündeln", "Tätigkeiten bündeln"),
    ("braucheich Hilfe", "brauche ich Hilfe"),  # a function word glued on
    ("dieVernetzung stärken", "die Vernetzung stärken"),  # a capital inside
    ("Müllan den Ecken", "Müll an den Ecken"),
])
def test_broken_and_run_together_words_are_mended(raw, expected):
    result = normalise(raw)
    assert result.text == expected
    assert {e.reason for e in result.edits} == {"whitespace"}


@pytest.mark.parametrize("kept", [
    "Zielerreichung prüfen",  # two words, though a compound of known parts
    "Wissen sichern",
    "in dem Haus",  # "indem" is a word, "in dem" are two
    "mietfreie Räume",  # no function word inside: a compound, not "miet freie"
    "Hauswarte als Ansprechpartner",
    "BürgerInnen beteiligen",  # the gender I is no word boundary
])
def test_words_are_neither_joined_nor_split_without_cause(kept):
    assert normalise(kept).text == kept


def test_a_function_word_after_a_noun_is_never_joined_to_it():
    assert normalise("Ansprechpartner in der Verwaltung").text == "Ansprechpartner in der Verwaltung"
    assert normalise("Bewohner in Moabit").text == "Bewohner in Moabit"
