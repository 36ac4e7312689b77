"""Two words typed or read without the space between them ("Bürgergremiumentscheidet").

Why not left to the compound splitter: German writes compounds as one word, so a token built of two
known words is usually a compound and must stay. Two things tell a run-on pair from a compound:
- a noun compound ends in a noun: a capitalised token whose last part is a verb, adjective or function
  word as German writes it ("entscheidet", "unterstützen", "am") is a noun and the next word run
  together; the case table (`casing.CaseFrequencies`) says how a word is written;
- no compound ends in a function word ("verstetigteneinem", "verwirklichtwerden").
Only tokens no word list holds are split (an attested "Radfahren" stays), and both parts must be words
proper (lexicon words, or common words).
"""
from __future__ import annotations

from cardscan.normalise.casing import CaseFrequencies
from cardscan.normalise.vocabulary import Vocabulary
from cardscan.wordlists import LEMMA_STOP_WORDS, NO_COMPOUND_PART, NO_COMPOUND_TAIL

__all__ = ["run_on"]

MIN_TOKEN = 7
MIN_HEAD = 4
MIN_FUNCTION_HEAD = 5  # "Bene|ich" is no head and a pronoun
MIN_TAIL = 4
HEAD_MIN_ZIPF = 2.5  # "Bedarfe" (2.5) is a word proper; rarer heads must be lexicon words
TAIL_MIN_ZIPF = 3.0
NOUN_PLURAL_MIN_LOGPROB = -15.5  # the singular must be a noun met often enough ("Leiste", "Ausdrücke")
SMALL_CASE_GAP = 1.5  # natural log: the tail is written small 4.5 × more often than capitalised
AUXILIARY_TAILS = frozenset("""darf durfte konnte konnten musste sollte sollten wollte wurden wäre wären hätte hätten
    erneut bereits nochmals""".split())
# verbs that end nouns too ("Bewusst|sein", "Vor|haben", "Fach|können", "Bürger|wille|n"): never split off
NOUN_TOO = frozenset("sein haben hatten wollen sollen können dürfen müssen leben wissen".split())
MIN_COMPOUND_HEAD = 8  # a head no list holds must be a compound of known parts this long ("Zeilenfilterausdruck")
PARTICIPLE_TAILS = frozenset(("de", "den", "der", "des", "dem"))  # "freizugeben|den", "anzuzeigen|des"
# function words, finite auxiliaries and adverbs: no compound ends so ("Zeilenfilterausdruck|darf", "existiert|bereits")
_FUNCTION_TAILS = tuple(sorted({w for w in LEMMA_STOP_WORDS | NO_COMPOUND_PART | NO_COMPOUND_TAIL | AUXILIARY_TAILS
                                if len(w) >= 3 and w.isalpha()} - NOUN_TOO, key=len, reverse=True))


def run_on(tok: str, vocabulary: Vocabulary, cases: CaseFrequencies) -> str | None:
    """`tok` as two words ("Bürgergremium entscheidet"), or None when it is one word (or may be)."""
    d = vocabulary.dictionary
    low = tok.lower()
    if d is None or len(tok) < MIN_TOKEN or not tok.isalpha() or not tok[1:].islower() \
            or d.zipf(low) > 0.0 or low in vocabulary.forms:
        return None
    for tail in _FUNCTION_TAILS:  # no compound ends in a function word
        head = tok[:-len(tail)]
        if low.endswith(tail) and len(head) >= MIN_FUNCTION_HEAD \
                and (_word_proper(head, vocabulary) or (len(head) >= MIN_COMPOUND_HEAD and vocabulary.known(head))) \
                and not (tok[:1].islower() and head.endswith("n") and tail in PARTICIPLE_TAILS):
            return f"{head} {tail}"  # not "freizugeben|den": a small word in -nde… is a participle
    if not tok[:1].isupper():
        return None
    for i in range(MIN_HEAD, len(tok) - MIN_TAIL + 1):  # the longest tail first: "über|nehmen", not "nehmen"
        head, tail = tok[:i], low[i:]
        if d.zipf(tail) >= TAIL_MIN_ZIPF and _verb_form(tail, vocabulary) and _written_small(tail, cases) \
                and not _noun_plural(tail, cases) and _word_proper(head, vocabulary) and _noun(head, vocabulary, cases):
            return f"{head} {tail}"
    return None


def _verb_form(tail: str, vocabulary: Vocabulary) -> bool:
    """An infinitive or a verb's -t form ("unterstützen", "entscheidet"), not an inflected adjective
    ("gerechten": "gerecht" is a word) nor a bare adjective ("nahe", "städtischer", "digital")."""
    d = vocabulary.dictionary
    if tail.endswith("en"):
        return d.zipf(tail[:-2]) < TAIL_MIN_ZIPF
    if tail.endswith("t"):
        return any(d.zipf(stem + "en") >= TAIL_MIN_ZIPF for stem in (tail[:-1], tail[:-2]))
    return False


def _noun_plural(tail: str, cases: CaseFrequencies) -> bool:
    """The tail is also a noun's plural ("leisten": Leiste|n, "ausdrücken": Ausdrücke|n): "Menüleisten",
    "Indexausdrücken" are compounds, not a noun and a verb."""
    if not tail.endswith("n"):
        return False
    stem = tail[:-1]
    cap, small = cases.logprob(stem[:1].upper() + stem[1:]), cases.logprob(stem)
    return cap is not None and cap >= NOUN_PLURAL_MIN_LOGPROB and (small is None or cap > small)


def _noun(head: str, vocabulary: Vocabulary, cases: CaseFrequencies) -> bool:
    """The head is written capitalised (a noun), as the lexicon or the case table has it."""
    forms = vocabulary.forms.get(head.lower())
    if forms:
        return any(f[:1].isupper() for f in forms)
    cap, small = cases.logprob(head[:1].upper() + head[1:].lower()), cases.logprob(head.lower())
    return cap is not None and (small is None or cap >= small)


def _word_proper(word: str, vocabulary: Vocabulary) -> bool:
    return vocabulary.in_lexicon(word) or vocabulary.dictionary.zipf(word.lower()) >= HEAD_MIN_ZIPF


def _written_small(word: str, cases: CaseFrequencies) -> bool:
    """German writes the word small: a verb, adjective or function word, not a noun."""
    small, cap = cases.logprob(word), cases.logprob(word[:1].upper() + word[1:])
    return small is not None and (cap is None or small - cap >= SMALL_CASE_GAP)
