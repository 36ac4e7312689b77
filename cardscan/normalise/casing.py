"""Capitals: block-capital cards, function words capitalised mid-line, repaired words' case.

Why apart: case is where a "fix" is most visible to the card's author; these rules only ever use the
lexicon's own spelling of a word, never guess one.

- cards written in block capitals get the lexicon's capitalisation for the words it knows, but only
  when it knows every capital word on the card (half-converted cards read worse than capitals);
- "Coaching Für Initiativen" → "für": a function word capitalised after a word, not at a sentence start;
- a repaired word whose case OCR garbled ("tdeen", "ERKEUgEN") is written as the lexicon writes it.
"""
from __future__ import annotations

from collections.abc import Callable

from cardscan.normalise.confusions import mixed_case
from cardscan.normalise.tokens import Token, neighbour
from cardscan.normalise.vocabulary import Vocabulary
from cardscan.wordlists import FUNCTION_WORDS, VERB_PARTICLES

ARTICLES = frozenset("""der die das den dem des ein eine einen einem einer eines kein keine keinen keinem
    keiner keines zum zur im am vom beim ins""".split())
__all__ = ["ARTICLES", "MIN_FIX_LENGTH", "is_block_caps", "can_recase", "block_capital_case", "lexicon_case",
           "capitalised_function_word"]

MIN_FIX_LENGTH = 3  # shorter tokens ("ob", "QR", "5a") are too ambiguous to correct


def is_block_caps(tokens: list[Token]) -> bool:
    """Most words (of two letters or more) in capitals: a card written in block capitals."""
    words = [t.text for t in tokens if t.kind == "word" and any(c.isalpha() for c in t.text)]
    long_words = [w for w in words if len(w) >= 2]
    if not long_words:
        return False
    caps = sum(1 for w in long_words if w.isupper())
    return caps >= 1 and caps / len(long_words) >= 0.7 and (len(long_words) >= 2 or len(long_words[0]) >= 5)


def can_recase(tokens: list[Token], repaired: Callable[[str], tuple[str, str | None]], vocabulary: Vocabulary,
               is_abbreviation: Callable[[str], bool]) -> bool:
    """Re-case a block-capital card only when every capital word is known; half-converted cards
    ("GELUNGENE Beispiele") read worse than capitals throughout. `repaired`: the word after repair."""
    def known(word: str) -> bool:
        fixed, reason = repaired(word)
        return reason == "abbreviation" or bool(vocabulary.forms.get(fixed.lower()))

    return all(known(t.text) for t in tokens
               if t.kind == "word" and t.text.isupper() and len(t.text) >= MIN_FIX_LENGTH
               and not is_abbreviation(t.text))


def block_capital_case(tok: str, first: bool, vocabulary: Vocabulary) -> tuple[str, str | None]:
    """A block-capital word the lexicon knows, written as the lexicon writes it."""
    if not tok.isupper() or len(tok) < MIN_FIX_LENGTH:
        return tok, None
    low = tok.lower()
    forms = vocabulary.forms.get(low)
    if forms:
        capitalised = [f for f in forms if f[:1].isupper() and f[1:].islower()]
        lower = [f for f in forms if f.islower()]
        if not capitalised and not lower:
            return tok, None  # the lexicon spells it in capitals too
        new = capitalised[0] if capitalised else lower[0]
    else:
        parts = vocabulary.compounds.split(low)
        if parts is None:
            return tok, None
        tail_forms = vocabulary.forms.get(parts[-1], set())
        new = low[:1].upper() + low[1:] if any(f[:1].isupper() for f in tail_forms) else low
    if first:
        new = new[:1].upper() + new[1:]
    return (new, "case") if new != tok else (tok, None)


