"""cardscan.normalise.context and .channel: short words chosen by their neighbours, slips weighed.

The word-pair counts are made here from a few generated sentences (the Debian texts the product counts
need not be installed for the tests)."""
import pytest

from cardscan.dictionary import GermanDictionary
from cardscan.normalise import Normaliser, normalise
from cardscan.normalise.channel import DOUBLED, ORDINARY, UNLIKE, slip_cost
from cardscan.normalise.context import ContextSpeller
from cardscan.normalise.pairs import BOUNDARY, PairCounts, sentences_of

TEXT = ("Wer übernimmt was. Wer macht was. Wer hilft mit. Wir sprechen mit dem Quartier. "
        "Wir arbeiten mit dem Bezirk und mit der Stadt. Sie kommen aus dem Stadtteil. "
        "Die Arbeit der Träger und der Bewohner. Als Träger und als Verein. Daß es gut ist. Fein gemacht.") * 300


class FakeDictionary(GermanDictionary):
    has_frequencies = True
    ZIPF = {"wer": 5.8, "wir": 6.5, "mit": 7.0, "mir": 6.3, "dem": 6.9, "den": 7.0, "der": 7.3, "und": 7.5,
            "als": 6.7, "las": 4.4, "aus": 6.6, "was": 6.8, "wet": 3.1, "ein": 7.0, "fein": 4.3, "es": 6.9}

    def zipf(self, word):
        return self.ZIPF.get(word.lower(), 0.0)


@pytest.fixture(scope="module")
def counts():
    return PairCounts(sentences_of([TEXT]))


def test_pairs_are_counted_within_sentences_in_reformed_spelling(counts):
    assert counts.pair("mit", "dem") == 600 and counts.pair(BOUNDARY, "wer") == 900
    assert counts.pair("was", "wer") == 0  # a full stop between
    assert counts.word("dass") == 300 and counts.word("daß") == 0


@pytest.mark.parametrize("before, tok, after, expected", [
    (BOUNDARY, "wet", "übernimmt", "wer"),  # a rare word one slip from a common one, at a sentence start
    ("sprechen", "mir", "dem", "mit"),  # a real word, but its neighbours speak clearly against it
    ("sprechen", "nit", "dem", "mit"),  # no word: the best reading by the neighbours
    ("verein", "las", "träger", "als"),  # "als Träger" is common, "las Träger" unheard of
    ("kommen", "aus", "dem", None),  # a real word its neighbours agree with stays
    (BOUNDARY, "fein", BOUNDARY, None),  # no neighbour, no evidence: a word stays …
    (BOUNDARY, "ung", BOUNDARY, None),  # … and so does a piece of a word
    ("arbeiten", "mit", "dem", None),
])
def test_short_words_are_chosen_by_their_neighbours(counts, before, tok, after, expected):
    assert ContextSpeller(FakeDictionary(), counts).choose(before, tok, after) == expected


@pytest.fixture(scope="module")
def normaliser(counts):
    return Normaliser(context=counts)


@pytest.mark.parametrize("raw, expected", [
    ("Wet übernimmt was?", "Wer übernimmt was?"),
    ("Wir sprechen mir dem Quartier", "Wir sprechen mit dem Quartier"),
])
def test_the_normaliser_mends_short_words_in_context(normaliser, raw, expected):
    result = normaliser.normalise(raw, expand_abbreviations=False)
    assert result.text == expected
    assert [e.reason for e in result.edits] == ["spelling"]


@pytest.mark.parametrize("kept", [
    "Wer übernimmt was?",  # right as it is
    "Fein - Mittel und Gebiete",  # no neighbour across the dash: "Ein" is no better
    "team@R.de",  # part of an address
    "Abstand 5 m",  # a unit after a number
    "Qm sollte beteiligt werden",  # an abbreviation written small
    "Angebote Fur alle",  # capitalised mid-sentence: a name may be meant, only a noun would do
    "Angebote und Initiativen z.",  # a letter before a full stop abbreviates
    "Stufe A und Stufe B",  # capital letters are labels
])
def test_words_context_cannot_judge_are_left_alone(normaliser, kept):
    assert normaliser.normalise(kept, expand_abbreviations=False).text == kept


def test_without_context_nothing_is_chosen_by_neighbours():
    assert Normaliser(context=False).normalise("Wet übernimmt was?").text == "Wet übernimmt was?"


def test_slips_are_weighed_by_how_typists_and_readers_err():
    assert slip_cost("netzwerkk", "netzwerk") == DOUBLED  # a doubled letter
    assert slip_cost("wet", "wer") == ORDINARY  # neighbouring keys
    assert slip_cost("wex", "wer") == UNLIKE  # far apart, not alike
    assert slip_cost("aufgabne", "aufgaben") == ORDINARY  # two letters swapped
    assert slip_cost("beispiee", "beispiele") < slip_cost("beispiee", "beispiel")  # a dropped l, not l → e


@pytest.mark.parametrize("raw, expected", [
    ("Erwartungen an den QR klar macen", "Erwartungen an den QR klar machen"),  # not "magen"
])
def test_an_unlisted_word_takes_the_reading_its_neighbours_make_likeliest(normaliser, raw, expected):
    assert normaliser.normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Stadtteilfeste planen",  # a compound of known parts competes as itself
    "Larrn",  # short: names and rarities are one slip away ("Larry")
    "Kümmerei",  # the ending makes the word ("Kümmerer", "Kümmere"): not for context to pick
])
def test_unlisted_tokens_without_a_clear_reading_stay(normaliser, kept):
    assert normaliser.normalise(kept).text == kept


