"""The `Normaliser`: one card's raw OCR text → the text for the minutes, and every change as an `Edit`.

Why a class: it holds the loaded tables (abbreviations, lexicon, learned user lexicon, the general
dictionary) and the caches of what it has decided, so a batch of cards reads the files once. The
steps live in their own modules: `layout`, `tokens`, `repair`, `abbreviations`, `speller`, `casing`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cardscan.dictionary import DEFAULT_DICTIONARY, WORDFREQ_MIN_WORD, GermanDictionary, get_dictionary
from cardscan.lexicon import (DEFAULT_ABBREVIATIONS, DEFAULT_LEXICON, Abbreviation, load_abbreviations,
                              load_user_lexicon, load_word_list)
from cardscan.normalise.abbreviations import AbbreviationTable
from cardscan.normalise.casing import (ARTICLES, MIN_FIX_LENGTH, CaseFrequencies, block_capital_case, can_recase,
                                       capitalised_function_word, case_slip, is_block_caps, lexicon_case)
from cardscan.normalise.compounds import head_stems, takes_link
from cardscan.normalise.context import ContextSpeller, mend_in_context
from cardscan.normalise.confusions import recase, sharp_s, stray_capital
from cardscan.normalise.language import ENGLISH, GERMAN, word_zipf
from cardscan.normalise.layout import WORD, layout
from cardscan.normalise.names import part_of_name
from cardscan.normalise.pairs import PairCounts
from cardscan.normalise.repair import ADJECTIVE_ENDINGS, TokenRepair
from cardscan.normalise.runon import run_on
from cardscan.normalise.speller import Speller, other_ending
from cardscan.normalise.tokens import SENTENCE_END, Token, neighbour, symbol_text, token_pattern, tokenize
from cardscan.normalise.typos import TypoFixer
from cardscan.normalise.vocabulary import INFLECTIONS, Vocabulary
from cardscan.wordlists import REFORMED_SPELLING
from cardscan.workshop import Edit

__all__ = ["Normalised", "Normaliser"]

MIN_REFORMED_REST = 3  # the rest of a compound around an old part ("Prozeß|begleitung")
# the gender I: "BürgerInnen", "AnsprechpartnerInnden"; not "kulturellenInfrastruktur" (two words run together)
GENDER = re.compile(r"(?<=[a-zäöüß])I(?=n[a-zäöüß]{0,4}$)")
MIN_STRAY_REST = 3  # "rGeld": the word after a stray small letter
MIN_LINKED_HEAD = 4  # "Ermöglichung|s-": the head before a linking element and a hyphen
MIN_HYPHEN_PART_FIX = 8  # a hyphen compound's part this long is mended into a listed word ("Verstetig-" is not)
MIN_ADJECTIVE_STEM = 6  # "finanziell|er", "sozial|e"; not "weit|er" (an adverb: "weiter tagen"), "letzt|en"
ADJECTIVE_STEM_ZIPF = 3.0
CLEAR_NOUN_GAP = 1.0  # natural log: capitalised 2.7 × more often than small
RARE_FOR_RARE_GAP = 1.5  # zipf: a listed word is only read as one 30 × more common (as speller.RARE_WORD_GAP)
RARE_LISTED_ZIPF = 4.0  # a listed word rarer than this (and rare in German text) may be a web list's typo ("Nciht" 3.2)
NOMINAL_BEFORE = frozenset("zum beim vom durch ohne".split())  # "zum Erhalten", "durch Ziehen": verbs made nouns
NOMINAL_AFTER = frozenset("von per".split())  # "Setzen von Variablen", "Ziehen per Tastfeld"
SWAP_COMMON_GAP = 3.0  # zipf: a small-capital token ("hIr") swapped is a word 1,000 × more common ("Ihr")
MIN_ENGLISH_LENGTH = 4
ENGLISH_MIN_ZIPF = 3.5  # an English word this common ("branch" 4.3, "hash" 3.6) …
ENGLISH_GAP = 1.0  # … and 10 × more common in English than in German is borrowed, not mistyped
LISTED_TYPO_ZIPF = 3.0  # a small word the web list holds this rarely may be a typo there too ("nud", "mti");
# a capitalised one is as likely a name ("Mühlburg")


@dataclass
class Normalised:
    """The text of one card before and after normalisation, and every change in between."""

    raw: str
    text: str
    edits: list[Edit] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


@dataclass
class _Card:
    """What the word-by-word pass of one card carries along."""

    clean: str
    offsets: list[int]
    tokens: list[Token]
    edits: list[Edit]
    expand: bool
    capitals_card: bool
    block_caps: bool
    first_word: bool = True
    sentence_start: bool = True  # a capitalised word here may be a lower-case word ("Fur alle" → "Für alle")


class Normaliser:
    """Holds the loaded tables (abbreviations, lexicon, learned user lexicon) for a batch of cards.

    Building one reads the files once; `normalise` is then pure string work. Pass
    `user_lexicon=<data>/lexikon.yaml` to apply what facilitators taught via `learn_correction`.
    `dictionary`: a general German dictionary by name ("wordfreq", "hunspell"; see
    `cardscan.dictionary.DICTIONARIES`), an instance, or None for the domain lexicon alone; it is
    loaded on first use, not here. `context`: short words are chosen by their neighbours
    (`cardscan.normalise.context`, word pairs counted in Debian's German texts, built on first use);
    False for none, or a `PairCounts` of other text.
    """

    def __init__(self, *, abbreviations: str | Path | None = DEFAULT_ABBREVIATIONS,
                 lexicon: str | Path | None = DEFAULT_LEXICON, user_lexicon: str | Path | None = None,
                 words: Iterable[str] = (), dictionary: str | GermanDictionary | None = DEFAULT_DICTIONARY,
                 context: bool | PairCounts = True):
        self.dictionary: GermanDictionary | None = (get_dictionary(dictionary) if isinstance(dictionary, str)
                                                    else dictionary)
        self.abbreviations: list[Abbreviation] = load_abbreviations(abbreviations) if abbreviations else []
        base_words = load_word_list(lexicon) if lexicon else []
        self.user_lexicon_path = Path(user_lexicon) if user_lexicon else None
        user = load_user_lexicon(user_lexicon) if user_lexicon else {"replacements": {}, "words": []}
        self.replacements: dict[str, str] = dict(user["replacements"])
        self.user_words: list[str] = list(user["words"])

        self.abbreviation_table = AbbreviationTable(self.abbreviations)
        all_words = [*base_words, *self.user_words, *words]
        # Words of the expansions ("Senatsverwaltung", "Quartiersrat") are known words too.
        for expansion in self.abbreviation_table.expansion_words():
            all_words.extend(WORD.findall(expansion))
        all_words.extend(self.replacements.values())
        self.vocabulary = Vocabulary(all_words, self.dictionary)
        self.words = self.vocabulary.words
        self.speller = Speller(self.vocabulary)
        self.typos = TypoFixer(self.vocabulary)
        self.cases = CaseFrequencies()
        self._repair = TokenRepair(self.vocabulary, self.speller, self.abbreviation_table,
                                   lambda low: self.dictionary is not None and self._clear_noun(low))
        self._token_re = token_pattern(self.abbreviation_table.dotted_pattern)
        self.use_context = context is not False
        self._pairs = context if isinstance(context, PairCounts) else None
        self._context: ContextSpeller | bool | None = None

    def known(self, word: str) -> bool:
        """True when the word is in the lexicon (any case), a learned word, a compound of known words,
        or a word of the general dictionary."""
        return self.vocabulary.known(word)

    def in_lexicon(self, word: str) -> bool:
        """The domain lexicon alone (with learned words and compounds of lexicon words)."""
        return self.vocabulary.in_lexicon(word)

    def normalise(self, text: str, *, expand_abbreviations: bool = True, language: str = GERMAN) -> Normalised:
        """`language`: the board's ("de", or "en" from `cardscan.normalise.language.board_language`); a card
        of a board in another language than German keeps its words: only layout and symbols change."""
        raw = "" if text is None else text if isinstance(text, str) else str(text)
        clean, offsets, edits = layout(raw)
        if language != GERMAN:
            return self._layout_only(raw, clean, offsets, edits)
        tokens = self._repair.repair(tokenize(self._token_re, clean), clean, offsets, edits)
        capitals_card = is_block_caps(tokens)
        block_caps = capitals_card and can_recase(tokens, lambda w: self._word(w, True), self.vocabulary,
                                                  self.abbreviation_table.is_abbreviation)
        card = _Card(clean, offsets, tokens, edits, expand_abbreviations, capitals_card, block_caps)
        out: list[str] = []
        for i, token in enumerate(tokens):
            at = offsets[token.start]
            if token.kind == "word":
                out.append(self._word_token(card, i, at))
                card.first_word = card.sentence_start = False
            elif token.kind == "dotted":
                new, reason = self.abbreviation_table.dotted_word(token.text, expand_abbreviations)
                if reason is not None:
                    edits.append(Edit(token.text, new, reason, at))
                out.append(new)
                card.first_word = card.sentence_start = False
            elif token.kind in ("arrow", "plus", "euro"):
                new = symbol_text(tokens, i)
                if new != token.text:
                    edits.append(Edit(token.text, new, "symbol", at))
                out.append(new)
                card.sentence_start = card.sentence_start or token.kind == "arrow"
            else:
                out.append(token.text)
                if token.kind == "other" and token.text in SENTENCE_END and (
                        token.text in ".:!?" or neighbour(tokens, i, -1)[0] in (None, "ws")):
                    card.sentence_start = True  # after a full stop, or a bullet dash (not a compound hyphen)
        if self.use_context and not capitals_card and (context := self.context()) is not None:
            table = self.abbreviation_table
            mend_in_context(context, tokens, out, offsets, edits,
                             lambda w: table.is_abbreviation(w.upper()) or table.is_lower_abbreviation(w),
                             self._noun, self._unlisted, lambda i: self._in_name(tokens, i))
        return Normalised(raw=raw, text="".join(out), edits=sorted(edits, key=lambda e: e.start))

    def _layout_only(self, raw: str, clean: str, offsets: list[int], edits: list[Edit]) -> Normalised:
        """A card of a non-German board: its lines joined and its arrows written "→", nothing spelled,
        cased or expanded (the German tables would turn "phone" into "pläne", "QR" into "Quartiersrat")."""
        tokens = tokenize(self._token_re, clean)
        out: list[str] = []
        for i, token in enumerate(tokens):
            new = symbol_text(tokens, i) if token.kind in ("arrow", "plus", "euro") else token.text
            if new != token.text:
                edits.append(Edit(token.text, new, "symbol", offsets[token.start]))
            out.append(new)
        return Normalised(raw=raw, text="".join(out), edits=sorted(edits, key=lambda e: e.start))

    def _in_name(self, tokens: list[Token], i: int) -> bool:
        return self.dictionary is not None and part_of_name(
            tokens, i, self.vocabulary, lambda w: self.speller.general_fix(w) is not None
            or self.typos.fix(w.lower()) is not None)

    def _unlisted(self, tok: str) -> str | None:
        """None for a lexicon word or a listed one of zipf `RARE_LISTED_ZIPF` or more; "rare" for a rarer listed
        one (web lists hold typos: "Dises", "hoes"); "compound" for a compound of known parts or a regular form of
        a listed word ("behaltene"); else "none"."""
        z = self.dictionary.zipf(tok.lower())
        if self.vocabulary.in_lexicon(tok):
            return None
        if z > 0.0:
            return "rare" if z < RARE_LISTED_ZIPF else None
        return "compound" if self.vocabulary.known(tok) or self.typos.word_form(tok.lower()) else "none"

    def _clear_noun(self, low: str) -> bool:
        """German writes the word capitalised far more often than small ("Prozesse", not "digital")."""
        cap, small = self.cases.logprob(low[:1].upper() + low[1:]), self.cases.logprob(low)
        return cap is not None and (small is None or cap - small >= CLEAR_NOUN_GAP)

    def _noun(self, low: str) -> bool:
        """German writes the word capitalised (the case table, else the lexicon)."""
        cap, small = self.cases.logprob(low[:1].upper() + low[1:]), self.cases.logprob(low)
        if cap is None and small is None:
            return any(f[:1].isupper() for f in self.vocabulary.forms.get(low, ()))
        return cap is not None and (small is None or cap > small)

    def context(self) -> ContextSpeller | None:
        """The short-word chooser, built on first use (the pair counts take a moment); None without a
        frequency dictionary or without the Debian texts the pairs are counted in."""
        if self._context is None and self.dictionary is not None and self.dictionary.has_frequencies:
            counts = self._pairs or PairCounts.shared()
            self._context = ContextSpeller(self.dictionary, counts, self.vocabulary.forms, self._noun) \
                if counts.available else False
        return self._context or None

    __call__ = normalise

    def _word_token(self, card: _Card, i: int, at: int) -> str:
        """One word token of the card in context: its repair, case, and a glued function word split off."""
        tok, start, clean = card.tokens[i].text, card.tokens[i].start, card.clean
        lookalike = self.abbreviation_table.q_lookalike(tok, self.vocabulary.spelled(tok))
        if lookalike is not None:  # "OR" → "QR", then written out like any "QR"
            card.edits.append(Edit(tok, lookalike, "ocr-confusion", at))
            tok = lookalike
        end = start + len(tok)
        in_compound = (clean[start - 1:start] == "-" and start >= 2 and clean[start - 2].isalnum()) or \
                      (clean[end:end + 1] == "-" and clean[end + 1:end + 2].isalnum())
        before_hyphen = clean[end:end + 1] == "-"
        if clean[start - 1:start] in (")", "]") and start > 0:
            return tok  # "[Vertrauen]sperson", "(Planungs)verständnis": the rest of a bracketed compound
        dangling = before_hyphen and not clean[end + 1:].strip()  # "Aktionsfunds-" at the card's end: cut off
        new, reason = self._gendered_word(tok, card.expand, in_compound, card.sentence_start, before_hyphen, dangling)
        if reason in ("spelling", "ocr-confusion") and " " not in new and _english_word(tok):
            new, reason = tok, None  # "Branch", "Hash", "coaching": a common English word is a word, not a slip
        if reason in ("spelling", "ocr-confusion") and " " not in new and self._in_name(card.tokens, i):
            new, reason = tok, None  # "Tai Tham", "Nay Pyi Taw": a short word beside an unknown capitalised one
        if reason is None and not (card.sentence_start or card.capitals_card) \
                and capitalised_function_word(new, card.tokens, i):
            new, reason = new.lower(), "case"
        if reason is None and (split := self._repair.split_glued(new)) is not None:
            new, reason = split[0], "whitespace"  # "Müllan den" → "Müll an den"
            head, _, tail = new.rpartition(" ")
            if self.dictionary is not None and not card.capitals_card and (cased := case_slip(
                    tail, False, self.vocabulary, self.cases, self._noun_slot(head))) is not None:
                new = f"{head} {cased}"  # "diestadt" → "die Stadt": the split-off article expects a noun
        standalone = neighbour(card.tokens, i, -1)[0] in (None, "ws") and (
            neighbour(card.tokens, i, 1)[0] in (None, "ws") or neighbour(card.tokens, i, 1)[1] in ",.;:!?") \
            and neighbour(card.tokens, i, -2)[1] != "-"  # "Kinder- Und Jugendarbeit": a title's capitals
        if reason is None and self.dictionary is not None and not card.capitals_card and standalone \
                and (cased := case_slip(new, card.sentence_start, self.vocabulary, self.cases,
                                        self._noun_slot(before := neighbour(card.tokens, i, -2)[1]),
                                        self._verb_slot(new, before, card.tokens, i),
                                        self._nominal_slot(before, neighbour(card.tokens, i, 2)[1]))) is not None:
            new, reason = cased, "case"  # "die realisierung" → "die Realisierung"
        if reason is not None:
            card.edits.append(Edit(tok, new, reason, at))
        if card.block_caps and reason in (None, "ocr-confusion"):
            cased, why = block_capital_case(new, card.first_word, self.vocabulary)
            if why is not None:
                card.edits.append(Edit(new, cased, why, at))
                new = cased
        return new

    def _capital_slip(self, tok: str) -> tuple[str, str] | None:
        """A capital where it does not belong, as (reading, reason): inside ("dieVernetzung": two words), in
        second place ("oSzialwesen" swapped, "rGeld" a stray letter), or a stray one ("SponSoren")."""
        vocabulary = self.vocabulary
        inner = self._repair.inner_capital_split(tok)
        if inner is not None:
            return inner, "whitespace"  # "dieVernetzung": before "SponSoren" → "Sponsoren" reads it as one word
        shape = len(tok) >= MIN_STRAY_REST and tok[0].islower() and tok[1].isupper() and tok[2:].islower() \
            and self.dictionary is not None
        second = shape and not vocabulary.known(tok)
        swapped = tok[1] + tok[0] + tok[2:]
        if shape and self.dictionary.zipf(swapped.lower()) - self.dictionary.zipf(tok.lower()) >= SWAP_COMMON_GAP:
            return swapped, "spelling"  # "hIr", "iSe": a web scrap ("hir" 2.8) beside a very common word ("Ihr")
        if second and (vocabulary.known(swapped) or self.typos.compound_of_parts(swapped.lower())):
            return swapped, "spelling"  # "oSzialwesen", "iFlter": the first two keys swapped, the capital with them
        if second and len(tok) >= MIN_STRAY_REST + 1 and (vocabulary.known(tok[1:])
                                                          or self.typos.compound_of_parts(tok[1:].lower())):
            return tok[1:], "spelling"  # "rGeld", "yScharnierfunktion": a stray letter before a capital
        recased = stray_capital(tok)
        return (recased, "case") if recased is not None and vocabulary.known(recased) else None

    def _noun_slot(self, before: str) -> bool:
        """A noun is expected after an article or an inflected adjective ("Finanzieller aufwand":
        "finanziell" is a word German writes small)."""
        low = before.lower()
        if low in ARTICLES:
            return True
        ending = next((e for e in ADJECTIVE_ENDINGS if low.endswith(e)), None)
        if ending is None or len(low) - len(ending) < MIN_ADJECTIVE_STEM or self.dictionary is None:
            return False
        stem = low[:-len(ending)]
        return self.dictionary.zipf(stem) >= ADJECTIVE_STEM_ZIPF and not self._noun(stem)

    @staticmethod
    def _nominal_slot(before: str, after: str) -> bool:
        """A verb made a noun: after "zum", "beim", "durch" …, or before an article or "von" ("Ziehen des")."""
        return before.lower() in NOMINAL_BEFORE or after.lower() in ARTICLES or after.lower() in NOMINAL_AFTER

    def _verb_slot(self, tok: str, before: str, tokens: list[Token], i: int) -> bool:
        """A verb is expected after "zu", and as a card's last word after a noun: cards are jobs written
        noun first ("Fördermittel bündeln", "Moscheegemeinde einbeziehen")."""
        if before.lower() == "zu":
            return True
        last = all(t.kind != "word" for t in tokens[i + 1:])
        return last and tok[:1].isupper() and tok.endswith(("en", "ern", "eln")) and before[:1].isupper() \
            and before[1:].islower() and self._noun(before.lower())

    def _word(self, tok: str, expand: bool, in_compound: bool = False,
              sentence_start: bool = False, before_hyphen: bool = False,
              dangling: bool = False) -> tuple[str, str | None]:
        """One word token: learned replacement, abbreviation, or OCR fix; (tok, None) when unchanged."""
        if tok in self.replacements:
            return self.replacements[tok], "spelling"
        abbreviated = self.abbreviation_table.word(tok, expand, in_compound)
        if abbreviated is not None:
            return abbreviated
        if len(tok) < MIN_FIX_LENGTH:
            return tok, None
        reformed = _reformed(tok.lower(), self.vocabulary) if "ß" in tok or tok.lower() in REFORMED_SPELLING else None
        if reformed is not None and not tok.isupper():  # "daß" → "dass"; the raw text keeps "daß"
            return (reformed[:1].upper() + reformed[1:] if tok[:1].isupper() else reformed), "reformed-spelling"
        vocabulary, speller = self.vocabulary, self.speller
        capital = self._capital_slip(tok)
        if capital is not None:
            return capital
        if self.dictionary is not None and tok[1:].islower() \
                and (linked := vocabulary.compounds.missing_link(tok.lower())) is not None \
                and self._clear_noun(linked[1]):
            return f"{tok[:len(linked[0])]}s{linked[1]}", "spelling"  # "Bürgerbeteiligungprozesse": the linking s lost
        if self.dictionary is not None and not (in_compound or before_hyphen) \
                and (two := run_on(tok, vocabulary, self.cases)) is not None:
            return two, "whitespace"  # "Bürgergremiumentscheidet": a noun and a verb, not a compound
        if vocabulary.in_lexicon(tok):
            return tok, None
        fixed = speller.lexicon_fix(tok, sentence_start)
        if fixed and self.dictionary is not None \
                and other_ending(tok, fixed.lower(), self.dictionary.zipf):
            return tok, None  # "aktivem" is no slip of "aktiven": another case of the same word
        if fixed:
            return fixed, "ocr-confusion"
        if self.dictionary is None:
            return tok, None
        sharp = sharp_s(tok)
        if sharp is not None and vocabulary.known(sharp) and \
                self.dictionary.zipf(tok.lower()) < self.dictionary.zipf(sharp.lower()):
            # "flieBen": a capital B inside a small word is an ß, unless the word with a b is the
            # commoner one ("eBay": web text also holds "eßay", written by OCR like ours)
            return sharp, "ocr-confusion"
        if vocabulary.dict_word(tok):
            common = speller.common_neighbour(tok)
            if common:
                return common, "ocr-confusion"
            z = self.dictionary.zipf(tok.lower())
            if z == 0.0 and tok[1:].islower() and not (in_compound or before_hyphen) \
                    and not vocabulary.dict_word(tok, compounds=False) \
                    and (typo := self.typos.fix(tok.lower(), compounds=False)) is not None \
                    and (new := recase(typo, tok)) is not None:  # "Projektfands": a mere compound of parts
                return lexicon_case(tok, new, sentence_start, vocabulary, self.cases), "spelling"  # one slip off
            if 0.0 < z < LISTED_TYPO_ZIPF and tok.islower() and not (in_compound or before_hyphen) \
                    and (typo := self.typos.fix(tok.lower(), listed_zipf=z)) is not None \
                    and (new := recase(typo, tok)) is not None:
                return lexicon_case(tok, new, sentence_start, vocabulary, self.cases), "spelling"  # "nud" → "und"
            return tok, None
        if before_hyphen and any(len(stem) >= MIN_LINKED_HEAD and vocabulary.known(stem)
                                 for stem in head_stems(tok.lower())):
            return tok, None  # "Ermöglichungs-/": a compound's head with its linking s, not a typo
        general = speller.general_fix(tok, generic=not (in_compound or before_hyphen))
        if general is not None and self._weak_general(tok, general):
            general = None
        if general is not None:
            return lexicon_case(tok, general[0], sentence_start, vocabulary, self.cases), general[1]
        split = self._repair.split_glued(tok)
        # not "Verstetig-" (a hyphen compound's part), nor "QRSitzung" (capitals inside: names, abbreviations)
        typo = self._typo(tok, in_compound, before_hyphen, dangling)
        if typo is None and split is None and not (in_compound or before_hyphen):
            typo = vocabulary.compounds.one_slip_compound(tok.lower())  # "Wohnumfelvderbesserungen"
        if split is not None and (typo is None or self.dictionary.zipf(typo) < split[1] or _piece_of(typo, tok)):
            return tok, None  # two words run together ("Seitender"): split by the caller, not "corrected"
        if typo is None or (new := recase(typo, tok)) is None or new == tok or self._compound_for_compound(tok, new):
            return tok, None
        return lexicon_case(tok, new, sentence_start, vocabulary, self.cases), "spelling"


    def _weak_general(self, tok: str, general: tuple[str, str]) -> bool:
        """The speller's reading is no strong evidence: a function word glued on ("Sicherheitam" is "Sicherheit am",
        not an unlisted "Sicherheitamt"; "obdieser" is "ob dieser", not "dieser" with two letters dropped; "kannsowohl"
        two common words, not the mere compound "kannssowohl"), a regular form of a listed word ("partitionierte";
        an "ocr-confusion" still counts: "unterstutzen" is no "unter|stutzen"), a case ending ("ungültigem"), or
        only another compound or rare word ("Dateiende" ≠ "Dateieende")."""
        new, low, d = general[0].lower(), tok.lower(), self.dictionary
        if new.startswith(low) and d.zipf(new) == 0.0 and self._repair.glued_function_word(tok):
            return True
        if (_piece_of(new, tok) or (d.zipf(new) == 0.0 and not self.vocabulary.in_lexicon(new))) \
                and self._repair.split_glued(tok) is not None:
            return True
        if general[1] == "spelling" and self.typos.word_form(low):
            return True
        return other_ending(tok, new, d.zipf) or self._compound_for_compound(tok, general[0]) \
            or self._rare_for_rare(tok, general[0])

    def _rare_for_rare(self, tok: str, new: str) -> bool:
        """A word the web list holds, however rarely, traded for one hardly more common ("Dises" 1.9 →
        "Discs" 2.5): no strong evidence; the context stage may still read it ("Dieses")."""
        z = self.dictionary.zipf(tok.lower())
        return z > 0.0 and self.dictionary.zipf(new.lower()) - z < RARE_FOR_RARE_GAP \
            and not self.vocabulary.in_lexicon(new)

    def _compound_for_compound(self, tok: str, new: str) -> bool:
        """The token may be a compound of known parts ("Dateiende", "Einfüge|marke") and the fix is only
        another compound no list holds ("Dateieende", "Einfügtemarke"): no strong evidence, it stays."""
        low, forms = new.lower(), self.vocabulary.forms
        listed = self.dictionary.zipf(low) >= WORDFREQ_MIN_WORD or low in forms or any(
            low.endswith(e) and low[:-len(e)] in forms for e in INFLECTIONS)  # a lexicon compound is no list's
        return not listed and self.vocabulary.compounds.built_of_parts(tok.lower())

    def _typo(self, tok: str, in_compound: bool, before_hyphen: bool, dangling: bool) -> str | None:
        """The typo stage's reading of a token (lower case); None for tokens with capitals inside."""
        if not tok[1:].islower():
            return None
        if not (in_compound or before_hyphen):
            return self.typos.fix(tok.lower())
        if len(tok) >= MIN_HYPHEN_PART_FIX and not dangling:
            return self._hyphen_part_fix(tok.lower(), before_hyphen)
        return None

    def _gendered_word(self, tok: str, *args) -> tuple[str, str | None]:
        """`_word` for a gender form ("AnsprechpartnerInnden"): read with a small i, the capital I put back
        ("AnsprechpartnerInnen"); the ending must stay a gender ending, else the token stays."""
        gender = GENDER.search(tok)
        if gender is None:
            return self._word(tok, *args)
        at = gender.start()
        new, reason = self._word(tok[:at] + "i" + tok[at + 1:], *args)
        ending = next((e for e in ("innen", "in") if new.endswith(e)), None)
        if reason not in ("spelling", "ocr-confusion") or ending is None or " " in new:
            return tok, None
        return new[:-len(ending)] + "I" + ending[1:], reason

    def _hyphen_part_fix(self, low: str, before_hyphen: bool) -> str | None:
        """A hyphen compound's long part, only into a listed word one slip off ("Tiengarten-Süd"); a head
        before the hyphen keeps its linking s ("Testaltungs-/" → "Gestaltungs-/", not "Gestaltung-")."""
        if before_hyphen and low.endswith("s") and len(low) > MIN_HYPHEN_PART_FIX:
            stem = self.typos.fix(low[:-1], compounds=False)
            if stem is not None and takes_link(stem, "s"):
                return stem + "s"
        fixed = self.typos.fix(low, compounds=False)
        return fixed if fixed is not None and fixed[-1:] == low[-1:] else None


