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

from functools import lru_cache

from cardscan.dictionary import GermanDictionary
from cardscan.normalise.compounds import LINKS, head_stems, takes_link
from cardscan.normalise.channel import ORDINARY, slip_cost
from cardscan.normalise.confusions import damerau, one_slip
from cardscan.normalise.language import ENGLISH, word_zipf
from cardscan.normalise.vocabulary import Vocabulary
from cardscan.wordlists import VERB_PARTICLES

__all__ = ["TypoFixer"]

TYPO_MIN_LENGTH = 4  # "Auh" could be "Auch", "Aug", "Au": too many words for three letters …
SHORT_TYPO_MIN_ZIPF = 5.5  # … unless small and one slip from a very common word: "hta", "unc", "nud", "ixt"
TWO_SLIP_LENGTH = 8  # a second slip only in long words ("Verstetigunsgphse")
SECOND_SLIP = 1.5  # zipf: a word seldom holds two slips (a reading two edits away must be 30,000 × more common)
SLIP_COST = 3.0  # zipf points per slip: a reading two slips away must be 1,000 × more common
TYPO_MIN_ZIPF = 3.0  # web word lists hold typos among their rare words
RARE_LONG_MIN_ZIPF = 1.5  # a long unlisted token one slip from a rarer listed word: few long words lie so near
FAMILY_MIN_STEM = 7
FAMILY_ENDINGS = ("e", "en", "er", "es", "em", "n", "s", "t", "te", "ten", "ung", "ungen")
LONG_MIN_ZIPF = 2.5  # long words have few neighbours: "Bolzpaltz" → "Bolzplatz" (2.8)
ENDING_MIN_LENGTH = 6
ENDING_MIN_SHARE = 0.002  # "ei" (0.23 % of common words: "Kümmerei" is plausible), not "eb", "mg", "rl"
EM_STEM_MIN_ZIPF = 2.0  # an adjective's stem before -em ("aktuell|em"); a verb's ("anwend") is no word
ENDING_MARGIN = 2.0  # another ending this close in score makes the choice ambiguous ("personal" 3.5 ≫ "persona")
LISTED_GAP = 3.0  # a listed rare word is read as a word 1,000 × more common ("nud" 1.9 → "und" 7.4)
SHORT_WORD = 5  # words this short reach names and rarities one slip away ("Larrn" → "Larry", 3.7) …
SHORT_MIN_ZIPF = 4.0  # … so their reading must be a common word …
SHORT_ORDINARY_MIN_ZIPF = 3.5  # … or, one ordinary slip off (a letter dropped, two swapped), a fairly common
# one ("Aufzg" → "Aufzug" 3.9, "lentk" → "lenkt" 3.7; not "Larrn" → "Larry", "Tinga" → "Tina")
STEM_ENDINGS = ("", "e", "n", "en", "er", "el", "s")  # what turns a stem into a word ("kümmer|n", "gutacht|en")
LEXICON_BONUS = 1.0
COMPOUND_BASE = 3.0  # a repaired compound scores like a word of zipf 3
TYPO_MARGIN = 1.0
MIN_PART = 4
TAIL_ENDINGS = ("s", "n", "en", "es", "e")  # a compound's last part with its case or plural ending
ATTESTED_BONUS = 1.0  # a mended compound the web list holds beats one it does not
FORM_MIN_LENGTH = 6
FORM_ENDINGS = ("e", "en", "er", "es", "em")  # an adjective's or participle's case ending
NOUN_SUFFIXES = ("ung", "heit", "keit", "schaft", "tion", "tät", "nis", "ment", "ist", "ant", "ent")
FORM_MIN_ZIPF = 2.0  # the listed verb a participle is built on ("eintippen" 2.6) …
PLAIN_VERB_MIN_ZIPF = 3.5  # … a common one without a particle ("typen"; not the web's "weren" in "Gewerte")
ENDING_FORM_MIN_ZIPF = 3.0  # the listed word an ending is put on ("behalten"; not the web's "objet" in "Objete")
IERT_VERB_MIN_ZIPF = 1.0  # an -ieren verb listed at all ("partitionieren" 1.2): its -iert forms are regular
PREFIXED_MIN_ZIPF = 3.0  # "re|indiziert", "un|verbindlich": a prefix before a common listed word
# prefixes of regular forms: the verb particles and "re", "un", "miss", "ur" ("aus|schriften", "um|brechbar")
FORM_PREFIXES = ("re", "un", "miss", "ur", *sorted(VERB_PARTICLES))
PARTICIPLE_ENDINGS = ("end", "ende", "enden", "ender", "endes", "endem")
PART_MIN_ZIPF = 3.5  # a part mended inside a compound must be a common word …
_LINK_LETTERS = frozenset("sne")
LONG_PART = 7  # … or, this long, a listed word at least
LONG_PART_MIN_ZIPF = 2.5
LISTED_PART_LENGTH = 6  # a listed head this long ("cursor" 2.7) is a part as written …
LISTED_PART_MIN_ZIPF = 2.5
VERB_STEM_MIN_ZIPF = 3.5  # a verb's stem in -e heads compounds ("Einfüge|modus", "Anzeige|…") when the verb is common
RARE_PART_LENGTH = 9  # … and a part this long may be mended into a rare listed word
RARE_PART_MIN_ZIPF = 2.0  # dictionary.WORDFREQ_MIN_WORD: rarer entries are as often typos ("dreingabe" 1.98)
PART_WORD_ZIPF = 2.5  # a part listed this often is a word as written ("lern|paten"); rarer ones are web scraps ("berich")