def test_without_the_debian_texts_there_are_no_pairs_and_no_context(tmp_path):
    from cardscan.normalise.pairs import debian_texts
    empty = PairCounts(sentences_of(debian_texts([tmp_path / "missing"])))
    assert not empty.available
    assert Normaliser(context=empty).normalise("Wet übernimmt was?").text == "Wet übernimmt was?"


def test_counts_survive_the_cache_file(tmp_path):
    counts = PairCounts(sentences_of([TEXT]))
    counts.prune(2)
    counts.write(tmp_path / "pairs.tsv.gz")
    again = PairCounts.read(tmp_path / "pairs.tsv.gz")
    assert again.pair("mit", "dem") == counts.pair("mit", "dem") and again.total == counts.total
    assert again.distinct_followers("mit") == counts.distinct_followers("mit") > 0


def test_a_capital_inside_a_sentence_is_read_as_a_noun():
    counts = PairCounts(sentences_of([TEXT]))
    nouns = ContextSpeller(FakeDictionary(), counts, lexicon={"kiez", "kein"}, is_noun=lambda w: w == "kiez")
    assert nouns.choose_reading("im", "keiz", BOUNDARY, None, False, nouns=True) == "kiez"
    no_nouns = ContextSpeller(FakeDictionary(), counts, lexicon={"kiez", "kein"})
    assert no_nouns.choose_reading("im", "keiz", BOUNDARY, None, False, nouns=True) is None


def test_manual_pages_and_fortunes_are_read_as_plain_sentences(tmp_path):
    import gzip

    from cardscan.normalise.pairs import debian_texts
    (tmp_path / "man1").mkdir()
    (tmp_path / "man1" / "ls.1.gz").write_bytes(gzip.compress(b".TH LS 1\n.SH BESCHREIBUNG\nListet \\fBmit\\fR dem Befehl.\n"))
    (tmp_path / "zitate").write_text("Wer wagt, gewinnt.\n%\nDaß ist gut.\n", encoding="utf-8")
    (tmp_path / "zitate.dat").write_bytes(b"\x00\x01")  # fortune's index: skipped
    sentences = list(sentences_of(debian_texts([tmp_path])))
    assert ["listet", "mit", "dem", "befehl"] in sentences
    assert ["wer", "wagt", "gewinnt"] in sentences
    assert ["dass", "ist", "gut"] in sentences  # old spelling counted as reformed


@pytest.mark.parametrize("raw, expected", [
    ("Professionalisierung den Akteure", "Professionalisierung der Akteure"),  # a plural in -e: not after "den"
    ("längere Phase den Degression einplanen?", "längere Phase der Degression einplanen?"),  # a feminine noun
])
def test_den_before_a_noun_it_cannot_stand_before_is_read_as_der_or_die(raw, expected):
    assert normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "für den Bereich", "mit den Bewohnern", "den Käse essen", "Kann den Service nicht registrieren",
    "für den Referenz-Namensraum", "über den Namen",
])
def test_den_before_a_masculine_noun_or_a_dative_plural_stays(kept):
    assert normalise(kept, expand_abbreviations=False).text == kept


@pytest.mark.parametrize("raw, expected", [
    ("Dises Modul wurde bewertet", "Dieses Modul wurde bewertet"),  # web lists hold the typo (1.9), German text not
])
def test_a_rare_listed_word_gives_way_to_a_far_likelier_reading(normaliser, raw, expected):
    assert normaliser.normalise(raw, expand_abbreviations=False).text == expected


@pytest.mark.parametrize("kept", [
    "Die Breite des linken Rands in Pixel",  # a letter more at the end is another form ("Rand"), not a slip
    "Karlsruhe Mühlburg",  # a rare listed name: no reading is ten times likelier
    "Anfragen von Fachämtern",  # rare (1.3), a compound of known parts
])
def test_rare_listed_words_without_a_far_likelier_reading_stay(normaliser, kept):
    assert normaliser.normalise(kept, expand_abbreviations=False).text == kept


def test_the_word_a_suspended_hyphen_ends_is_the_left_neighbour(normaliser):
    # at the card's end "nd" had no neighbour at all, and no neighbour is no evidence
    assert normaliser.normalise("Sozialwesen oder Stadt- nd", expand_abbreviations=False).text \
        == "Sozialwesen oder Stadt- und"
    assert normaliser.normalise("Stadt- und").text == "Stadt- und"


def test_a_scrap_between_two_nouns_is_a_genitive_article():
    # pairs where "die Bewohner" is far the commonest: alone, they would read "de" as "die"
    counts = PairCounts(sentences_of(["Die Bewohner kommen. Der Tag war gut. Des Weiteren nichts."] * 300))
    n = Normaliser(context=counts)
    assert n.normalise("Befragung de Bewohner", expand_abbreviations=False).text == "Befragung der Bewohner"
    assert n.normalise("Santiago de Cuba").text == "Santiago de Cuba"  # no clear reading: a name's "de" stays
    assert n.normalise("Sie fragen de Bewohner", expand_abbreviations=False).text == "Sie fragen die Bewohner"


@pytest.mark.parametrize("kept", [
    "Befragung die Bewohner",  # a word as written: only scraps are read so
    "Sie fördern die Bewohner",
])
def test_articles_as_written_stay(normaliser, kept):
    assert normaliser.normalise(kept, expand_abbreviations=False).text == kept
