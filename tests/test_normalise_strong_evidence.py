"""A real German word is only changed on strong evidence: inflected adjectives and participles are not split
into "word + pronoun", a case ending is not swapped for a commoner one, and an unseen compound of known
parts is not traded for another compound no list holds. Each class: cases kept, and slips still mended."""
import pytest

from cardscan.normalise import normalise


def _text(raw: str) -> str:
    return normalise(raw, expand_abbreviations=False).text


@pytest.mark.parametrize("kept", [
    "Ungültiges Argument",  # "ungültig" + case ending, not "Ungültig es"
    "ein eingefügter Text",  # a participle's ending, not the pronoun "er"
    "bereitgestelltes Material",
    "die anzuzeigenden Daten",  # a present participle, not "anzuzeigen den"
    "kollidierender Termin",
])
def test_inflected_adjectives_and_participles_are_not_split(kept):
    assert _text(kept) == kept


@pytest.mark.parametrize("raw, expected", [
    ("braucheich Hilfe", "brauche ich Hilfe"),  # a verb and a pronoun run together
    ("gibtes noch", "gibt es noch"),  # a short verb and "es": no adjective ends so
    ("aufgearbeitetund gut", "aufgearbeitet und gut"),
])
def test_words_run_together_are_still_split(raw, expected):
    assert _text(raw) == expected


@pytest.mark.parametrize("kept", [
    "mit dynamischem Inhalt",  # -em is as right as -en: only grammar could tell
    "bei aktivem Zugang",
    "bei ungültigem Wert",
])
def test_a_case_ending_is_not_swapped_for_a_commoner_one(kept):
    assert _text(kept) == kept


@pytest.mark.parametrize("raw, expected", [
    ("ein Verfahrem", "ein Verfahren"),  # a noun's slip: "verfahr" is no adjective
    ("Bürgerinnen und Bürgerm", "Bürgerinnen und Bürgern"),
    ("kann die Aufgabem übernehmen", "kann die Aufgaben übernehmen"),  # a capital: a noun, "aufgab" a word
])
def test_slips_in_the_last_letter_of_nouns_are_still_mended(raw, expected):
    assert _text(raw) == expected


@pytest.mark.parametrize("kept", [
    "Dateiende erreicht",  # not "Dateieende"
    "Einfügemarke setzen",  # a verb's stem heads the compound: not "Einfügtemarke"
    "Farbanteilen",  # not "Farbenteilen"
    "Dienstname",  # not "Dienstnahe"
    "Tiefstellen",
])
def test_an_unseen_compound_of_known_parts_is_not_traded_for_another(kept):
    assert _text(kept) == kept


@pytest.mark.parametrize("raw, expected", [
    ("Finanzeirung", "Finanzierung"),  # a listed word one slip off still wins
    ("Stadtteilkoonferenz", "Stadtteilkonferenz"),  # a doubled letter inside a lexicon compound
    ("Quaartiersnetzwerk", "Quartiersnetzwerk"),
])
def test_slips_into_listed_words_are_still_mended(raw, expected):
    assert _text(raw) == expected


@pytest.mark.parametrize("kept", [
    "Fehler beim Erzeugen der Vorschau",  # a verb made a noun after an article or "beim"
    "das Ziehen der Karten",
    "Histogramm der Dauern",
])
def test_a_verb_made_a_noun_keeps_its_capital(kept):
    assert _text(kept) == kept


@pytest.mark.parametrize("raw, expected", [
    ("Integration der Verschieden Gruppen", "Integration der verschieden Gruppen"),  # "verschiedene": an adjective
    ("mit der Gelungen Umsetzung", "mit der gelungen Umsetzung"),
    ("die realisierung", "die Realisierung"),  # a noun written small after an article
])
def test_case_slips_after_an_article_are_still_mended(raw, expected):
    assert _text(raw) == expected


@pytest.mark.parametrize("kept", [
    "Tastenkürzel um Menüleisten zu öffnen",  # "leisten" is also the plural of "Leiste"
    "in Indexausdrücken nicht erlaubt",  # "ausdrücken": of "Ausdrücke"
])
def test_a_compound_ending_in_a_noun_plural_is_not_split(kept):
    assert _text(kept) == kept


def test_a_noun_and_a_verb_run_together_are_still_split():
    assert _text("Bürgergremiumentscheidet mit") == "Bürgergremium entscheidet mit"
    assert _text("Innovationenübernehmen") == "Innovationen übernehmen"


@pytest.mark.parametrize("kept", [
    "Von welcher Referenz ausgecheckt werden soll",  # listed (1.9): not "ausgeheckt"
    "teilweise gelesener Kopfteil",  # not "gelegener"
    "Tiefe des Klons",  # not "Klong"
])
def test_a_listed_word_is_not_traded_for_one_hardly_more_common(kept):
    assert _text(kept) == kept


@pytest.mark.parametrize("kept", [
    "den aktuellen Branch einbeziehen",  # English, borrowed: not "Brauch"
    "Mindestanzahl vor einem Analyze.",
    "Ausgabe von --stat",
])
def test_common_english_words_are_borrowed_not_mistyped(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_german_slips_that_look_english_are_still_mended():
    assert normalise("Verwaltng informiert", expand_abbreviations=False).text == "Verwaltung informiert"
    assert normalise("Netzwerkk pflegen", expand_abbreviations=False).text == "Netzwerk pflegen"


@pytest.mark.parametrize("kept", ["Nay Pyi Taw", "Malaiisch, Kota Bangun Kutai", "Tangkhul Naga (Myanmar)",
                                  "Popoloka, San Juan Atzingo"])
def test_short_words_of_a_name_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_a_slipped_neighbour_is_no_name():
    assert normalise("5 Jahhre Verlängwrung?", expand_abbreviations=False).text == "5 Jahre Verlängerung?"