class TypoFixer:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.dictionary = vocabulary.dictionary
        self._cache: dict[tuple[str, float, bool], str | None] = {}

    def fix(self, low: str, listed_zipf: float = 0.0, compounds: bool = True) -> str | None:
        """The clearly best reading (lower case) of an unknown lower-case word, else None.

        `listed_zipf`: the word is itself a rare entry of the web word list (typos are, there: "nud",
        "vnd", "mti"); then its reading must be `LISTED_GAP` more common, and compounds are not mended.
        `compounds=False`: only listed and lexicon words are readings (for a token that is itself a
        compound of dictionary parts, "Projekt|fands": a mended part would be no likelier than it).
        """
        key = (low, listed_zipf, compounds)
        if key in self._cache:
            return self._cache[key]
        result = None
        if len(low) >= TYPO_MIN_LENGTH - 1 and low.isalpha() and self.dictionary is not None \
                and not self._participle(low) and not self.word_form(low) \
                and not (compounds and self._known_split(low)):
            scored = self._whole(low)
            if len(low) < TYPO_MIN_LENGTH:
                scored = {c: v for c, v in scored.items() if self.dictionary.zipf(c) >= SHORT_TYPO_MIN_ZIPF}
            if listed_zipf:
                scored = {c: v for c, v in scored.items() if self.dictionary.zipf(c) - listed_zipf >= LISTED_GAP}
            elif compounds and len(low) >= 2 * MIN_PART + 1 and not self.dictionary.is_attested(low) \
                    and not self._of_compounds(low):
                # (a listed word is not mended as a compound: "Mühlburger" is a name)
                for cand, score in self._compound(low).items():
                    bonus = ATTESTED_BONUS if self.dictionary.is_attested(cand) else 0.0  # "Umsetzungs|schritte"
                    scored[cand] = max(score + bonus, scored.get(cand, -99.0))
            scored = _sharp_s_as_written(low, scored)
            # a letter added or dropped at the end makes another form ("aufsuchende" → "aufsuchen"):
            # the last letter lost at the card's edge is the speller's to judge, with its own restraint
            unlisted_long = len(low) >= TWO_SLIP_LENGTH and not self.dictionary.is_attested(low)
            scored = {c: v for c, v in scored.items() if not (c.startswith(low) or low.startswith(c))
                      or (unlisted_long and len(c) == len(low) + 1)}  # "gegebenenfall|s": no word ends so
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            if ranked and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= TYPO_MARGIN) \
                    and not self._another_ending(low, ranked[0][0], scored):
                result = ranked[0][0]
        self._cache[key] = result
        return result

    def word_form(self, low: str) -> bool:
        """A regular form of a listed word, which lists rarely hold: an adjective's ending on a listed word
        ("behalten|e"), a participle of a listed verb ("partitionier|t|e" of "partitionieren", "ein|ge|tipp|t|e"
        of "eintippen"), a prefix before a listed word ("re|indiziert"). Not a slip: the typo stage leaves it."""
        d = self.dictionary
        if d is None or len(low) < FORM_MIN_LENGTH or not low.isalpha():
            return False
        cores = [low] + [low[:-len(e)] for e in FORM_ENDINGS if low.endswith(e) and len(low) - len(e) >= MIN_PART + 1
                         and low[-len(e) - 1] != e[0]]  # not "Kinde|er", "Ziele|e": a letter doubled at the end
        if any(core.endswith(("t", "en")) and not core.endswith(NOUN_SUFFIXES) and d.zipf(core) >= ENDING_FORM_MIN_ZIPF
               and not _english_loan(core, d.zipf(core)) for core in cores[1:]):
            return True  # a participle's ending: "behalten|e", "gewünscht|en"; not "Quarter|en" (an English word:
            # "Quartieren" meant), nor a noun's lost last letter ("Fortbildunge|n", "Tätigkeite|n")
        for core in cores:
            if core.endswith("iert") and d.zipf(core[:-1] + "en") >= IERT_VERB_MIN_ZIPF:
                return True  # "partitioniert|e": an -ieren verb's participle
            if core.endswith("t"):
                for particle in ("", *sorted(VERB_PARTICLES)):  # a slip after a particle: as in a compound
                    stem = core[len(particle) + 2:-1]
                    if core.startswith(particle + "ge") and len(stem) >= 3 \
                            and d.zipf(particle + stem + "en") >= (FORM_MIN_ZIPF if particle else PLAIN_VERB_MIN_ZIPF):
                        return True  # "ein|ge|tipp|t", "ge|typ|t"
        return any(low.startswith(p) and len(low) - len(p) >= FORM_MIN_LENGTH - 1
                   and d.zipf(low[len(p):]) >= PREFIXED_MIN_ZIPF for p in FORM_PREFIXES)  # "re|indiziert"

    def compound_of_parts(self, low: str) -> bool:
        """A compound of two parts this stage counts as known, long rare parts included ("scharnier|funktion")."""
        return self._known_split(low)

    def _known_split(self, low: str) -> bool:
        """A compound of two parts this stage counts as known (long rare parts included: "Ermöglichung|s|raum"):
        a word, not a slip; the stricter `Vocabulary.known` may not have seen it so."""
        return any(self._known_part(low[:i]) and self._known_tail(low[i:])
                   for i in range(MIN_PART, len(low) - MIN_PART + 1) if self._long_part(low[:i].rstrip("s")))

    def _another_ending(self, low: str, best: str, scored: dict[str, float]) -> bool:
        """A slip in the last two letters, with other readings about, or a letter added or dropped at
        the end: the ending makes the word ("Gutachtes": Gutachten? Gutachtens? Gutachter?), so the
        choice is not ours. In short words ("übed": über, übel) the frequencies decide."""
        stem = len(low) - 2
        if len(low) < ENDING_MIN_LENGTH or best[:stem] != low[:stem] or not self._plausible_ending(low):
            return False  # "aktualisiereb", "Aufwandsabschätzumg": no German word ends so, the end is the slip
        if low.endswith("em") and best == low[:-1] + "n" and self.dictionary.zipf(low[:-2]) < EM_STEM_MIN_ZIPF:
            return False  # "anwendem", "werdem": -em ends adjectives, and "anwend" is none: the n was mistyped
        if self.dictionary.is_attested(low):
            return True  # a listed word with another ending is another form ("befristen", not "befristet")
        if len(best) == len(low) and sum(a != b for a, b in zip(best, low)) == 1:
            # a changed last letter makes another word ("Kümmerei" is no "Kümmerer"); a swap may pass; so
            # may a slip inside a stem no ending is put on ("Verstetigungsphass": "…pha" takes none)
            return self._stem_takes_ending(low[:stem])
        return any(c != best and c[:stem] == low[:stem] and abs(len(c) - len(low)) <= 1
                   and scored[best] - v < ENDING_MARGIN for c, v in scored.items())

    def _stem_takes_ending(self, stem: str) -> bool:
        """Whether a known word is the stem with an ending ("kümmer|n", "gutacht|en") or the stem itself."""
        d, vocabulary = self.dictionary, self.vocabulary
        return any(d.zipf(stem + e) > 0.0 or vocabulary.in_lexicon(stem + e) for e in STEM_ENDINGS)

    def _plausible_ending(self, low: str) -> bool:
        """Whether common German words end in `low`'s last two letters (`ENDING_MIN_SHARE` of them)."""
        return low[-2:] in _common_endings(self.dictionary)

    def _participle(self, low: str) -> bool:
        """"aufsuchende", "begleitender": a verb's present participle, inflected; lists rarely hold them."""
        for ending in PARTICIPLE_ENDINGS:
            if low.endswith(ending) and len(low) - len(ending) >= TYPO_MIN_LENGTH:
                verb = low[:len(low) - len(ending)] + "en"
                if self.dictionary.zipf(verb) >= TYPO_MIN_ZIPF or self.vocabulary.in_lexicon(verb):
                    return True
        return False

    def _max_slips(self, word: str) -> int:
        return 2 if len(word) >= TWO_SLIP_LENGTH and not self.dictionary.is_attested(word) \
            and not self._compound_like(word) else 1  # a listed word ("Herkünfte") is never two slips off

    def _compound_like(self, low: str) -> bool:
        """An unlisted compound of a listed head and a known last part ("Haus|warte", "Lern|paten"):
        two slips away lie other words ("Haushalte", "Lernten"), so only one slip is looked for."""
        d = self.dictionary
        for i in range(3, len(low) - MIN_PART + 1):
            head, tail = low[:i], low[i:]
            if (self._known_tail(tail) or d.zipf(tail) >= TYPO_MIN_ZIPF) and (
                    d.is_attested(head) or any(self._known_part(s) for s in head_stems(head))):
                return True
        return False

    def _whole(self, low: str) -> dict[str, float]:
        """Common and lexicon words up to one slip (two in long words) from `low`, scored."""
        scored: dict[str, float] = {}
        d = self.dictionary
        min_zipf = SHORT_MIN_ZIPF if len(low) <= SHORT_WORD else LONG_MIN_ZIPF if len(low) >= TWO_SLIP_LENGTH \
            and not d.is_attested(low) else TYPO_MIN_ZIPF  # a listed rare word ("Mühlburg") may be a name
        for term, dist in d.near(low, self._max_slips(low)):
            z = d.zipf(term)
            if z < min_zipf and not (len(low) == SHORT_WORD and z >= SHORT_ORDINARY_MIN_ZIPF
                                     and _lost_or_swapped(low, term) and slip_cost(low, term) <= ORDINARY):
                continue
            bonus = LEXICON_BONUS if self.vocabulary.lexicon_family(term) else 0.0
            scored[term] = z + bonus - SLIP_COST * slip_cost(low, term) - (SECOND_SLIP if dist > 1 else 0.0)
        if len(low) >= TWO_SLIP_LENGTH and not d.is_attested(low) and not self._listed_family(low):
            for term in one_slip(low):  # rarer words, one slip off: the index stops at zipf 2.5 ("Prüfsumme" 1.9)
                z = d.zipf(term)
                if z >= RARE_LONG_MIN_ZIPF and term not in scored and not _english_loan(term, z):
                    scored[term] = z - SLIP_COST * slip_cost(low, term)
        for term in self._lexicon_near(low):
            dist = damerau(low, term, 2)
            if dist <= self._max_slips(low):
                z = max(d.zipf(term), TYPO_MIN_ZIPF)
                scored[term] = max(scored.get(term, -99.0), z + LEXICON_BONUS - SLIP_COST * slip_cost(low, term))
        return scored

    def _listed_family(self, low: str) -> bool:
        """Another form of the token is listed ("überschreibens", "überschreibende": "überschreiben"): it is
        an unlisted form of a word, no slip, and must not be read as a rarer word one slip away."""
        d = self.dictionary
        return any(d.zipf(low[:-cut] + e) >= RARE_LONG_MIN_ZIPF for cut in (1, 2, 3) for e in FAMILY_ENDINGS
                   if low[:-cut] + e != low and len(low) - cut >= FAMILY_MIN_STEM)  # not "prüfs|t" for "prüfsume"

    def _lexicon_near(self, low: str) -> set[str]:
        """Lexicon words one slip from `low`: its edits looked up (no index to build: this stage is rare)."""
        forms = self.vocabulary.forms
        return {w for w in one_slip(low) if w in forms and len(w) >= TYPO_MIN_LENGTH}

    def _known_part(self, part: str) -> bool:
        compounds = self.vocabulary.compounds
        parts = self.dictionary.parts()
        return any(compounds.part_ok(s) or (len(s) >= MIN_PART and s in parts) or self._long_part(s)
                   for s in head_stems(part))

    def _known_tail(self, part: str) -> bool:
        return self._tail_word(part) or any(
            part.endswith(e) and len(part) - len(e) >= MIN_PART and self._tail_word(part[:-len(e)])
            for e in TAIL_ENDINGS)  # "Fortschritts|balken|s", "Objekt|name|n": a part's case or plural ending

    def _tail_word(self, part: str) -> bool:
        d = self.dictionary
        return self.vocabulary.compounds.part_ok(part) or part in d.parts() or self._long_part(part) \
            or (len(part) >= MIN_PART and part in d.short_parts())  # "Netz|maske", "Datei|name"

    def _long_part(self, part: str) -> bool:
        """Long parts may be rarer ("gestaltungen" 2.7, "scharnier" 2.6): a typo seldom makes a long word."""
        return len(part) >= LONG_PART and self.dictionary.zipf(part) >= LONG_PART_MIN_ZIPF

    def _compound(self, low: str) -> dict[str, float]:
        """A slip inside one part of a compound whose other part is known: "stadtteil|fods" → "…fonds",
        "vrenetzungs|potenziale" → "vernetzungs…" (the head mended without its linking s), and after a
        verb's particle: "aus|formvlierung" → "aus|formulierung"."""
        scored: dict[str, float] = {}

        def add(cand: str, dist: int) -> None:
            scored[cand] = max(scored.get(cand, -99.0), COMPOUND_BASE - SLIP_COST * slip_cost(low, cand))

        for i in range(2, len(low) - MIN_PART + 1):
            head, tail = low[:i], low[i:]
            if i < MIN_PART and head not in VERB_PARTICLES:
                continue
            if (head in VERB_PARTICLES or self._known_part(head) or self._listed_part(head)) \
                    and not (self._known_tail(tail) or self._compound_tail(tail)):
                for fixed, dist in self._part_fixes(tail, head=False):
                    # after a short particle only a word the web list holds: "an|…", "zu|…" reach too much
                    if (self._known_tail(fixed) or self._rare_long(fixed)) \
                            and (i >= MIN_PART or self.dictionary.is_attested(head + fixed)):
                        add(head + fixed, dist)
            elif (self._known_tail(tail) or self._compound_tail(tail)) and not self._known_part(head):
                for link in LINKS:
                    if len(head) - len(link) < MIN_PART or (link and not head.endswith(link)):
                        continue
                    stem = head[:len(head) - len(link)]
                    for fixed, dist in self._part_fixes(stem, head=True):
                        if (self._known_part(fixed + link) or self._rare_long(fixed)) and takes_link(fixed, link):
                            add(fixed + link + tail, dist)
        return scored

    def _listed_part(self, part: str) -> bool:
        """A listed word of some length ("Cursor|posjition", 2.7), or a common verb's stem in -e ("Einfüge|mdus"),
        heads the compound: rarer than a part proper, but a head as written, so the slip is in the tail."""
        d = self.dictionary
        return len(part) >= LISTED_PART_LENGTH and (d.zipf(part) >= LISTED_PART_MIN_ZIPF or (
            part.endswith("e") and d.zipf(part + "n") >= VERB_STEM_MIN_ZIPF))  # "Einfüge|mdus": "einfügen"

    def _of_compounds(self, low: str) -> bool:
        """The token is itself built of known pieces at one cut, each a part, a compound of parts or a listed
        word ("Anmeldedaten|zwischenspeicher", "Festplatten|subsystem"): a word, not a slip to mend."""
        compounds, d = self.vocabulary.compounds, self.dictionary
        for i in range(MIN_PART, len(low) - MIN_PART + 1):
            head, tail = low[:i], low[i:]
            if (self._known_tail(tail) or compounds.of_dictionary_parts(tail)
                    or (len(tail) >= LISTED_PART_LENGTH and d.zipf(tail) >= RARE_LONG_MIN_ZIPF)) \
                    and (self._known_part(head) or self._listed_part(head) or compounds.built_of_parts(head)):
                return True
        return False

    def _rare_long(self, part: str) -> bool:
        """A long listed word, however rare: a part mended into it (`_part_fixes`) is a part."""
        return len(part) >= RARE_PART_LENGTH and self.dictionary.zipf(part) >= RARE_PART_MIN_ZIPF

    def _compound_tail(self, tail: str) -> bool:
        """The rest is itself a compound of common parts ("Styandard|schlüssel|tabelle"; not the loose split of
        short scraps, "Wohnumfelvd|erb|esserungen")."""
        return len(tail) >= 2 * MIN_PART + 1 and self.vocabulary.compounds.of_dictionary_parts(tail)

    def _part_fixes(self, part: str, head: bool) -> list[tuple[str, int]]:
        """One slip inside a part; not a letter added or dropped where the parts meet: that is a linking
        element ("miet|freie" is no "miete|freie"), not a slip."""
        d = self.dictionary
        if d.zipf(part) >= PART_WORD_ZIPF:
            return []  # … and the part as written no word at all ("Lern|paten" is no "Learn|paten")
        found = [(t, dist) for t, dist in d.near(part, 1) if d.zipf(t) >= PART_MIN_ZIPF or self._long_part(t)]
        if len(part) >= RARE_PART_LENGTH and not self._listed_family(part):  # long parts: rarer words too ("synchronisierung" 2.5, "persistenz" 2.1),
            # below the index's floor; few long strings lie one slip from a listed word
            found += [(t, 1) for t in one_slip(part) if d.zipf(t) >= RARE_PART_MIN_ZIPF and t not in dict(found)
                      and not _english_loan(t, d.zipf(t)) and ("ß" in part or "ß" not in t)]  # web text's "vorschüße"
        found += [(t, 1) for t in self._lexicon_near(part) if damerau(part, t, 1) <= 1]
        found = [(t, k) for t, k in found if len(t) >= MIN_PART + 1]  # "mühl" → "müll": too short to tell
        if head:  # a linking letter added or dropped at the end ("miet|freie"); a lost "g" is a slip ("Planun|s|zelle")
            return [(t, k) for t, k in found if not (t[:-1] == part and t[-1] in _LINK_LETTERS)
                    and not (part[:-1] == t and part[-1] in _LINK_LETTERS)]
        return [(t, k) for t, k in found if t[1:] != part and part[1:] != t]


def _english_loan(term: str, zipf: float) -> bool:
    """A rare word of the German list that English uses more ("learnings"): a loan, no reading of a slip."""
    return word_zipf(term, ENGLISH, wordlist="large") > zipf  # "large": the rare loans are not in "small"


def _lost_or_swapped(low: str, term: str) -> bool:
    """The token lacks one of the word's letters or has two swapped ("Aufzg", "lentk"); not one with a letter
    more or another letter, which names and foreign words are, one slip from a German word ("Tinga", "Slab")."""
    return len(term) == len(low) + 1 or (len(term) == len(low) and sorted(term) == sorted(low))


def _sharp_s_as_written(low: str, scored: dict[str, float]) -> dict[str, float]:
    """The dictionary writes ß as ss ("äusserungen"); a token written with ß keeps it ("Äußerungen"),
    and the two spellings of one word are one candidate, not two that tie."""
    out: dict[str, float] = {}
    for cand, score in scored.items():
        if "ß" in low and "ss" in cand and "ß" not in cand and cand.count("ss") == 1:
            cand = cand.replace("ss", "ß")
        key = next((c for c in out if c.replace("ß", "ss") == cand.replace("ß", "ss")), None)
        if key is None:
            out[cand] = score
        else:
            keep = key if ("ß" in key) == ("ß" in low) else cand
            out.pop(key)
            out[keep] = max(score, scored.get(key, score))
    return out


@lru_cache(maxsize=4)
def _common_endings(dictionary: GermanDictionary) -> frozenset[str]:
    """The last two letters of at least `ENDING_MIN_SHARE` of the common words; once per dictionary."""
    counts: dict[str, int] = {}
    for w, _ in dictionary.common_words(TYPO_MIN_ZIPF):
        if len(w) >= ENDING_MIN_LENGTH:
            counts[w[-2:]] = counts.get(w[-2:], 0) + 1
    total = max(1, sum(counts.values()))
    return frozenset(e for e, n in counts.items() if n / total >= ENDING_MIN_SHARE)
