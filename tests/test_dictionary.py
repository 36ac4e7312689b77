"""General German dictionaries: words, frequencies, compound parts, suggestions; nothing loads early."""
from __future__ import annotations

import pytest

from cardscan.dictionary import WordfreqDictionary, get_dictionary
from cardscan.exceptions import BadConfig
from cardscan.normalise import Normaliser


def test_wordfreq_knows_words_case_folded_and_ranks_them():
    d = get_dictionary("wordfreq")
    assert d is get_dictionary("wordfreq")  # one shared instance per process
    assert d.is_word("Förderung") and d.is_word("förderung")
    assert not d.is_word("Stadteilausschüsse")
    assert d.zipf("für") > d.zipf("fur") + 2  # "fur" exists in web text, "für" is far more common
    assert d.zipf("xqzvw") == 0.0


def test_compound_parts_are_common_long_words_only():
    parts = get_dictionary("wordfreq").parts()
    assert {"stadt", "haushalt", "bürger"} <= parts
    assert "eil" not in parts and "stad" not in parts  # typos must not become compounds


def test_short_parts_are_common_and_only_listed_words_may_use_them():
    d = get_dictionary("wordfreq")
    assert {"nah", "plan", "fach", "wege"} <= d.short_parts()
    assert not {"stad", "eil"} & d.short_parts()  # rare: "Stad|teil" stays a typo
    assert not d.short_parts() & d.parts()
    assert d.is_attested("wohnortnah") and not d.is_word("wohnortnah")  # listed, but rare
    assert not d.is_attested("wohmortnah")


def test_suggestions_are_one_edit_away_and_can_be_switched_off():
    assert "gutachten" in WordfreqDictionary().suggest("Gutachtn")
    assert WordfreqDictionary(suggest_max_distance=0).suggest("Gutachtn") == []


def test_an_unknown_dictionary_name_is_a_config_error():
    with pytest.raises(BadConfig, match="Wörterbuch"):
        Normaliser(dictionary="duden")


def test_importing_the_module_loads_no_dictionary():
    import subprocess
    import sys

    code = ("import sys, cardscan.normalise; "
            "print(sorted(m for m in ('wordfreq', 'symspellpy', 'spylls') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_backends_are_registered_and_say_what_they_can():
    from cardscan.dictionary import DEFAULT_DICTIONARY, DICTIONARIES, GermanDictionary, HunspellDictionary

    assert DEFAULT_DICTIONARY in DICTIONARIES and DICTIONARIES["hunspell"] is HunspellDictionary
    assert WordfreqDictionary.has_frequencies and not HunspellDictionary.has_frequencies
    assert not GermanDictionary.has_frequencies


def test_a_dictionary_without_frequencies_never_lets_a_commoner_lookalike_win():
    from cardscan.dictionary import GermanDictionary

    class Accepting(GermanDictionary):
        name = "test"

        def is_word(self, word: str) -> bool:
            return word.lower() in {"hauser", "häuser"}

    n = Normaliser(abbreviations=None, lexicon=None, words=["Häuser"], dictionary=Accepting())
    assert n.normalise("Hauser").text == "Hauser"  # a word the dictionary accepts stays
    assert Normaliser(abbreviations=None, lexicon=None, words=["Häuser"], dictionary=None).normalise(
        "Hauser").text == "Häuser"  # without a judge, one confusion from the lexicon is enough


def test_near_finds_typing_slips_up_to_two_and_the_base_finds_none():
    from cardscan.dictionary import GermanDictionary

    d = get_dictionary("wordfreq")
    assert ("verwaltung", 1) in d.near("Verwaltng", 1)
    assert ("zeitaufwand", 1) in d.near("zeitauwfand", 1)  # a swap is one slip
    assert all(dist <= 1 for _, dist in d.near("verwaltng", 1))
    assert GermanDictionary().near("verwaltng", 2) == []