def lexicon_case(tok: str, new: str, sentence_start: bool, vocabulary: Vocabulary,
                 cases: CaseFrequencies | None = None) -> str:
    """A repaired word written as the lexicon writes it, when the token's own case says nothing.

    That is when the fix replaced the first letter ("tdeen" → "Ideen": the t was a misread
    capital I) or when OCR mixed capitals into the word ("ERKEUgEN" → "erzeugen" after a noun).
    Only a word the lexicon lists in one case is recased; at a sentence start it is capitalised.
    """
    first_replaced = tok[:1].lower() != new[:1].lower()
    if not (first_replaced or mixed_case(tok)):
        return new
    forms = vocabulary.forms.get(new.lower(), set())
    if not forms and cases is not None and first_replaced:
        usual = _usual_case(new, cases)  # "rojektentwicklung" → "Projektentwicklung": the case table's
        return new if sentence_start and usual[:1].islower() else usual
    capitalised = {f for f in forms if f[:1].isupper()}
    small = {f for f in forms if f[:1].islower()}
    if (capitalised and small) or not forms:
        return new  # listed in both cases ("Leben"/"leben") or not at all: the token's case stays
    form = next(iter(capitalised or small))
    # at a sentence start as the token began: cards often start small ("nehr Transparenz" → "mehr"); an l
    # or 1 there is a misread capital I ("lch" → "Ich")
    capital = sentence_start and (tok[:1].isupper() or tok[:1] in "l1|")
    return form[:1].upper() + form[1:] if capital else form


def _usual_case(word: str, cases: CaseFrequencies) -> str:
    """The word capitalised or small, as the case table writes it clearly more often (else as it is)."""
    cap, small = word[:1].upper() + word[1:], word[:1].lower() + word[1:]
    p_cap, p_small = cases.logprob(cap), cases.logprob(small)
    if p_cap is not None and p_cap - (p_small if p_small is not None else UNLISTED_LOGPROB) >= USUAL_CASE_GAP:
        return cap
    if p_small is not None and p_small - (p_cap if p_cap is not None else UNLISTED_LOGPROB) >= USUAL_CASE_GAP:
        return small
    return word


def capitalised_function_word(word: str, tokens: list[Token], i: int) -> bool:
    """"Coaching Für Initiativen": a function word written capitalised (or in capitals) right after a
    word, so not at a sentence start; the caller also excludes block-capital cards."""
    return word.lower() in FUNCTION_WORDS and word[:1].isupper() and (word[1:].islower() or word.isupper()) \
        and neighbour(tokens, i, -1)[0] == "ws" and neighbour(tokens, i, -2)[0] == "word"


# --- case slips: a noun written small, a small word written capitalised ------------------------------
CASE_MIN_GAP = 3.5  # natural log: the other case must be 30 × more frequent ("ideen" 3.6, not "jugendliche" 2.8)
NOUN_SLOT_GAP = 1.5  # after an article ("die realisierung", "einen aufwand") a noun is expected
COMPOUND_NOUN_LENGTH = 9  # a word this long ending in a noun is a compound noun, wherever it stands
SMALL_MIN_GAP = 3.0  # a capitalised word mid-sentence written small: "Kann" (3.2), "Mehr" (3.4); capitals at
# sentence starts inflate every word's capitalised count, so the gap is smaller than for nouns written small
USUAL_CASE_GAP = 1.0  # a repaired word whose first letter was lost or replaced: its case says nothing
CASE_MIN_LOGPROB = -15.5  # … and itself a word met often enough to know its case
UNLISTED_LOGPROB = -19.5  # a form the table lacks (its rarest entries are -17.7)
NOT_AN_ADJECTIVE_ZIPF = 2.0  # "erzeugene" is no word, "verschiedene" is
TAIL_NOUN_GAP = 1.5  # a compound's last part capitalised 4.5 × more often is a noun ("Menge" 2.9, "Tasten" 1.9,
# "Summen" 2.2; "Leben"/"leben" is no clear noun), a smaller gap than a whole word's: the rest makes it a compound
MIN_NOUN_HEAD = 4
NOT_NOUN_ENDINGS = ("weise", "end", "ende", "endes", "enden", "ender", "endem")  # adverbs, participles
CASE_MIN_TAIL = 5  # the last part of a compound that decides its case ("steuerung"; not "wert", "fest")
_CASE_TABLE = "de_lexeme_prob.json.gz"


class CaseFrequencies:
    """How often a word is written in each case, from spaCy's German lexeme probabilities.

    Why this table: the general dictionary folds case ("wordfreq" lower-cases), but German capitals
    carry meaning: nouns are capitalised. The table (a million forms, natural-log probabilities, in the
    `spacy-lookups-data` wheel, nothing downloaded) says "Realisierung" is 200 times more common than
    "realisierung". Loaded on first use (two seconds), once per process.
    """

    _shared: dict[str, float] | None = None

    @classmethod
    def table(cls) -> dict[str, float]:
        if cls._shared is None:
            import gzip
            import json
            from importlib import resources

            try:
                data = resources.files("spacy_lookups_data").joinpath("data", _CASE_TABLE).read_bytes()
                cls._shared = json.loads(gzip.decompress(data))
            except (ModuleNotFoundError, FileNotFoundError):
                cls._shared = {}  # without the table no case is changed
        return cls._shared

    def logprob(self, word: str) -> float | None:
        return self.table().get(word)


def case_slip(tok: str, sentence_start: bool, vocabulary: Vocabulary, cases: CaseFrequencies,
              noun_slot: bool = False, verb_slot: bool = False, nominal: bool = False) -> str | None:
    """The token in the case German writes it, when its first letter's case is a clear slip.

    A small word written as a noun, or a noun written small ("realisierung" → "Realisierung"; mid-line
    "Gelungen" → "gelungen"), only when the other case is `CASE_MIN_GAP` more frequent. A word the
    lexicon writes exactly so stays; words with capitals inside ("BürgerInnen"), in capitals, or at a sentence start
    written capitalised are left alone; so are words both ways common ("Wichtig"/"wichtig"). After an
    article (`noun_slot`: "der aufwand") a noun is expected, after "zu" (`verb_slot`: "zu Erwirken") a
    verb, and a smaller gap will do. `nominal`: the neighbours make a capitalised infinitive a noun ("durch
    Ziehen des Mauszeigers", "zum Erhalten eines"): it stays.
    """
    if len(tok) < MIN_FIX_LENGTH or not tok.isalpha() or not tok[1:].islower() or vocabulary.spelled(tok):
        return None
    if tok[0].isupper():
        if sentence_start or ((noun_slot or nominal) and _nominal_infinitive(tok.lower(), vocabulary)):
            return None
        other = tok[0].lower() + tok[1:]
    else:
        other = tok[0].upper() + tok[1:]
    p_other, p_tok = cases.logprob(other), cases.logprob(tok)
    if tok[0].islower():  # a noun written small: any listed capitalised form against the small one
        if p_other is None:
            return other if p_tok is None and _tail_is_noun(tok, cases) else None  # "prozesssteuerung"
        gap = NOUN_SLOT_GAP if noun_slot or (len(tok) >= COMPOUND_NOUN_LENGTH and _tail_is_noun(tok, cases)) \
            else CASE_MIN_GAP  # a compound whose last part is a noun is one ("ergebnis|menge", "aktions|fonds")
        return other if p_other - (p_tok if p_tok is not None else UNLISTED_LOGPROB) >= gap else None
    if p_other is None or p_other < CASE_MIN_LOGPROB or (p_tok is None and not verb_slot):
        return None  # an unlisted capitalised word is more likely a noun we do not know ("Zugange") …
    p_tok = UNLISTED_LOGPROB if p_tok is None else p_tok  # … but not after "zu" ("zu Erwirken")
    return other if p_other - p_tok >= (NOUN_SLOT_GAP if verb_slot else SMALL_MIN_GAP) else None


def _nominal_infinitive(low: str, vocabulary: Vocabulary) -> bool:
    """A verb made a noun after an article ("beim Erzeugen", "das Ziehen", "der Dauern"): an infinitive's
    ending and no adjective's forms ("verschiedene", "gelungene" are listed: "der Verschieden" is a slip)."""
    d = vocabulary.dictionary
    return d is not None and low.endswith(("en", "ern", "eln")) and d.zipf(low + "e") < NOT_AN_ADJECTIVE_ZIPF


def _tail_is_noun(low: str, cases: CaseFrequencies) -> bool:
    """The longest known last part of an unlisted small word is clearly a noun: a compound noun."""
    for i in range(1, len(low) - CASE_MIN_TAIL + 1):
        tail = low[i:]
        p_cap, p_small = cases.logprob(tail[0].upper() + tail[1:]), cases.logprob(tail)
        if (p_cap or -99.0) >= CASE_MIN_LOGPROB or (p_small or -99.0) >= CASE_MIN_LOGPROB:
            head = low[:i]
            gap = TAIL_NOUN_GAP if len(head) >= MIN_NOUN_HEAD and not head.startswith(tuple(VERB_PARTICLES)) \
                and not low.endswith(NOT_NOUN_ENDINGS) else CASE_MIN_GAP  # "an|listen", "partitions|weise"
            return p_cap is not None and (p_small is None or p_cap - p_small >= gap)
    return False
