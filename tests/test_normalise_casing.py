"""cardscan.normalise.casing: block capitals and function words, through the public Normaliser."""
import pytest

from cardscan.normalise import Normaliser, normalise
from cardscan.normalise.casing import is_block_caps
from cardscan.normalise.tokens import token_pattern, tokenize


def test_block_caps_needs_most_words_in_capitals():
    pattern = token_pattern("")
    assert is_block_caps(tokenize(pattern, "VERANTWORTUNG TEILEN"))
    assert not is_block_caps(tokenize(pattern, "QR und Quartiersrat"))


def test_function_word_is_lowered_mid_line_only():
    n = Normaliser()
    assert n.normalise("Coaching Für Initiativen").text == "Coaching für Initiativen"
    assert n.normalise("Für alle offen").text == "Für alle offen"  # a sentence start keeps its capital


def test_case_slips_are_mended_by_how_german_writes_the_word():
    n = Normaliser()
    result = n.normalise("die realisierung planen")
    assert result.text == "die Realisierung planen" and [e.reason for e in result.edits] == ["case"]
    assert n.normalise("Kiez ist gelungen, weil Kinder mitmachen").text == "Kiez ist gelungen, weil Kinder mitmachen"


def test_capitals_are_kept_where_they_may_be_meant():
    n = Normaliser()
    for kept in ("Bürger-Info-Tag planen", "Mehr Bänke und Schatten", "Barrierefreie Zugange schaffen",
                 "jugendliche Besucher", "Wichtig: Termine"):
        assert n.normalise(kept).text == kept, kept


def test_a_capitalised_verb_mid_sentence_is_written_small_but_titles_keep_their_capitals():
    assert normalise("Auch Kann eine Vielzahl helfen").text == "Auch kann eine Vielzahl helfen"
    assert normalise("Kinder- Und Jugendarbeit").text == "Kinder- Und Jugendarbeit"  # after a suspended hyphen
    assert normalise("Räume tagen").text == "Räume tagen"  # a verb that is also a noun's form ("Tagen")


def test_a_repaired_word_whose_first_letter_was_lost_takes_the_usual_case():
    assert normalise("irchengemeinde als Partner").text == "Kirchengemeinde als Partner"  # a noun
    assert normalise("die Kooperation fördern").text == "die Kooperation fördern"  # nothing repaired, nothing recased


def test_after_an_article_a_noun_written_small_is_capitalised_on_less_evidence():
    assert normalise("Realisierung der stadtteilkonferenz").text == "Realisierung der Stadtteilkonferenz"
    assert normalise("die gelungen sind").text == "die gelungen sind"  # not a noun, whatever comes before


def test_after_zu_a_capitalised_verb_is_written_small_but_nouns_stay():
    assert normalise("Finanzierung zu Erwirken").text == "Finanzierung zu erwirken"
    assert normalise("Treffen zu Beginn").text == "Treffen zu Beginn"  # a noun after the preposition
    assert normalise("Kinder zu Hause").text == "Kinder zu Hause"


@pytest.mark.parametrize("raw, expected", [
    ("Finanzieller aufwand:", "Finanzieller Aufwand:"),  # after an inflected adjective a noun is expected
    ("Fördermittel Bündeln", "Fördermittel bündeln"),  # a card's last word after a noun: a verb (a job)
    ("Moscheegemeinde Einbeziehen", "Moscheegemeinde einbeziehen"),
])
def test_case_slips_in_a_noun_or_verb_slot_are_mended(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Quartiersrat Treffen",  # "Treffen" is as often a noun: both cases common
    "Regelmäßige Treffen",  # after an adjective: a noun
    "Mehr Raum für Familien",
    "Fehler beim Holen",  # after "beim": a verb made a noun
])
def test_nouns_at_the_end_of_a_card_keep_their_capital(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_a_long_compound_ending_in_a_noun_is_capitalised_anywhere():
    assert normalise("aktionsfonds erhalten", expand_abbreviations=False).text == "Aktionsfonds erhalten"
    for kept in ("zukunftsorientierte Planung", "bürgernahe Verwaltung", "stadtteilbezogene Arbeit"):
        assert normalise(kept, expand_abbreviations=False).text == kept  # compound adjectives stay small


@pytest.mark.parametrize("raw, expected", [
    ("nehr Transparenz bei Gutachten", "mehr Transparenz bei Gutachten"),  # a card starting small stays small
    ("Nehr Transparenz", "Mehr Transparenz"),
])
def test_a_repaired_first_word_keeps_the_case_it_was_written_in(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Einträge durch Ziehen des Mauszeigers",  # a verb made a noun: after "durch", before an article
    "Tippen und Ziehen per Tastfeld",
    "Setzen von Variablen nicht bestätigen",
])
def test_a_capitalised_infinitive_between_noun_markers_is_a_noun_and_stays(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("die Sie auch Interessieren könnten", "die Sie auch interessieren könnten"),  # before a verb: a verb
    ("Fördermittel Bündeln", "Fördermittel bündeln"),
])
def test_a_capitalised_infinitive_in_a_verbs_place_is_written_small(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("Funktionen mit ergebnismenge", "Funktionen mit Ergebnismenge"),  # a compound ends in a noun: it is one
    ("Tastatur ohne akzenttasten", "Tastatur ohne Akzenttasten"),
    ("beim Lesen der aktualisierungsprotokollkopfzeilen", "beim Lesen der Aktualisierungsprotokollkopfzeilen"),
])
def test_unlisted_compounds_ending_in_a_noun_are_capitalised(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "die Signaturen anlisten",  # a particle and a verb ("an|listen"), though "Listen" is a noun too
    "Ermöglicht partitionsweise Aggregierung",  # an adverb in -weise
    "eines anzuzeigendes Symbols",  # a participle
    "wir wollen weiterleben",
])
def test_unlisted_verbs_adverbs_and_participles_stay_small(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept
