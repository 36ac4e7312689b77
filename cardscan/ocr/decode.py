"""Dictionary-guided reading of a text line: PP-OCR's letter probabilities weighed against known words.

Why: PP-OCR picks the likeliest letter at each step, on its own. On a note seen from afar the letters
are 10–15 px high and one stroke decides between "CREATE" and "CREOTE", "EMAIL" and "EMAL". A word
the line's letter probabilities support almost as well, and which is a known word, is the better
reading. Each word of a line that is not a known word is compared with known words a few edits away:
the line's likelihood with that word in its place (the CTC forward score of the recogniser's output)
plus WORD_PRIOR times the word's frequency (Zipf scale) must beat the line as read. Writing the image
clearly shows (a compound like "Quartiersrat", a name) keeps its letters, since a neighbour would cost
far more likelihood than its frequency gains.

Known words: the commonest German and English words (wordfreq, in its wheel; workshops write both;
their frequencies through `cardscan.normalise.language.word_zipf`, the one door to word frequency)
and cardscan's bundled lexicon of domain words. On real notes (issue 15, true outlines,
bench/ocr_quality.py --real) the case-blind character error rate went 0.139 → 0.127 on dev photos
1, 4, 6, 7 (WORD_PRIOR chosen there) and 0.226 → 0.211 once photos 2 and 3 (cursive) joined the dev
set (1.5 gave the same); on the generated evaluation photos' true outlines 0.148 → 0.140. An
unknown word may also be two known words run together ("TOCONFIRM", "MIKETO"): with that, 44
instead of 40 of the 153 dev notes came out exactly right (CER 0.211 → 0.210; generated unchanged). It costs
about a fifth more reading time. Nothing is downloaded.

A word's upper- and lower-case letter count as one (`case_folded`), and among known words equally many
edits away the commoner ones are scored first ("CHECKUST": "checklist" was cut off behind rarer
neighbours): dev 0.210 → 0.208 (photo 1 0.156 → 0.153, photo 2 0.073 → 0.069), generated evaluation
crops unchanged (0.135). Scoring 20 instead of 10 candidates changed nothing (dev 0.208, generated 0.136).

A word with marks around it is looked up by the word inside (`word_core`: "(Bunger)", "PoBLEm:",
"Chamnels,", "COURTNEU'S"); the marks stay as read. Before, such words were skipped as "not letters
only" (42 of the dev misreads whose truth is a known word). All 555 dev notes (bench/ocr_quality.py
--real --split dev): CER 0.165 → 0.162, exactly right 199 → 202; 28 notes better, 4 worse.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from cardscan.resources import bundled_file

WORD_PRIOR = 1.0  # log-likelihood per Zipf unit of a known word's frequency
COMMON_WORDS = 50_000  # of each language, the commonest words count as known
DOMAIN_WORD_ZIPF = 4.0  # a word of the bundled lexicon counts as this frequent
MIN_LENGTH = 3  # shorter words are not looked up (too many neighbours)
MAX_CANDIDATES = 10  # known words per unknown word that are scored
MIN_PROBABILITY = 1e-12
APOSTROPHES = "'’"  # a possessive "'s" after a word is a mark, not part of it ("COURTNEY'S")
SPLIT_JOINED = True  # an unknown word may also be two known words run together
FREQUENCY_LIST = "best"  # wordfreq's list for a known word's frequency (its largest; `normalise.language.word_zipf`)


class Candidate(NamedTuple):
    """A word that may stand in a line's place, and how well the line then scores."""

    word: str
    score: float


@functools.lru_cache(maxsize=1)
def known_words() -> dict[str, float]:
    """Lower-case known words and their frequency (Zipf), loaded once per process."""
    import wordfreq

    from cardscan.normalise.language import word_zipf

    words: dict[str, float] = {}
    for lang in ("de", "en"):
        for word in wordfreq.top_n_list(lang, COMMON_WORDS):
            if word.isalpha() and len(word) >= 2:
                words[word] = max(words.get(word, 0.0), word_zipf(word, lang, wordlist=FREQUENCY_LIST))
    path = bundled_file("lexicon.txt")
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip().lower()
            if word and not word.startswith("#") and word.isalpha():
                words[word] = max(words.get(word, 0.0), DOMAIN_WORD_ZIPF)
    return words


@functools.lru_cache(maxsize=1)
def _words_by_length() -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = {}
    for word in known_words():
        by_length.setdefault(len(word), []).append(word)
    return by_length


