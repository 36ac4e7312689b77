"""German compounds: may a word we have never seen be built of words we know?

Why it matters: cards are full of compounds no list holds ("Stadtteilzeitungsredaktion"), and a
compound of known parts is a word, so it must not be "corrected". The parts' linking elements (Fugen:
Verstetigung|s|phase, Kinder|n|…) are handled here once, for every splitter in cardscan:
`LINKS`, `head_stems` and `takes_link` are the public helpers other stages use (e.g. `cardscan.embed`).

Three splitters, from strict to loose, each memoised per `Compounds`:
- `split`: parts of the domain lexicon only (with Fugen); a word so split counts as a lexicon word;
- `of_dictionary_parts`: parts that are lexicon words or common words of the general dictionary;
- `attested`: a rare word the web list holds that also splits into known parts, short ones included.
"""
from __future__ import annotations

from collections.abc import Iterator

from cardscan.dictionary import DICT_MIN_PART, WORDFREQ_MIN_SHORT_PART, GermanDictionary
from cardscan.wordlists import CONTRACTIONS, LEMMA_STOP_WORDS, NO_COMPOUND_PART, NO_COMPOUND_TAIL

__all__ = ["LINKS", "MIN_COMPOUND_PART", "head_stems", "takes_link", "Compounds"]

MIN_COMPOUND_PART = 3
INFLECTED_TAIL = ("s", "n", "es", "en")  # a last part's genitive or plural ending
LINK_S_SUFFIXES = ("ung", "heit", "keit", "schaft", "tion", "tät")  # always a linking s before the next part
MIN_LINK_TAIL = 4
SLIP_PART_MIN_ZIPF = 2.5  # a part of a compound a swap is read as ("wohnumfeld" 2.5)
MIN_SLIP_COMPOUND = 10  # words this long: compounds, where a slip hides from the word lists
NO_LINK_HEADS = ("sprung", "schwung", "dung")  # "Sprung|brett": -ung words that are no derivations
IER_VERB_HEAD_MIN_ZIPF = 2.0
VERB_HEAD_MIN_ZIPF = 3.5  # "wohnen", "gruppieren": a common infinitive's stem may head a compound
LINKS = ("", "s", "n", "en", "es", "e")  # linking elements (Fugen), in the order they are tried


def head_stems(head: str, links: tuple[str, ...] = LINKS) -> Iterator[str]:
    """The first part of a compound without its linking element: Verstetigung|s|phase, Kinder|n|…

    `links`: the linking elements in the order they are tried (the first reading wins).
    """
    for link in links:
        if link and not head.endswith(link):
            continue
        stem = head[:len(head) - len(link)] if link else head
        if takes_link(stem, link):
            yield stem


def takes_link(stem: str, link: str) -> bool:
    """No Fugen-s after s, no Fugen-n after n: "Prozesssberatung", "Quartierssentwicklung",
    "Maßnahmennplänen" are no compounds."""
    return not (link in ("s", "es") and stem[-1:] in "sßxz") and not (link == "n" and stem[-1:] == "n")


