"""cardscan.normalise.runon: two words run together are split; compounds, however rare, stay."""
import pytest

from cardscan.normalise import normalise


@pytest.mark.parametrize("raw, expected", [
    ("Bürgergremiumentscheidet mit", "Bürgergremium entscheidet mit"),  # a noun, then a verb
    ("Innovationenübernehmen", "Innovationen übernehmen"),  # the longest verb: not "…über nehmen"
    ("Lösungsansätze verwirklichtwerden können", "Lösungsansätze verwirklicht werden können"),  # a function word
    ("mit dem verstetigteneinem Gebiet", "mit dem verstetigten einem Gebiet"),
    ("entscheidet überKIZ-Fonds", "entscheidet über KIZ-Fonds"),  # a function word, then an abbreviation
    ("generationengerechterQuartiere", "generationengerechter Quartiere"),  # a compound, then a capital
    ("Sicherheitam Bahnhof", "Sicherheit am Bahnhof"),  # not "Sicherheitamt": no letter was lost
])
def test_words_run_together_are_split(raw, expected):
    result = normalise(raw, expand_abbreviations=False)
    assert result.text == expected
    assert "whitespace" in [e.reason for e in result.edits]


@pytest.mark.parametrize("kept", [
    "Gesamtstädtischer Blick",  # a compound adjective, capitalised in a title
    "Generationengerechter Wohnraum",  # … and its inflected form
    "Radfahren im Kiez",  # a listed nominalised verb
    "Stadtteilleben stärken",  # the tail is a noun as German writes it ("Leben")
    "Quartiersarbeit vor Ort",  # an ordinary compound
    "BürgerInnen beteiligen",  # the gender I
    "eBay und iPhone",  # names with a small first letter
])
def test_compounds_are_not_split(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_a_stray_small_letter_before_a_capitalised_word_is_dropped():
    result = normalise("Transparenz über rGeld", expand_abbreviations=False)
    assert result.text == "Transparenz über Geld"
    assert [e.reason for e in result.edits] == ["spelling"]


def test_a_word_run_into_a_capital_i_word_is_split_not_read_as_a_gender_form():
    assert normalise("kulturellenInfrastruktur", expand_abbreviations=False).text == "kulturellen Infrastruktur"
    for kept in ("BürgerInnen", "PartnerIn"):  # the gender I stays
        assert normalise(kept, expand_abbreviations=False).text == kept
    assert normalise("AnsprechpartnerInnden", expand_abbreviations=False).text == "AnsprechpartnerInnen"


@pytest.mark.parametrize("raw, expected", [
    ("Zeilenfilterausdruckdarf nicht leer sein", "Zeilenfilterausdruck darf nicht leer sein"),  # compound + modal
    ("Schlüssel existiertbereits", "Schlüssel existiert bereits"),  # no compound ends in an adverb
    ("Passworterneut eingeben", "Passwort erneut eingeben"),
])
def test_a_word_and_an_auxiliary_or_adverb_run_together_are_split(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["Nachbarschaftsbewusstsein", "Klimaschutzvorhaben", "Quartierswissen"])
def test_compounds_ending_in_a_verb_made_noun_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept
