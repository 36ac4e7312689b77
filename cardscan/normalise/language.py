"""Which language a board is written in, decided from all its cards at once.

Why per board and not per card or line: a card holds two to six words, often OCR-damaged, and many
words are shared ("Team", "Feedback", "Online"); one card alone is a coin toss. A board is written in
one language by one group, so the words of all its cards together decide, and then every card is
treated alike. Why it matters: the German speller "corrects" English words into German look-alikes
("phone" → "pläne"); on an English board the cards are left as written (layout and symbols only).

How: each word votes with how much commoner it is in English than in German (wordfreq's zipf
frequencies, both tables in its wheel, nothing downloaded), capped so one word cannot decide; words
neither list knows (OCR damage, names) vote nothing. English wins only when the mean vote per word is
clearly positive and enough words voted: German stays the default, since minutes are German.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["GERMAN", "ENGLISH", "LETTER_WORD", "board_language", "language_score", "word_zipf"]

GERMAN, ENGLISH = "de", "en"
MAX_VOTE = 2.0  # zipf difference one word may contribute (the/und decide, but not alone)
FLOOR_ZIPF = 1.0  # an unlisted word counts as this rare in that language
MIN_WORDS = 3  # fewer voting words than this: too little to leave the German default
ENGLISH_MEAN = 0.5  # mean vote per word above which the board is English
LETTER_WORD = re.compile(r"[^\W\d_]{2,}")  # a word a general word list can know: two letters or more, no digits


def word_zipf(word: str, language: str, wordlist: str = "small") -> float:
    """wordfreq's zipf frequency of `word` in `language` ("de", "en"; 0.0 when unlisted).

    Why one helper: "is this English rather than German?" is asked in several places (the board vote
    here, the speller's borrowed words, the typo fixer's loans, the heading re-read's known words); they
    all read the same tables through this one door, so a change of source or list shows up everywhere at
    once. `wordlist` stays each caller's choice ("small" for common words, "large" to reach rare loans),
    as the callers' thresholds were set against their list. wordfreq is imported here, on first use."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language, wordlist=wordlist)


@lru_cache(maxsize=20000)
def _vote(low: str) -> float | None:
    """How much commoner the word is in English than in German (zipf), capped; None when unknown in both."""
    en = word_zipf(low, ENGLISH)
    de = word_zipf(low, GERMAN)
    if en == 0.0 and de == 0.0:
        return None
    diff = max(en, FLOOR_ZIPF) - max(de, FLOOR_ZIPF)
    return max(-MAX_VOTE, min(MAX_VOTE, diff))


def language_score(texts: Iterable[str]) -> tuple[float, int]:
    """(mean English-over-German vote per known word, number of words that voted) over all texts."""
    votes = [v for text in texts if text for w in LETTER_WORD.findall(text) if (v := _vote(w.lower())) is not None]
    return (sum(votes) / len(votes) if votes else 0.0), len(votes)


def board_language(texts: Iterable[str]) -> str:
    """"en" when the board's cards together are clearly English, else "de" (the default)."""
    mean, n = language_score(texts)
    return ENGLISH if n >= MIN_WORDS and mean > ENGLISH_MEAN else GERMAN