def _neighbours(word: str, max_edits: int) -> list[str]:
    """Known words at most `max_edits` edits from `word` (lower case), the nearest first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    by_length = _words_by_length()
    pool = [w for n in range(len(word) - max_edits, len(word) + max_edits + 1) for w in by_length.get(n, ())]
    known = known_words()
    found = process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None)
    found.sort(key=lambda f: (f[1], -known[f[0]]))
    return [w for w, _, _ in found[:MAX_CANDIDATES]]


def ctc_log_likelihood(log_probs: np.ndarray, labels: list[int]) -> float:
    """log P(labels | frames) by the CTC forward algorithm; `log_probs` is frames × classes, blank = 0."""
    ext = np.zeros(2 * len(labels) + 1, dtype=int)
    ext[1::2] = labels
    may_skip = np.zeros(len(ext), bool)
    may_skip[3::2] = ext[3::2] != ext[1:-2:2]  # from one letter straight to the next unless they repeat
    alpha = np.full(len(ext), -np.inf)
    alpha[0] = log_probs[0, 0]
    if len(ext) > 1:
        alpha[1] = log_probs[0, ext[1]]
    for t in range(1, log_probs.shape[0]):
        step = np.concatenate([[-np.inf], alpha[:-1]])
        skip = np.where(may_skip, np.concatenate([[-np.inf, -np.inf], alpha[:-2]]), -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, step), skip) + log_probs[t, ext]
    return float(np.logaddexp(alpha[-1], alpha[-2]) if len(ext) > 1 else alpha[-1])


def case_folded(probs: np.ndarray, alphabet: dict[str, int]) -> np.ndarray:
    """Letter probabilities with each letter's upper and lower case added up (frames × classes).

    Why: on a note in block capitals the recogniser sometimes prefers a lower-case letter ("DISCUSSeI",
    "FiRIDAy"); scored as read, the capitals of the right word then cost as much as a wrong letter."""
    pairs = [(i, alphabet[ch.swapcase()]) for ch, i in alphabet.items()
             if ch.isalpha() and len(ch.swapcase()) == 1 and ch.swapcase() != ch and ch.swapcase() in alphabet]
    if not pairs:
        return probs
    own, other = np.array(pairs).T
    folded = probs.copy()
    folded[:, own] = probs[:, own] + probs[:, other]
    return folded


def _cased_like(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _known_halves(word: str) -> list[tuple[str, str]]:
    """Ways to cut a word into two known words of two letters or more ("MIKETO" → "MIKE", "TO")."""
    known = known_words()
    return [(word[:k], word[k:]) for k in range(2, len(word) - 1)
            if word[:k].lower() in known and word[k:].lower() in known]


def word_core(word: str) -> tuple[str, str, str]:
    """A written word as (leading marks, the word, trailing marks): "(Younger)" → ("(", "Younger", ")"),
    "PROBLEM:" → ("", "PROBLEM", ":"), "COURTNEY'S" → ("", "COURTNEY", "'S"). Why: notes carry brackets,
    quotes, commas and colons on their words; the word inside is looked up, the marks stay as read."""
    start, end = 0, len(word)
    while start < end and not word[start].isalpha():
        start += 1
    while end > start and not word[end - 1].isalpha():
        end -= 1
    if end - start > 3 and word[end - 2] in APOSTROPHES and word[end - 1] in "sS":
        end -= 2
    return word[:start], word[start:end], word[end:]


def unknown_words(text: str) -> list[int]:
    """Positions (in ``text.split(" ")``) of words worth looking up: letters only once the marks around
    them are set aside (`word_core`), not known."""
    known = known_words()
    return [i for i, word in enumerate(text.split(" "))
            if len(core := word_core(word)[1]) >= MIN_LENGTH and core.isalpha() and core.lower() not in known]


def best_words(text: str, probs: np.ndarray, alphabet: dict[str, int], prior: float = WORD_PRIOR) -> str:
    """The line ``text`` as the recogniser read it (`probs`: frames × classes), with each unknown word
    replaced by the known word that scores best, if one beats it."""
    words = text.split(" ")
    suspects = unknown_words(text)
    if not suspects:
        return text
    log_probs = np.log(np.maximum(case_folded(probs, alphabet), MIN_PROBABILITY))
    known = known_words()

    def line_score(candidate: list[str]) -> float:
        labels = [alphabet.get(ch) for ch in " ".join(candidate)]
        return -np.inf if None in labels else ctc_log_likelihood(log_probs, labels)

    as_read = line_score(words)
    for i in suspects:
        word = words[i]
        lead, core, trail = word_core(word)
        best = Candidate(word, as_read)
        for other in _neighbours(core.lower(), max(1, len(core) // 3)):
            cased = lead + _cased_like(other, core) + trail
            score = line_score(words[:i] + [cased] + words[i + 1:]) + prior * known[other]
            if score > best.score:
                best = Candidate(cased, score)
        for left, right in _known_halves(core) if SPLIT_JOINED else ():
            score = line_score(words[:i] + [lead + left, right + trail] + words[i + 1:]) + prior * (
                known[left.lower()] + known[right.lower()]) / 2
            if score > best.score:
                best = Candidate(f"{lead}{left} {right}{trail}", score)
        if best.word != word:
            words[i] = best.word
            as_read = line_score(words)
    return " ".join(words)
