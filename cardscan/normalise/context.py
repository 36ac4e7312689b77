"""Words decided by their neighbours: a noisy-channel choice with word-pair counts.

Why a stage of its own: a slip in a short word mostly makes another word ("mit" → "mir", "der" → "den",
"als" → "las", "Wer" → "Wet") or a scrap ("m", "vnd", "dre") close to several words ("die", "der"), and a
slip in a longer word often has two readings one slip away ("macen": "machen", "magen"). Looked at
alone, such a token must stay; its neighbours tell. The candidates are the common words one slip away
and the token itself; each is scored by a bigram model (`cardscan.normalise.pairs`: P(word | word
before) · P(word after | word), Witten-Bell smoothed) and the likelihood of the slip
(`cardscan.normalise.channel`). A word is only replaced when the best reading beats the token as
written by `MARGIN` (30 times likelier): a correct word stays unless its neighbours speak clearly
against it. A token that is no word takes its likeliest reading; another stage's reading of it stands
unless a reading is `OVERRIDE_MARGIN` likelier.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Collection

from cardscan.dictionary import GermanDictionary
from cardscan.normalise.channel import slip_cost
from cardscan.normalise.confusions import one_slip
from cardscan.normalise.pairs import BOUNDARY, PairCounts
from cardscan.normalise.tokens import Token
from cardscan.workshop import Edit

__all__ = ["ContextSpeller", "mend_in_context", "MAX_SHORT", "MARGIN"]

MIN_READING_LENGTH = 4  # unlisted tokens this long are read in context too ("Keiz", "Aufgabne")
MAX_SHORT = 4  # tokens of up to four letters ("vnd", "mir", "durc"); longer slips are the typo stage's
CANDIDATE_MIN_ZIPF = 4.5  # a short reading must be a common word (function words, "Ort", "Geld")
SLIP_LOG10 = 2.5  # log10 of how much less likely one ordinary slip is than the word written as meant
MARGIN = 1.5  # log10: the reading must be 30 times likelier than the token as written
NON_WORD_MARGIN = 0.05  # no word: the likeliest reading (the maximum a posteriori), barring a near tie
RARE_MARGIN = 1.0  # log10: a rare listed word ("Dises" 1.9) gives way to a reading 10 times likelier here
OVERRIDE_MARGIN = 1.5  # an earlier stage's reading gives way to one 30 times likelier here (1.0: dev 84.9 %)
NON_WORD_ZIPF = 3.0  # a token rarer than this counts as no word: any clearly best reading replaces it …
WORD_ZIPF = 4.0  # … one more common is a word; between, it must be found in German text too
MIN_GERMAN_COUNT = 3  # web lists hold "vnd", "dre", "une"; German text (the pair counts) hardly
SHORT_GERMAN = frozenset("ab am an da du eh er es im in ja je na ob oh ok so um wo zu ca vs".split())
UNSEEN_ZIPF = 1.0  # frequency assumed for a neighbour no list holds (names, compounds)
READING_MIN_ZIPF = 3.0  # an unlisted token's readings: listed words this common, or lexicon words …
ENDING_MIN_LENGTH = 6  # a slip in the last two letters of a word this long: another form, not ours to pick
SHORT_READING = 5  # … but a short token reaches names and rarities one slip away ("Larrn": "Larry") …
SHORT_READING_MIN_ZIPF = 4.0  # … so its readings must be common words
FEMININE_SUFFIXES = ("ung", "heit", "keit", "schaft", "ion", "tät", "ität", "ik", "enz", "anz")
# singulars in -e that are no feminine: masculine ("den Käse" is right) and neuter ("Ende": "das", "dem")
NOT_PLURAL_E = ("käse", "friede", "name", "gedanke", "glaube", "wille", "funke", "buchstabe", "same", "haufe",
                "ende", "auge", "erbe", "interesse", "image", "finale")
FEMININE_MIN_LENGTH = 4
SINGULAR_MIN_ZIPF = 3.0  # "akteur": the plural's singular is a listed word


class ContextSpeller:
    """Chooses short words by their neighbours; pair counts and word frequencies are given."""

    def __init__(self, dictionary: GermanDictionary, counts: PairCounts, lexicon: Collection[str] = (),
                 is_noun: Callable[[str], bool] = lambda w: False):
        self.dictionary = dictionary
        self.lexicon = lexicon  # lower-case domain words ("süd", "höfe"): words, however rare elsewhere
        self.counts = counts
        self.is_noun = is_noun  # German writes the word capitalised: the readings of a capital mid-sentence
        self._cache: dict[tuple[str, str, str, bool], str | None] = {}
        self._candidates: dict[str, list[tuple[str, float]]] = {}
        self._readings: dict[tuple[str, str, str, str, bool, bool, float], str | None] = {}
        self._long: dict[str, list[tuple[str, float]]] = {}

    def choose(self, before: str, tok: str, after: str, nouns: bool = False) -> str | None:
        """The reading of the lower-case `tok` between `before` and `after` (lower case, or `BOUNDARY`),
        when it is clearly likelier than `tok` itself; else None."""
        key = (before, tok, after, nouns)
        if key in self._cache:
            return self._cache[key]
        result = None
        cands = [(c, cost) for c, cost in self.candidates(tok) if not nouns or self.is_noun(c)]
        if cands:
            scored = sorted(((self._score(before, c, after) - SLIP_LOG10 * cost, c) for c, cost in cands),
                            reverse=True)
            best, word = scored[0]
            if before == after == BOUNDARY:  # no neighbour, no evidence: "ung" alone is a piece of a word
                self._cache[key] = None
                return None
            if self.is_word(tok):  # a word: it stays unless clearly unlikely here
                rival, margin = self._score(before, tok, after), MARGIN
            else:  # no word: the best reading, when no other comes close
                rival, margin = (scored[1][0] if len(scored) > 1 else -math.inf), NON_WORD_MARGIN
            if best - rival >= margin:
                result = word
        self._cache[key] = result
        return result

    def choose_reading(self, before: str, tok: str, after: str, proposed: str | None, compound: bool,
                       nouns: bool = False, keep_margin: float = 0.0) -> str | None:
        """An unlisted token (lower case): the likeliest of the common and lexicon words one slip away and
        the earlier stages' reading `proposed`; a compound of known parts or a rare listed word (`compound`)
        competes as itself, and a reading must beat it by `keep_margin`.
        None when no reading is clearly best, or the token itself is."""
        key = (before, tok, after, proposed or "", compound, nouns, keep_margin)
        if key in self._readings:
            return self._readings[key]
        cands = {c: cost for c, cost in self.readings(tok) if (not nouns or self.is_noun(c))
                 and not (keep_margin and (c.startswith(tok) or tok.startswith(c)))}  # "Rands" is no slip of "Rand"
        if proposed and proposed != tok:
            cands.setdefault(proposed, slip_cost(tok, proposed))
        scored = sorted(((self._score(before, c, after) - SLIP_LOG10 * cost, c) for c, cost in cands.items()),
                        reverse=True)
        as_written = self._score(before, tok, after)
        if compound:
            scored = sorted([*scored, (as_written, tok)], reverse=True)
        result = None
        if scored and scored[0][1] != tok and (len(scored) == 1 or scored[0][0] - scored[1][0] >= NON_WORD_MARGIN) \
                and (not keep_margin or scored[0][0] - as_written >= keep_margin):
            result = scored[0][1]
        if proposed and result != proposed:  # the earlier stages' reading stands unless clearly unlikely here
            own = next((v for v, c in scored if c == proposed), -math.inf)
            result = result if result is not None and scored[0][0] - own >= OVERRIDE_MARGIN else None
        self._readings[key] = result
        return result

    def readings(self, tok: str) -> list[tuple[str, float]]:
        """Common words (and lexicon words) one slip from an unlisted token, with the slip's cost."""
        hit = self._long.get(tok)
        if hit is None:
            d = self.dictionary
            floor = READING_MIN_ZIPF if len(tok) > SHORT_READING else SHORT_READING_MIN_ZIPF
            near = {w for w, _ in d.near(tok, 1) if w.isalpha() and d.zipf(w) >= floor}
            near |= {w for w in one_slip(tok) if w in self.lexicon} if len(tok) <= 12 else set()
            hit = [(w, slip_cost(tok, w)) for w in near if (len(w) > 2 or w in SHORT_GERMAN) and not _ending(tok, w)]
            if len(tok) <= MAX_SHORT:
                hit = list(dict([*hit, *self.candidates(tok)]).items())
            self._long[tok] = hit
        return hit

    def article(self, before: str, after: str) -> str:
        """"der" or "die", whichever the neighbours make likelier: the reading of a "den" that cannot stand
        before its noun (an r read as n: "der" → "den" is a common slip)."""
        return max(("der", "die"), key=lambda a: self._score(before, a, after))

    def genitive(self, tok: str, before: str, after: str) -> str | None:
        """"der" or "des", whichever is a reading of the scrap `tok` and the neighbours make likelier."""
        readings = {c for c, _ in self.candidates(tok)} & {"der", "des"}
        return max(readings, key=lambda a: self._score(before, a, after)) if readings else None

    def is_word(self, tok: str) -> bool:
        """Web word lists hold one- and two-letter scraps of every language ("m", "de", "it"); German has
        few such words (`SHORT_GERMAN`); longer tokens count when common enough, on the web and in the
        German texts of the pair counts ("vnd", "dre", "une" are web words only)."""
        if len(tok) <= 2:
            return tok in SHORT_GERMAN
        z = self.dictionary.zipf(tok)
        return tok in self.lexicon or z >= WORD_ZIPF or (
            z >= NON_WORD_ZIPF and self.counts.word(tok) >= MIN_GERMAN_COUNT)

    def candidates(self, tok: str) -> list[tuple[str, float]]:
        """Common words one slip from `tok`, with the slip's cost."""
        hit = self._candidates.get(tok)
        if hit is None:
            d = self.dictionary
            hit = [(w, slip_cost(tok, w)) for w in one_slip(tok)
                   if w.isalpha() and d.zipf(w) >= CANDIDATE_MIN_ZIPF and self.counts.word(w) >= MIN_GERMAN_COUNT
                   and (len(w) > 2 or w in SHORT_GERMAN)]
            self._candidates[tok] = hit
        return hit

    def _score(self, before: str, word: str, after: str) -> float:
        """log10 P(word | before) + log10 P(after | word) of the smoothed bigram model."""
        return math.log10(self._p(before, word)) + math.log10(self._p(word, after))

    def _p(self, a: str, b: str) -> float:
        """Witten-Bell: the share of unseen followers of `a` is how many different words follow it."""
        counts = self.counts
        n_a, t_a = counts.word(a), max(1, counts.distinct_followers(a))
        if b == BOUNDARY:
            unigram = counts.word(BOUNDARY) / max(1, counts.total)
        else:
            unigram = 10 ** ((self.dictionary.zipf(b) or UNSEEN_ZIPF) - 9.0)
        return (counts.pair(a, b) + t_a * unigram) / (n_a + t_a)


