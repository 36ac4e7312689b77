"""Mending what OCR split, glued or added around words, before words are looked at one by one.

Why a step of its own: these repairs change the token sequence itself (two tokens become one, a
mark disappears), which the word-by-word pass cannot do.
"""
from __future__ import annotations

from collections.abc import Callable

from cardscan.normalise.abbreviations import AbbreviationTable
from cardscan.normalise.language import ENGLISH, GERMAN, word_zipf
from cardscan.normalise.speller import Speller
from cardscan.normalise.tokens import Token, neighbour
from cardscan.normalise.vocabulary import Vocabulary
from cardscan.wordlists import FUNCTION_WORDS, GLUED_FUNCTION_WORDS, LEMMA_STOP_WORDS, VERB_PARTICLES

# longest first, three letters at least ("und", "der", "werden"; not "in", "zu": "Quartiersmanagerin")
LEMMA_STOP_WORDS_BY_LENGTH = tuple(sorted((w for w in LEMMA_STOP_WORDS if len(w) >= 3 and w.isalpha()),
                                          key=len, reverse=True))
from cardscan.workshop import Edit

__all__ = ["TokenRepair"]

_STRAY_MARKS = frozenset("|¦_\\{}~")  # pin shadows and card edges read as marks; never written on cards
_NO_CARD_END = frozenset(",;")  # a card ends with a word, "?", "!", "." or ":"; a comma or ; there is a speck
MIN_GLUED_HEAD = 4  # "Müll|an"; shorter heads ("Pl|an", "Te|am") are pieces of words, not words
GLUED_HEAD_MIN_ZIPF = 3.5  # a head outside the lexicon must be a common word
SPLIT_MIN_ZIPF = 3.5  # both words of a run-together pair are common words ("miet|freie": "miet" 3.2) …
SPLIT_ONE_COMMON_ZIPF = 5.0  # … and one of them very common ("der", "ich", "werden", "zusammen")
GLUED_LEFT = FUNCTION_WORDS | {"beim", "nur", "auch", "noch", "sehr", "alle", "kein", "keine"}  # before a noun
CLEARLY_ENGLISH = 1.0  # zipf: a part English uses 10 × more makes a name or identifier ("TreeModel", "postBuffer")
LISTED_NOUN_ZIPF = 2.0  # a noun after a glued article may be rare ("Cursor" 2.7), but listed
MIN_GLUED_KNOWN_HEAD = 6  # a known word this long with a function word glued on ("aufgearbeitetund")
MIN_GLUED_COMPOUND_HEAD = 9  # an unlisted compound this long before a glued function word ("Statusmeldung|am")
LINKED_HEADS = ("ungs", "heits", "keits", "schafts", "ions", "täts")  # a linking s after a feminine suffix
DEFINITE_ARTICLES = frozenset("der die das den dem des".split())  # "der gleichen": no piece of "dergleichen"
PIECE_MIN_ZIPF = 3.0  # "disch" (web scrap) is no word; "grad", "Auge" are
JOIN_MIN_ZIPF = 3.5  # "Tät igkeiten" → "Tätigkeiten": the joined word is common (or a lexicon word)
ADJECTIVE_ENDINGS = frozenset(("e", "es", "er", "em", "en"))  # "ungültig|es", "eingefügt|er"
PARTICIPLE_ENDINGS = frozenset(("de", "den", "der", "des", "dem"))  # "anzuzeigen|den", "kollidieren|der"
MIN_INFLECTED_HEAD = 6  # "gibt|es", "ist|es" are short verbs and a pronoun run together
# words that begin no German word as a prefix, glued before the next one ("undverstetigen", "imstadtteil");
# not "ist", "kann": they head compounds ("Istzustand", "Kannbestimmung")
GLUED_HEADS = tuple(sorted("""der die das den dem des eine einen einem einer und oder für von vom zum zur im am dass
    wenn weil sind wird auch in ob""".split(), key=len, reverse=True))


