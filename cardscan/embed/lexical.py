"""Lexical backends, fitted on the texts at hand: character n-grams (``tfidf``) and German lemmas with
compound parts (``lemmas``, ``compounds``).

Why apart from the pretrained models: they load no model (milliseconds), see the exact German words a
model blurs, and carry the German word handling (spaCy's lookup lemmas, compound splitting).
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterable

import numpy as np

from cardscan.embed.base import VectorizerEmbedder
from cardscan.exceptions import BadConfig
from cardscan.resources import bundled_file

LEXICON_FILE = "lexicon.txt"  # bundled in models/, found through cardscan.resources


class TfidfEmbedder(VectorizerEmbedder):
    """Character n-grams (3–5 letters inside word boundaries), sublinear TF-IDF, unit length.

    Character n-grams match "Anschlussfinanzierung" with "Finanzierung" and survive OCR slips
    ("Quartiersrat" / "Quartiersrot"), which word-level TF-IDF does not. The vocabulary comes from
    the texts given to ``fit``; without a fit, ``encode`` fits on its own input.
    """

    name = "tfidf"
    fitted_on_corpus = True

    def __init__(self, ngram_range: tuple[int, int] = (3, 5), max_features: int = 20000):
        self.ngram_range = ngram_range
        self.max_features = max_features
        self._vectorizer = None

    def _new_vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=True,
                               sublinear_tf=True, max_features=self.max_features, dtype=np.float32)


# ---- German words: lemmas and compound parts -------------------------------------------------------
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|€")
# Function words; the lemma TF-IDF would otherwise match cards on "für" and "den".
GERMAN_STOP_WORDS = frozenset("""
aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bisher bitte
bleiben bleibt da dabei dafür dagegen daher damit dann daran darauf darum das dass dem den denn der deren des
dessen die dies diese diesem diesen dieser dieses doch dort du durch eher ein eine einem einen einer eines
er es etwa etwas euch für gar geben gegen gehen geht gibt gut haben hat hatte hier hin ich ihm ihn ihnen ihr
ihre im immer in ins ist ja je jede jedem jeden jeder jedes jetzt kann kein keine können könnte man mehr mit
muss müssen nach nicht nichts noch nun nur ob oder ohne schon sehr sein sich sie sind so soll sollen sollte
sowie über um und uns unser unter viel viele vom von vor was weil welche wenn wer werden wie wieder will wir
wird wo wollen wurde würde zu zum zur zwar zwischen machen mal neu klar wichtig genau ganz stark stärker
""".split())


class GermanWords:
    """Lemmas from spaCy's German lookup table (``spacy.blank("de")`` + lemmatizer in "lookup" mode,
    data from ``spacy-lookups-data``; no trained pipeline, nothing downloaded) and compound parts.

    Cards are written in any case ("mietfreie Räume", "QR BRAUCHT KLARE AUFGABEN"), the table is
    case-sensitive: a word is looked up as written, capitalised and lower-cased. A compound is split
    where its right part (the head, at least four letters, or three for a noun like "Rat") and its
    left part (with a linking -s/-es/-n/-en/-e removed if needed, or itself a compound) are known
    words: of the lemma table, of ``models/lexicon.txt``, or of the catalogue (``extra_words``).
    """

    _lock = threading.Lock()
    _shared: dict[str, object] = {}

    def __init__(self, extra_words: Iterable[str] = ()):
        self.extra_words = tuple(extra_words)
        self._nlp, self._table, base, nouns = self._load()
        extra = {w.casefold() for w in self.extra_words if len(w) >= 4 and w.isalpha()}
        self.vocabulary = base | extra
        self.nouns = nouns | {w.casefold() for w in self.extra_words if len(w) >= 4 and w[:1].isupper() and w.isalpha()}

    @classmethod
    def _load(cls):
        with cls._lock:
            if not cls._shared:
                try:
                    import spacy
                except ImportError as error:
                    raise BadConfig(f"Lemmata: spaCy ist nicht installiert ({error}); pip install spacy "
                                    f"spacy-lookups-data, oder --embedder e5") from error
                nlp = spacy.blank("de")
                lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
                try:
                    nlp.initialize()
                except Exception as error:  # ValueError / E1004 when spacy-lookups-data is missing
                    raise BadConfig(f"Lemmata: die Nachschlagetabelle fehlt ({type(error).__name__}); "
                                    f"pip install spacy-lookups-data") from error
                table = lemmatizer.lookups.get_table("lemma_lookup")
                values = {v for v in table.values() if isinstance(v, str) and v.isalpha()}
                words = {v.casefold() for v in values}
                # a noun's base form is capitalised; one that also exists in lower case is a nominalised
                # verb or adjective ("Weiterfahren", "Amtliche") and no head of a compound
                nouns = {v.casefold() for v in values if v[:1].isupper() and v.lower() not in values}
                lexicon = bundled_file(LEXICON_FILE)
                if lexicon.is_file():
                    for line in lexicon.read_text(encoding="utf-8").splitlines():
                        line = line.strip()
                        if line and not line.startswith("#") and line.isalpha():
                            words.add(line.casefold())
                            if line[:1].isupper():
                                nouns.add(line.casefold())
                cls._shared.update(nlp=nlp, table=table, vocabulary=frozenset(w for w in words if len(w) >= 4),
                                   nouns=frozenset(w for w in nouns if len(w) >= 3))
            return cls._shared["nlp"], cls._shared["table"], cls._shared["vocabulary"], cls._shared["nouns"]

    def lemma(self, word: str, noun: bool = False) -> str:
        """The table's lemma; parts of compounds are nouns, so their capitalised form is tried first."""
        capitalised = word[:1].upper() + word[1:].lower()
        if noun and hasattr(self, "nouns") and word.casefold() in self.nouns:
            return word.casefold()  # already a noun's base form ("garten", not the verb "garen")
        for form in ((capitalised, word, word.lower()) if noun else (word, capitalised, word.lower())):
            found = self._table.get(form)
            if isinstance(found, str):
                return found.casefold()
        return word.casefold()

    def _known(self, part: str) -> bool:
        return part in self.vocabulary or self.lemma(part) in self.vocabulary

    def _noun(self, part: str) -> bool:
        return part in self.nouns or self.lemma(part, noun=True) in self.nouns

    @lru_cache(maxsize=20000)
    def split(self, word: str, top: bool = True) -> tuple[str, ...]:
        """Parts of a compound noun ("stadtteilzentrum" → stadtteil, zentrum).

        Only nouns are heads (so "weiterführen" stays whole), the longest known head wins (it is the
        most specific), and a part that is a word of its own is not split further ("Haushalt").
        """
        word = word.casefold()
        if len(word) < 7 or (not top and self._known(word)):
            return ()
        for i in range(3, len(word) - 2):
            head, left = word[i:], word[:i]
            if not self._noun(head):
                continue
            for link in ("", "s", "es", "n", "en", "e"):
                if link and not left.endswith(link):
                    continue
                modifier = left[: len(left) - len(link)] if link else left
                if len(modifier) >= 4 and self._known(modifier):
                    return (modifier, head) + self.split(modifier, False)
                inner = self.split(modifier, False) if len(modifier) >= 7 else ()
                if inner:
                    return (modifier, head) + inner
        return ()

    def words(self, text: str, compounds: bool = True) -> list[str]:
        """Lemmas of the content words of ``text`` and, with ``compounds``, the lemmas of their parts."""
        out: list[str] = []
        doc = self._nlp(text.replace("|", " "))
        for token in doc:
            raw = token.text
            if not _TOKEN.fullmatch(raw):
                continue
            pieces = raw.split("-") if "-" in raw else [raw]
            for piece in pieces:
                folded = piece.casefold()
                if folded in GERMAN_STOP_WORDS or (len(folded) < 2 and piece != "€"):
                    continue
                lemma = token.lemma_.casefold() if piece == raw and token.lemma_ and token.lemma_ != raw else self.lemma(piece)
                out.append(lemma)
                if compounds and not (lemma in self.vocabulary and lemma not in self.nouns):  # no verbs, adjectives
                    out.extend(self.lemma(part, noun=True).casefold() for part in self.split(folded)
                               if part not in GERMAN_STOP_WORDS)
        return out