def mend_in_context(speller: ContextSpeller, tokens: list[Token], out: list[str], offsets: list[int],
                     edits: list[Edit], is_abbreviation: Callable[[str], bool],
                     is_noun: Callable[[str], bool] = lambda w: False,
                     unlisted: Callable[[str], str | None] = lambda w: None,
                     in_name: Callable[[int], bool] = lambda i: False) -> None:
    """The context pass over a card, left to right (a mended word is the next one's context): each short
    word no stage changed, and each token no list holds (`unlisted`: "compound" for a compound of known
    parts, "none" for no word at all; its earlier reading, if any, competes), replaced in `out` when
    `speller` chooses another reading. A capitalised token inside a sentence only becomes a noun
    (`is_noun`: German writes it capitalised, "vor Oet" → "Ort")."""
    for i, token in enumerate(tokens):
        tok = token.text
        if in_name(i):
            continue  # "Nong Bua Lam Phu": a short capitalised word beside an unknown one is part of a name
        if token.kind != "word" or not tok.isalpha() or tok.isupper() or (tok[1:] and not tok[1:].islower()) \
                or is_abbreviation(tok) or _after_number(tokens, i) or not _stands_alone(tokens, i) \
                or (len(tok) == 1 and tokens[i + 1:i + 2] and tokens[i + 1].text == "."):
            continue  # a letter before a full stop abbreviates ("z.", "u. a.")
        status = unlisted(tok) if len(tok) >= MIN_READING_LENGTH else None
        if status == "rare" and (len(tok) <= MAX_SHORT or out[i] != tok or speller.is_word(tok.lower())):
            status = None  # a short or German word, or one an earlier stage read: as before
        if status is None and out[i] != tok and len(tok) <= MAX_SHORT and not speller.is_word(tok.lower()):
            status = "none"  # "imm": an earlier stage's reading ("ihm") competes with the others ("im")
        if status is None and (out[i] != tok or len(tok) > MAX_SHORT):
            continue
        before, after = _neighbour_word(tokens, out, i, -1), _neighbour_word(tokens, out, i, 1)
        nouns = tok[:1].isupper() and before != BOUNDARY  # "im Keiz": a capital mid-sentence, a noun ("Kiez")
        if status is None:
            new = speller.choose(before, tok.lower(), after, nouns)
            if new is None and tok.lower() == "den" \
                    and _feminine_or_plural(_next_word(tokens, out, i), speller.dictionary.zipf):
                new = speller.article(before, after)  # "Phase den Degression", "den Akteure": never so
            if new in ("die", "den", "dem") and not speller.is_word(tok.lower()) \
                    and _between_nouns(tokens, out, i, is_noun) \
                    and (genitive := speller.genitive(tok.lower(), before, after)) is not None:
                new = genitive  # "Befragung de Bewohner": between two nouns an article is a genitive one
        else:
            earlier = out[i].lower() if out[i] != tok and " " not in out[i] else None
            new = speller.choose_reading(before, tok.lower(), after, earlier, status in ("compound", "rare"), nouns,
                                         RARE_MARGIN if status == "rare" else 0.0)
        if new is None or new == out[i].lower():
            continue
        if tok[:1].isupper() and before != BOUNDARY and not is_noun(new):
            continue  # "Angebote Fur alle": capitalised mid-sentence, a name may be meant, but not "für"
        new = new[:1].upper() + new[1:] if tok[:1].isupper() else new
        at = offsets[token.start]
        edits[:] = [e for e in edits if not (e.start == at and e.original == tok)]  # the earlier reading's edit
        edits.append(Edit(tok, new, "spelling", at))
        out[i] = new


