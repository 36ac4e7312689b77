"""Typing slips and other engines' misreadings: a word no other stage could repair.

Why a stage of its own: the speller's candidates are OCR-shaped (our readers' look-alike letters), and
it only accepts a far reading ("any letter added or dropped") when it is a lexicon word. Typed-up notes
and other OCR engines drop, add, change and swap letters anywhere ("Verwaltng", "Netzwerkk",
"Zeitauwfand"); this stage reads those, and inside compounds ("Stadtteilfods" → "Stadtteil|fonds").

Restraint: only a token that is no word at all (not in the lexicon, not in the dictionary, no compound
of known parts) reaches here; candidates are common words (zipf ≥ 3, a second slip costs more) or
lexicon words; the best must beat the second by `TYPO_MARGIN`, else the token stays.
"""
from __future__ import annotations

from cardscan.normalise.compounds import head_stems
from cardscan.normalise.confusions import damerau, deletions
from cardscan.normalise.vocabulary import Vocabulary

__all__ = ["TypoFixer"]

TYPO_MIN_LENGTH = 4  # "Auh" could be "Auch", "Aug", "Au": too many words for three letters …
SHORT_TYPO_MIN_ZIPF = 5.5  # … unless small and one slip from a very common word: "hta", "unc", "nud", "ixt"
TWO_SLIP_LENGTH = 8  # a second slip only in long words ("Verstetigunsgphse")
SLIP_COST = 2.0  # zipf points per slip: a reading two slips away must be 100 × more common
TYPO_MIN_ZIPF = 3.0  # web word lists hold typos among their rare words
SHORT_WORD = 5  # words this short reach names and rarities one slip away ("Larrn" → "Larry", 3.7) …
SHORT_MIN_ZIPF = 4.0  # … so their reading must be a common word
LEXICON_BONUS = 1.0
COMPOUND_BASE = 3.0  # a repaired compound scores like a word of zipf 3
TYPO_MARGIN = 1.0
MIN_PART = 4


class TypoFixer:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.dictionary = vocabulary.dictionary
        self._cache: dict[str, str | None] = {}
        self._deletes: dict[str, set[str]] | None = None

    def fix(self, low: str) -> str | None:
        """The clearly best reading (lower case) of an unknown lower-case word, else None."""
        if low in self._cache:
            return self._cache[low]
        result = None
        if len(low) >= TYPO_MIN_LENGTH - 1 and low.isalpha() and self.dictionary is not None:
            scored = self._whole(low)
            if len(low) < TYPO_MIN_LENGTH:
                scored = {c: v for c, v in scored.items() if self.dictionary.zipf(c) >= SHORT_TYPO_MIN_ZIPF}
            if len(low) >= 2 * MIN_PART + 1 and not self.dictionary.is_attested(low):  # "Mühlburger": a name
                for cand, score in self._compound(low).items():
                    scored[cand] = max(score, scored.get(cand, -99.0))
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            if ranked and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= TYPO_MARGIN) \
                    and not self._another_ending(low, ranked[0][0], scored):
                result = ranked[0][0]
        self._cache[low] = result
        return result

    @staticmethod
    def _another_ending(low: str, best: str, scored: dict[str, float]) -> bool:
        """A slip in the last two letters, with other readings about: the ending makes the word
        ("Gutachtes": Gutachten? Gutachtens? Gutachter?), so the choice is not ours."""
        stem = len(low) - 2
        return len(scored) > 1 and best[:stem] == low[:stem] and len(best) - len(low) in (-1, 0, 1)

    def _max_slips(self, word: str) -> int:
        return 2 if len(word) >= TWO_SLIP_LENGTH else 1

    def _whole(self, low: str) -> dict[str, float]:
        """Common and lexicon words up to one slip (two in long words) from `low`, scored."""
        scored: dict[str, float] = {}
        d = self.dictionary
        min_zipf = SHORT_MIN_ZIPF if len(low) <= SHORT_WORD else TYPO_MIN_ZIPF
        for term, dist in d.near(low, self._max_slips(low)):
            z = d.zipf(term)
            if z < min_zipf:
                continue
            bonus = LEXICON_BONUS if self.vocabulary.lexicon_family(term) else 0.0
            scored[term] = z + bonus - SLIP_COST * dist
        for term in self._lexicon_near(low):
            dist = damerau(low, term, 2)
            if dist <= self._max_slips(low):
                z = max(d.zipf(term), TYPO_MIN_ZIPF)
                scored[term] = max(scored.get(term, -99.0), z + LEXICON_BONUS - SLIP_COST * dist)
        return scored

    def _lexicon_near(self, low: str) -> set[str]:
        """Lexicon words one delete from `low` or from which one delete gives `low` (symspell's trick)."""
        if self._deletes is None:
            index: dict[str, set[str]] = {}
            for w in self.vocabulary.forms:
                if len(w) >= TYPO_MIN_LENGTH and w.isalpha():
                    for key in {w, *deletions(w)}:
                        index.setdefault(key, set()).add(w)
            self._deletes = index
        found: set[str] = set()
        for key in (low, *deletions(low)):
            found |= self._deletes.get(key, set())
        found.discard(low)
        return found

    def _known_part(self, part: str) -> bool:
        compounds = self.vocabulary.compounds
        parts = self.dictionary.parts()
        return any(compounds.part_ok(s) or (len(s) >= MIN_PART and s in parts) for s in head_stems(part))

    def _known_tail(self, part: str) -> bool:
        return self.vocabulary.compounds.part_ok(part) or part in self.dictionary.parts()

    def _compound(self, low: str) -> dict[str, float]:
        """A slip inside one part of a compound whose other part is known: "stadtteil|fods" → "…fonds"."""
        scored: dict[str, float] = {}
        for i in range(MIN_PART, len(low) - MIN_PART + 1):
            head, tail = low[:i], low[i:]
            if self._known_part(head) and not self._known_tail(tail):
                for fixed, dist in self._part_fixes(tail, head=False):
                    if self._known_tail(fixed):
                        scored[head + fixed] = max(scored.get(head + fixed, -99.0), COMPOUND_BASE - SLIP_COST * dist)
            elif self._known_tail(tail) and not self._known_part(head):
                for fixed, dist in self._part_fixes(head, head=True):
                    if self._known_part(fixed):
                        scored[fixed + tail] = max(scored.get(fixed + tail, -99.0), COMPOUND_BASE - SLIP_COST * dist)
        return scored

    def _part_fixes(self, part: str, head: bool) -> list[tuple[str, int]]:
        """One slip inside a part; not a letter added or dropped where the parts meet: that is a linking
        element ("miet|freie" is no "miete|freie"), not a slip."""
        d = self.dictionary
        found = [(t, dist) for t, dist in d.near(part, 1) if d.zipf(t) >= TYPO_MIN_ZIPF]
        found += [(t, 1) for t in self._lexicon_near(part) if damerau(part, t, 1) <= 1]
        found = [(t, k) for t, k in found if len(t) >= MIN_PART + 1]  # "mühl" → "müll": too short to tell
        if head:
            return [(t, k) for t, k in found if t[:-1] != part and part[:-1] != t]
        return [(t, k) for t, k in found if t[1:] != part and part[1:] != t]
