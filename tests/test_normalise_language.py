"""The board's language from all its cards: English boards keep their words, German ones are mended."""
import random

from cardscan.normalise import Normaliser, board_language, normalise_board
from cardscan.normalise.language import ENGLISH, GERMAN, LETTER_WORD, language_score, word_zipf

_EN_VERBS = ("update", "call", "fix", "write", "review", "hire", "improve", "clean up", "plan", "share", "test", "ship")
_EN_OBJECTS = ("the phone list", "customers back", "login bug", "user stories", "the roadmap", "more staff",
               "onboarding docs", "backlog", "the sprint", "notes with the team", "on mobile", "release notes")
_DE_CARDS = ("Mieten bezahlbar halten", "mehr Grünflächen im Kiez", "Treffpunkt für Jugendliche",
             "Beteiligung der Bewohner", "Stadtteilfonds verstetigen", "Quartiersrat stärken",
             "Nachbarschaftshilfe organisieren", "bessere Beleuchtung am Bahnhof")


def _english_board(seed: int, n: int = 8) -> list[str]:
    """A generated English board: n cards of verb + object, some in block capitals as markers write them."""
    rng = random.Random(seed)
    cards = [f"{rng.choice(_EN_VERBS)} {rng.choice(_EN_OBJECTS)}" for _ in range(n)]
    return [c.upper() if rng.random() < 0.3 else c for c in cards]


def test_generated_english_boards_are_english():
    for seed in range(20):
        assert board_language(_english_board(seed)) == ENGLISH, _english_board(seed)


def test_german_boards_stay_german():
    assert board_language(_DE_CARDS) == GERMAN
    # German cards with English loanwords ("Team", "Online", "Feedback") are still a German board
    assert board_language(["Team-Treffen online", "Feedback der Bewohner einholen", "Workshop im Kiez"]) == GERMAN


def test_too_little_text_keeps_the_german_default():
    assert board_language(["ok", "", "3"]) == GERMAN
    assert board_language([]) == GERMAN
    assert language_score(["hire"])[1] == 1


def test_english_board_keeps_its_words():
    """Without the board's language the German speller turns these into German look-alikes."""
    cards = ["hire more staff", "improve onboarding docs", "clean up backlog", "share notes => team"]
    german = [Normaliser().normalise(c).text for c in cards]
    assert german[:3] != cards[:3]  # the failure this guards against: "hier more staff", "clean um backlog"
    out = normalise_board(cards)
    assert [r.text for r in out] == ["hire more staff", "improve onboarding docs", "clean up backlog",
                                     "share notes → team"]
    assert [e.reason for r in out for e in r.edits] == ["symbol"]


def test_english_board_expands_no_german_abbreviation():
    out = normalise_board(["QR code on the poster", "update the phone list", "review the roadmap"])
    assert out[0].text == "QR code on the poster"


def test_german_board_is_still_mended():
    cards = [*_DE_CARDS[:4], "Finanzeirung sichern", "daß alle mitmachen"]
    out = normalise_board(cards)
    assert out[4].text == "Finanzierung sichern"
    assert out[5].text == "dass alle mitmachen"
    assert [r.text for r in out[:4]] == list(_DE_CARDS[:4])


def test_language_can_be_given():
    assert normalise_board(["hire more staff"], language=GERMAN)[0].text != "hire more staff"
    assert normalise_board(["Finanzeirung sichern"], language=ENGLISH)[0].text == "Finanzeirung sichern"


def test_one_text_can_be_normalised_in_the_board_language():
    """For a board's other texts (headings) once its language is known."""
    from cardscan.normalise import normalise

    assert normalise("hire more staff", language=ENGLISH).text == "hire more staff"
    assert normalise("Finanzeirung", language=GERMAN).text == "Finanzierung"


def test_word_zipf_reads_the_callers_list_and_letter_words_skip_digits_and_single_letters():
    # the typo fixer asks the "large" list for rare loans the "small" one lacks
    assert word_zipf("learnings", ENGLISH) == 0.0 < word_zipf("learnings", ENGLISH, wordlist="large")
    assert word_zipf("und", GERMAN) > word_zipf("und", ENGLISH)
    assert LETTER_WORD.findall("Team 2026 a B2B Übergabe_x") == ["Team", "Übergabe"]
