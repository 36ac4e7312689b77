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


@pytest.mark.parametrize("raw, expected", [
    ("Scharn ierfunktion zwischen", "Scharnierfunktion zwischen"),  # a rare listed word, neither piece a word
    ("Prozesse metho disch begleitet", "Prozesse methodisch begleitet"),  # "disch": a web scrap, no word
    ("mietf reie Räume", "mietfreie Räume"),
    ("die Auße nsicht des Stadtteils", "die Außensicht des Stadtteils"),
])
def test_a_word_a_space_broke_is_joined_when_the_pieces_are_no_words(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["Zielerreichung prüfen", "Ansprechpartner in", "Kinder- und Jugendarbeit"])
def test_two_words_are_not_joined(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


def test_a_compound_head_with_its_linking_s_is_joined_to_the_rest():
    """A feminine noun takes no -s: "Beteiligungs" alone is the head of a compound a space broke."""
    assert normalise("hat einen hohen Beteiligungs grad", expand_abbreviations=False).text == \
        "hat einen hohen Beteiligungsgrad"
    assert normalise("Gestaltungs-/ Ermöglichungs-/ Ermächtigungsraum", expand_abbreviations=False).text == \
        "Gestaltungs-/ Ermöglichungs-/ Ermächtigungsraum"


@pytest.mark.parametrize("raw, expected", [
    ("Methode für Gerätedat eien", "Methode für Gerätedateien"),  # "eien" is a web scrap, no word proper
    ("Trenn zeichen für COPY", "Trennzeichen für COPY"),  # a noun written small after a capitalised piece
])
def test_a_piece_and_a_scrap_or_a_small_noun_are_one_word(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Zielerreichung prüfen",  # two words
    "Jahre Verlängerung",  # the noun is written capitalised: two words
    "Bürger beteiligen",  # the small word is a verb
])
def test_two_words_stay_two(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("kept", [
    "kann Umformulierung nicht durchführen",  # a particle prefixes the word: no "Um formulierung"
    "Stil der Vorbearbeitung",
    "eines Zeitraums ausgeklappt",
    "der freizugebenden Pufferverwendung",  # a participle's ending, not "freizugeben den"
    "eines anzuzeigendes Symbols",
    "Drücken der gleichen Taste",  # an article and a word: two words, though "dergleichen" is one
])
def test_prefixed_words_participles_and_article_pairs_stay_as_written(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Kooperation mitdem Bezirk", "Kooperation mit dem Bezirk"),  # a particle and a function word: two words
    ("Bürgergremiumentscheidet", "Bürgergremium entscheidet"),
    ("verstetigteneinem Gebiet", "verstetigten einem Gebiet"),
])
def test_run_together_words_are_still_split(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("raw, expected", [
    ("bittet umBestätigung", "bittet um Bestätigung"),  # a short preposition glued before a noun
    ("Bewege denCursor zum Anfang", "Bewege den Cursor zum Anfang"),  # a rare listed noun after an article
    ("Eine Statusmeldungam Fuß der Seite", "Eine Statusmeldung am Fuß der Seite"),  # a long compound + "am"
    ("Nachbarschaftshilfeund Beratung", "Nachbarschaftshilfe und Beratung"),
    ("RSA kannsowohl signieren", "RSA kann sowohl signieren"),  # two words, not the compound "kannssowohl"
])
def test_words_run_together_are_split(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["zuHause", "inDesign", "Sozialraumteam", "Bebauungsplan", "Quartiersmanagerin"])
def test_listed_words_and_compounds_are_not_split(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Kinder undverstetigen", "Kinder und verstetigen"),  # a conjunction glued before a word
    ("Treffen diestadt", "Treffen die Stadt"),  # the split-off article expects a noun
])
def test_a_function_word_glued_before_a_word_is_split(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["Derzeit", "dieselbe", "Dasein", "Denkmal", "nichtdeterministische Folgen",
                                  "ausgeklappt", "mitgestalten"])
def test_words_beginning_like_a_function_word_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("DateienVerzeichnisse ersetzen", "Dateien Verzeichnisse ersetzen"),  # two known words, a capital between
    ("UngültigesArgument zur Option", "Ungültiges Argument zur Option"),  # an inflected adjective and a noun
    ("DenRuhezustand aktivieren", "Den Ruhezustand aktivieren"),
    ("nurDateinamen auflisten", "nur Dateinamen auflisten"),
])
def test_two_known_words_with_a_capital_between_are_split(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", ["TreeModel-Spalte", "core.commentChar sollte", "Baishakhi InScript", "BürgerInnen"])
def test_names_and_identifiers_with_inner_capitals_stay(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Legt fest, obdieser Text versteckt wird", "Legt fest, ob dieser Text versteckt wird"),  # not "dieser"
    ("Metadaten inerweiterten Attributen", "Metadaten in erweiterten Attributen"),
])
def test_a_word_glued_on_is_not_cut_off_as_a_slip(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected
