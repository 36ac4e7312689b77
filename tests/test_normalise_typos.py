"""cardscan.normalise.typos: typing slips and other engines' misreadings, and the words left alone."""
import pytest

from cardscan.normalise import Normaliser, normalise


@pytest.mark.parametrize("raw, expected", [
    ("Anspechpartner im Bezirk", "Ansprechpartner im Bezirk"),  # a dropped letter
    ("Verwaltng informiert", "Verwaltung informiert"),
    ("Beteilgung stärken", "Beteiligung stärken"),
    ("Netzwerkk pflegen", "Netzwerk pflegen"),  # a doubled letter
    ("Zeitauwfand schätzen", "Zeitaufwand schätzen"),  # two letters swapped
    ("Stadtteilfods beantragen", "Stadtteilfonds beantragen"),  # a slip inside a compound's part
])
def test_slips_in_ordinary_words_are_mended_as_spelling(raw, expected):
    result = normalise(raw)
    assert result.text == expected
    assert [e.reason for e in result.edits] == ["spelling"]


@pytest.mark.parametrize("kept", [
    "Hauswarte als Ansprechpartner",  # an unlisted compound: "Haushalte" is two slips away
    "Lernpaten begleiten",  # not "Lernten", nor "Learn|paten"
    "aufsuchende Arbeit",  # a participle, not "aufsuchen" with a letter too many
    "Gutachtes",  # Gutachten? Gutachter? the ending decides, not ours to pick
    "Karlsruhe Mühlburg",  # a listed rare word may be a name
    "Larrn",  # short: only common words count, "Larry" is a name
    "Verstetig- und Kinder-",  # a hyphen compound's part is not guessed at
    "QRSitzung",  # capitals inside: an abbreviation glued on
])
def test_words_that_may_be_right_are_left_alone(kept):
    assert normalise(kept).text == kept


def test_without_a_dictionary_nothing_is_guessed():
    assert Normaliser(dictionary=None).normalise("Verwaltng").text == "Verwaltng"


def test_an_ending_no_german_word_has_is_the_slip_itself():
    assert normalise("Infos aktualisiereb").text == "Infos aktualisieren"  # "-eb" ends no common word
    assert normalise("Kümmerei").text == "Kümmerei"  # "-ei" does ("Partei"): maybe meant, not ours to change


def test_compound_parts_and_particles_are_mended_and_listed_words_only_one_slip_off():
    assert normalise("Vrenetzungspotenziale sammeln").text == "Vernetzungspotenziale sammeln"  # the head, with its s
    assert normalise("Ausformvlierung").text == "Ausformulierung"  # after the particle "aus"
    assert normalise("Herkünfte").text == "Herkünfte"  # listed: "Herkunft" is two slips away


@pytest.mark.parametrize("raw, expected", [
    ("Planunszelle", "Planungszelle"),  # a lost g before the linking s is a slip, not a linking element
    ("Freiramugestaltungen", "Freiraumgestaltungen"),  # long parts may be rare words ("gestaltungen")
    ("Scharnirfunktion", "Scharnierfunktion"),
    ("Projektfands", "Projektfonds"),  # parts of the dictionary ("fands"), but a lexicon word one slip off
    ("Beispiee: Kinder", "Beispiele: Kinder"),  # an l dropped is likelier than an l typed as e
])
def test_slips_in_compounds_and_likelier_slips_win(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Mietfreie Räume",  # "miet|freie": the e is no lost letter of "Miete"
    "Quartiersarbeit",  # a compound of lexicon words
    "Stadtteilfeste",
])
def test_compounds_of_known_parts_are_left_alone(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Tiengarten-Süd gelungen", "Tiergarten-Süd gelungen"),  # a long part of a hyphen compound
    ("Testaltungs-/ Ermöglichungsraum", "Gestaltungs-/ Ermöglichungsraum"),  # the head keeps its linking s
    ("Verstetig- und Kinder-", "Verstetig- und Kinder-"),  # short parts are not guessed at
])
def test_long_parts_of_hyphen_compounds_are_mended_into_listed_words(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


def test_a_compound_of_a_long_rare_part_and_a_known_one_is_a_word():
    assert normalise("Ermöglichungsraum").text == "Ermöglichungsraum"  # not "Ermöglichung|traum"


@pytest.mark.parametrize("raw, expected", [
    ("Kontakte / AnsprechpartnerInnden", "Kontakte / AnsprechpartnerInnen"),  # a slip in a gender form …
    ("Kontakte / AnsprehcpartnerInnen", "Kontakte / AnsprechpartnerInnen"),  # … keeps its capital I
    ("BürgerInnen beteiligen", "BürgerInnen beteiligen"),  # right as it is
    ("KiTa und eBay", "KiTa und eBay"),  # other capitals inside are names, not gender forms
])
def test_gender_forms_are_mended_and_keep_their_capital_i(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("Wert des Fortshrittsbalkens", "Wert des Fortschrittsbalkens"),  # the last part with its genitive s
    ("als Dateuname ungültig", "als Dateiname ungültig"),  # a short common last part ("Name")
])
def test_slips_in_a_compound_whose_last_part_is_short_or_inflected_are_mended(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


def test_an_unseen_compound_with_an_inflected_last_part_stays():
    assert normalise("Position des Einfügezeigers", expand_abbreviations=False).text == "Position des Einfügezeigers"


@pytest.mark.parametrize("raw, expected", [
    ("oSzialwesen", "Sozialwesen"), ("iFlter setzen", "Filter setzen"), ("bOjektnamen", "Objektnamen"),
    ("hIr Name", "Ihr Name"), ("Verwenden iSe stattdessen", "Verwenden Sie stattdessen"),  # web scraps ("hir")
])
def test_the_first_two_letters_swapped_with_the_capital_are_put_back(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["eBay", "iPhone", "rGeld"])
def test_names_with_a_small_first_letter_are_no_swap(kept):
    assert normalise(kept, expand_abbreviations=False).text == ("Geld" if kept == "rGeld" else kept)


@pytest.mark.parametrize("raw, expected", [
    ("Programmenwde nicht", "Programmende nicht"),  # a letter dropped in inside a long word
    ("mietfrweie Räume", "mietfreie Räume"),
    ("Zeigt die Srotierreihenfolge", "Zeigt die Sortierreihenfolge"),  # two letters swapped
])
def test_one_slip_inside_a_long_unlisted_word_is_mended_into_the_one_listed_word(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "einem ausgecheckten Repository",  # an inflected form of a listed word ("ausgecheckt")
    "Stadtteilzeitungsredaktion",  # built of known parts
])
def test_long_words_that_are_words_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Aufzg am Bahnhof", "Aufzug am Bahnhof"),  # five letters, one lost: a fairly common word will do
    ("und lentk sie", "und lenkt sie"),  # two letters swapped
    ("zwei Jahre Verstetigungsphass", "zwei Jahre Verstetigungsphase"),  # "…pha" is no stem an ending goes on
    ("Wohnumfelvderbesserungen planen", "Wohnumfeldverbesserungen planen"),  # a swap across an unlisted compound
])
def test_lost_and_swapped_letters_in_short_words_stems_and_unlisted_compounds(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Dogon, Tinga",  # a letter more than "Tina": names and foreign words are one slip from German ones
    "pro Slab sortieren",  # another letter than "Stab"
    "Kommandoersetzung",  # a compound no list holds, and a swap's reading is no two known words
    "Menüleisten öffnen",  # built of two known words: "Menüe|listen" is no better
    "Formatbezeichner",  # no drop inside an unlisted compound ("Formate|zeichner")
])
def test_names_and_unlisted_compounds_one_slip_from_others_are_left_alone(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Manifest hat keine Prüfsume", "Manifest hat keine Prüfsumme"),  # rarer than the index (1.9), one slip off
    ("konnte nicht nitialisieren", "konnte nicht initialisieren"),  # the first letter lost
    ("damit üriorisiert sind", "damit priorisiert sind"),
])
def test_long_tokens_one_slip_from_a_rarer_listed_word_are_read_as_it(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Steuerung des Überschreibens:",  # an unlisted form of a listed word ("überschreiben"), not "Überschreitens"
    "zu überschreibende Dateien",
    'Lernings" sammeln',  # "Learnings" is English more than German: a loan is no slip's reading
])
def test_unlisted_forms_of_listed_words_and_english_loans_are_no_readings(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Schnittstellen = yScharnierfunktion", "Schnittstellen = Scharnierfunktion"),  # long rare part ("scharnier" 2.6)
    ("cSharnierfunktion", "Scharnierfunktion"),  # swapped, the same compound
])
def test_a_stray_or_swapped_capital_before_a_compound_of_rare_long_parts(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


def test_a_slip_in_a_compound_head_that_is_only_a_web_scrap_is_mended():
    assert normalise("Inexerzeugung für Systemspalten", expand_abbreviations=False).text \
        == "Indexerzeugung für Systemspalten"  # "inex" (1.1) is listed, but no word as written
    assert normalise("Lernpaten begleiten").text == "Lernpaten begleiten"  # "paten" is one (not "Learn|paten")


@pytest.mark.parametrize("raw, expected", [
    ("Mietpreisentwicklnug beobachten", "Mietpreisentwicklung beobachten"),  # a slip in a compound's tail
    ("Spielplatzverschönreung planen", "Spielplatzverschönerung planen"),
    ("Cursorposjition", "Cursorposition"),  # a listed head ("cursor", rare) keeps the slip in the tail
    ("Einfügemdus", "Einfügemodus"),  # a common verb's stem heads it ("einfügen")
    ("Styandardschlüsseltabelle", "Standardschlüsseltabelle"),  # the rest is itself a compound of parts
    ("Protokollsynchronusierung", "Protokollsynchronisierung"),  # a long part, a rarer listed word
    ("Perisstenzeinstellung", "Persistenzeinstellung"),
])
def test_slips_in_parts_of_long_compounds_are_mended(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("Ersetzngen prüfen", "Ersetzungen prüfen"),  # one slip from a rarer word, not two from "ersetzen"
    ("mit erartetem Ergebnis", "mit erwartetem Ergebnis"),
])
def test_one_slip_beats_two_even_into_a_rarer_word(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Anmeldedatenzwischenspeicher",  # compounds at one cut ("Anmeldedaten|zwischenspeicher") are words
    "Festplattensubsystem",  # a rare listed tail is a part as written, not "…subsysteme"
    "Zeilenvorschübe",  # not the web list's "vorschüße"
    "Standardeingabe nutzen",
    "Cursorposition",
])
def test_unlisted_compounds_of_known_pieces_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("kept", [
    "jedes eingetippte Zeichen",  # a separable verb's participle ("eintippen"), not "einige|tippte"
    "für partitionierte Tabellen",  # an -ieren verb's participle, however rare the verb
    "einer getypten Tabelle",  # "ge|typ|t|en" of "typen", not "gehypten"
    "die zu behaltene Datei",  # "behalten" with an adjective's ending, not "gehaltene"
    "kann nicht reindiziert werden",  # a prefix before a listed word, not "indiziert"
])
def test_regular_forms_of_listed_words_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Kindeer und Jugendliche", "Kinder und Jugendliche"),  # a doubled letter before an ending is a slip
    ("Zielee messbar machen", "Ziele messbar machen"),
    ("mit Quarteren umgehen", "mit Quartieren umgehen"),  # "quarter" is English: no German form of it
    ("Sponsoren aus dem Gewerte", "Sponsoren aus dem Gewerbe"),  # no participle of the web's "weren"
])
def test_slips_that_look_like_an_ending_are_still_mended(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


def test_an_em_ending_on_a_verb_is_a_slip_of_en():
    assert normalise("in umgekehrter Reihenfolge anwendem", expand_abbreviations=False).text == \
        "in umgekehrter Reihenfolge anwenden"  # "anwend" is no adjective: -em cannot end it
    assert normalise("mit aktivem Ansatz", expand_abbreviations=False).text == "mit aktivem Ansatz"
