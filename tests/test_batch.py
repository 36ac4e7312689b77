"""Batches of workshops into a corpus: metadata files, parallel reading, resuming, Dask, the CLI.

The photo trees are generated in code (samples/generate.py, small 1200x900 boards with few cards);
themes use the tf-idf embedder so no model is loaded.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardscan.batch import SOURCE_KEY, find_workshops, read_metadata, run_batch
from cardscan.corpus import Corpus
from cardscan.exceptions import BadConfig, BadInputFile

CITIES = [  # folder, city, colours (first = Gruppe 4, second = Gruppe 3), photos
    ("2026-03-leipzig", "Leipzig", ["gelb", "orange"], 2),
    ("2026-05-bremen", "Bremen", ["hellblau", "gelb"], 1),
    ("2026-06-kassel", "Kassel", ["orange", "hellgrün"], 1),
]
N_CARDS = 5


def write_yaml(folder: Path, city: str, colours: list[str], **extra) -> None:
    lines = [f'title: "Verstetigung in {city}"', "question: Wie sollte ein optimaler Verstetigungsprozess aussehen?",
             f"city: {city}", "date: 2026-03-14", "venue: Nachbarschaftshaus", "topic: Quartiersmanagement",
             f"legend: {colours[0]}=Gruppe 4,{colours[1]}=Gruppe 3"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    (folder / "workshop.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_tree(root: Path) -> Path:
    """Three workshops in three cities; Leipzig has two photos and one corrupt file."""
    from samples.generate import write_board

    for i, (name, city, colours, photos) in enumerate(CITIES):
        folder = root / name
        for k in range(photos):
            write_board(folder, f"pinnwand-{k + 1}", seed=300 + 10 * i + k, tier="easy", size=(1200, 900),
                        n_cards=N_CARDS, colours=colours)
        write_yaml(folder, city, colours)
    (root / CITIES[0][0] / "kaputt.jpg").write_bytes(b"\xff\xd8\xff das ist kein Foto")
    return root


@pytest.fixture(scope="session")
def tree(tmp_path_factory) -> Path:
    """Shared and never written to: each test has its own corpus."""
    return build_tree(tmp_path_factory.mktemp("fotos"))


def corpus_of(path: Path):
    corpus = Corpus(path)
    try:
        return corpus.workshops(), corpus.cards()
    finally:
        corpus.close()


# ---- metadata and finding workshops (fast) ----------------------------------------------------------
def test_read_metadata_splits_workshop_fields_from_metadata(tmp_path):
    write_yaml(tmp_path, "Leipzig", ["gelb", "orange"], moderation="Anna")
    ws = read_metadata(tmp_path)
    assert ws.title == "Verstetigung in Leipzig"
    assert ws.question.startswith("Wie sollte")
    assert ws.legend == {"gelb": "Gruppe 4", "orange": "Gruppe 3"}
    assert ws.metadata == {"city": "Leipzig", "date": "2026-03-14", "venue": "Nachbarschaftshaus",
                           "topic": "Quartiersmanagement", "moderation": "Anna", SOURCE_KEY: str(tmp_path.resolve())}
    assert not ws.scans


@pytest.mark.parametrize("text, words", [
    ("title: [nicht zu", "kein gültiges YAML"),
    ("- nur\n- eine Liste\n", "erwartet Zeilen"),
    ("title: X\nlegend: türkis=Gruppe 1\n", "türkis"),
])
def test_bad_metadata_names_the_file_and_the_problem(tmp_path, text, words):
    (tmp_path / "workshop.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BadConfig) as info:
        read_metadata(tmp_path)
    assert str(tmp_path / "workshop.yaml") in str(info.value) and words in str(info.value)


def test_find_workshops_reports_photo_folders_without_metadata(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "workshop.yaml").write_text("city: A\n")
    (tmp_path / "lose").mkdir()
    (tmp_path / "lose" / "foto.jpg").write_bytes(b"x")
    folders, orphans = find_workshops(tmp_path)
    assert folders == [tmp_path / "a"]
    assert [Path(p.path).name for p in orphans] == ["lose"] and "workshop.yaml" in orphans[0].message


def test_missing_tree_is_a_bad_input(tmp_path):
    with pytest.raises(BadInputFile, match="nicht gefunden"):
        run_batch(tmp_path / "gibtsnicht", tmp_path / "c.db", embedder="tfidf")


def test_bad_workshops_become_problems_without_reading_any_photo(tmp_path):
    (tmp_path / "kaputt").mkdir()
    (tmp_path / "kaputt" / "workshop.yaml").write_text("title: [nicht zu")
    (tmp_path / "leer").mkdir()
    (tmp_path / "leer" / "workshop.yaml").write_text("city: Bonn\n")
    summary = run_batch(tmp_path, tmp_path / "c.db", workers=1, embedder="tfidf")
    assert (summary.added, summary.skipped) == (0, 0)
    messages = {Path(p.path).parent.name if p.path.endswith(".yaml") else Path(p.path).name: p.message
                for p in summary.problems}
    assert "YAML" in messages["kaputt"] and "keine Fotos" in messages["leer"]
    assert len(corpus_of(tmp_path / "c.db")[0]) == 0


# ---- whole batches (slow: they read photos) ----------------------------------------------------------
def check_corpus(db: Path, tree: Path) -> None:
    workshops, cards = corpus_of(db)
    assert sorted(workshops["city"]) == ["Bremen", "Kassel", "Leipzig"]
    assert sorted(workshops[SOURCE_KEY]) == sorted(str((tree / c[0]).resolve()) for c in CITIES)
    by_city = workshops.set_index("city")
    for name, city, colours, photos in CITIES:
        row = by_city.loc[city]
        assert row["title"] == f"Verstetigung in {city}"
        assert row["n_photos"] == photos
        assert row["n_cards"] >= photos * N_CARDS - 1  # easy boards: every card, one miss at most
        mine = cards[cards["city"] == city]
        assert set(mine["colour"].dropna()) <= set(colours)
        assert set(mine["group"].dropna()) == {"Gruppe 4", "Gruppe 3"}
        assert mine["theme"].notna().mean() > 0.5
    assert by_city.loc["Leipzig", "n_problems"] == 1 and by_city.loc["Bremen", "n_problems"] == 0


@pytest.mark.slow
def test_batch_reads_every_workshop_into_the_corpus(tree, tmp_path):
    seen = []
    summary = run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf", on_problem=seen.append)
    assert (summary.added, summary.skipped) == (3, 0) and len(summary.ids) == 3
    assert [Path(p.path).name for p in summary.problems] == ["kaputt.jpg"] and seen == summary.problems
    assert summary.seconds > 0
    check_corpus(tmp_path / "corpus.db", tree)
    corpus = Corpus(tmp_path / "corpus.db")
    try:
        shares = corpus.theme_shares(by="city")
        assert sorted(shares.index) == ["Bremen", "Kassel", "Leipzig"]
        assert shares.sum(axis=1).round(6).tolist() == [1.0, 1.0, 1.0]
        leipzig = corpus.get(summary.ids[0])
        assert [s.image for s in leipzig.scans] == ["pinnwand-1.jpg", "pinnwand-2.jpg"]
        assert (corpus.photo_dir(summary.ids[0]) / "pinnwand-2.jpg").is_file()  # photos come along
    finally:
        corpus.close()


@pytest.mark.slow
def test_second_run_adds_nothing(tree, tmp_path):
    first = run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf")
    again = run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf")
    assert (first.added, again.added, again.skipped) == (3, 0, 3)
    assert again.problems == []  # nothing was read again, so the corrupt photo is not reported twice
    workshops, cards = corpus_of(tmp_path / "corpus.db")
    assert len(workshops) == 3 and not cards.duplicated(["workshop_id", "id"]).any()
    check_corpus(tmp_path / "corpus.db", tree)


@pytest.mark.slow
def test_a_batch_that_stopped_after_one_workshop_resumes_where_it_stopped(tree, tmp_path, monkeypatch):
    calls = []
    real_add = Corpus.add

    def add_then_stop(self, workshop, **metadata):
        if calls:
            raise KeyboardInterrupt  # Ctrl-C right after the first workshop was stored
        calls.append(workshop.metadata["city"])
        return real_add(self, workshop, **metadata)

    monkeypatch.setattr(Corpus, "add", add_then_stop)
    with pytest.raises(KeyboardInterrupt):
        run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf")
    assert calls == ["Leipzig"]
    assert list(corpus_of(tmp_path / "corpus.db")[0]["city"]) == ["Leipzig"]

    monkeypatch.setattr(Corpus, "add", real_add)
    resumed = run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf")
    assert (resumed.added, resumed.skipped) == (2, 1)
    check_corpus(tmp_path / "corpus.db", tree)


@pytest.mark.slow
def test_corpus_inside_the_tree_does_not_count_its_photo_copies(tmp_path):
    from samples.generate import write_board

    folder = tmp_path / "fotos" / "bonn"
    write_board(folder, "pinnwand", seed=1, tier="easy", size=(1200, 900), n_cards=4, colours=["gelb", "orange"])
    write_yaml(folder, "Bonn", ["gelb", "orange"])
    db = tmp_path / "fotos" / "korpus.db"
    first = run_batch(tmp_path / "fotos", db, workers=1, embedder="tfidf")
    assert (tmp_path / "fotos" / "korpus-photos" / "1" / "pinnwand.jpg").is_file()
    again = run_batch(tmp_path / "fotos", db, workers=1, embedder="tfidf")
    assert (first.added, first.problems, again.added, again.skipped, again.problems) == (1, [], 0, 1, [])


@pytest.mark.slow
def test_one_workshop_folder_first_then_the_whole_tree(tree, tmp_path):
    """The tree itself may be one workshop's folder; the whole tree later skips it by its path."""
    one = run_batch(tree / CITIES[1][0], tmp_path / "corpus.db", workers=1, embedder="tfidf")
    assert (one.added, one.skipped) == (1, 0)
    rest = run_batch(tree, tmp_path / "corpus.db", workers=2, embedder="tfidf")
    assert (rest.added, rest.skipped) == (2, 1)
    check_corpus(tmp_path / "corpus.db", tree)