def _between_nouns(tokens: list[Token], out: list[str], i: int, is_noun: Callable[[str], bool]) -> bool:
    """A capitalised noun on each side, only spaces between ("Befragung de Bewohner")."""
    if not (i >= 2 and i + 2 < len(tokens) and tokens[i - 1].kind == tokens[i + 1].kind == "ws"
            and tokens[i - 2].kind == tokens[i + 2].kind == "word"):
        return False
    left, right = out[i - 2], out[i + 2]
    return all(w[:1].isupper() and w[1:].islower() and is_noun(w.lower()) for w in (left, right))


def _next_word(tokens: list[Token], out: list[str], i: int) -> str:
    """The next word, when only a space stands between, no stage changed it, and it is a whole word (not
    the first part of a hyphen compound: "den Referenz-Namensraum" is masculine); "" otherwise."""
    if i + 2 < len(tokens) and tokens[i + 1].kind == "ws" and tokens[i + 2].kind == "word" \
            and out[i + 2] == tokens[i + 2].text and not (i + 3 < len(tokens) and tokens[i + 3].text[:1] in "-/"):
        return out[i + 2]  # as written: an abbreviation written out ("den BVV") keeps the card's gender
    return ""


def _feminine_or_plural(noun: str, zipf: Callable[[str], float]) -> bool:
    """A capitalised noun "den" cannot stand before: a feminine one by its suffix ("Degression",
    "Beteiligung"; "den" is masculine or a dative plural, which ends in -n), or the plural in -e of a
    listed noun ("Akteur|e"; not "Service", "Käse", nor the neuter "Gebäude")."""
    low = noun.lower()
    if not (noun[:1].isupper() and noun[1:].islower() and len(noun) >= FEMININE_MIN_LENGTH):
        return False
    return low.endswith(FEMININE_SUFFIXES) or (low.endswith("e") and not low.endswith(NOT_PLURAL_E)
                                               and not low.startswith("ge") and zipf(low[:-1]) >= SINGULAR_MIN_ZIPF)


def _ending(tok: str, reading: str) -> bool:
    """The slip sits in the last two letters of a longer word, where endings make other forms of the same
    word ("Kümmerei", "Kümmere", "Kümmerer"): not for context to pick."""
    first = next((k for k, (a, b) in enumerate(zip(tok, reading)) if a != b), min(len(tok), len(reading)))
    return len(tok) >= ENDING_MIN_LENGTH and first >= len(tok) - 2


def _stands_alone(tokens: list[Token], i: int) -> bool:
    """Spaces, brackets, quotes, slashes or punctuation around the token ("Kinden/Jugend"), not "R.de",
    "Stadt-nd", "5a": those are parts of addresses, compounds and numbers."""
    before = tokens[i - 1].text if i > 0 else " "
    after = tokens[i + 1].text if i + 1 < len(tokens) else " "
    return (before.isspace() or before[-1:] in "([\"„'/") and (after.isspace() or after[:1] in ",.;:!?)]\"“'/")


def _after_number(tokens: list[Token], i: int) -> bool:
    """"5 m", "3 x": a unit or a sign after a number, not a slip."""
    j = i - 2 if i >= 1 and tokens[i - 1].kind == "ws" else i - 1
    return j >= 0 and tokens[j].text[-1:].isdigit()


def _neighbour_word(tokens: list[Token], out: list[str], i: int, step: int) -> str:
    """The word beside token i as it now reads (lower case), or `BOUNDARY` when punctuation or the card's
    edge is in between."""
    j = i + step
    if 0 <= j < len(tokens) and tokens[j].kind == "ws":
        j += step
    if step < 0 and j >= 1 and tokens[j].text == "-" and tokens[j - 1].kind == "word":
        j -= 1  # "Stadt- nd": the word a suspended hyphen ends ("Stadt- und Regionalplanung")
    if not (0 <= j < len(tokens)) or tokens[j].kind != "word" or not out[j].strip():
        return BOUNDARY
    words = out[j].split()
    word = (words[-1] if step < 0 else words[0]).lower()
    return word if word.isalpha() else BOUNDARY