class Compounds:
    """Compound splitting against the lexicon's forms (lower case → spellings) and a general dictionary."""

    def __init__(self, forms: dict[str, set[str]], dictionary: GermanDictionary | None):
        self.forms = forms
        self.dictionary = dictionary
        self._split_cache: dict[str, list[str] | None] = {}
        self._part_compound_cache: dict[str, bool] = {}
        self._loose_cache: dict[str, bool] = {}
        self._verb_head_cache: dict[str, bool] = {}
        self._head_table: dict[str, str] | None = None
        self._head_starts: frozenset[str] = frozenset()  # first and last letters of the parts, built with the table
        self._tail_ends: frozenset[str] = frozenset()

    def part_ok(self, low: str) -> bool:
        """A lexicon word that may be part of a compound: short parts only as nouns ("Rat", not "dem")."""
        if low in CONTRACTIONS or low in NO_COMPOUND_PART:
            return False  # "Treffpunktfür" is "Treffpunkt für" glued by OCR, never "Treffpunkt|fürs"; "sind|nicht"
        forms = self.forms.get(low)
        return forms is not None and (len(low) >= 4 or any(f[:1].isupper() for f in forms))

    def split(self, low: str) -> list[str] | None:
        """Split a lower-case word into lexicon parts (with Fugen-s/-n/-en/-es/-e), or None. Memoised."""
        if low in self._split_cache:
            return self._split_cache[low]
        heads = self._heads()
        if low[:MIN_COMPOUND_PART] not in self._head_starts or low[-MIN_COMPOUND_PART:] not in self._tail_ends:
            return None  # no lexicon part begins or ends it: two set look-ups spare the loop (most readings tried)
        self._split_cache[low] = None  # guards against re-entry while splitting
        found = None
        for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            stem = heads.get(low[:i])  # the head first: one look-up, the tail may need a split
            if stem is None:
                continue
            tail = low[i:]
            if self.part_ok(tail) and tail not in NO_COMPOUND_TAIL:
                found = [stem, tail]
            elif len(tail) >= 2 * MIN_COMPOUND_PART and (rest := self.split(tail)) is not None:
                found = [stem, *rest]
            if found:
                break
        self._split_cache[low] = found
        return found

    def _heads(self) -> dict[str, str]:
        """Every way a lexicon part may begin a compound (itself or with a linking element) → the part.

        Built once: `split` then looks a head up instead of trying each linking element.
        """
        if self._head_table is None:
            parts = [p for p in self.forms if len(p) >= MIN_COMPOUND_PART and self.part_ok(p)]
            table: dict[str, str] = {}
            for link in LINKS:  # in the order `head_stems` tries them: the first reading wins
                for part in parts:
                    if takes_link(part, link):
                        table.setdefault(part + link, part)
            self._head_starts = frozenset(h[:MIN_COMPOUND_PART] for h in table)
            self._tail_ends = frozenset(p[-MIN_COMPOUND_PART:] for p in parts if p not in NO_COMPOUND_TAIL)
            self._head_table = table
        return self._head_table

    def of_dictionary_parts(self, low: str) -> bool:
        """A compound whose parts are lexicon words or common dictionary words (with Fugen-s etc.)."""
        hit = self._part_compound_cache.get(low)
        if hit is not None:
            return hit
        self._part_compound_cache[low] = False
        parts = self.dictionary.parts() if self.dictionary is not None else frozenset()
        found = False
        for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            tail = low[i:]
            if tail in NO_COMPOUND_TAIL:
                continue  # no compound ends in a function word or an adverb ("kann|nicht", "Ausgangslagen|zusammen")
            tail_ok = self.part_ok(tail) or (len(tail) >= DICT_MIN_PART and tail in parts)
            if not tail_ok and (len(tail) < 2 * MIN_COMPOUND_PART or not self.of_dictionary_parts(tail)):
                continue
            head = low[:i]
            for stem in head_stems(head):
                if stem in NO_COMPOUND_PART:
                    continue
                if (len(stem) >= MIN_COMPOUND_PART and self.part_ok(stem)) or \
                        (len(stem) >= DICT_MIN_PART and stem in parts):
                    found = True
                    break
            if found:
                break
        self._part_compound_cache[low] = found
        return found

    def attested(self, low: str) -> bool:
        """A rare word of the web list that splits into known parts, short ones included: "wohnort|nah"
        (1.7), "Fach|ämtern" (1.3), "Maßnahmen|plan", and heads that drop their -e: "Schul|wege".

        A rare entry alone is as often a typo as a word ("stadteil" 1.8: "stad" is no part), and
        "nah" or "Plan" as parts of unlisted words would make compounds of most typos; both together
        make a word, if only a weak one (it scores as a mere compound).
        """
        d = self.dictionary
        if d is None or len(low) < 2 * MIN_COMPOUND_PART + 1 or not d.is_attested(low):
            return False
        return self._loose_split(low)

    def built_of_parts(self, low: str) -> bool:
        """`attested`'s loose split without the web list's word: may this unseen word be a compound of
        known parts ("Datei|ende", "Hilfs|informationen", "Gruppier|operationen": a verb's stem heads
        it)? Not proof of a word, but a typo fixer must not trade it for another mere compound."""
        return self.dictionary is not None and len(low) >= 2 * MIN_COMPOUND_PART + 1 and low.isalpha() \
            and self._loose_split(low, verb_heads=True)

    def one_slip_compound(self, low: str) -> str | None:
        """A long unseen word one dropped-in letter or one swap from a compound of known parts
        ("Wohnumfelvderbesserungen", "Programmenwde"), when exactly one such compound exists and the
        word itself is none (not even loosely, nor listed); the compound must be listed somewhere, or, when none
        is, a swap's reading built of lexicon parts or common words (`of_two_words`). Only drops and swaps: 2 × n look-ups, where a letter
        changed or added anywhere would be 60 × n, too slow for every long unknown word."""
        d = self.dictionary
        if len(low) < MIN_SLIP_COMPOUND or not low.isalpha() or d.zipf(low) > 0.0 or self.built_of_parts(low) \
                or any(low.endswith(e) and d.zipf(low[:-len(e)]) > 0.0 for e in ("e", "en", "er", "es", "em")):
            return None  # a listed word ("ausgecheckt", 1.9) is a word, however rare, and so are its forms
        near = _drops_and_swaps(low)
        found = {c for c in near if d.zipf(c) > 0.0 or c in self.forms}
        if not found and not self.of_two_words(low):  # none listed: a swap that makes a compound of known parts ("Wohnumfeld|verbesserungen");
            # not a drop, which reads too many unlisted compounds as others ("Formatbezeichner": "Formate|zeichner")
            found = {c for c in near if len(c) == len(low) and self.of_two_words(c)}
        return found.pop() if len(found) == 1 else None

    def of_two_words(self, low: str) -> bool:
        """Two parts, each a lexicon word or a listed word of `SLIP_PART_MIN_ZIPF` ("wohnumfeld|verbesserungen"),
        not the loose split of many short parts ("komma|noder|setzung"): a slip's reading must be built of
        words a reader would know at once."""
        d = self.dictionary

        def word(part: str) -> bool:
            return len(part) >= MIN_LINK_TAIL and (part in self.forms or d.zipf(part) >= SLIP_PART_MIN_ZIPF)

        return any(word(low[i:]) and any(word(stem) for stem in head_stems(low[:i]))
                   for i in range(MIN_LINK_TAIL, len(low) - MIN_LINK_TAIL + 1))

    def missing_link(self, low: str) -> tuple[str, str] | None:
        """The compound with the linking s it lacks after a feminine suffix: German always writes one there
        ("Bürgerbeteiligung|s|prozesse", "Gesundheit|s|amt"), so "Bürgerbeteiligungprozesse" is a slip. Only
        when the tail is a known part of four letters or more and the token no list holds; as (head, tail),
        the caller to say whether the tail is a noun ("Beteiligung|digital" is two words run together)."""
        d = self.dictionary
        if d is None or not low.isalpha() or d.zipf(low) > 0.0:
            return None
        for suffix in LINK_S_SUFFIXES:
            at = low.find(suffix, MIN_COMPOUND_PART)
            while at > 0:
                end = at + len(suffix)
                head, tail = low[:end], low[end:]
                if len(tail) >= MIN_LINK_TAIL and tail[0] not in "se" and not head.endswith(NO_LINK_HEADS) \
                        and self._link_tail(tail) \
                        and (self._loose_part(head) or self._loose_split(head) or head in self.forms):
                    return head, tail
                at = low.find(suffix, at + 1)
        return None

    def _link_tail(self, tail: str) -> bool:
        return self._loose_part(tail) or self.split(tail) is not None or any(
            tail.endswith(e) and self._loose_part(tail[:-len(e)]) for e in INFLECTED_TAIL + ("e",))

    def _loose_split(self, low: str, verb_heads: bool = False) -> bool:
        cache = self._verb_head_cache if verb_heads else self._loose_cache
        hit = cache.get(low)
        if hit is None:
            cache[low] = False  # guards against re-entry
            hit = False
            for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
                tail = low[i:]
                if tail in NO_COMPOUND_TAIL:
                    continue
                if verb_heads and (tail in LEMMA_STOP_WORDS or low[:i] in LEMMA_STOP_WORDS):
                    continue  # "Plan|uns|zelle" is a slip of "Planungszelle": function words are no parts
                if not self._loose_part(tail) and (len(tail) < 2 * MIN_COMPOUND_PART
                                                   or not self._loose_split(tail, verb_heads)) \
                        and not (verb_heads and any(tail.endswith(e) and self._loose_part(tail[:-len(e)])
                                                    for e in INFLECTED_TAIL)):  # "Einfüge|zeiger|s"
                    continue
                if self._loose_head(low[:i]) or (verb_heads and self._verb_head(low[:i])):
                    hit = True
                    break
            cache[low] = hit
        return hit

    def _verb_head(self, head: str) -> bool:
        """A verb's stem heading a compound: "Wohn|raum", "Gruppier|operationen", "Einfüge|marke"; an -ier
        stem is one whenever its verb is listed ("gruppieren" 3.0)."""
        least = IER_VERB_HEAD_MIN_ZIPF if head.endswith("ier") else VERB_HEAD_MIN_ZIPF
        return len(head) >= MIN_COMPOUND_PART + 1 and any(
            self.dictionary.zipf(head + ending) >= least for ending in ("en", "n"))

    def _loose_head(self, head: str) -> bool:
        """A part with its linking element, or a common word that drops its -e: "Schul(e)|wege"."""
        return any(self._loose_part(s) or self.part_ok(s + "e") or self.dictionary.zipf(s + "e") >= WORDFREQ_MIN_SHORT_PART
                   for s in head_stems(head))  # "Stade" (3.6) is no "Stad|teil"; "Hilf(e)|s|informationen" is

    def _loose_part(self, low: str) -> bool:
        d = self.dictionary
        return len(low) >= MIN_COMPOUND_PART and low not in NO_COMPOUND_PART \
            and (self.part_ok(low) or low in d.parts() or low in d.short_parts())


def _drops_and_swaps(word: str) -> set[str]:
    """The word with one letter dropped or two neighbours swapped (a typist's commonest slips in long words),
    inside it: not the first letter ("Bnutzer" is no "Nutzer") nor the last two (endings make other forms)."""
    out = {word[:i] + word[i + 1:] for i in range(1, len(word) - 2)}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 3)}
    out.discard(word)
    return out
