"""What every embedding backend is: ``encode(texts)`` → unit-length float32 rows, so a dot product is a cosine.

Why a module of its own: the lexical and the pretrained backends (``cardscan.embed.lexical``,
``cardscan.embed.pretrained``) and the combination of two share this contract and nothing else.
"""
from __future__ import annotations

import os
from typing import Iterable, Sequence

import numpy as np

PRETRAINED = ("e5", "use", "minilm")
LEXICAL = ("lemmas", "compounds")


def prefer_passive_openmp() -> None:
    """Ask OpenMP's threads to sleep rather than spin while they wait (unless the user set it).

    Why: OpenMP (the e5 engine, scikit-learn) reads OMP_WAIT_POLICY once, when its library loads, and
    the libraries may share one libgomp: spinning threads made theming 5× slower on a busy two-core
    machine. Why here and not at import: importing a module must not change the process' environment;
    this is called where embedding and classifying start (``get_embedder``, the learned classifier),
    before scikit-learn or a model's library is loaded.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
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


class VectorizerEmbedder(Embedder):
    """TF-IDF backends: fitted on the texts at hand, rows of unit length."""

    fitted_on_corpus = True
    _vectorizer = None

    def _new_vectorizer(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, texts: Iterable[str]) -> "VectorizerEmbedder":
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
        return normalise_rows(self._vectorizer.transform(texts).toarray())


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



__all__ = ["Embedder", "VectorizerEmbedder", "CombinedEmbedder", "meaning_part", "normalise_rows",
           "prefer_passive_openmp", "PRETRAINED", "LEXICAL"]
