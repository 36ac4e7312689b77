"""Which words we know: the domain lexicon (with its compounds) and a general German dictionary.

Why one object: the speller, the casing and learning from corrections all ask "is this a word?", and
the answers (and their caches) must be the same for all of them.
"""
from __future__ import annotations

from collections.abc import Iterable

from cardscan.dictionary import DICT_MIN_PART, GermanDictionary
from cardscan.normalise.compounds import Compounds

__all__ = ["Vocabulary", "INFLECTIONS", "SHORT_WORD_LENGTH"]

# Case and plural endings a lexicon word may carry (Prozess|es, Fortbildung|en, Ämter|n).
INFLECTIONS = ("e", "n", "s", "en", "es", "er", "ern", "em", "ns")
SHORT_WORD_LENGTH = 4  # web word lists are noisiest here ("lam", "lira", "nung"): short candidates must be common


class Vocabulary:
    """The known words: `forms` maps a lower-case word to the spellings the lexicon uses."""

    def __init__(self, words: Iterable[str], dictionary: GermanDictionary | None):
        self.words: set[str] = set(words)
        self.dictionary = dictionary
        self.forms: dict[str, set[str]] = {}
        for w in self.words:
            self.forms.setdefault(w.lower(), set()).add(w)
        self.compounds = Compounds(self.forms, dictionary)
        self._known_cache: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        """True when the word is in the lexicon (any case), a learned word, a compound of known words,
        or a word of the general dictionary."""
        return self.in_lexicon(word) or (self.dictionary is not None and self.dict_word(word))

    def in_lexicon(self, word: str) -> bool:
        """The domain lexicon alone (with learned words and compounds of lexicon words)."""
        low = word.lower()
        hit = self._known_cache.get(low)
        if hit is None:
            hit = low in self.forms or self.compounds.split(low) is not None
            self._known_cache[low] = hit
        return hit

    def dict_word(self, word: str, compounds: bool = True) -> bool:
        """The general dictionary knows the word as written, or a compound of its common words."""
        d = self.dictionary
        if d.is_word(word) or (word[:1].isupper() and d.is_word(word.lower())) \
                or (word[:1].islower() and d.is_word(word[:1].upper() + word[1:])):
            return True
        return compounds and len(word) >= 2 * DICT_MIN_PART and self.compounds.of_dictionary_parts(word.lower())

    def spelled(self, word: str) -> bool:
        """The lexicon writes the word exactly so (case included)."""
        return word in self.forms.get(word.lower(), ())

    def lexicon_family(self, cand: str) -> bool:
        """A lexicon word or compound, or an inflected form of one ("Prozesses" of "Prozess").

        The lexicon lists the forms cards use most, not every case ending; its bonus is for the domain
        word, so the genitive must not lose to the nominative one letter further away.
        """
        if cand in self.forms or self.compounds.split(cand) is not None:
            return True
        for ending in INFLECTIONS:
            if cand.endswith(ending) and len(cand) - len(ending) > SHORT_WORD_LENGTH:  # not "sich|er"
                stem = cand[:-len(ending)]
                if stem in self.forms or self.compounds.split(stem) is not None:
                    return True
        return False

    def zipf_or(self, word: str, default: float) -> float:
        """The word's frequency, or `default` without a frequency dictionary or for an unlisted word."""
        if self.dictionary is None or not self.dictionary.has_frequencies:
            return default
        return self.dictionary.zipf(word) or default