class TokenRepair:
    def __init__(self, vocabulary: Vocabulary, speller: Speller, abbreviations: AbbreviationTable,
                 is_noun: Callable[[str], bool] = lambda low: False):
        self.vocabulary = vocabulary
        self.speller = speller
        self.abbreviations = abbreviations
        self.is_noun = is_noun  # German writes the (lower-case) word capitalised, clearly

    def repair(self, tokens: list[Token], clean: str, offsets: list[int], edits: list[Edit]) -> list[Token]:
        """The tokens with marks dropped and pieces joined; each change appended to `edits`.

        - a stray mark standing alone ("Verdrängung stoppen |") is dropped with the space before it;
        - a comma after the card's last word ("Verkehr beruhigen,") is a speck: no card ends mid-sentence;
        - an unclosed "(" glued to a word is the bowl of a hand-written Q: "(uartiersfonds",
          "(Juartier" → "Quartiersfonds", "Quartier" (only when that is a known word); so is an "@"
          that starts a word, with the Q's tail read as its curl: "@R" → "QR";
        - "Vernefzu ng" → "Vernefzung" (`_split_word_join`).
        """
        out: list[Token] = []
        skip = 0  # tokens already taken into a mended one
        for i, (kind, tok, start) in enumerate(tokens):
            if skip:
                skip -= 1
                continue
            prev_kind = out[-1].kind if out else None
            next_kind, next_tok = neighbour(tokens, i, +1)
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
            if kind == "other" and next_kind == "word" and _q_bowl(tok, clean, start):
                cand = self._q_word(next_tok)
                if cand is not None:
                    edits.append(Edit(tok + next_tok, cand, "ocr-confusion", offsets[start]))
                    out.append(Token("word", cand, start))
                    skip = 1
                    continue
            if kind == "word" and next_kind == "ws" and ((joined := self._split_word_join(tokens, i)) is not None
                                                         or (joined := self._broken_word_join(tokens, i)) is not None):
                scrap = tokens[i + 2]
                edits.append(Edit(clean[start:scrap.start + len(scrap.text)], joined, "whitespace", offsets[start]))
                out.append(Token("word", joined, start))
                skip = 2  # the space and the scrap
                continue
            out.append(tokens[i])
        return out

    def _q_word(self, word: str) -> str | None:
        for cand in ("Q" + word[1:] if word[:1] in "JjuU" else None, "Q" + word):
            if cand and (self.abbreviations.is_abbreviation(cand) or (len(cand) > 3 and self.vocabulary.known(cand))):
                return cand
        return None

    def _split_word_join(self, tokens: list[Token], i: int) -> str | None:
        """"Vernefzu ng" → "Vernefzung": an unknown word and a short unknown scrap after it are one word
        when together they are a word or one clear OCR fix away from one."""
        vocabulary = self.vocabulary
        if i + 2 >= len(tokens) or tokens[i + 2].kind != "word" or vocabulary.dictionary is None:
            return None
        head, scrap = tokens[i].text, tokens[i + 2].text
        if not (len(scrap) <= 3 and scrap.isalpha() and scrap.islower() and len(head) >= 4 and head.isalpha()):
            return None
        if vocabulary.known(head) or vocabulary.in_lexicon(scrap) or vocabulary.dictionary.zipf(scrap) >= 4.0:
            return None  # "ng" 3.5, "um" 6.5
        joined = head + scrap
        if vocabulary.known(joined) or self.speller.general_fix(joined) is not None:
            return joined
        return None

    def _broken_word_join(self, tokens: list[Token], i: int) -> str | None:
        """"Real isierung", "Gemein derat", "Mitg estaltungsraum": a word a space broke in two. The second
        piece is small (a continuation), not both pieces are words, and joined they are a common or
        lexicon word (a compound of known parts only when neither piece is a word)."""
        vocabulary = self.vocabulary
        if i + 2 >= len(tokens) or tokens[i + 2].kind != "word" or vocabulary.dictionary is None:
            return None
        head, scrap = tokens[i].text, tokens[i + 2].text
        if not (head.isalpha() and scrap.isalpha() and scrap.islower() and len(head) + len(scrap) >= 6):
            return None
        if scrap in LEMMA_STOP_WORDS or (head.lower() in DEFINITE_ARTICLES and self._piece_word(scrap)):
            return None  # "Ansprechpartner in", "in dem", "so wie", "der gleichen": two words, though "indem" is one too
        head_known, scrap_known = vocabulary.known(head), vocabulary.known(scrap)
        joined = head + scrap
        if vocabulary.dictionary.zipf(joined.lower()) >= JOIN_MIN_ZIPF or joined.lower() in vocabulary.forms:
            return joined  # "lau fen", "ein beziehen": the joined word is common, the pieces say little
        if not head_known and not (scrap_known and self._piece_word(scrap)) and vocabulary.known(joined):
            return joined  # "Mitg estaltungsraum", "Gerätedat eien"; never "Zielerreichung prüfen" (two words)
        if head[:1].isupper() and head[1:].islower() and vocabulary.dictionary.is_attested(joined) \
                and self.is_noun(scrap):
            return joined  # "Trenn zeichen": a noun written small after a capitalised piece is that word's tail
        if head.lower().endswith(LINKED_HEADS) and (vocabulary.known(joined)
                                                    or vocabulary.compounds.built_of_parts(joined.lower())):
            return joined  # "Beteiligungs grad": a feminine noun takes no -s, so "Beteiligungs" is a compound's head
        if not (self._piece_word(head) and self._piece_word(scrap)) and vocabulary.dictionary.is_attested(joined) \
                and (vocabulary.known(joined) or not (head_known or scrap_known)):
            return joined  # "Scharn ierfunktion", "metho disch": rare web entries ("disch") are no words here
        return None

    def _piece_word(self, piece: str) -> bool:
        """A piece of a broken word that is a word in its own right: a lexicon word or a common one."""
        return self.vocabulary.in_lexicon(piece) or self.vocabulary.dictionary.zipf(piece.lower()) >= PIECE_MIN_ZIPF

    def inner_capital_split(self, tok: str) -> str | None:
        """"dieVernetzung", "WeitereModule": one capital inside, two known words around it (not the
        gender "In" of "BürgerInnen", nor "SponSoren": "Spon" is no word)."""
        inner = [i for i in range(2, len(tok) - 1) if tok[i].isupper() and tok[i - 1].islower()]
        if self.vocabulary.dictionary is None or len(inner) != 1 or not tok.isalpha():
            return None
        left, right = tok[:inner[0]], tok[inner[0]:]
        if right.isupper() and 2 <= len(right) <= 4 and left.lower() in FUNCTION_WORDS:
            return f"{left} {right}"  # "überKIZ": a function word and an abbreviation
        if not right[1:].islower() or right in ("In", "Innen") or len(right) < 3 \
                or self.vocabulary.dictionary.zipf(tok.lower()) >= LISTED_NOUN_ZIPF:
            return None  # "PowerPoint", "YouTube": a name the web list holds as one word
        if left.lower() in GLUED_LEFT and left[1:].islower() and len(right) >= MIN_GLUED_HEAD \
                and (left.islower() or not _more_english(right.lower())) \
                and (self.vocabulary.known(right) or self.vocabulary.dictionary.zipf(right.lower()) >= LISTED_NOUN_ZIPF):
            return f"{left} {right}"  # "umBestätigung", "denCursor": an article or preposition before a noun
        if len(left) < 3:
            return None
        left_ok = self._word_proper(left) or (len(left) >= MIN_GLUED_KNOWN_HEAD and self.vocabulary.known(left))
        if left_ok and self._word_proper(right):
            return f"{left} {right}"  # "generationengerechter|Quartiere"
        d = self.vocabulary.dictionary
        if len(left) >= MIN_GLUED_HEAD and len(right) >= MIN_GLUED_HEAD and d.zipf(tok.lower()) == 0.0 \
                and self._known_or_inflected(left) and self._known_or_inflected(right) \
                and not any(_more_english(w.lower(), CLEARLY_ENGLISH) for w in (left, right)):
            return f"{left} {right}"  # "DateienVerzeichnisse", "UngültigesArgument": no list holds them as one word
            # (an English part makes a name or an identifier: "TreeModel", "commentChar", "InScript")
        return None

    def _known_or_inflected(self, word: str) -> bool:
        """A known word, or a known one with a case ending ("Ungültig|es", "maschinenlesbar|e")."""
        vocabulary = self.vocabulary
        return vocabulary.known(word) or any(word.endswith(e) and len(word) - len(e) >= MIN_GLUED_HEAD
                                             and vocabulary.known(word[:-len(e)]) for e in ADJECTIVE_ENDINGS)

    def _word_proper(self, word: str) -> bool:
        """A lexicon word or a common one (not just a compound of parts, not a rare web entry: "flie")."""
        return self.vocabulary.in_lexicon(word) or self.vocabulary.dictionary.zipf(word.lower()) >= SPLIT_MIN_ZIPF

    def split_glued(self, tok: str) -> tuple[str, float] | None:
        """Two words OCR or a typist ran together, as (two words, how common the rarer is); None if one word.

        A function word glued on (`glued_function_word`, always taken); or a token that is no word but
        two common words, one of them very common and a function word (`wordlists.LEMMA_STOP_WORDS`;
        without one it is a compound: "Hauswarte" stays): "braucheich", "Seitender", "verwirklichtwerden".
        """
        split = self.glued_function_word(tok) or self._function_word_first(tok)
        if split is not None:
            return split, float("inf")
        if self.vocabulary.dictionary is None or not tok.isalpha() or len(tok) < 5 or self.vocabulary.known(tok):
            return None
        d = self.vocabulary.dictionary
        for word in LEMMA_STOP_WORDS_BY_LENGTH:  # "aufgearbeitetund": a known word and a function word
            head = tok[:-len(word)]
            if tok.endswith(word) and len(head) >= MIN_GLUED_KNOWN_HEAD and self.vocabulary.known(head) \
                    and not self.inflected(tok, len(head)):
                return f"{head} {word}", d.zipf(word)
        best, best_score = None, 0.0
        for i in range(2, len(tok) - 1):
            left, right = tok[:i], tok[i:]
            if self.inflected(tok, i):
                continue
            zl, zr = d.zipf(left.lower()), d.zipf(right.lower())
            if min(zl, zr) < SPLIT_MIN_ZIPF or max(zl, zr) < SPLIT_ONE_COMMON_ZIPF:
                continue
            if left.lower() not in LEMMA_STOP_WORDS and right.lower() not in LEMMA_STOP_WORDS:
                continue  # "Haus|warte", "miet|freie": a compound; run-together words have a function word
            if left.lower() in VERB_PARTICLES and right.lower() not in LEMMA_STOP_WORDS:
                continue  # "Um|formulierung", "aus|geklappt", "Vor|bearbeitung": a particle prefixes the word
            if min(zl, zr) > best_score:
                best, best_score = f"{left} {right}", min(zl, zr)
        return (best, best_score) if best else None

    def _function_word_first(self, tok: str) -> str | None:
        """"undverstetigen", "imstadtteil": an article, conjunction or auxiliary glued before a known word. Not
        a verb particle ("aus|geklappt", "mit|gestalten"): particles make words; these words never do."""
        vocabulary = self.vocabulary
        if vocabulary.dictionary is None or not tok.isalpha() or not tok[1:].islower() or vocabulary.known(tok):
            return None
        for head in GLUED_HEADS:
            rest = tok[len(head):]
            if tok.lower().startswith(head) and len(rest) >= MIN_GLUED_HEAD and (
                    vocabulary.in_lexicon(rest) or vocabulary.dictionary.zipf(rest) >= PIECE_MIN_ZIPF
                    or (len(rest) >= MIN_GLUED_COMPOUND_HEAD and vocabulary.known(rest))):
                return f"{tok[:len(head)]} {rest}"
        return None

    def inflected(self, tok: str, at: int) -> bool:
        """Splitting `tok` at `at` would cut an ending off its own word: an adjective or participle with
        its case ending ("ungültig|es", "eingefügt|er", "bereitgestellt|es": the pronouns "es", "er" are
        also endings), or a present participle ("anzuzeigen|den", "kollidieren|der", written small and
        listed). A typist's run-together pair is rarely so; a real word changed is worse than one kept."""
        head, tail = tok[:at], tok[at:].lower()
        if len(head) < MIN_INFLECTED_HEAD or not head[1:].islower():
            return False
        if tail in ADJECTIVE_ENDINGS:
            return True
        return tail in PARTICIPLE_ENDINGS and tok.islower() and head.endswith("n") \
            and (self.vocabulary.dictionary.zipf(tok) > 0.0 or not self.is_noun(head))  # "freizugeben|den"

    def glued_function_word(self, tok: str) -> str | None:
        """"Müllan" → "Müll an": an unknown word that is a known word with a short function word glued on.

        Only when nothing else explains the token (it is no word and no OCR fix reaches one): the head
        must be a lexicon word or a common word, and not itself a function word.
        """
        vocabulary = self.vocabulary
        if vocabulary.dictionary is None or not tok.isalpha() or vocabulary.known(tok):
            return None
        for tail in GLUED_FUNCTION_WORDS:
            head = tok[:-len(tail)]
            if not tok.endswith(tail) or len(head) < MIN_GLUED_HEAD or head.lower() in FUNCTION_WORDS \
                    or self.inflected(tok, len(head)):
                continue  # not "freizugeben|den": a participle's ending
            if vocabulary.spelled(head) or vocabulary.dictionary.zipf(head.lower()) >= GLUED_HEAD_MIN_ZIPF \
                    or (len(head) >= MIN_GLUED_COMPOUND_HEAD and head[:1].isupper() and head[1:].islower()
                        and vocabulary.known(head)):  # "Statusmeldungam": a noun compound of known parts
                return f"{head} {tail}"
        return None


def _more_english(low: str, gap: float = 0.0) -> bool:
    """English uses the word more than German, by `gap` zipf ("tree" 1.5, "comment" 1.5, "buffer"; with no gap
    also "script" 1.0, "argument" 0.4, which German uses too)."""
    return word_zipf(low, ENGLISH) - word_zipf(low, GERMAN) > gap


def _q_bowl(tok: str, clean: str, start: int) -> bool:
    """An unclosed "(" or an "@" that is no e-mail address ("info@quartier.de") before a word."""
    if tok == "(":
        return ")" not in clean[start:]
    return tok == "@" and not clean[start - 1:start].isalnum()

