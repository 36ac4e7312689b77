"""cardscan.ocr.decode: unknown words of a line weighed against known words by the recogniser's letter probabilities."""
import itertools

import numpy as np
import pytest

from cardscan.ocr.decode import best_words, case_folded, ctc_log_likelihood, known_words, unknown_words

ALPHABET = {ch: i for i, ch in enumerate(["blank"] + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ "))}


def frames(*letters: dict[str, float], alphabet: dict[str, int] = ALPHABET) -> np.ndarray:
    """One frame per letter position (each followed by a blank frame), probabilities as given, rest spread thin."""
    rows = []
    for spread in letters:
        for probs in (spread, {"blank": 0.98}):
            row = np.full(len(alphabet), 1e-4)
            for ch, p in probs.items():
                row[alphabet[ch]] = p
            rows.append(row / row.sum())
    return np.array(rows)


def test_ctc_likelihood_sums_every_alignment():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(3), size=4)  # 4 frames, classes blank, a, b
    labels = [1, 1]  # "aa": needs a blank between the two a's

    def collapse(path):
        out = [k for k, _ in itertools.groupby(path)]
        return [k for k in out if k != 0]

    brute = sum(np.prod([probs[t, k] for t, k in enumerate(path)])
                for path in itertools.product(range(3), repeat=4) if collapse(path) == labels)
    assert ctc_log_likelihood(np.log(probs), labels) == pytest.approx(np.log(brute))


def test_a_letter_the_recogniser_hesitated_over_becomes_the_known_word():
    probs = frames({"C": 0.9}, {"R": 0.9}, {"E": 0.9}, {"O": 0.5, "A": 0.4}, {"T": 0.9}, {"E": 0.9})
    assert "creote" not in known_words() and unknown_words("CREOTE") == [0]
    assert best_words("CREOTE", probs, ALPHABET) == "CREATE"


def test_a_word_the_image_clearly_shows_keeps_its_letters():
    # a name or compound nobody listed, read surely: no known word is worth the lost likelihood
    probs = frames(*({ch: 0.97} for ch in "KIEZRAT"))
    assert unknown_words("KIEZRAT") == [0]
    assert best_words("KIEZRAT", probs, ALPHABET) == "KIEZRAT"


def test_known_words_come_from_both_languages_and_the_bundled_lexicon():
    words = known_words()
    assert {"create", "email", "bürger", "quartiersrat"} <= set(words)
    assert unknown_words("EMAIL an den Quartiersrat 2024") == []


def test_two_known_words_run_together_are_cut_apart_where_the_letters_allow_a_space():
    # "MIKE TO" written with a narrow gap: the recogniser half-saw the space
    letters = [{ch: 0.97} for ch in "MIKE"] + [{" ": 0.4, "blank": 0.55}] + [{ch: 0.97} for ch in "TO"]
    probs = frames(*letters)
    assert best_words("MIKETO", probs, ALPHABET) == "MIKE TO"
    # no hint of a gap: the line stays as read ("Kiezrat" is no known word, nor are its halves both)
    solid = frames(*({ch: 0.97} for ch in "KIEZRAT"))
    assert best_words("KIEZRAT", solid, ALPHABET) == "KIEZRAT"


def test_a_lower_case_letter_in_block_capitals_counts_for_its_capital():
    # "CREOTe": the recogniser hesitated between O and A and preferred a small e at the end
    alphabet = {ch: i for i, ch in enumerate(["blank"] + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz"))}
    letters = [{"C": 0.9}, {"R": 0.9}, {"E": 0.9}, {"O": 0.5, "A": 0.4}, {"T": 0.9}, {"e": 0.6, "E": 0.3}]
    probs = frames(*letters, alphabet=alphabet)
    folded = case_folded(probs, alphabet)
    assert folded[0, alphabet["C"]] == pytest.approx(folded[0, alphabet["c"]])
    assert folded[0, alphabet["C"]] > probs[0, alphabet["C"]]
    assert best_words("CREOTe", probs, alphabet).upper() == "CREATE"


def test_a_word_with_marks_around_it_is_looked_up_and_keeps_its_marks():
    from cardscan.ocr.decode import word_core

    alphabet = {**ALPHABET, "(": len(ALPHABET), ")": len(ALPHABET) + 1, ":": len(ALPHABET) + 2}
    assert word_core("(CREOTE):") == ("(", "CREOTE", "):") and word_core("COURTNEU'S") == ("", "COURTNEU", "'S")
    assert unknown_words("(CREOTE): EBOOKS") == [0]  # was skipped: not letters only
    probs = frames({"(": 0.9}, {"C": 0.9}, {"R": 0.9}, {"E": 0.9}, {"O": 0.5, "A": 0.4}, {"T": 0.9}, {"E": 0.9},
                   {")": 0.9}, {":": 0.9}, alphabet=alphabet)
    assert best_words("(CREOTE):", probs, alphabet) == "(CREATE):"
