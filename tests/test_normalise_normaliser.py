"""cardscan.normalise.normaliser: reformed spelling is its own edit, the raw text keeps the original."""
from cardscan.normalise import normalise


def test_old_spelling_becomes_reformed_with_its_own_reason():
    result = normalise("Wir wissen, daß Streß nicht hilft")
    assert result.text == "Wir wissen, dass Stress nicht hilft"
    assert [(e.original, e.replacement, e.reason) for e in result.edits] == [
        ("daß", "dass", "reformed-spelling"), ("Streß", "Stress", "reformed-spelling")]
    assert result.raw == "Wir wissen, daß Streß nicht hilft"
    assert normalise("Muß das sein?").text == "Muss das sein?"  # the capital is kept


def test_words_whose_sharp_s_is_right_stay():
    assert normalise("Fuß und Straße, weiß und groß").text == "Fuß und Straße, weiß und groß"


def test_parts_of_bracketed_and_hyphenated_compounds_are_not_guessed_at():
    for kept in ("[Vertrauen]sperson (QM)", "(Planungs)verständnis", "Gestaltungs-/ Ermöglichungs-/ Ermächtigungsraum",
                 "Bürger-Info-Tag"):
        assert normalise(kept, expand_abbreviations=False).text == kept, kept


def test_old_spelling_inside_compounds_is_reformed_too():
    assert normalise("Prozeßbegleitung und Mißverständnisse").text == "Prozessbegleitung und Missverständnisse"
    assert normalise("Anschlußfinanzierung für den Bundeszuschuß").text == \
        "Anschlussfinanzierung für den Bundeszuschuss"
    assert normalise("Fußgängerzone und Straßenfest").text == "Fußgängerzone und Straßenfest"