class LexicalEmbedder(VectorizerEmbedder):
    """Word TF-IDF over lemmas (``lemmas``) or lemmas plus compound parts (``compounds``).

    Exact German words are what people recognise a theme by ("Fonds", "Räume", "Gremium"); an
    embedding model blurs them, TF-IDF keeps them. Fitted on the texts at hand like ``tfidf``.
    """

    fitted_on_corpus = True

    def __init__(self, compounds: bool = True, extra_words: Iterable[str] = ()):
        self.compounds = compounds
        self.name = "compounds" if compounds else "lemmas"
        self.extra_words = tuple(extra_words)
        self._words: GermanWords | None = None
        self._vectorizer = None

    def analyse(self, text: str) -> list[str]:
        if self._words is None:
            self._words = GermanWords(self.extra_words)
        return self._words.words(text, compounds=self.compounds)

    def _new_vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer=self.analyse, sublinear_tf=True, dtype=np.float32)


class LemmaEmbedder(LexicalEmbedder):
    """``lemmas``: word TF-IDF over lemmas only, compounds kept whole (registered under its own name)."""

    def __init__(self, extra_words: Iterable[str] = ()):
        super().__init__(compounds=False, extra_words=extra_words)


__all__ = ["TfidfEmbedder", "LexicalEmbedder", "LemmaEmbedder", "GermanWords", "GERMAN_STOP_WORDS", "LEXICON_FILE"]
