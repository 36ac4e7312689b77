"""Folding themes for minutes: the number of themes follows the number of cards, single cards are
"Weitere Nennungen", a person's decisions stay, and 0 switches folding off."""
from __future__ import annotations

import pytest

from cardscan.exceptions import BadConfig
from cardscan.themes import FOLDED, OTHER, ThemeModel, assign, fold_themes, max_themes_for, record_correction


def test_the_limit_follows_the_number_of_cards():
    assert max_themes_for(40) == 8 and max_themes_for(42) == 8  # issue 17: about 40 cards → at most 8
    assert max_themes_for(0) == 0 and max_themes_for(5) == 3 and max_themes_for(84) == 15 and max_themes_for(500) == 15
    assert [max_themes_for(n) for n in range(1, 200)] == sorted(max_themes_for(n) for n in range(1, 200))


def test_single_cards_and_themes_beyond_the_limit_fold():
    labels = ["A"] * 4 + ["B"] * 3 + ["C"] * 2 + ["D"] + [OTHER, None] + ["E"] * 2
    folding = fold_themes(labels, 3, exempt=(OTHER,))
    assert folding.kept == ["A", "B", "C"]  # largest first; C before E: seen first
    assert folding.folded == ["E", "D"]
    assert folding.labels == ["A"] * 4 + ["B"] * 3 + ["C"] * 2 + [FOLDED, OTHER, None] + [FOLDED] * 2
    unlimited = fold_themes(labels, 0, exempt=(OTHER,))
    assert unlimited.kept == ["A", "B", "C", "E"] and unlimited.folded == ["D"]


def test_a_folded_card_moves_only_to_a_kept_alternative():
    folding = fold_themes(["A", "A", "B", "C"], 1, alternatives=[[], [], ["C", "A"], ["B"]])
    assert folding.labels == ["A", "A", "A", FOLDED]


def _cards() -> list[str]:
    # 3 clear Finanzierung cards, 3 Quartiersrat cards, then single cards on other themes
    return ["Mehr Geld für kleine Projekte", "Finanzierung der Projekte sichern", "Fördermittel für den Kiez",
            "Der Quartiersrat braucht klare Aufgaben", "Rolle des Quartiersrats klären", "QR stärken",
            "Ein jährliches Stadtteilfest organisieren", "Die Miete frisst das halbe Einkommen"]


def test_minutes_get_few_themes_and_single_mentions_apart():
    texts = _cards()
    plain = ThemeModel(embedder="tfidf", max_themes=0).fit_assign(texts)
    assert ThemeModel(embedder="tfidf").fit_assign(texts) == plain  # by default every card keeps its theme
    model = ThemeModel(embedder="tfidf", max_themes="auto")
    folded = model.fit_assign(texts)
    singles = [t for t in set(plain) if plain.count(t) == 1]
    assert singles, plain  # the test needs single-card themes to fold
    assert all(f == FOLDED for p, f in zip(plain, folded) if p in singles)
    assert all(f == p for p, f in zip(plain, folded) if p not in singles)
    assert set(model.folded_) == set(singles) and FOLDED not in model.kept_
    assert len(model.kept_) <= max_themes_for(len(texts))
    assert assign(texts, embedder="tfidf") == plain  # a theme per text unless folding is asked for
    assert assign(texts, embedder="tfidf", max_themes="auto") == folded


def test_an_explicit_limit_and_a_persons_decision(tmp_path):
    texts = _cards()
    two = ThemeModel(embedder="tfidf", max_themes=1).fit_assign(texts)
    assert len(set(two) - {FOLDED, OTHER}) == 1
    corrections = tmp_path / "k.json"
    record_correction(corrections, texts[-1], "Wohnen & Mieten")  # a person put this single card there
    kept = ThemeModel(embedder="tfidf", corrections=corrections, max_themes=1).fit_assign(texts)
    assert kept[-1] == "Wohnen & Mieten"


@pytest.mark.parametrize("bad", [-1, "viele", 2.5, True])
def test_a_bad_limit_is_a_clear_error(bad):
    with pytest.raises(BadConfig, match="Höchstzahl der Themen"):
        ThemeModel(embedder="tfidf", max_themes=bad).fit_assign(["Mehr Geld", "Mehr Geld für Projekte"])


def test_the_command_line_option(tmp_path):
    """`cardscan themes --max-themes auto` folds as the minutes do; a bad value is one German line, exit 4."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    cards = tmp_path / "karten.txt"
    cards.write_text("\n".join(_cards()) + "\n", encoding="utf-8")
    env = {**__import__("os").environ, "PYTHONPATH": str(root)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "cardscan", "themes", str(cards), "--embedder", "tfidf", *args],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)

    plain, folded, bad = run(), run("--max-themes", "auto"), run("--max-themes", "viele")
    assert plain.returncode == folded.returncode == 0, plain.stderr + folded.stderr
    assert FOLDED not in plain.stdout and FOLDED in folded.stdout
    assert [line.split("\t")[1] for line in folded.stdout.splitlines()] == _cards()
    assert bad.returncode == 4 and "Höchstzahl der Themen" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_without_folding_the_themes_are_listed_largest_first():
    model = ThemeModel(embedder="tfidf")
    labels = model.fit_assign(_cards())
    assert model.folded_ == [] and set(model.kept_) == set(labels) - {OTHER}
    assert [labels.count(t) for t in model.kept_] == sorted((labels.count(t) for t in model.kept_), reverse=True)


def test_the_model_keeps_the_card_vectors_it_compared():
    """vectors_: one unit-length row per non-blank text, what merging or plotting themes can build on."""
    import numpy as np

    texts = _cards()[:3] + ["  "] + _cards()[3:]
    model = ThemeModel(embedder="tfidf")
    model.fit_assign(texts)
    assert model.vectors_.shape[0] == len(texts) - 1 == model.scores_.shape[0]
    assert np.allclose(np.linalg.norm(model.vectors_, axis=1), 1.0, atol=1e-5)
    near = model.vectors_ @ model.vectors_.T
    assert near[0, 1] > near[0, 3]  # two Finanzierung cards are closer than Finanzierung and the Quartiersrat
