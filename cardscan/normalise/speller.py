"""Spelling repair of one word: OCR confusions against the lexicon, then candidates for unknown words.

Why so cautious: a card is a participant's own words, and a wrong "correction" is worse than a typo
because the reader cannot see it. So:

- stage 1 (`ocr_fix`): a word we do not know that is one OCR confusion (`confusions.CONFUSIONS`) away
  from exactly one word we do know is replaced; with a dictionary, only if the token is no common word;
- stage 2 (`general_fix`): a word neither the lexicon nor the dictionary knows gets candidates from up
  to two OCR-typical edits (`confusions.OCR_EDITS`), in long words any letter added or dropped and the
  dictionary's and lexicon's one-edit suggestions; each must be a word or a compound of known parts,
  ranked by edit cost, lexicon and frequency; the word stays unless one candidate is clearly best;
- `common_neighbour`: a rare word of the web list ("offnen", a typo there) one confusion from a far
  commoner word ("öffnen") is that word.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from cardscan.dictionary import DICT_MIN_PART, WORDFREQ_MIN_WORD
from cardscan.normalise.compounds import MIN_COMPOUND_PART
from cardscan.normalise.confusions import (CONFUSIONS, DIGIT_LOOKALIKES, EDGE_MARKS, GENERIC_EDIT_COST, deletions,
                                           is_confusion_only, one_edit_inside, recase, single_edits)
from cardscan.normalise.vocabulary import SHORT_WORD_LENGTH, Vocabulary

__all__ = ["Speller", "MAX_FIX_COST", "CLEAR_MARGIN", "other_ending"]

MAX_FIX_COST = 2.5  # two OCR-typical edits, or one letter added or dropped anywhere
MIN_TWO_EDIT_LENGTH = 8  # two edits in a short word reach too many words ("Larrn" is not "Lärm")
MIN_GENERIC_LENGTH = 6  # a letter added or dropped (elsewhere: the dictionary's suggestions), long words only
EDGE_MIN_ZIPF = 4.0  # a last letter lost at the card's edge may restore a common word, not only a lexicon one
FREQ_WEIGHT = 0.3  # one zipf point (10 × more common) is worth 0.3 of an edit
PART_COMPOUND_BONUS = 0.3  # "Burgerhaushalt" (Burger + Haushalt) is a word only in a weak sense
LEXICON_BONUS = 0.75  # a word of the domain lexicon beats a general word at the same cost
CLEAR_MARGIN = 0.6  # the best candidate must beat the second by this much, else the word stays
STAGE1_MIN_ZIPF_GAP = 1.5  # a common word is only "corrected" into a 30 × more common one
RARE_WORD_ZIPF = 3.3  # web word lists keep typos: "offnen" (2.4), "jungere" (2.0), "tragt" (3.2)
RARE_WORD_GAP = 1.5  # … which only lose to a word one OCR confusion away that is 30 × more common
CASE_ENDINGS = frozenset(("em", "en", "er", "es"))  # "dynamischem"/"dynamischen": grammar, not spelling
STEM_MIN_ZIPF = 3.0  # … when the stem is a word ("dynamisch", "aktiv")


class Speller:
    """Repairs single words against a `Vocabulary`; results are memoised per instance."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.dictionary = vocabulary.dictionary
        self._fix_cache: dict[tuple[str, bool], str | None] = {}
        self._general_cache: dict[tuple[str, bool], tuple[str, str] | None] = {}
        self._valid_cache: dict[tuple[str, bool], float | None] = {}
        self._valid_looked_up: dict[tuple[str, bool], bool] = {}
        self._deletes: dict[str, set[str]] | None = None

    # -- stage 1: one confusion from a lexicon word --------------------------------------------------
    def lexicon_fix(self, tok: str, sentence_start: bool) -> str | None:
        """Stage 1 with its restraint: the fix, unless the token is itself a word about as common."""
        key = (tok, sentence_start)
        fixed = self._fix_cache.get(key, "")
        if fixed == "":
            fixed = self.ocr_fix(tok, sentence_start)
            if fixed and self.dictionary is not None and not self.clearly_better(tok, fixed):
                fixed = None  # "Hauser" is a word too: only one confusion from the lexicon is not enough
            self._fix_cache[key] = fixed
        return fixed

    def ocr_fix(self, tok: str, sentence_start: bool = False) -> str | None:
        """The one known word a single typical OCR confusion away from `tok`, else None."""
        digits = sum(c.isdigit() for c in tok)
        if digits == len(tok):
            return None
        if digits:
            as_number = tok.translate(DIGIT_LOOKALIKES)
            if digits * 2 >= len(tok) and as_number.isdigit():
                return as_number  # "2O19" → "2019"
            if digits * 2 >= len(tok):
                return None
        if not any(c.isalpha() for c in tok):
            return None
        all_caps = tok.isupper()
        found: set[str] = set()
        for wrong, right in CONFUSIONS:
            if all_caps and right in ("ß", "l", "m", "rn", "ü", "ö", "ä", "o"):
                continue  # block capitals: only upper-case confusions make sense
            start = tok.find(wrong)
            while start >= 0:
                cand = tok[:start] + right + tok[start + len(wrong):]
                if self._is_target(cand, all_caps, sentence_start):
                    found.add(cand)
                    if len(found) > 1:
                        return None  # two readings fit: not ours to choose
                start = tok.find(wrong, start + 1)
        return found.pop() if found else None

    def _is_target(self, cand: str, all_caps: bool, sentence_start: bool = False) -> bool:
        """A candidate counts when it is a known word written the way the lexicon writes it.

        Also counted: a noun written lower-case ("burgerhaushalt"), and at a sentence start a
        lower-case word written capitalised ("Fur alle"); elsewhere a capitalised word is a noun
        and must not become an adjective ("Alter" is not "älter").
        """
        if all_caps:
            return self.vocabulary.known(cand)
        forms = self.vocabulary.forms.get(cand.lower())
        if forms is not None:
            if cand in forms:
                return True
            if cand[:1].islower():
                return any(f[1:] == cand[1:] and f[:1].isupper() for f in forms)
            return sentence_start and any(f[1:] == cand[1:] for f in forms)
        return len(cand) >= 2 * MIN_COMPOUND_PART and self.vocabulary.compounds.split(cand.lower()) is not None

    def clearly_better(self, tok: str, fixed: str) -> bool:
        """Whether a lexicon word one confusion away should replace `tok`, which may be a real word."""
        d = self.dictionary
        z_tok = max(d.zipf(tok), d.zipf(tok.lower()))
        if z_tok == 0.0 and not self.vocabulary.dict_word(tok):
            return True
        if not d.has_frequencies:
            return False  # no frequencies: a word the dictionary accepts is left alone
        return max(d.zipf(fixed), d.zipf(fixed.lower()), 4.0) - z_tok >= STAGE1_MIN_ZIPF_GAP

    def common_neighbour(self, tok: str) -> str | None:
        """A rare word of the web word list ("offnen", a common typo there) one OCR-typical confusion
        from a far more common word ("öffnen") is that word; a word with two such neighbours stays."""
        d = self.dictionary
        low = tok.lower()
        if not d.has_frequencies or len(low) < 4 or not low.isalpha():
            return None
        z = d.zipf(low)
        if z >= RARE_WORD_ZIPF:  # (lexicon words never get here: the normaliser keeps them)
            return None
        found = {cand for cand, cost in single_edits(low, generic=False)
                 if cost <= 1.5 and cand != low and d.zipf(cand) - z >= RARE_WORD_GAP
                 and not other_ending(tok, cand, d.zipf)}
        if len(found) != 1:
            return None
        return recase(found.pop(), tok)

    # -- stage 2: a word neither the lexicon nor the dictionary knows ------------------------------
    def general_fix(self, tok: str, generic: bool = True) -> tuple[str, str] | None:
        """The clearly best OCR-aware candidate for an unknown word, as (word, reason), else None.

        Candidates: up to two OCR-typical edits (`OCR_EDITS`), a missing or doubled letter, in
        long words one letter added or dropped anywhere, and the dictionary's own suggestions.
        A candidate must be a word (lexicon, dictionary, or a compound of known parts); its score is
        its edit cost minus a bonus for lexicon words and for frequency. The word stays when the
        best candidate does not beat the second by `CLEAR_MARGIN`.
        """
        key = (tok, generic)  # no letter is added at the end of "Verstetig-" or "Kinder-"
        if key in self._general_cache:
            return self._general_cache[key]
        result = None
        low = tok.lower()
        if len(low) >= 4 and sum(c.isalpha() for c in low) >= len(low) - 1:
            scored = self._scored(low, generic)
            if scored:
                ranked = sorted(scored.items(), key=lambda kv: kv[1])
                best, best_score = ranked[0]
                second = ranked[1][1] if len(ranked) > 1 else float("inf")
                if second - best_score >= CLEAR_MARGIN:
                    new = recase(best, tok)
                    if new is not None and tok[:1] == "l" and best[:1] == "i":
                        new = "I" + new[1:]  # "lndikatoren": the l was a capital I
                    if new is not None and new != tok:
                        reason = "ocr-confusion" if is_confusion_only(low, best) else "spelling"
                        result = (new, reason)
        self._general_cache[key] = result
        return result

    def _scored(self, low: str, generic: bool) -> dict[str, float]:
        """Each candidate word → its score (edit cost minus bonus); words proper beat mere compounds."""
        scored: dict[str, float] = {}
        strong: set[str] = set()  # words proper, not just compounds of dictionary parts
        for cand, cost, far in self._candidates(low, strong, generic):
            if cost > MAX_FIX_COST or cand == low or cand in scored:
                continue
            bonus = self._validity(cand, lookup=cost <= 1.5, part_compounds=cost <= 1.0)
            if bonus is None or (far and not self._far_reading_ok(low, cand, generic)):
                continue
            if bonus <= PART_COMPOUND_BONUS and cost > 1.0:
                continue  # "Tätigkeite" is not "Tätig|kette": mere compounds only by a lost umlaut dot
            score = cost - bonus
            if bonus > PART_COMPOUND_BONUS:
                strong.add(cand)
            if score < scored.get(cand, float("inf")):
                scored[cand] = score
        if strong:  # a word proper beats any mere compound of dictionary parts
            scored = {c: v for c, v in scored.items() if c in strong}
        return scored

    def _far_reading_ok(self, low: str, cand: str, generic: bool) -> bool:
        """A letter added, dropped or changed anywhere (cost 2) reaches many words: only a lexicon word
        (or an inflected form of one) counts, or a common word the card's edge took the last letter of."""
        if self.vocabulary.lexicon_family(cand):
            return True
        return generic and cand[:-1] == low and self.dictionary.zipf(cand) >= EDGE_MIN_ZIPF  # "Tätigkeite|n"

    def _candidates(self, low: str, found: set[str], generic: bool = True) -> Iterator[tuple[str, float, bool]]:
        """(candidate, cost, far) cheapest first; far: any letter added, dropped or changed, not an OCR-typical
        edit. Two-edit readings only when no one-edit reading is a word proper (`found`)."""
        singles = list(single_edits(low, generic=generic and len(low) >= MIN_GENERIC_LENGTH))
        for cand, cost in singles:
            yield cand, cost, cost >= GENERIC_EDIT_COST
        if len(low) >= MIN_GENERIC_LENGTH:
            suggested = self.dictionary.suggest(low) if self.dictionary is not None else []
            if generic and len(low) >= MIN_TWO_EDIT_LENGTH:  # costs as much as two edits
                suggested = [*suggested, *self._lexicon_suggest(low)]
            for cand in suggested:
                if cand != low[:-1] or low[-1] in EDGE_MARKS:  # the edge rule of `single_edits`
                    yield cand, GENERIC_EDIT_COST, True
        if found or len(low) < MIN_TWO_EDIT_LENGTH:
            return
        for cand, cost in singles:
            if cost + 0.75 > MAX_FIX_COST or cost >= GENERIC_EDIT_COST:
                continue
            for cand2, cost2 in single_edits(cand, generic=False):
                yield cand2, cost + cost2, False  # "überninnt": two typical slips cost as much as one far one

    def _lexicon_suggest(self, low: str) -> list[str]:
        """Lexicon words one letter changed, added or dropped away ("Stadtteilkonlerenz", "Aktionsfunds").

        The dictionary's suggestions cover only its common words; rare domain words
        ("Stadtteilkonferenz", 1.2) are what cards are full of. A deletion index, symspell's trick.
        """
        if self._deletes is None:
            index: dict[str, set[str]] = {}
            for w in self.vocabulary.forms:
                if len(w) >= MIN_TWO_EDIT_LENGTH - 1 and w.isalpha():
                    for key in {w, *deletions(w)}:
                        index.setdefault(key, set()).add(w)
            self._deletes = index
        found: set[str] = set()
        for key in (low, *deletions(low)):
            found |= self._deletes.get(key, set())
        return sorted(w for w in found if w != low and one_edit_inside(w, low))

    def _validity(self, cand: str, lookup: bool = True, part_compounds: bool = True) -> float | None:
        """None when `cand` (lower case) is no word; else its bonus (lexicon, frequency).

        `lookup=False` spares Hunspell's slow lookup (it tries every compound split of an unknown
        word) for the many expensive candidates; they must then be lexicon words, stems or compounds.
        `part_compounds=False` skips the (slow, recursive) test for a compound of dictionary parts,
        which only a candidate one lost umlaut dot away may be anyway.
        """
        key = (cand, part_compounds)
        hit = self._valid_cache.get(key, "")
        if hit != "" and (hit is not None or not lookup or self._valid_looked_up.get(key, False)):
            return hit
        self._valid_looked_up[key] = lookup
        bonus = None
        vocabulary, compounds = self.vocabulary, self.vocabulary.compounds
        if cand in vocabulary.forms or compounds.split(cand) is not None:
            bonus = LEXICON_BONUS + FREQ_WEIGHT * vocabulary.zipf_or(cand, 3.0)
        elif self.dictionary is not None:
            d = self.dictionary
            if not d.has_frequencies:
                cap = cand[:1].upper() + cand[1:]
                if cand in d.parts() or (lookup and (d.is_word(cand) or d.is_word(cap))):
                    bonus = FREQ_WEIGHT * 3.0
                elif part_compounds and len(cand) >= 2 * DICT_MIN_PART and compounds.of_dictionary_parts(cand):
                    bonus = PART_COMPOUND_BONUS
            else:
                z = d.zipf(cand)
                if z >= (WORDFREQ_MIN_WORD if len(cand) > SHORT_WORD_LENGTH else RARE_WORD_ZIPF):
                    bonus = FREQ_WEIGHT * z + (LEXICON_BONUS if vocabulary.lexicon_family(cand) else 0.0)
                elif part_compounds and ((len(cand) >= 2 * DICT_MIN_PART and compounds.of_dictionary_parts(cand))
                                         or compounds.attested(cand)):
                    bonus = PART_COMPOUND_BONUS
        self._valid_cache[key] = bonus
        return bonus


def other_ending(word: str, cand: str, zipf: Callable[[str], float]) -> bool:
    """The two are one adjective with another case ending ("aktivem"/"aktiven", "ungültigem"/"ungültigen":
    "aktiv" is a word): the rarer ending is as right as the commoner one, and only the sentence can tell,
    not spelling. A noun's slip ("Verfahrem", "Aufgabem": capitalised, or "verfahr" no word) is still mended.
    `word` as written, `cand` in lower case."""
    word = word if word[:1].islower() else ""  # a capital: a noun (or a sentence's first word: rare enough)
    return len(word) == len(cand) > 4 and word[:-1] == cand[:-1] and word[-2:] in CASE_ENDINGS \
        and cand[-2:] in CASE_ENDINGS and zipf(word[:-2]) >= STEM_MIN_ZIPF
