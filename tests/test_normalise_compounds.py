"""cardscan.normalise.compounds: linking elements and splitting against the lexicon."""
import pytest

from cardscan.normalise import normalise
from cardscan.normalise.compounds import LINKS, Compounds, head_stems, takes_link


def _forms(*words: str) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for w in words:
        forms.setdefault(w.lower(), set()).add(w)
    return forms


def test_head_stems_drop_the_linking_element():
    assert list(head_stems("verstetigungs")) == ["verstetigungs", "verstetigung"]
    assert "prozes" not in head_stems("prozess")  # no Fugen-s after s
    assert not takes_link("prozess", "s") and takes_link("prozess", "")
    assert LINKS[0] == ""  # the part itself is tried first


def test_split_into_lexicon_parts_and_not_into_function_words():
    c = Compounds(_forms("Stadtteil", "Zentrum", "Rat", "dem", "Treffpunkt"), dictionary=None)
    assert c.split("stadtteilzentrum") == ["stadtteil", "zentrum"]
    assert c.split("stadtteilrat") == ["stadtteil", "rat"]  # short parts as nouns
    assert c.split("stadtteildem") is None  # … but not short function words
    assert c.split("treffpunktfürs") is None


def test_no_linking_n_after_an_n():
    from cardscan.normalise.compounds import takes_link
    assert takes_link("kinder", "n") and takes_link("stadtteil", "s")
    assert not takes_link("maßnahmen", "n") and not takes_link("prozess", "s")


@pytest.mark.parametrize("raw, expected", [
    ("Bürgerbeteiligungprozesse", "Bürgerbeteiligungsprozesse"),  # -ung always links with s
    ("Stadtteilentwicklungkonzept", "Stadtteilentwicklungskonzept"),
    ("Hoffnungträger", "Hoffnungsträger"),
])
def test_a_lost_linking_s_after_a_feminine_suffix_is_put_back(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["Sprungbrett", "Beteiligungen", "Entwicklungsland", "Junge", "Zeitungen"])
def test_words_without_a_lost_link_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Limit-Optionen sindnicht erlaubt", "Limit-Optionen sind nicht erlaubt"),  # no compound of function words
    ("Das Archiv wirdnicht komprimiert", "Das Archiv wird nicht komprimiert"),
    ("Die Wurzel kannnicht ermittelt werden", "Die Wurzel kann nicht ermittelt werden"),
])
def test_function_words_glued_together_are_no_compound(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["Nichtwähler", "Zusammenarbeit", "Wiederaufbau", "Gegenverkehr",
                                  "Überblick", "Haushaltswaren", "Umweltbewusstsein"])
def test_compounds_headed_by_adverbs_and_prepositions_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("kept", ["Musskriterien", "Kannkriterien", "Kannbestimmung", "Sollzustand",
                                  "Wir brauchen einen Schonraum"])
def test_compounds_headed_by_a_modal_or_adverb_stay(kept):
    """"kann|nicht" is two words, but "Kann|bestimmung" one: these words head compounds, they end none."""
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_no_compound_ends_in_a_function_word_or_adverb():
    c = Compounds(_forms("Ausgangslagen", "zusammen", "sind", "nicht", "Arbeit"), dictionary=None)
    assert c.split("ausgangslagenzusammen") is None
    assert c.split("sindnicht") is None
    assert c.split("zusammenarbeit") == ["zusammen", "arbeit"]


@pytest.mark.parametrize("kept", [
    "Hilfsinformationen anzeigen",  # Hilf(e)|s|…: a head that drops its -e before the linking s
    "Gruppieroperationen sind nicht erlaubt",  # an -ier verb's stem heads it ("gruppieren")
    "Debug-Ausschriften setzen",  # a particle before a common word, not "Anschriften"
])
def test_compounds_of_elided_heads_verb_stems_and_particles_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept
