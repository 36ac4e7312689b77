"""Turn what OCR read off a card into text for the minutes, and say what was changed.

Why so cautious: a card is a participant's own words. A wrong "correction" is worse than a
typo, because the reader cannot see it; so every change is an `Edit` (with its offset in
the raw text) that the review page and the JSON show, and anything we are not sure of is left
alone. Concretely:

- layout: OCR keeps the card's line breaks; the minutes want one line. Lines are joined with
  single spaces, words broken across lines ("Verstetig-/ung") are joined, real hyphens
  ("Kita-/Plätze", "Q-/Rat") and suspended hyphens ("Kinder-/und Jugendarbeit") are kept; a space
  after a compound's hyphen goes ("Vor-Ort- Büro"), so does a comma after the card's last word;
- symbols: "=>", "->", "-->", "⇒" become "→"; "+" and "€" get spaces around them. "+" is never
  turned into "und": that would put words on the card its author did not write;
- abbreviations from `models/abbreviations.tsv` (QR → Quartiersrat) are written out, each as an
  "abbreviation" edit, so `cardscan.minutes.unexpand` can put the card's own form back;
  "z.B.", "bzw." … only get one spelling;
- OCR confusions (rn/m, ii/ü, u/ü, o/ö, a/ä, B/ß, 1/l/I, 0/O): a word we do not know that is one
  such confusion away from exactly one word we do know is replaced; known words never change;
- words neither the lexicon nor a general German dictionary knows (stage 2): candidates from up
  to two OCR-typical edits (also h/b, f/t, n/m, a missing or doubled letter, a last letter lost at
  the card's edge, the dictionary's own suggestions, in long words any one letter off a lexicon
  word), each a word or a compound of known parts (a rare listed word also of short parts:
  "wohnort|nah"), ranked by edit cost, lexicon (with its inflected forms) and word frequency; the
  word stays unless one candidate is clearly best. The dictionary is "wordfreq" (frequencies +
  symspellpy, the default: as accurate as Hunspell on bench/normalise_eval.py, 40 times faster, no
  false correction on the clean text), "hunspell" (Debian's de_DE via spylls) or None; it is loaded
  on first use, never downloaded;
- a repaired word whose case OCR garbled ("tdeen", "ERKEUgEN") is written as the lexicon writes it;
  an unknown word that is a known word with "an", "zu", "für" … glued on is split ("Müllan den");
- cards written in block capitals get the lexicon's capitalisation for the words it knows;
- a facilitator's corrections are learned (`learn_correction`) into a YAML user lexicon that a
  `Normaliser(user_lexicon=...)` applies.

Pure Python, tables loaded once per `Normaliser`; `normalise()` reuses a cached instance. The tables
and the learning live in `cardscan.lexicon`, the general dictionaries in `cardscan.dictionary`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cardscan.dictionary import (DICT_MIN_PART, WORDFREQ_MIN_SHORT_PART, WORDFREQ_MIN_WORD, GermanDictionary,
                                 get_dictionary)
from cardscan.lexicon import (DEFAULT_ABBREVIATIONS, DEFAULT_LEXICON, Abbreviation, learn_correction,
                              load_abbreviations, load_user_lexicon, load_word_list)
from cardscan.workshop import Edit

__all__ = ["Normalised", "Normaliser", "normalise", "normalise_lines", "default_normaliser",
           "learn_correction", "load_user_lexicon"]

MIN_FIX_LENGTH = 3  # shorter tokens ("ob", "QR", "5a") are too ambiguous to correct
MIN_COMPOUND_PART = 3

# --- layout ---------------------------------------------------------------------------------------
# A hyphen at a line end between two word characters: a broken word or a real hyphen.
_LAYOUT = re.compile(r"(?P<hyph>(?<=[^\W_])-[ \t]*(?:\r\n|\r|\n)\s*(?=[^\W_]))|(?P<ws>\s+)")
_WORD_AT = re.compile(r"[^\W_]+")
# "Kinder-\nund Jugendarbeit": the hyphen stands for a left-out word part and stays.
_SUSPENDED_HYPHEN_NEXT = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "wie", "u", "o"})
_PUNCT_NO_SPACE_BEFORE = ",;:!?."
# "Kita- Schul- und Jugendarbeit": a suspended hyphen later on the card; "Vor-Ort- Büro" is then no compound.
_SUSPENDED_LATER = re.compile(r"[^\W\d_]-\s+(?:%s)\b" % "|".join(sorted(_SUSPENDED_HYPHEN_NEXT)), re.IGNORECASE)

# --- tokens ---------------------------------------------------------------------------------------
_ARROWS = {"<-->": "↔", "<->": "↔", "<=>": "↔", "⇔": "↔", "↔": "↔",
           "-->": "→", "->": "→", "==>": "→", "=>": "→", "⇒": "→", "⟹": "→", "⟶": "→", "—>": "→", "–>": "→",
           "→": "→", "<--": "←", "<-": "←", "⇐": "←", "←": "←"}
_ARROW_PATTERN = "|".join(re.escape(a) for a in sorted(_ARROWS, key=len, reverse=True))
_OPENING = set("([{„“\"'‚/")
_CLOSING = set(")]}“”\"'‘%/")
_PUNCT = set(",.;:!?")
_SENTENCE_END = set(".:!?-–•*")

# --- OCR confusions: (what OCR wrote, what was meant) --------------------------------------------
# One direction only where OCR errs one way (it drops umlaut dots, it reads ß as B, not back).
_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("rn", "m"), ("m", "rn"),
    ("ii", "ü"), ("u", "ü"), ("o", "ö"), ("a", "ä"), ("U", "Ü"), ("O", "Ö"), ("A", "Ä"),
    ("B", "ß"),
    ("1", "l"), ("1", "I"), ("l", "I"), ("I", "l"),
    ("0", "O"), ("0", "o"), ("O", "0"),
    ("c", "e"),  # Tesseract on marker strokes: "Transparcnz"
)
# Stage 2 (a word no table knows): OCR-typical edits on the lower-cased word, with a cost each. Cost
# 0.75: umlaut dots lost; 1: what Tesseract does all the time on cards; 1.5: seen on handwriting fonts (h/b in
# "Prozessheratung", n/m in "Burgergrenium", f/t in "Vernefzung", i/u in "Nahversorging": a u's second
# stroke lost); 2: any other letter added or dropped (a missing doubled letter, "Stadteil", costs 1).
_OCR_EDITS: tuple[tuple[str, str, float], ...] = (
    ("rn", "m", 1.0), ("m", "rn", 1.0), ("ii", "ü", 0.75), ("u", "ü", 0.75), ("o", "ö", 0.75), ("a", "ä", 0.75),
    ("b", "ß", 1.0), ("1", "l", 1.0), ("1", "i", 1.0), ("l", "i", 1.0), ("i", "l", 1.0), ("0", "o", 1.0),
    ("c", "e", 1.0), ("e", "c", 1.5), ("h", "b", 1.5), ("b", "h", 1.5), ("f", "t", 1.5), ("t", "f", 1.5),
    ("y", "g", 1.5), ("n", "m", 1.0), ("m", "n", 1.0), ("n", "h", 1.5), ("h", "n", 1.5), ("n", "u", 1.5),
    ("u", "n", 1.5), ("i", "u", 1.5), ("ri", "n", 1.5), ("cl", "d", 1.5), ("vv", "w", 1.5), ("ü", "u", 1.5),
    ("ö", "o", 1.5), ("ä", "a", 1.5), ("ss", "ß", 1.5), ("i", "t", 1.5), ("t", "i", 1.5), ("j", "i", 1.5),
    ("g", "q", 1.5),
    # PP-OCR (the default reader) on handwriting: ä read as z ("Rzume"), a final g as s ("Kiezspaziergans"),
    # G as C ("Celd"), and an ä's dots joined into a ring ("bedårfe")
    ("z", "ä", 1.5), ("s", "g", 1.5), ("c", "g", 1.5), ("å", "ä", 0.75), ("å", "a", 0.75),
)
# The same pairs, for telling a look-alike fix from a spelling fix: letters either way round, and groups.
_LOOKALIKES = frozenset(frozenset((wrong, right)) for wrong, right, _ in _OCR_EDITS if len(wrong) == len(right) == 1)
_OCR_GROUP_EDITS = tuple((wrong, right) for wrong, right, _ in _OCR_EDITS if not len(wrong) == len(right) == 1)
_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
_EDGE_MARKS = "lij1"  # what a card's edge or a pin's shadow adds after a word: a stroke, never an "e" or "m"
# Case and plural endings a lexicon word may carry (Prozess|es, Fortbildung|en, Ämter|n).
_INFLECTIONS = ("e", "n", "s", "en", "es", "er", "ern", "em", "ns")
GENERIC_EDIT_COST = 2.0
MAX_FIX_COST = 2.5  # two OCR-typical edits, or one letter added or dropped anywhere
MIN_TWO_EDIT_LENGTH = 8  # two edits in a short word reach too many words ("Larrn" is not "Lärm")
_DOUBLED = frozenset("tsnmlfprkgcbdze")  # letters German writes doubled: a missing one costs 1
MIN_GENERIC_LENGTH = 6  # a letter added or dropped (elsewhere: the dictionary's suggestions), long words only
EDGE_MIN_ZIPF = 4.0  # a last letter lost at the card's edge may restore a common word, not only a lexicon one
FREQ_WEIGHT = 0.3  # one zipf point (10 × more common) is worth 0.3 of an edit
PART_COMPOUND_BONUS = 0.3  # "Burgerhaushalt" (Burger + Haushalt) is a word only in a weak sense
LEXICON_BONUS = 0.75  # a word of the domain lexicon beats a general word at the same cost
CLEAR_MARGIN = 0.6  # the best candidate must beat the second by this much, else the word stays
STAGE1_MIN_ZIPF_GAP = 1.5  # a common word is only "corrected" into a 30 × more common one
RARE_WORD_ZIPF = 3.3  # web word lists keep typos: "offnen" (2.4), "jungere" (2.0), "tragt" (3.2)
RARE_WORD_GAP = 1.5  # … which only lose to a word one OCR confusion away that is 30 × more common
SHORT_WORD_LENGTH = 4  # web word lists are noisiest here ("lam", "lira", "nung"): short candidates must be common
_Q_LOOKALIKES = "O0GC"  # Tesseract reads a hand-written Q as O, 0, G or C: "OR" → "QR"
_STRAY_MARKS = frozenset("|¦_\\{}~")  # pin shadows and card edges read as marks; never written on cards
_NO_CARD_END = frozenset(",;")  # a card ends with a word, "?", "!", "." or ":"; a comma or ; there is a speck
# Words that are capitalised only at a sentence start: "Coaching Für Initiativen" → "für".
_FUNCTION_WORDS = frozenset("""für über und oder mit an auf aus bei nach von vor zu zum zur im in am vom ins
    den der die das dem des ein eine einen einem einer eines als wie durch gegen ohne um bis sowie bzw
    statt unter zwischen""".split())
# Preposition and article run together: never a part of a compound ("über" is: "ressortübergreifend").
_CONTRACTIONS = frozenset("fürs aufs beim ins ans ums vors übers durchs hinters unters".split())
# Short words OCR glues to the word before when the gap between them is narrow ("Müllan den" → "Müll an").
# Not "in": "Quartiersmanagerin" is a word even when no dictionary lists it.
_GLUED_FUNCTION_WORDS = ("für", "zum", "zur", "und", "mit", "auf", "bei", "von", "vom", "an", "am", "im", "zu")
MIN_GLUED_HEAD = 4  # "Müll|an"; shorter heads ("Pl|an", "Te|am") are pieces of words, not words
GLUED_HEAD_MIN_ZIPF = 3.5  # a head outside the lexicon must be a common word
DEFAULT_DICTIONARY = "wordfreq"
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

@dataclass
class Normalised:
    """The text of one card before and after normalisation, and every change in between."""

    raw: str
    text: str
    edits: list[Edit] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


# --- layout stage (works on the raw string, keeps a map back to raw offsets) ----------------------
def _layout(raw: str) -> tuple[str, list[int], list[Edit]]:
    """Join lines and broken words, collapse whitespace. Returns text, text→raw offset map, edits."""
    out: list[str] = []
    offsets: list[int] = []
    edits: list[Edit] = []
    pos = 0
    n = len(raw)

    def emit(s: str, at: int) -> None:
        out.append(s)
        offsets.extend([at] * len(s))

    for m in _LAYOUT.finditer(raw):
        for i in range(pos, m.start()):  # unchanged text
            out.append(raw[i])
            offsets.append(i)
        pos = m.end()
        if m.group("hyph") is not None:
            nxt = _WORD_AT.match(raw, m.end())
            next_word = nxt.group(0) if nxt else ""
            word_start = m.start()
            while word_start > 0 and (raw[word_start - 1].isalnum()):
                word_start -= 1
            if next_word[:1].islower() and next_word.lower() not in _SUSPENDED_HYPHEN_NEXT:
                joined = ""  # "Verstetig-\nung": a word broken at the line end
            elif next_word.lower() in _SUSPENDED_HYPHEN_NEXT:
                joined = "- "  # "Kinder-\nund Jugend"
            else:
                joined = "-"  # "Kita-\nPlätze", "2019-\n2020"
            emit(joined, m.start())
            end = nxt.end() if nxt else m.end()
            edits.append(Edit(raw[word_start:end], raw[word_start:m.start()] + joined + next_word,
                              "hyphenation" if joined != "- " else "whitespace", word_start))
            continue
        run = m.group("ws")
        if m.start() == 0 or m.end() == n:
            replacement = ""
        elif _hyphen_space_in_compound(raw, m.start(), m.end(), run):
            replacement = ""  # "Vor-Ort- Büro" → "Vor-Ort-Büro"
        elif ("\n" not in run and "\r" not in run and raw[m.end()] in _PUNCT_NO_SPACE_BEFORE
              and raw[m.start() - 1].isalnum()
              and (m.end() + 1 == n or raw[m.end() + 1].isspace())
              and not raw.startswith("..", m.end())):
            replacement = ""  # "Transparenz !" → "Transparenz!"
        else:
            replacement = " "
        if replacement != run:
            edits.append(Edit(run, replacement, "whitespace", m.start()))
        emit(replacement, m.start())
    for i in range(pos, n):
        out.append(raw[i])
        offsets.append(i)
    offsets.append(n)
    return "".join(out), offsets, edits


def _hyphen_space_in_compound(raw: str, start: int, end: int, run: str) -> bool:
    """"Vor-Ort- Büro": a space OCR put after a compound's hyphen, before its capitalised next part.

    One line only (across lines the hyphenation rule decides), a letter before the hyphen, a capital
    after the space, and no suspended hyphen on the card ("Sport- Kultur- und Bildungsangebote" keeps
    its spaces: there the hyphens stand for left-out parts).
    """
    return (run == " " and start >= 2 and raw[start - 1] == "-" and raw[start - 2].isalpha()
            and raw[end].isupper() and raw[end].isalpha() and not _SUSPENDED_LATER.search(raw))


# --- the normaliser ---------------------------------------------------------------------------------
_LINKS = ("", "s", "n", "en", "es", "e")  # linking elements (Fugen), in the order they are tried


def _head_stems(head: str):
    """The first part of a compound without its linking element: Verstetigung|s|phase, Kinder|n|…"""
    for link in _LINKS:
        if link and not head.endswith(link):
            continue
        stem = head[:len(head) - len(link)] if link else head
        if _takes_link(stem, link):
            yield stem


def _takes_link(stem: str, link: str) -> bool:
    """No Fugen-s after s: "Prozesssberatung", "Quartierssentwicklung" are no compounds."""
    return not (link in ("s", "es") and stem[-1:] in "sßxz")


class Normaliser:
    """Holds the loaded tables (abbreviations, lexicon, learned user lexicon) for a batch of cards.

    Building one reads the files once; `normalise` is then pure string work. Pass
    `user_lexicon=<data>/lexikon.yaml` to apply what facilitators taught via `learn_correction`.
    """

    def __init__(self, *, abbreviations: str | Path | None = DEFAULT_ABBREVIATIONS,
                 lexicon: str | Path | None = DEFAULT_LEXICON, user_lexicon: str | Path | None = None,
                 words: Iterable[str] = (), dictionary: str | GermanDictionary | None = DEFAULT_DICTIONARY):
        # dictionary: a general German dictionary ("wordfreq", "hunspell", an instance, or None for
        # the domain lexicon alone). It is loaded on first use, not here.
        self.dictionary: GermanDictionary | None = (get_dictionary(dictionary) if isinstance(dictionary, str)
                                                    else dictionary)
        self.abbreviations: list[Abbreviation] = load_abbreviations(abbreviations) if abbreviations else []
        base_words = load_word_list(lexicon) if lexicon else []
        self.user_lexicon_path = Path(user_lexicon) if user_lexicon else None
        user = load_user_lexicon(user_lexicon) if user_lexicon else {"replacements": {}, "words": []}
        self.replacements: dict[str, str] = dict(user["replacements"])
        self.user_words: list[str] = list(user["words"])

        all_words = [*base_words, *self.user_words, *words]
        # Words of the expansions ("Senatsverwaltung", "Quartiersrat") are known words too.
        for abbr in self.abbreviations:
            all_words.extend(_WORD_AT.findall(abbr.expansion))
        all_words.extend(self.replacements.values())
        self.words: set[str] = set(all_words)
        self._forms: dict[str, set[str]] = {}
        for w in self.words:
            self._forms.setdefault(w.lower(), set()).add(w)
        self._abbr_words = {a.short: a for a in self.abbreviations if "." not in a.short}
        self._abbr_lower = {a.short.lower(): a for a in self.abbreviations
                            if "." not in a.short and a.short.islower()}
        dotted = sorted((a for a in self.abbreviations if "." in a.short), key=lambda a: len(a.short), reverse=True)
        self._dotted: dict[str, Abbreviation] = {}
        patterns = []
        for a in dotted:
            key = _dotted_key(a.short)
            self._dotted[key] = a
            parts = [re.escape(p) for p in a.short.split(".") if p]
            if a.short.islower():  # "hauptamtl." also at the start of a card: "Hauptamtl."
                self._dotted[key[:1].upper() + key[1:]] = a
                parts[0] = f"[{parts[0][0]}{parts[0][0].upper()}]{parts[0][1:]}"
            patterns.append(r"\s?\.\s?".join(parts) + r"\.")
        dotted_re = "|".join(patterns) if patterns else r"(?!x)x"
        self._token_re = re.compile(
            rf"(?P<dotted>(?<![^\W_])(?:{dotted_re})(?![^\W_]))"
            rf"|(?P<arrow>{_ARROW_PATTERN})"
            r"|(?P<word>[^\W_]+)"
            r"|(?P<plus>\+)"
            r"|(?P<euro>€)"
            r"|(?P<ws>\s+)"
            r"|(?P<other>.)", re.DOTALL)
        self._known_cache: dict[str, bool] = {}
        self._compound_cache: dict[str, list[str] | None] = {}
        self._fix_cache: dict[tuple[str, bool], str | None] = {}
        self._general_cache: dict[tuple[str, bool], tuple[str, str] | None] = {}
        self._valid_cache: dict[tuple[str, bool], float | None] = {}
        self._valid_looked_up: dict[tuple[str, bool], bool] = {}
        self._part_compound_cache: dict[str, bool] = {}
        self._head_table: dict[str, str] | None = None
        self._loose_cache: dict[str, bool] = {}
        self._deletes: dict[str, set[str]] | None = None

    # -- public helpers --------------------------------------------------------------------------
    def known(self, word: str) -> bool:
        """True when the word is in the lexicon (any case), a learned word, a compound of known words,
        or a word of the general dictionary."""
        return self.in_lexicon(word) or (self.dictionary is not None and self._dict_word(word))

    def in_lexicon(self, word: str) -> bool:
        """The domain lexicon alone (with learned words and compounds of lexicon words)."""
        low = word.lower()
        hit = self._known_cache.get(low)
        if hit is None:
            hit = low in self._forms or self._compound(low) is not None
            self._known_cache[low] = hit
        return hit

    def _dict_word(self, word: str, compounds: bool = True) -> bool:
        """The general dictionary knows the word as written, or a compound of its common words."""
        d = self.dictionary
        if d.is_word(word) or (word[:1].isupper() and d.is_word(word.lower())) \
                or (word[:1].islower() and d.is_word(word[:1].upper() + word[1:])):
            return True
        return compounds and len(word) >= 2 * DICT_MIN_PART and self._part_compound(word.lower())

    def normalise(self, text: str, *, expand_abbreviations: bool = True) -> Normalised:
        raw = "" if text is None else text if isinstance(text, str) else str(text)
        clean, offsets, edits = _layout(raw)
        tokens = [(m.lastgroup, m.group(), m.start()) for m in self._token_re.finditer(clean)]
        tokens = self._repair_tokens(tokens, clean, offsets, edits)
        capitals_card = self._is_block_caps(tokens)
        block_caps = capitals_card and self._can_recase(tokens)
        out: list[str] = []
        first_word = True
        sentence_start = True  # a capitalised word here may be a lower-case word ("Fur alle" → "Für alle")
        for i, (kind, tok, start) in enumerate(tokens):
            at = offsets[start]
            if kind == "word":
                lookalike = self._abbreviation_lookalike(tok)
                if lookalike is not None:  # "OR" → "QR", then written out like any "QR"
                    edits.append(Edit(tok, lookalike, "ocr-confusion", at))
                    tok = lookalike
                in_compound = (clean[start - 1:start] == "-" and start >= 2 and clean[start - 2].isalnum()) or \
                              (clean[start + len(tok):start + len(tok) + 1] == "-"
                               and clean[start + len(tok) + 1:start + len(tok) + 2].isalnum())
                before_hyphen = clean[start + len(tok):start + len(tok) + 1] == "-"
                new, reason = self._word(tok, expand_abbreviations, in_compound, sentence_start, before_hyphen)
                if reason is None and not (sentence_start or capitals_card) and new.lower() in _FUNCTION_WORDS \
                        and new[:1].isupper() and (new[1:].islower() or new.isupper()) \
                        and _neighbour(tokens, i, -1)[0] == "ws" and _neighbour(tokens, i, -2)[0] == "word":
                    new, reason = new.lower(), "case"
                if reason is None and (split := self._glued_function_word(new)) is not None:
                    new, reason = split, "whitespace"  # "Müllan den" → "Müll an den"
                if reason is not None:
                    edits.append(Edit(tok, new, reason, at))
                if block_caps and reason in (None, "ocr-confusion"):
                    cased, why = self._case(new, first_word)
                    if why is not None:
                        edits.append(Edit(new, cased, why, at))
                        new = cased
                out.append(new)
                first_word = sentence_start = False
            elif kind == "dotted":
                a = self._dotted[_dotted_key(tok)]
                canonical = a.short if not a.short.islower() or tok[:1].islower() else a.short[:1].upper() + a.short[1:]
                if expand_abbreviations and a.expansion:
                    new = a.expansion if tok[:1].islower() or not a.short.islower() else a.expansion[:1].upper() + a.expansion[1:]
                    edits.append(Edit(tok, new, "abbreviation", at))
                else:
                    new = canonical
                    if new != tok:
                        edits.append(Edit(tok, new, "whitespace", at))
                out.append(new)
                first_word = sentence_start = False
            elif kind in ("arrow", "plus", "euro"):
                symbol = _ARROWS.get(tok, tok)
                prev_kind, prev_tok = _neighbour(tokens, i, -1)
                next_kind, next_tok = _neighbour(tokens, i, +1)
                if kind == "plus":
                    p_kind, p_tok = _neighbour(tokens, i, -2) if prev_kind == "ws" else (prev_kind, prev_tok)
                    n_kind, n_tok = _neighbour(tokens, i, +2) if next_kind == "ws" else (next_kind, next_tok)
                    between_words = (p_kind in ("word", "euro", "dotted") or p_tok in _CLOSING) and \
                                    (n_kind in ("word", "euro", "dotted") or n_tok in _OPENING)
                    before = between_words and prev_kind != "ws"
                    after = between_words and next_kind != "ws"
                elif kind == "euro":
                    before = prev_kind == "word"  # "500€" → "500 €"
                    after = next_kind in ("word", "dotted")  # arrows and "+" bring their own space
                else:
                    before = prev_kind not in (None, "ws") and prev_tok not in _OPENING
                    after = next_kind not in (None, "ws") and next_tok not in _CLOSING and next_tok not in _PUNCT
                new = (" " if before else "") + symbol + (" " if after else "")
                if new != tok:
                    edits.append(Edit(tok, new, "symbol", at))
                out.append(new)
                sentence_start = sentence_start or kind == "arrow"
            else:
                out.append(tok)
                if kind == "other" and tok in _SENTENCE_END and (
                        tok in ".:!?" or _neighbour(tokens, i, -1)[0] in (None, "ws")):
                    sentence_start = True  # after a full stop, or a bullet dash (not a compound hyphen)
        return Normalised(raw=raw, text="".join(out), edits=sorted(edits, key=lambda e: e.start))

    __call__ = normalise

    def _repair_tokens(self, tokens: list[tuple[str, str, int]], clean: str, offsets: list[int],
                       edits: list[Edit]) -> list[tuple[str, str, int]]:
        """Mend what OCR split or added around words, before words are looked at one by one.

        - a stray mark standing alone ("Verdrängung stoppen |") is dropped with the space before it;
        - a comma after the card's last word ("Verkehr beruhigen,") is a speck: no card ends mid-sentence;
        - an unclosed "(" glued to a word is the bowl of a hand-written Q: "(uartiersfonds",
          "(Juartier" → "Quartiersfonds", "Quartier" (only when that is a known word); so is an "@"
          that starts a word, with the Q's tail read as its curl: "@R" → "QR".
        """
        out: list[tuple[str, str, int]] = []
        skip = 0  # tokens already taken into a mended one
        for i, (kind, tok, start) in enumerate(tokens):
            if skip:
                skip -= 1
                continue
            prev_kind = out[-1][0] if out else None
            next_kind, next_tok = _neighbour(tokens, i, +1)
            if kind == "other" and tok in _STRAY_MARKS and prev_kind in (None, "ws") and next_kind in (None, "ws"):
                edits.append(Edit(tok, "", "symbol", offsets[start]))
                if prev_kind == "ws":
                    out.pop()
                elif next_kind == "ws":
                    skip = 1
                continue
            if kind == "other" and tok in _NO_CARD_END and next_kind is None and prev_kind == "word":
                edits.append(Edit(tok, "", "symbol", offsets[start]))
                continue
            if kind == "other" and next_kind == "word" and self._q_bowl(tok, clean, start):
                word = next_tok
                for cand in ("Q" + word[1:] if word[:1] in "JjuU" else None, "Q" + word):
                    if cand and (cand in self._abbr_words or (len(cand) > 3 and self.known(cand))):
                        edits.append(Edit(tok + word, cand, "ocr-confusion", offsets[start]))
                        out.append(("word", cand, start))
                        skip = 1
                        break
                if skip:
                    continue
            if kind == "word" and next_kind == "ws" and (joined := self._split_word_join(tokens, i)) is not None:
                edits.append(Edit(clean[start:tokens[i + 2][2] + len(tokens[i + 2][1])], joined, "whitespace",
                                  offsets[start]))
                out.append(("word", joined, start))
                skip = 2  # the space and the scrap
                continue
            out.append((kind, tok, start))
        return out

    @staticmethod
    def _q_bowl(tok: str, clean: str, start: int) -> bool:
        """An unclosed "(" or an "@" that is no e-mail address ("info@quartier.de") before a word."""
        if tok == "(":
            return ")" not in clean[start:]
        return tok == "@" and not clean[start - 1:start].isalnum()

    def _split_word_join(self, tokens: list[tuple[str, str, int]], i: int) -> str | None:
        """"Vernefzu ng" → "Vernefzung": an unknown word and a short unknown scrap after it are one word
        when together they are a word or one clear OCR fix away from one."""
        if i + 2 >= len(tokens) or tokens[i + 2][0] != "word" or self.dictionary is None:
            return None
        head, scrap = tokens[i][1], tokens[i + 2][1]
        if not (len(scrap) <= 3 and scrap.isalpha() and scrap.islower() and len(head) >= 4 and head.isalpha()):
            return None
        if self.known(head) or self.in_lexicon(scrap) or self.dictionary.zipf(scrap) >= 4.0:  # "ng" 3.5, "um" 6.5
            return None
        joined = head + scrap
        if self.known(joined) or self._general_fix(joined) is not None:
            return joined
        return None

    def _abbreviation_lookalike(self, tok: str) -> str | None:
        """"OR", "0R", "GR" are no abbreviations we know but "QR" is: a misread Q (capitals only)."""
        if not 2 <= len(tok) <= 4 or not tok.isupper() or tok in self._abbr_words or tok in self._forms.get(
                tok.lower(), ()) or tok[0] not in _Q_LOOKALIKES:
            return None
        cand = "Q" + tok[1:]
        return cand if cand in self._abbr_words else None

    # -- words -----------------------------------------------------------------------------------
    def _word(self, tok: str, expand: bool, in_compound: bool = False,
              sentence_start: bool = False, before_hyphen: bool = False) -> tuple[str, str | None]:
        """One word token: learned replacement, abbreviation, or OCR fix; (tok, None) when unchanged.

        In a hyphen compound only one-word expansions are written out: "KIZ-Fonds" → "Kiez-Fonds",
        but "ESF-Fördermittel" stays (not "Europäischer Sozialfonds-Fördermittel").
        """
        if tok in self.replacements:
            return self.replacements[tok], "spelling"
        abbr = self._abbr_words.get(tok)
        if abbr is None and tok[:1].isupper() and tok[1:].islower():
            abbr = self._abbr_lower.get(tok.lower())
        if abbr is not None:
            if expand and abbr.expansion and not (in_compound and " " in abbr.expansion):
                new = abbr.expansion
                if tok[:1].isupper() and abbr.short.islower():
                    new = new[:1].upper() + new[1:]
                return new, "abbreviation"
            return tok, None
        if len(tok) < MIN_FIX_LENGTH:
            return tok, None
        recased = _stray_capital(tok)
        if recased is not None and self.known(recased):
            return recased, "case"
        if self.in_lexicon(tok):
            return tok, None
        key = (tok, sentence_start)
        fixed = self._fix_cache.get(key, "")
        if fixed == "":
            fixed = self._ocr_fix(tok, sentence_start)
            if fixed and self.dictionary is not None and not self._clearly_better(tok, fixed):
                fixed = None  # "Hauser" is a word too: only one confusion from the lexicon is not enough
            self._fix_cache[key] = fixed
        if fixed:
            return fixed, "ocr-confusion"
        if self.dictionary is None:
            return tok, None
        sharp = _sharp_s(tok)
        if sharp is not None and self.known(sharp) and \
                self.dictionary.zipf(tok.lower()) < self.dictionary.zipf(sharp.lower()):
            # "flieBen": a capital B inside a small word is an ß, unless the word with a b is the
            # commoner one ("eBay": web text also holds "eßay", written by OCR like ours)
            return sharp, "ocr-confusion"
        if self._dict_word(tok):
            common = self._common_neighbour(tok)
            return (common, "ocr-confusion") if common else (tok, None)
        general = self._general_fix(tok, generic=not (in_compound or before_hyphen))
        if general is None:
            return tok, None
        return self._lexicon_case(tok, general[0], sentence_start), general[1]

    def _lexicon_case(self, tok: str, new: str, sentence_start: bool) -> str:
        """A repaired word written as the lexicon writes it, when the token's own case says nothing.

        That is when the fix replaced the first letter ("tdeen" → "Ideen": the t was a misread
        capital I) or when OCR mixed capitals into the word ("ERKEUgEN" → "erzeugen" after a noun).
        Only a word the lexicon lists in one case is recased; at a sentence start it is capitalised.
        """
        first_replaced = tok[:1].lower() != new[:1].lower()
        if not (first_replaced or _mixed_case(tok)):
            return new
        forms = self._forms.get(new.lower(), set())
        capitalised = {f for f in forms if f[:1].isupper()}
        small = {f for f in forms if f[:1].islower()}
        if (capitalised and small) or not forms:
            return new  # listed in both cases ("Leben"/"leben") or not at all: the token's case stays
        form = next(iter(capitalised or small))
        return form[:1].upper() + form[1:] if sentence_start else form

    def _glued_function_word(self, tok: str) -> str | None:
        """"Müllan" → "Müll an": an unknown word that is a known word with a short function word glued on.

        Only when nothing else explains the token (it is no word and no OCR fix reaches one): the head
        must be a lexicon word or a common word, and not itself a function word.
        """
        if self.dictionary is None or not tok.isalpha() or self.known(tok):
            return None
        for tail in _GLUED_FUNCTION_WORDS:
            head = tok[:-len(tail)]
            if not tok.endswith(tail) or len(head) < MIN_GLUED_HEAD or head.lower() in _FUNCTION_WORDS:
                continue
            if head in self._forms.get(head.lower(), ()) or \
                    self.dictionary.zipf(head.lower()) >= GLUED_HEAD_MIN_ZIPF:
                return f"{head} {tail}"
        return None

    def _common_neighbour(self, tok: str) -> str | None:
        """A rare word of the web word list ("offnen", a common typo there) one OCR-typical confusion
        from a far more common word ("öffnen") is that word; a word with two such neighbours stays."""
        d = self.dictionary
        low = tok.lower()
        if d.name != "wordfreq" or len(low) < 4 or not low.isalpha():
            return None
        z = d.zipf(low)
        if z >= RARE_WORD_ZIPF:  # (lexicon words never get here: `_word` keeps them)
            return None
        found = {cand for cand, cost in _single_edits(low, generic=False)
                 if cost <= 1.5 and cand != low and d.zipf(cand) - z >= RARE_WORD_GAP}
        if len(found) != 1:
            return None
        return _recase(found.pop(), tok)

    def _clearly_better(self, tok: str, fixed: str) -> bool:
        """Whether a lexicon word one confusion away should replace `tok`, which may be a real word."""
        d = self.dictionary
        z_tok = max(d.zipf(tok), d.zipf(tok.lower()))
        if z_tok == 0.0 and not self._dict_word(tok):
            return True
        if d.name == "hunspell":
            return False  # no frequencies: a word Hunspell accepts is left alone
        return max(d.zipf(fixed), d.zipf(fixed.lower()), 4.0) - z_tok >= STAGE1_MIN_ZIPF_GAP

    # -- stage 2: a word neither the lexicon nor the dictionary knows ------------------------------
    def _general_fix(self, tok: str, generic: bool = True) -> tuple[str, str] | None:
        """The clearly best OCR-aware candidate for an unknown word, as (word, reason), else None.

        Candidates: up to two OCR-typical edits (`_OCR_EDITS`), a missing or doubled letter, in
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
            if scored:
                ranked = sorted(scored.items(), key=lambda kv: kv[1])
                best, best_score = ranked[0]
                second = ranked[1][1] if len(ranked) > 1 else float("inf")
                if second - best_score >= CLEAR_MARGIN:
                    new = _recase(best, tok)
                    if new is not None and tok[:1] == "l" and best[:1] == "i":
                        new = "I" + new[1:]  # "lndikatoren": the l was a capital I
                    if new is not None and new != tok:
                        reason = "ocr-confusion" if _is_confusion_only(low, best) else "spelling"
                        result = (new, reason)
        self._general_cache[key] = result
        return result

    def _far_reading_ok(self, low: str, cand: str, generic: bool) -> bool:
        """A letter added, dropped or changed anywhere (cost 2) reaches many words: only a lexicon word
        (or an inflected form of one) counts, or a common word the card's edge took the last letter of."""
        if self._lexicon_family(cand):
            return True
        return generic and cand[:-1] == low and self.dictionary.zipf(cand) >= EDGE_MIN_ZIPF  # "Tätigkeite|n"

    def _candidates(self, low: str, found: set[str], generic: bool = True) -> Iterator[tuple[str, float, bool]]:
        """(candidate, cost, far) cheapest first; far: any letter added, dropped or changed, not an OCR-typical
        edit. Two-edit readings only when no one-edit reading is a word proper (`found`)."""
        singles = list(_single_edits(low, generic=generic and len(low) >= MIN_GENERIC_LENGTH))
        for cand, cost in singles:
            yield cand, cost, cost >= GENERIC_EDIT_COST
        if len(low) >= MIN_GENERIC_LENGTH:
            suggested = self.dictionary.suggest(low) if self.dictionary is not None else []
            if generic and len(low) >= MIN_TWO_EDIT_LENGTH:  # costs as much as two edits
                suggested = [*suggested, *self._lexicon_suggest(low)]
            for cand in suggested:
                if cand != low[:-1] or low[-1] in _EDGE_MARKS:  # the edge rule of `_single_edits`
                    yield cand, GENERIC_EDIT_COST, True
        if found or len(low) < MIN_TWO_EDIT_LENGTH:
            return
        for cand, cost in singles:
            if cost + 0.75 > MAX_FIX_COST or cost >= GENERIC_EDIT_COST:
                continue
            for cand2, cost2 in _single_edits(cand, generic=False):
                yield cand2, cost + cost2, False  # "überninnt": two typical slips cost as much as one far one

    def _lexicon_suggest(self, low: str) -> list[str]:
        """Lexicon words one letter changed, added or dropped away ("Stadtteilkonlerenz", "Aktionsfunds").

        The dictionary's suggestions cover only its common words; rare domain words
        ("Stadtteilkonferenz", 1.2) are what cards are full of. A deletion index, symspell's trick.
        """
        if self._deletes is None:
            index: dict[str, set[str]] = {}
            for w in self._forms:
                if len(w) >= MIN_TWO_EDIT_LENGTH - 1 and w.isalpha():
                    for key in {w, *_deletions(w)}:
                        index.setdefault(key, set()).add(w)
            self._deletes = index
        found: set[str] = set()
        for key in (low, *_deletions(low)):
            found |= self._deletes.get(key, set())
        return sorted(w for w in found if w != low and _one_edit_inside(w, low))

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
        if cand in self._forms or self._compound(cand) is not None:
            bonus = LEXICON_BONUS + FREQ_WEIGHT * self._zipf_or(cand, 3.0)
        elif self.dictionary is not None:
            d = self.dictionary
            if d.name == "hunspell":
                cap = cand[:1].upper() + cand[1:]
                if cand in d.parts() or (lookup and (d.is_word(cand) or d.is_word(cap))):
                    bonus = FREQ_WEIGHT * 3.0
                elif part_compounds and len(cand) >= 2 * DICT_MIN_PART and self._part_compound(cand):
                    bonus = PART_COMPOUND_BONUS
            else:
                z = d.zipf(cand)
                if z >= (WORDFREQ_MIN_WORD if len(cand) > SHORT_WORD_LENGTH else RARE_WORD_ZIPF):
                    bonus = FREQ_WEIGHT * z + (LEXICON_BONUS if self._lexicon_family(cand) else 0.0)
                elif part_compounds and ((len(cand) >= 2 * DICT_MIN_PART and self._part_compound(cand))
                                         or self._attested_compound(cand)):
                    bonus = PART_COMPOUND_BONUS
        self._valid_cache[key] = bonus
        return bonus

    def _lexicon_family(self, cand: str) -> bool:
        """A lexicon word or compound, or an inflected form of one ("Prozesses" of "Prozess").

        The lexicon lists the forms cards use most, not every case ending; its bonus is for the domain
        word, so the genitive must not lose to the nominative one letter further away.
        """
        if cand in self._forms or self._compound(cand) is not None:
            return True
        for ending in _INFLECTIONS:
            if cand.endswith(ending) and len(cand) - len(ending) > SHORT_WORD_LENGTH:  # not "sich|er"
                stem = cand[:-len(ending)]
                if stem in self._forms or self._compound(stem) is not None:
                    return True
        return False

    def _zipf_or(self, word: str, default: float) -> float:
        if self.dictionary is None or self.dictionary.name != "wordfreq":
            return default
        return self.dictionary.zipf(word) or default

    def _part_compound(self, low: str) -> bool:
        """A compound whose parts are lexicon words or common dictionary words (with Fugen-s etc.)."""
        hit = self._part_compound_cache.get(low)
        if hit is not None:
            return hit
        self._part_compound_cache[low] = False
        parts = self.dictionary.parts() if self.dictionary is not None else frozenset()
        found = False
        for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            tail = low[i:]
            tail_ok = self._part_ok(tail) or (len(tail) >= DICT_MIN_PART and tail in parts)
            if not tail_ok and (len(tail) < 2 * MIN_COMPOUND_PART or not self._part_compound(tail)):
                continue
            head = low[:i]
            for stem in _head_stems(head):
                if (len(stem) >= MIN_COMPOUND_PART and self._part_ok(stem)) or \
                        (len(stem) >= DICT_MIN_PART and stem in parts):
                    found = True
                    break
            if found:
                break
        self._part_compound_cache[low] = found
        return found

    def _attested_compound(self, low: str) -> bool:
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

    def _loose_split(self, low: str) -> bool:
        hit = self._loose_cache.get(low)
        if hit is None:
            self._loose_cache[low] = False  # guards against re-entry
            hit = False
            for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
                tail = low[i:]
                if not self._loose_part(tail) and (len(tail) < 2 * MIN_COMPOUND_PART or not self._loose_split(tail)):
                    continue
                if self._loose_head(low[:i]):
                    hit = True
                    break
            self._loose_cache[low] = hit
        return hit

    def _loose_head(self, head: str) -> bool:
        """A part with its linking element, or a common word that drops its -e: "Schul(e)|wege"."""
        elided = head + "e"
        return any(self._loose_part(s) for s in _head_stems(head)) or self._part_ok(elided) or \
            self.dictionary.zipf(elided) >= WORDFREQ_MIN_SHORT_PART  # "Stade" (3.6) is no "Stad|teil"

    def _loose_part(self, low: str) -> bool:
        d = self.dictionary
        return len(low) >= MIN_COMPOUND_PART and (self._part_ok(low) or low in d.parts() or low in d.short_parts())

    def _ocr_fix(self, tok: str, sentence_start: bool = False) -> str | None:
        """The one known word a single typical OCR confusion away from `tok`, else None."""
        digits = sum(c.isdigit() for c in tok)
        if digits == len(tok):
            return None
        if digits:
            as_number = tok.translate(_DIGIT_LOOKALIKES)
            if digits * 2 >= len(tok) and as_number.isdigit():
                return as_number  # "2O19" → "2019"
            if digits * 2 >= len(tok):
                return None
        if not any(c.isalpha() for c in tok):
            return None
        all_caps = tok.isupper()
        found: set[str] = set()
        for wrong, right in _CONFUSIONS:
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
            return self.known(cand)
        forms = self._forms.get(cand.lower())
        if forms is not None:
            if cand in forms:
                return True
            if cand[:1].islower():
                return any(f[1:] == cand[1:] and f[:1].isupper() for f in forms)
            return sentence_start and any(f[1:] == cand[1:] for f in forms)
        return len(cand) >= 2 * MIN_COMPOUND_PART and self._compound(cand.lower()) is not None

    def _compound(self, low: str, depth: int = 0) -> list[str] | None:
        """Split a lower-case word into known parts (with Fugen-s/-n/-en/-es/-e), or None. Memoised."""
        if low in self._compound_cache:
            return self._compound_cache[low]
        self._compound_cache[low] = None  # guards against re-entry while splitting
        found = None
        for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            stem = self._heads().get(low[:i])  # the head first: one look-up, the tail may need a split
            if stem is None:
                continue
            tail = low[i:]
            if self._part_ok(tail):
                found = [stem, tail]
            elif len(tail) >= 2 * MIN_COMPOUND_PART and (rest := self._compound(tail)) is not None:
                found = [stem, *rest]
            if found:
                break
        self._compound_cache[low] = found
        return found

    def _heads(self) -> dict[str, str]:
        """Every way a lexicon part may begin a compound (itself or with a linking element) → the part.

        Built once: `_compound` then looks a head up instead of trying each linking element.
        """
        if self._head_table is None:
            parts = [p for p in self._forms if len(p) >= MIN_COMPOUND_PART and self._part_ok(p)]
            table: dict[str, str] = {}
            for link in _LINKS:  # in the order `_head_stems` tries them: the first reading wins
                for part in parts:
                    if _takes_link(part, link):
                        table.setdefault(part + link, part)
            self._head_table = table
        return self._head_table

    def _part_ok(self, low: str) -> bool:
        """A lexicon word that may be part of a compound: short parts only as nouns ("Rat", not "dem")."""
        if low in _CONTRACTIONS:
            return False  # "Treffpunktfür" is "Treffpunkt für" glued by OCR, never "Treffpunkt|fürs"
        forms = self._forms.get(low)
        return forms is not None and (len(low) >= 4 or any(f[:1].isupper() for f in forms))

    # -- block capitals ----------------------------------------------------------------------------
    @staticmethod
    def _is_block_caps(tokens: list[tuple[str, str, int]]) -> bool:
        words = [t for k, t, _ in tokens if k == "word" and any(c.isalpha() for c in t)]
        long_words = [w for w in words if len(w) >= 2]
        if not long_words:
            return False
        caps = sum(1 for w in long_words if w.isupper())
        return caps >= 1 and caps / len(long_words) >= 0.7 and (len(long_words) >= 2 or len(long_words[0]) >= 5)

    def _can_recase(self, tokens: list[tuple[str, str, int]]) -> bool:
        """Re-case a block-capital card only when every capital word is known; half-converted cards
        ("GELUNGENE Beispiele") read worse than capitals throughout."""
        def known(word: str) -> bool:
            fixed, reason = self._word(word, True)
            return reason == "abbreviation" or bool(self._forms.get(fixed.lower()))

        return all(known(t) for k, t, _ in tokens
                   if k == "word" and t.isupper() and len(t) >= MIN_FIX_LENGTH and t not in self._abbr_words)

    def _case(self, tok: str, first: bool) -> tuple[str, str | None]:
        """A block-capital word the lexicon knows, written as the lexicon writes it."""
        if not tok.isupper() or len(tok) < MIN_FIX_LENGTH:
            return tok, None
        low = tok.lower()
        forms = self._forms.get(low)
        if forms:
            capitalised = [f for f in forms if f[:1].isupper() and f[1:].islower()]
            lower = [f for f in forms if f.islower()]
            if not capitalised and not lower:
                return tok, None  # the lexicon spells it in capitals too
            new = capitalised[0] if capitalised else lower[0]
        else:
            parts = self._compound(low)
            if parts is None:
                return tok, None
            tail_forms = self._forms.get(parts[-1], set())
            new = low[:1].upper() + low[1:] if any(f[:1].isupper() for f in tail_forms) else low
        if first:
            new = new[:1].upper() + new[1:]
        return (new, "case") if new != tok else (tok, None)


def _single_edits(low: str, generic: bool) -> Iterator[tuple[str, float]]:
    """One OCR-typical edit of `low`; with `generic`, also one letter added or dropped anywhere."""
    for wrong, right, cost in _OCR_EDITS:
        start = low.find(wrong)
        while start >= 0:
            yield low[:start] + right + low[start + len(wrong):], cost
            start = low.find(wrong, start + 1)
    for i, ch in enumerate(low):
        if not ch.isalpha():
            continue
        if low[i - 1:i] != ch and low[i + 1:i + 2] != ch:  # never three in a row
            yield low[:i] + ch + low[i:], 1.0 if ch in _DOUBLED else GENERIC_EDIT_COST  # "Stadteil"
        elif low[i + 1:i + 2] == ch:
            yield low[:i] + low[i + 1:], 1.0  # "Bahnn", "Daueeraufgabe"
    if generic:  # the card's edge: a last letter lost ("Regelfinanzierun"), or a stroke read as one
        for ch in _LETTERS:
            yield low + ch, GENERIC_EDIT_COST
        if low[-1] in _EDGE_MARKS:  # never "Aufgabem" → "Aufgabe": the edge adds no "m"
            yield low[:-1], GENERIC_EDIT_COST


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_edit_inside(a: str, b: str) -> bool:
    """One letter changed, added or dropped, before the last two letters: there sit the endings that
    make another word ("Kümmerei" is no "Kümmerer", "Gutachtes" no "Gutachter"), and a swap of two
    letters is not what OCR does."""
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if i >= len(a) - 2:
        return False
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return len(b) == len(a) + 1 and a[i:] == b[i + 1:]


def _is_confusion_only(low: str, best: str) -> bool:
    """Whether `best` differs from `low` only by look-alike letters (else the fix is a spelling fix):
    one-for-one pairs of `_OCR_EDITS` anywhere, or one of its longer pairs ("rn" → "m") throughout."""
    if len(low) != len(best):
        return any(wrong in low and low.replace(wrong, right) == best for wrong, right in _OCR_GROUP_EDITS)
    return all(a == b or frozenset((a, b)) in _LOOKALIKES for a, b in zip(low, best))


def _stray_capital(tok: str) -> str | None:
    """"SponSoren" → "Sponsoren", "KooRdination" → "Koordination": one capital inside a capitalised
    word is a small letter PP-OCR read large (handwritten S, R, F). Not "BürgerInnen" (the gender I),
    nor "eBay" or "KiTa"-like names that start small or carry more capitals."""
    inner = [i for i, c in enumerate(tok) if i > 0 and c.isupper()]
    if len(inner) != 1 or not tok[:1].isupper() or not tok.isalpha() or tok[inner[0]:inner[0] + 2] == "In":
        return None
    rest = tok[1:inner[0]] + tok[inner[0] + 1:]
    if len(rest) < 3 or not rest.islower():
        return None
    return tok[0] + tok[1:].lower()


def _mixed_case(tok: str) -> bool:
    """"ERKEUgEN", "MoTIvation": capitals and small letters mixed after the first letter (not "Kita", "QM")."""
    rest = tok[1:]
    return any(c.isupper() for c in rest) and any(c.islower() for c in rest)


def _sharp_s(tok: str) -> str | None:
    """"flieBen" → "fließen": B between small letters (never at the start, never in capitals)."""
    if "B" not in tok[1:] or not tok[1:].replace("B", "").islower():
        return None
    return tok[:1] + tok[1:].replace("B", "ß")


def _recase(cand: str, tok: str) -> str | None:
    """Write a lower-case candidate the way the token was written (capitals, capitalised, small)."""
    if tok.isupper() and len(tok) > 1:
        return None if "ß" in cand else cand.upper()
    if tok[:1].isupper():
        return cand[:1].upper() + cand[1:]
    return cand


def _dotted_key(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _neighbour(tokens: list[tuple[str, str, int]], i: int, step: int) -> tuple[str | None, str]:
    j = i + step
    if 0 <= j < len(tokens):
        return tokens[j][0], tokens[j][1]
    return None, ""


# --- module-level API -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def default_normaliser() -> Normaliser:
    """The shared instance with the bundled tables (no user lexicon)."""
    return Normaliser()


@lru_cache(maxsize=8)
def _normaliser_for(path: str, mtime_ns: int, size: int) -> Normaliser:
    return Normaliser(user_lexicon=path)


def _resolve(lexicon: Normaliser | str | Path | None) -> Normaliser:
    if lexicon is None:
        return default_normaliser()
    if isinstance(lexicon, Normaliser):
        return lexicon
    path = Path(lexicon).resolve()
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        key = (0, -1)
    return _normaliser_for(str(path), *key)  # re-read when the file changed (a correction was learned)


def normalise(text: str, *, expand_abbreviations: bool = True,
              lexicon: Normaliser | str | Path | None = None) -> Normalised:
    """Normalise one card's text. `lexicon`: a learned user lexicon (YAML path) or a ready Normaliser."""
    return _resolve(lexicon).normalise(text, expand_abbreviations=expand_abbreviations)


def normalise_lines(lines: Iterable[str], *, expand_abbreviations: bool = True,
                    lexicon: Normaliser | str | Path | None = None) -> Iterator[Normalised]:
    """Each line on its own (typed-up notes: one card per line); lazily, so stdin can stream."""
    normaliser = _resolve(lexicon)
    for line in lines:
        yield normaliser.normalise(line, expand_abbreviations=expand_abbreviations)
