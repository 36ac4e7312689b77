"""cardscan.normalise.layout: lines joined, offsets kept back to the raw text."""
from cardscan.normalise.layout import layout, layout_words


def test_broken_word_is_joined_and_offsets_point_into_the_raw_text():
    raw = "Verstetig-\nung planen"
    text, offsets, edits = layout(raw)
    assert text == "Verstetigung planen"
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(raw)
    assert raw[offsets[text.index("planen")]:].startswith("planen")
    assert [e.reason for e in edits] == ["hyphenation"]


def test_real_and_suspended_hyphens_are_kept():
    assert layout("Kita-\nPlätze").text == "Kita-Plätze"
    assert layout("Kinder-\nund Jugendarbeit").text == "Kinder- und Jugendarbeit"
    assert layout("Vor-Ort- Büro").text == "Vor-Ort-Büro"
    assert layout("Sport- Kultur- und Bildung").text == "Sport- Kultur- und Bildung"  # suspended: spaces stay


def test_layout_words_are_the_words_after_joining():
    assert layout_words("Bürger-\nhaushalt  für alle") == ["Bürgerhaushalt", "für", "alle"]
