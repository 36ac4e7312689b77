"""Names on a card: short capitalised words no list can mend.

Why a module of its own: "Nong Bua Lam Phu", "Tai Tham", "Frau Yildiz" are names, and every stage that
mends words (the speller, the typo stage, the context pass) would read their short parts as slips of
common words ("Bua" → "Bau", "Tham" → "Team"). A short capitalised word beside a capitalised one that no
list holds and no slip explains is taken as part of a name and left as written.
"""
from __future__ import annotations

from collections.abc import Callable

from cardscan.normalise.tokens import Token, neighbour
from cardscan.normalise.vocabulary import Vocabulary

__all__ = ["part_of_name", "MAX_NAME_PART"]

MIN_NAME_PART = 3
MAX_NAME_PART = 6  # a word this short beside an unknown capitalised one is part of a name …
NAME_NEIGHBOUR_ZIPF = 1.0  # … an unknown one: listed at most as a rarity


def part_of_name(tokens: list[Token], i: int, vocabulary: Vocabulary, is_slip: Callable[[str], bool]) -> bool:
    """Token i is short and capitalised, and a neighbour (only a space between) is capitalised, neither in the
    lexicon nor listed, and no slip of a word (`is_slip`: "Jahhre Verlängwrung" are two slipped words)."""
    tok = tokens[i].text
    if vocabulary.dictionary is None or not (MIN_NAME_PART <= len(tok) <= MAX_NAME_PART and tok[:1].isupper()
                                             and tok[1:].islower() and tok.isalpha()):
        return False
    for step in (-1, 1):
        kind, _ = neighbour(tokens, i, step)
        other_kind, other = neighbour(tokens, i, 2 * step)
        if kind == "ws" and other_kind == "word" and other.isalpha() and other[:1].isupper() \
                and other[1:].islower() and len(other) >= 2 and not vocabulary.in_lexicon(other) \
                and vocabulary.dictionary.zipf(other.lower()) < NAME_NEIGHBOUR_ZIPF and not is_slip(other):
            return True
    return False
