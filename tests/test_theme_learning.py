"""Learning from corrections as a module of its own: light to import (the web page records decisions
with it), its names still reachable through cardscan.themes, and classifiers saved before the split
still loadable. Recording, renames, merges and training are tested in test_themes.py."""
from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import cardscan.themes
from cardscan.themes import learning as theme_learning
from cardscan.themes.learning import (LearnedThemes, load_corrections, read_corrections_of, record_correction,
                                     record_rename, train_from_corrections)

ROOT = Path(__file__).resolve().parent.parent


def test_names_are_the_same_objects_through_cardscan_themes():
    for name in ("LearnedThemes", "record_correction", "record_rename", "record_merge", "load_corrections",
                 "theme_changes", "train_from_corrections"):
        assert getattr(cardscan.themes, name) is getattr(theme_learning, name), name


def test_recording_a_decision_loads_no_heavy_library(tmp_path):
    code = ("import sys; from cardscan.themes.learning import record_correction; "
            f"record_correction({str(tmp_path / 'k.json')!r}, 'Bürgerhaushalt', 'Finanzierung'); "
            "print(sorted(m for m in ('numpy', 'sklearn', 'torch', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert load_corrections(tmp_path / "k.json") == [("Bürgerhaushalt", "Finanzierung")]


@pytest.mark.parametrize("old_module, old_name", [(b"cardscan.theme_learning", b"_ModelFeatures"),
                                                   (b"cardscan.themes", b"_ModelFeatures")])
def test_classifiers_saved_under_earlier_module_names_still_load(tmp_path, old_module, old_name):
    """Classifiers saved before the themes package name the class cardscan.theme_learning._ModelFeatures
    (or, before that, cardscan.themes._ModelFeatures); LearnedThemes.load still reads them."""
    data = {"format": 1, "texts": ["Miete"], "labels": ["Wohnen"], "classifier": theme_learning.ModelFeatures("e5"),
            "changes": {}, "meta": {}}
    new = pickle.dumps(data, protocol=0)
    assert b"ccardscan.themes.learning\nModelFeatures\n" in new
    (tmp_path / "themes-v1.joblib").write_bytes(new.replace(b"ccardscan.themes.learning\nModelFeatures\n",
                                                            b"c" + old_module + b"\n" + old_name + b"\n"))
    loaded = LearnedThemes.load(tmp_path)
    assert isinstance(loaded.classifier, theme_learning.ModelFeatures) and loaded.classifier.get_params() == {"name": "e5"}
    assert "cardscan.theme_learning" not in sys.modules


def test_trained_classifier_predicts_the_decided_themes(tmp_path):
    path = tmp_path / "k.json"
    for text, theme in [("Mieten steigen", "Wohnen"), ("Miete zu hoch", "Wohnen"), ("Arzt fehlt", "Gesundheit"),
                        ("Kinderarzt gesucht", "Gesundheit")]:
        record_correction(path, text, theme)
    learned = LearnedThemes.load(train_from_corrections(path, tmp_path / "learned", model=None))
    classes, proba = learned.proba(["Mieten runter", "Arzt im Kiez"])
    assert [classes[k] for k in proba.argmax(axis=1)] == ["Wohnen", "Gesundheit"]


def test_read_corrections_gives_decisions_and_renames_from_one_reading(tmp_path, monkeypatch):
    path = tmp_path / "k.json"
    theme_learning.record_correction(path, "Spielplatz sanieren", "Spielplätze")
    theme_learning.record_rename(path, "Spielplätze", "Grün & Spiel")
    reads = []
    original = theme_learning._read_items
    monkeypatch.setattr(theme_learning, "_read_items", lambda p: reads.append(p) or original(p))
    decided, renamed = theme_learning.read_corrections(path)
    assert decided == [("Spielplatz sanieren", "Grün & Spiel")]
    assert renamed == {"Spielplätze": "Grün & Spiel"}
    assert len(reads) == 1


def test_decisions_are_split_by_workshop_latest_decision_wins(tmp_path):
    path = tmp_path / "k.json"
    record_correction(path, "Kiezbüro erhalten", "Ankerorte", workshop=1)
    record_correction(path, "Mehr Geld", "Finanzierung")  # recorded before workshops were named
    record_correction(path, "Jugendclub", "Zielgruppen", workshop=2)
    record_correction(path, "kiezbüro  erhalten", "Verstetigung", workshop=2)  # decided again, in workshop 2
    record_rename(path, "Zielgruppen", "Jugend")
    own, other, changes = read_corrections_of(path, "2")
    assert own == [("Jugendclub", "Jugend"), ("kiezbüro  erhalten", "Verstetigung")]
    assert other == [("Mehr Geld", "Finanzierung")]
    assert changes == {"Zielgruppen": "Jugend"}
    own1, other1, _ = read_corrections_of(path, 1)
    assert own1 == [] and len(other1) == 3
    assert json.loads(path.read_text(encoding="utf-8"))["corrections"][0]["workshop"] == "1"


def test_learn_writes_to_the_data_folder_and_themes_reads_it_from_there(tmp_path):
    """`cardscan learn` never writes into the package or the checkout: --data (or $CARDSCAN_DATA, or the
    per-user folder) gets learned/themes-v<N>.joblib, and `--learned` without a value reads the latest there."""
    corrections = tmp_path / "themen-korrekturen.json"
    for text, theme in [("Mieterberatung im Kiezbüro", "Beratung vor Ort"),
                        ("Sprechstunde der Mieterberatung", "Beratung vor Ort"), ("Mehr Geld für Projekte", "Finanzierung")]:
        record_correction(corrections, text, theme)
    data = tmp_path / "daten"
    before = sorted(p.name for p in (ROOT / "models").iterdir())
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    learn = subprocess.run([sys.executable, "-m", "cardscan", "learn", str(corrections), "--data", str(data),
                            "--model", "none"], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert learn.returncode == 0, learn.stderr
    assert (data / "learned" / "themes-v1.joblib").is_file()
    assert sorted(p.name for p in (ROOT / "models").iterdir()) == before
    cards = tmp_path / "karten.txt"
    cards.write_text("Mieterberatung im Kiezbüro\n", encoding="utf-8")
    themes = subprocess.run([sys.executable, "-m", "cardscan", "themes", str(cards), "--embedder", "tfidf", "--learned"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**env, "CARDSCAN_DATA": str(data)})
    assert themes.returncode == 0, themes.stderr
    assert themes.stdout.splitlines() == ["Beratung vor Ort\tMieterberatung im Kiezbüro"]


def test_train_from_corrections_defaults_to_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_DATA", str(tmp_path / "daten"))
    record_correction(tmp_path / "k.json", "Miete zu hoch", "Wohnen")
    saved = train_from_corrections(tmp_path / "k.json", model=None)
    assert saved == tmp_path / "daten" / "learned" / "themes-v1.joblib" and saved.is_file()