def _piece_of(reading: str, tok: str) -> bool:
    """The reading is the token with letters cut off at one end ("dieser" of "obdieser"): two words run
    together, not a slip (a slip drops one letter, seldom two at the edge)."""
    low = tok.lower()
    return len(low) - len(reading) >= 2 and (low.endswith(reading) or low.startswith(reading))


def _english_word(tok: str) -> bool:
    """A common English word ("Branch", "Hash", "Blob") that German uses far less: cards borrow such words,
    and no German reading of them is strong evidence of a slip. Looked up only for a word about to change."""
    low = tok.lower()
    if not low.isalpha() or len(low) < MIN_ENGLISH_LENGTH:
        return False
    en = word_zipf(low, ENGLISH)
    return en >= ENGLISH_MIN_ZIPF and en - word_zipf(low, GERMAN) >= ENGLISH_GAP


def _reformed(low: str, vocabulary: Vocabulary) -> str | None:
    """The reformed spelling of an old word, also as a compound's first or last part
    ("Prozeßbegleitung" → "Prozessbegleitung", "Bundeszuschuß"), when the result is a known word."""
    whole = REFORMED_SPELLING.get(low)
    if whole is not None:
        return whole
    for old, new in REFORMED_SPELLING.items():
        if len(low) - len(old) >= MIN_REFORMED_REST:
            if low.startswith(old) and vocabulary.known(new + low[len(old):]):
                return new + low[len(old):]
            if low.endswith(old) and vocabulary.known(low[:-len(old)] + new):
                return low[:-len(old)] + new
    return None