@pytest.mark.slow
def test_dask_cluster_by_address(tree, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        summary = run_batch(tree, tmp_path / "corpus.db", scheduler=address, embedder="tfidf")
    assert (summary.added, summary.skipped) == (3, 0)
    assert [Path(p.path).name for p in summary.problems] == ["kaputt.jpg"]
    check_corpus(tmp_path / "corpus.db", tree)


@pytest.mark.slow
def test_dask_local_in_process(tree, tmp_path):
    summary = run_batch(tree / CITIES[2][0], tmp_path / "corpus.db", scheduler="local", workers=2, embedder="tfidf")
    assert (summary.added, summary.problems) == (1, [])
    workshops, _ = corpus_of(tmp_path / "corpus.db")
    assert workshops["city"].tolist() == ["Kassel"] and workshops["n_cards"].iloc[0] >= N_CARDS - 1


def test_unknown_scheduler_is_a_config_error(tree, tmp_path):
    with pytest.raises(BadConfig, match="Dask-Scheduler"):
        run_batch(tree / CITIES[1][0], tmp_path / "corpus.db", scheduler="irgendwo", embedder="tfidf")


# ---- the command line ------------------------------------------------------------------------------
def cardscan(*args):
    proc = subprocess.run([sys.executable, "-m", "cardscan", *args], capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.slow
def test_cli_batch_names_the_bad_photo_on_one_line_and_resumes(tree, tmp_path):
    db = tmp_path / "corpus.db"
    code, out, err = cardscan("batch", str(tree), "--corpus", str(db), "--workers", "2", "--embedder", "tfidf")
    assert code == 1, err  # one photo failed, the rest is stored
    assert err.strip().count("\n") == 0 and "kaputt.jpg" in err and "Traceback" not in err
    assert "3 Workshops gespeichert, 0 schon im Korpus" in out
    code, out, err = cardscan("batch", str(tree), "--corpus", str(db), "--embedder", "tfidf")
    assert (code, err) == (0, "") and "0 Workshops gespeichert, 3 schon im Korpus" in out
    check_corpus(db, tree)


@pytest.mark.slow
def test_missing_tesseract_stops_a_tesseract_batch_with_exit_3_and_stores_nothing(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_TESSERACT", str(tmp_path / "kein-tesseract"))
    code, _, err = cardscan("batch", str(tree), "--corpus", str(tmp_path / "c.db"), "--workers", "2",
                            "--embedder", "tfidf", "--ocr", "tesseract")
    assert code == 3 and "Tesseract" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0 and err.count("Tesseract ist nicht installiert") == 1
    assert len(corpus_of(tmp_path / "c.db")[0]) == 0  # a re-run after installing it reads everything


def test_the_default_card_reader_needs_no_tesseract(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("CARDSCAN_TESSERACT", str(tmp_path / "kein-tesseract"))
    code, _, err = cardscan("batch", str(tree), "--corpus", str(tmp_path / "c.db"), "--workers", "2",
                            "--embedder", "tfidf")
    workshops, cards = corpus_of(tmp_path / "c.db")
    assert code == 1 and err.strip().count("\n") == 0 and "kaputt.jpg" in err  # the tree's one bad photo
    assert "Tesseract" not in err and len(workshops) >= 2 and len(cards) > 0


def test_cli_batch_errors_are_one_line(tmp_path):
    code, _, err = cardscan("batch", str(tmp_path / "fehlt"), "--corpus", str(tmp_path / "c.db"))
    assert code == 1 and "fehlt" in err and "Traceback" not in err and err.strip().count("\n") == 0
    code, _, err = cardscan("batch", str(tmp_path), "--corpus", str(tmp_path / "c.db"), "--scheduler", "xyz")
    assert code == 4 and "Dask-Scheduler" in err and err.strip().count("\n") == 0
    code, _, err = cardscan("batch", str(tmp_path))
    assert code == 2 and "--corpus" in err
    code, out, _ = cardscan("batch", "--help")
    assert code == 0 and "Korpus" in out and "--scheduler" in out


def test_cli_help_lists_batch():
    code, out, _ = cardscan("--help")
    assert code == 0 and "batch" in out


def test_summary_is_json_friendly(tmp_path):
    (tmp_path / "leer").mkdir()
    (tmp_path / "leer" / "workshop.yaml").write_text("city: Bonn\n")
    summary = run_batch(tmp_path, tmp_path / "c.db", workers=1, embedder="tfidf")
    from dataclasses import asdict

    data = json.loads(json.dumps(asdict(summary)))
    assert data["added"] == 0 and data["problems"][0]["message"] == "Ordner enthält keine Fotos"


# ---- file names that used to abort a whole batch (issue 19.2) -----------------------------------------
def fake_scan(args):
    """Stands in for reading a photo (fast): two cards named like scan_photo names them."""
    from cardscan.api import PhotoReading
    from cardscan.workshop import Card, Scan

    path = Path(args[0])
    cards = [Card(id=f"{path.stem}-{i:02d}", photo=path.name, polygon=[(0, 0), (10, 0), (10, 10), (0, 10)],
                  colour="gelb", group=None, raw_text=f"Karte {i} aus {path.name}", text=f"Karte {i} aus {path.name}",
                  confidence=0.9) for i in (1, 2)]
    return PhotoReading(path, Scan(image=path.name, width=100, height=100, cards=cards, path=path))


def test_same_stem_and_non_utf8_names_are_reported_and_later_workshops_stored(tmp_path, monkeypatch):
    import os

    import cardscan.batch

    monkeypatch.setattr(cardscan.batch, "scan_or_problem", fake_scan)
    tree = tmp_path / "fotos"
    for name, city in (("a-leipzig", "Leipzig"), ("b-bremen", "Bremen"), ("c-kassel", "Kassel")):
        (tree / name).mkdir(parents=True)
        write_yaml(tree / name, city, ["gelb", "orange"])
    for photo in ("board1.jpg", "board1.png"):
        (tree / "a-leipzig" / photo).write_bytes(b"x")
    (tree / "b-bremen" / os.fsdecode(b"tafel-\xfc.jpg")).write_bytes(b"x")
    (tree / "b-bremen" / "tafel.jpg").write_bytes(b"x")
    (tree / "c-kassel" / "wand.jpg").write_bytes(b"x")
    seen = []
    summary = run_batch(tree, tmp_path / "c.db", workers=1, embedder="tfidf", on_problem=seen.append)
    assert summary.added == 3, summary.problems
    assert len(seen) == 1 and "tafel-" in seen[0].path and "UTF-8" in seen[0].message
    seen[0].path.encode("utf-8")
    workshops, cards = corpus_of(tmp_path / "c.db")
    leipzig = cards[cards["city"] == "Leipzig"]
    assert sorted(leipzig["id"]) == ["board1-01", "board1-02", "board1-png-01", "board1-png-02"]
    assert sorted(cards[cards["city"] == "Bremen"]["photo"].unique()) == ["tafel.jpg"]
    assert workshops.set_index("city").loc["Bremen", "n_problems"] == 1
    again = run_batch(tree, tmp_path / "c.db", workers=1, embedder="tfidf")
    assert (again.added, again.skipped) == (0, 3)


def test_a_workshop_folder_with_a_non_utf8_name_is_skipped_and_the_others_stored(tmp_path, monkeypatch):
    import os

    import cardscan.batch

    monkeypatch.setattr(cardscan.batch, "scan_or_problem", fake_scan)
    bad = tmp_path / os.fsdecode(b"m\xfcnchen")
    for folder, city in ((bad, "München"), (tmp_path / "zwickau", "Zwickau")):
        folder.mkdir()
        write_yaml(folder, city, ["gelb", "orange"])
        (folder / "wand.jpg").write_bytes(b"x")
    summary = run_batch(tmp_path, tmp_path / "c.db", workers=1, embedder="tfidf")
    assert summary.added == 1 and len(summary.problems) == 1 and "Ordnername" in summary.problems[0].message
    assert list(corpus_of(tmp_path / "c.db")[0]["city"]) == ["Zwickau"]


def test_a_workshop_the_corpus_refuses_is_reported_and_the_later_ones_stored(tmp_path, monkeypatch):
    import cardscan.batch
    from cardscan.exceptions import DuplicateCardId

    def add_or_refuse(self, workshop, **meta):
        if workshop.metadata["city"] == "Leipzig":
            raise DuplicateCardId("board1-01")
        return real_add(self, workshop, **meta)

    real_add = Corpus.add
    monkeypatch.setattr(cardscan.batch, "scan_or_problem", fake_scan)
    monkeypatch.setattr(Corpus, "add", add_or_refuse)
    for name, city in (("a", "Leipzig"), ("b", "Bremen")):
        (tmp_path / name).mkdir()
        write_yaml(tmp_path / name, city, ["gelb", "orange"])
        (tmp_path / name / "wand.jpg").write_bytes(b"x")
    summary = run_batch(tmp_path, tmp_path / "c.db", workers=1, embedder="tfidf")
    assert summary.added == 1 and "board1-01" in summary.problems[0].message
    assert list(corpus_of(tmp_path / "c.db")[0]["city"]) == ["Bremen"]


def test_batch_uses_only_public_names_of_api():
    import ast

    source = Path(__file__).resolve().parents[1] / "cardscan" / "batch.py"
    private = [alias.name for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
               if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cardscan")
               for alias in node.names if alias.name.startswith("_")]
    assert private == []


# ---- processes (issue 19.5) --------------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    """Live child processes of `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie nobody reaps has ended


@pytest.mark.slow
def test_workers_end_with_their_parent_after_kill_9(tree, tmp_path):
    import os
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "cardscan", "batch", str(tree), "--corpus", str(tmp_path / "c.db"),
                             "--workers", "2", "--embedder", "tfidf"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.2)
        assert len(workers) == 2, "the batch never started its two workers"
        time.sleep(1.0)  # let them get busy reading photos
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 60  # generous: they check every half second
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [w for w in workers if _alive(w)]
    finally:
        if proc.poll() is None:
            proc.kill()
    for w in left:  # do not leave them for the next test, whatever happened
        os.kill(w, signal.SIGKILL)
    assert left == []
