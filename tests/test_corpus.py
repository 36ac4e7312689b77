"""The corpus store: lossless round trips, corrections, durability, schema checks, research helpers.

All fixtures are small workshops built in code; every database lives in pytest's tmp_path.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cardscan.corpus import SCHEMA_VERSION, Corpus
from cardscan.exceptions import BadInputFile
from cardscan.workshop import Card, Cluster, Edit, Heading, Problem, Scan, Workshop

REPO = Path(__file__).resolve().parents[1]


def card(cid: str, text: str, theme: str | None = None, colour: str | None = "gelb", group: str | None = "Gruppe 4",
         confidence: float = 0.9, **kw) -> Card:
    photo = cid.rsplit("-", 1)[0] + ".jpg"
    return Card(id=cid, photo=photo, polygon=[(10, 20), (110, 20), (110, 80), (10, 80)], colour=colour, group=group,
                raw_text=kw.pop("raw_text", text), text=text, confidence=confidence, theme=theme, **kw)


def sample_workshop(city: str = "Berlin") -> Workshop:
    """Two photos (one whiteboard), edits, odd confidences, a card without colour, a problem."""
    board = Scan(image="board1.jpg", width=4000, height=3000, cards=[
        card("board1-01", "Quartiersrat einbeziehen", "Beteiligung", raw_text="QR einbeziehen", confidence=0.123456789,
             edits=[Edit("QR", "Quartiersrat", "abbreviation", 0)]),
        card("board1-02", "Bürgerhaushalt", "Finanzierung", colour="orange", group="Gruppe 3"),
        card("board1-03", "=SUMME(A1)", "Finanzierung", colour=None, group=None, confidence=0.31,
             edits=[Edit("0", "O", "ocr-confusion"), Edit(" ", "", "whitespace", 4)]),
    ])
    tafel = Scan(image="tafel.png", width=1200, height=900, mode="whiteboard", cards=[
        card("tafel-01", "Netzwerk stabil halten", "Verstetigung", colour=None, group=None, kind="whiteboard-line"),
    ])
    return Workshop(title="Verstetigung", question="Wie sollte ein optimaler Verstetigungsprozess aussehen?",
                    legend={"gelb": "Gruppe 4", "orange": "Gruppe 3"}, scans=[board, tafel],
                    problems=[Problem("/fotos/kaputt.jpg", "Datei ist beschädigt oder unvollständig")],
                    metadata={"city": city, "date": "2026-11-20", "venue": "Nachbarschaftshaus"})


@pytest.fixture
def corpus(tmp_path):
    c = Corpus(tmp_path / "daten" / "corpus.db")
    yield c
    c.close()


# ---- storing and reading ----------------------------------------------------------------------------
def test_add_then_get_gives_back_the_same_workshop(corpus):
    original = sample_workshop()
    wid = corpus.add(original, topic="Quartiersmanagement")
    back = corpus.get(wid)
    assert back.metadata == {**original.metadata, "topic": "Quartiersmanagement"}
    back.metadata = dict(original.metadata)
    assert back == original  # every field, edit and problem, in order; confidence unrounded
    assert back.card("board1-01").confidence == 0.123456789
    assert [s.path for s in back.scans] == [None, None]  # no photo files stored yet


def test_create_workshop_keeps_legend_order_and_metadata(corpus):
    wid = corpus.create_workshop("Leer", question="Was?", legend="orange=Gruppe 3,gelb=Gruppe 4", city="Leipzig",
                                 date=None, venue="Rathaus")
    ws = corpus.get(wid)
    assert (ws.title, ws.question, ws.scans, ws.problems) == ("Leer", "Was?", [], [])
    assert list(ws.legend.items()) == [("orange", "Gruppe 3"), ("gelb", "Gruppe 4")]
    assert ws.metadata == {"city": "Leipzig", "venue": "Rathaus"}  # None is left out
    assert corpus.create_workshop("Zweiter") == wid + 1


def test_unknown_ids_raise_key_error(corpus):
    wid = corpus.add(sample_workshop())
    with pytest.raises(KeyError):
        corpus.get(wid + 1)
    with pytest.raises(KeyError):
        corpus.add_scan(wid + 1, Scan("x.jpg", 10, 10))
    with pytest.raises(KeyError):
        corpus.update_card(wid, "gibtsnicht-01", text="x")
    with pytest.raises(KeyError):
        corpus.rename_theme(wid + 1, "Beteiligung", "X")


def test_photo_dir_is_next_to_the_database_and_add_copies_known_photos(corpus, tmp_path):
    source = tmp_path / "fotos" / "board1.jpg"
    source.parent.mkdir()
    source.write_bytes(b"\xff\xd8\xff not really a jpeg")
    ws = sample_workshop()
    ws.scans[0].path = source
    wid = corpus.add(ws)
    folder = corpus.photo_dir(wid)
    assert folder == corpus.path.parent / "corpus-photos" / str(wid)
    assert (folder / "board1.jpg").read_bytes() == source.read_bytes()
    back = corpus.get(wid)
    assert back.scans[0].path == folder / "board1.jpg" and back.scans[1].path is None


def test_add_scan_appends_in_order_and_refuses_duplicates(corpus):
    wid = corpus.create_workshop("Test", legend={"gelb": "Gruppe 4"})
    corpus.add_scan(wid, Scan("foto02.jpg", 100, 80, cards=[card("foto02-01", "B")]))
    corpus.add_scan(wid, Scan("foto01.jpg", 100, 80, cards=[card("foto01-01", "A"), card("foto01-02", "C")]))
    assert [c.id for c in corpus.get(wid).cards] == ["foto02-01", "foto01-01", "foto01-02"]
    with pytest.raises(ValueError, match="schon gespeichert"):
        corpus.add_scan(wid, Scan("foto01.jpg", 100, 80))
    with pytest.raises(ValueError, match="foto01-01"):
        corpus.add_scan(wid, Scan("foto01.png", 100, 80, cards=[card("foto01-01", "doppelt")]))
    assert len(corpus.get(wid).cards) == 3  # the refused scans left nothing behind


# ---- corrections ----------------------------------------------------------------------------------
def test_update_card_saves_and_records_each_field(corpus):
    wid = corpus.add(sample_workshop())
    updated = corpus.update_card(wid, "board1-01", text="Quartiersrat früh einbeziehen", theme="Zeitplan")
    assert (updated.text, updated.theme, updated.raw_text) == ("Quartiersrat früh einbeziehen", "Zeitplan",
                                                               "QR einbeziehen")
    assert updated.edits == [Edit("QR", "Quartiersrat", "abbreviation", 0)]
    assert corpus.get(wid).card("board1-01") == updated
    frame = corpus.corrections()
    assert list(frame["field"]) == ["text", "theme"] and set(frame["workshop_id"]) == {wid}
    text_row = frame[frame["field"] == "text"].iloc[0]
    assert (text_row["old"], text_row["new"], text_row["raw_text"], text_row["action"]) == (
        "Quartiersrat einbeziehen", "Quartiersrat früh einbeziehen", "QR einbeziehen", "edit")
    assert str(frame["time"].dt.tz) == "UTC"
    assert list(corpus.corrections("text")["new"]) == ["Quartiersrat früh einbeziehen"]


def test_confirming_records_a_correction_without_a_change(corpus):
    wid = corpus.add(sample_workshop())
    corpus.update_card(wid, "board1-03", confirmed=True)
    corpus.update_card(wid, "board1-02", text="Bürgerhaushalt")  # what the web page sends for "Stimmt so"
    frame = corpus.corrections("confirm")
    assert list(frame["card_id"]) == ["board1-03", "board1-02"]
    assert list(frame["old"]) == list(frame["new"]) == ["=SUMME(A1)", "Bürgerhaushalt"]
    assert corpus.cards().set_index("id").loc[["board1-03", "board1-01"], "corrected"].tolist() == [True, False]


def test_clearing_theme_and_group_stores_none(corpus):
    wid = corpus.add(sample_workshop())
    corpus.update_card(wid, "board1-02", theme="", group="  ")
    c = corpus.get(wid).card("board1-02")
    assert c.theme is None and c.group is None


def test_a_person_corrects_the_dot_count_and_it_is_recorded(corpus):
    ws = sample_workshop()
    ws.scans[0].cards[1].votes, ws.scans[0].cards[1].vote_colours = 3, ["rot", "rot", "grün"]
    wid = corpus.add(ws)
    corpus.update_card(wid, "board1-02", votes="2")  # a web form sends text
    corpus.update_card(wid, "board1-01", votes=4)  # dots the finder missed: colours unknown
    cards = {c.id: c for c in corpus.get(wid).cards}
    assert (cards["board1-02"].votes, cards["board1-02"].vote_colours) == (2, ["rot", "rot"])
    assert (cards["board1-01"].votes, cards["board1-01"].vote_colours) == (4, [])
    frame = corpus.corrections("votes")
    assert list(zip(frame["card_id"], frame["old"], frame["new"])) == [("board1-02", "3", "2"), ("board1-01", "0", "4")]
    assert corpus.cards().set_index("id").loc["board1-02", "votes"] == 2


@pytest.mark.parametrize("bad", ["drei", "-1", "100", "2.5"])
def test_a_dot_count_that_is_no_count_is_refused_in_german_and_changes_nothing(corpus, bad):
    wid = corpus.add(sample_workshop())
    with pytest.raises(ValueError, match="Punkte: .*erlaubt 0 bis 99"):
        corpus.update_card(wid, "board1-01", text="neu", votes=bad)
    assert corpus.get(wid).card("board1-01").text == "Quartiersrat einbeziehen"
    assert len(corpus.corrections()) == 0


def test_update_card_refuses_unknown_fields_and_changes_nothing(corpus):
    wid = corpus.add(sample_workshop())
    with pytest.raises(ValueError, match="confidence"):
        corpus.update_card(wid, "board1-01", text="neu", confidence=1.0)
    assert corpus.get(wid).card("board1-01").text == "Quartiersrat einbeziehen"
    assert len(corpus.corrections()) == 0
    with pytest.raises(ValueError, match="Unbekannte Art"):
        corpus.corrections("farbe")


def test_rename_and_merge_are_corrections_set_themes_is_not(corpus):
    wid = corpus.add(sample_workshop())
    other = corpus.add(sample_workshop(city="Hamburg"))
    assert corpus.rename_theme(wid, "Finanzierung", "Geld") == 2
    assert corpus.merge_themes(wid, "Verstetigung", "Beteiligung") == 1
    assert corpus.rename_theme(wid, "gibtsnicht", "X") == 0
    assert [c.theme for c in corpus.get(wid).cards] == ["Beteiligung", "Geld", "Geld", "Beteiligung"]
    assert [c.theme for c in corpus.get(other).cards] == ["Beteiligung", "Finanzierung", "Finanzierung",
                                                          "Verstetigung"]  # other workshops untouched
    frame = corpus.corrections("theme")
    assert list(zip(frame["card_id"], frame["action"], frame["old"], frame["new"])) == [
        ("board1-02", "rename", "Finanzierung", "Geld"), ("board1-03", "rename", "Finanzierung", "Geld"),
        ("tafel-01", "merge", "Verstetigung", "Beteiligung")]
    assert list(corpus.corrections("merge")["text"]) == ["Netzwerk stabil halten"]
    assert corpus.set_themes(other, {"board1-01": "Neu", "board1-02": "Finanzierung", "tafel-01": None}) == 2
    assert [c.theme for c in corpus.get(other).cards] == ["Neu", "Finanzierung", "Finanzierung", None]
    assert len(corpus.corrections()) == 3  # the machine's themes are not people's corrections
    with pytest.raises(ValueError):
        corpus.rename_theme(wid, "Geld", "   ")


def test_set_themes_is_all_or_nothing(corpus):
    wid = corpus.add(sample_workshop())
    with pytest.raises(KeyError, match="board9-01"):
        corpus.set_themes(wid, {"board1-01": "Neu", "board9-01": "X"})
    assert corpus.get(wid).card("board1-01").theme == "Beteiligung"


def test_threads_can_save_at_the_same_time(corpus):
    wid = corpus.create_workshop("Viele")
    corpus.add_scan(wid, Scan("f.jpg", 10, 10, cards=[card(f"f-{i:02d}", f"Karte {i}") for i in range(16)]))
    errors = []

    def edit(i):
        try:
            corpus.update_card(wid, f"f-{i:02d}", text=f"korrigiert {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(c.text for c in corpus.get(wid).cards) == sorted(f"korrigiert {i}" for i in range(16))
    assert len(corpus.corrections("text")) == 16


def test_a_saved_edit_survives_a_killed_process(tmp_path):
    db = tmp_path / "corpus.db"
    with Corpus(db) as c:
        wid = c.add(sample_workshop())
    code = (f"import os, signal; from cardscan.corpus import Corpus; c = Corpus({str(db)!r}); "
            f"c.update_card({wid}, 'board1-02', text='überlebt'); os.kill(os.getpid(), signal.SIGKILL)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    with Corpus(db) as c:
        assert c.get(wid).card("board1-02").text == "überlebt"
        assert list(c.corrections()["new"]) == ["überlebt"]


# ---- the file ---------------------------------------------------------------------------------------
def test_schema_version_is_stored(corpus):
    assert corpus.schema_version == SCHEMA_VERSION
    with sqlite3.connect(corpus.path) as con:
        assert con.execute("select value from meta where key='schema_version'").fetchone() == (str(SCHEMA_VERSION),)


def test_newer_schema_and_foreign_files_are_refused_in_german(tmp_path):
    newer = tmp_path / "neu.db"
    Corpus(newer).close()
    with sqlite3.connect(newer) as con:
        con.execute("update meta set value='99' where key='schema_version'")
    with pytest.raises(BadInputFile, match="neueren cardscan-Version") as err:
        Corpus(newer)
    assert "neu.db" in str(err.value)
    text = tmp_path / "notizen.db"
    text.write_text("Protokoll\n" * 200)
    with pytest.raises(BadInputFile, match="keine lesbare SQLite-Datenbank"):
        Corpus(text)
    foreign = tmp_path / "fremd.db"
    with sqlite3.connect(foreign) as con:
        con.execute("create table kunden (id integer)")
    with pytest.raises(BadInputFile, match="keine cardscan-Korpusdatei"):
        Corpus(foreign)


def test_importing_the_module_stays_light():
    code = ("import sys, cardscan, cardscan.corpus; "
            "print(sorted(m for m in ('sqlalchemy', 'pandas', 'matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


# ---- frames -----------------------------------------------------------------------------------------
def test_workshops_frame_has_one_row_per_workshop(corpus):
    empty = corpus.workshops()
    assert len(empty) == 0 and {"id", "title", "question", "city", "date", "n_cards"} <= set(empty.columns)
    a = corpus.add(sample_workshop(), topic="Stadtteil")
    b = corpus.create_workshop("Leer", city="Leipzig", moderator="Frau K.")
    frame = corpus.workshops().set_index("id")
    assert list(frame.index) == [a, b]
    assert frame.loc[a, "n_cards"] == 4 and frame.loc[b, "n_cards"] == 0
    assert frame.loc[a, "n_photos"] == 2 and frame.loc[a, "n_problems"] == 1
    assert (frame.loc[a, "city"], frame.loc[b, "city"]) == ("Berlin", "Leipzig")
    assert frame.loc[a, "topic"] == "Stadtteil" and frame.loc[b, "moderator"] == "Frau K."
    assert frame.loc[a, "legend"] == {"gelb": "Gruppe 4", "orange": "Gruppe 3"}


def test_cards_frame_spans_workshops(corpus):
    a = corpus.add(sample_workshop("Berlin"))
    b = corpus.add(sample_workshop("Hamburg"))
    frame = corpus.cards()
    assert len(frame) == 8
    assert list(frame.columns[:2]) == ["workshop_id", "title"]
    for col in ("city", "id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon"):
        assert col in frame.columns
    berlin = frame[frame["workshop_id"] == a]
    assert set(berlin["city"]) == {"Berlin"} and set(frame.loc[frame["workshop_id"] == b, "city"]) == {"Hamburg"}
    assert list(berlin["id"]) == ["board1-01", "board1-02", "board1-03", "tafel-01"]
    assert berlin["polygon"].iloc[0] == [[10, 20], [110, 20], [110, 80], [10, 80]]
    assert list(berlin["n_edits"]) == [1, 0, 2, 0]


# ---- sharing ----------------------------------------------------------------------------------------
def test_bundle_round_trip_loses_nothing(corpus, tmp_path):
    wid = corpus.add(sample_workshop())
    corpus.update_card(wid, "board1-01", text="Quartiersrat früh einbeziehen", group="Gruppe 1")
    corpus.rename_theme(wid, "Finanzierung", "Geld")
    folder = corpus.photo_dir(wid)
    folder.mkdir(parents=True)
    (folder / "board1.jpg").write_bytes(b"\xff\xd8\xff\x00foto")
    bundle = corpus.export_bundle(wid, tmp_path / "export.json", photos=True)
    assert json.loads(bundle.read_text(encoding="utf-8"))["format"] == "cardscan-workshop"

    with Corpus(tmp_path / "anderswo" / "corpus.db") as other:
        other.create_workshop("schon da")  # ids differ between corpora
        new = other.import_bundle(bundle)
        assert new != wid
        assert (other.photo_dir(new) / "board1.jpg").read_bytes() == b"\xff\xd8\xff\x00foto"
        original, copy = corpus.get(wid), other.get(new)
        for ws in (original, copy):
            for scan in ws.scans:
                scan.path = None  # the folders differ by design
        assert copy == original
        keep = ["card_id", "field", "action", "old", "new", "raw_text", "text", "time"]
        theirs, ours = other.corrections(), corpus.corrections()
        assert theirs[keep].equals(ours[keep]) and set(theirs["workshop_id"]) == {new}
        assert (other.workshops().set_index("id").loc[new, "created"]
                == corpus.workshops().set_index("id").loc[wid, "created"])


def test_import_refuses_other_json_in_german(corpus, tmp_path):
    wrong = tmp_path / "karten.json"
    wrong.write_text(json.dumps({"title": "x", "photos": []}), encoding="utf-8")
    with pytest.raises(BadInputFile, match="kein cardscan-Workshop-Export"):
        corpus.import_bundle(wrong)
    broken = tmp_path / "kaputt.json"
    broken.write_text('{"format": "cardscan-workshop", "version": 1, "workshop": {"photos": [{}]}}')
    with pytest.raises(BadInputFile, match="unvollständig"):
        corpus.import_bundle(broken)
    assert len(corpus.workshops()) == 0


def test_bundle_photos_cannot_escape_the_photo_folder(corpus, tmp_path):
    wid = corpus.add(sample_workshop())
    bundle = corpus.export_bundle(wid, tmp_path / "export.json")
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["photo_files"] = {"../../boese.jpg": "eA==", "board1.jpg": "eQ=="}
    bundle.write_text(json.dumps(data), encoding="utf-8")
    new = corpus.import_bundle(bundle)
    assert sorted(p.name for p in corpus.photo_dir(new).iterdir()) == ["board1.jpg"]
    assert not (corpus.photo_dir(new).parent.parent / "boese.jpg").exists()
    assert (corpus.photo_dir(new) / "board1.jpg").read_bytes() == b"y"


def test_export_cards_to_csv_and_parquet(corpus, tmp_path):
    import pandas as pd

    corpus.add(sample_workshop())
    csv_path = corpus.export_cards(tmp_path / "karten.csv")
    frame = pd.read_csv(csv_path)
    assert list(frame["id"]) == ["board1-01", "board1-02", "board1-03", "tafel-01"]
    assert frame.loc[2, "text"] == "'=SUMME(A1)"  # no formula in a spreadsheet
    assert json.loads(frame.loc[0, "polygon"]) == [[10, 20], [110, 20], [110, 80], [10, 80]]
    parquet = pd.read_parquet(corpus.export_cards(tmp_path / "karten.parquet"))
    assert parquet.loc[2, "text"] == "=SUMME(A1)"
    assert parquet.loc[0, "confidence"] == 0.123456789
    assert [list(p) for p in parquet.loc[0, "polygon"]] == [[10, 20], [110, 20], [110, 80], [10, 80]]
    assert parquet.loc[0, "city"] == "Berlin"
    with pytest.raises(ValueError, match=r"\.csv oder \.parquet"):
        corpus.export_cards(tmp_path / "karten.xlsx")


# ---- analysis ---------------------------------------------------------------------------------------
def test_theme_shares_by_city(corpus):
    corpus.add(sample_workshop("Berlin"))  # Beteiligung 1, Finanzierung 2, Verstetigung 1
    hamburg = corpus.add(sample_workshop("Hamburg"))
    corpus.set_themes(hamburg, {"board1-02": "Beteiligung", "board1-03": None})  # Beteiligung 2, Verstetigung 1
    shares = corpus.theme_shares(by="city")
    assert list(shares.index) == ["Berlin", "Hamburg"]
    assert shares.loc["Berlin", "Finanzierung"] == pytest.approx(0.5)
    assert shares.loc["Hamburg", "Beteiligung"] == pytest.approx(2 / 3)
    assert shares.loc["Hamburg", "Finanzierung"] == 0
    assert shares.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert list(shares.columns) == ["Beteiligung", "Finanzierung", "Verstetigung"]  # most cards first, then A-Z
    assert list(corpus.theme_shares(by="workshop_id").index) == [1, 2]
    with pytest.raises(ValueError, match="Unbekannte Spalte"):
        corpus.theme_shares(by="stadt")


def test_compare_lists_themes_only_one_workshop_has(corpus):
    a = corpus.add(sample_workshop("Berlin"))
    b = corpus.add(sample_workshop("Hamburg"))
    corpus.set_themes(b, {"board1-01": "beteiligung ", "board1-02": "Zeitplan", "board1-03": "Zeitplan"})
    diff = corpus.compare(a, b)
    assert list(zip(diff["theme"], diff["only_in"], diff["n_cards"])) == [("Finanzierung", a, 2), ("Zeitplan", b, 2)]
    assert diff.loc[0, "example"] == "Bürgerhaushalt"  # the longer of the two texts
    assert len(corpus.compare(a, a)) == 0


def test_plots_are_figures_with_the_data(corpus):
    from matplotlib.figure import Figure

    wid = corpus.add(sample_workshop("Berlin"))
    corpus.add(sample_workshop("Hamburg"))
    heat = corpus.plot_theme_heatmap(by="city")
    assert isinstance(heat, Figure)
    ax = heat.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Finanzierung", "Beteiligung", "Verstetigung"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Berlin", "Hamburg"]
    assert ax.images[0].get_array()[0].tolist() == pytest.approx([0.5, 0.25, 0.25])
    bars = corpus.plot_group_shares(wid)
    ax = bars.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Gruppe 3", "Gruppe 4", "ohne Gruppe"]
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.25, 0.25, 0.5]
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx((246 / 255, 148 / 255, 52 / 255))  # orange
    import io

    png = io.BytesIO()
    bars.savefig(png, format="png")
    assert png.getvalue()[:4] == b"\x89PNG"
    empty = corpus.plot_group_shares(corpus.create_workshop("Leer"))
    assert isinstance(empty, Figure)


def test_ids_taken_from_a_dataframe_work_like_plain_ints(corpus):
    import numpy as np

    a = corpus.add(sample_workshop("Berlin"))
    b = corpus.add(sample_workshop("Leipzig"))
    ids = corpus.workshops()["id"]
    first = ids.iloc[0]
    assert isinstance(first, np.integer)
    assert len(corpus.get(first).cards) == len(corpus.get(a).cards) > 0
    assert corpus.get(np.int64(b)).metadata.get("city") == "Leipzig"


# ---- user errors are cardscan errors (issue 16: no plain ValueError) ---------------------------------
def test_user_errors_are_exception_classes_with_exit_codes_and_german_lines(corpus, tmp_path):
    from cardscan.exceptions import (BadCorrection, BadExportFormat, CardscanError, DuplicateCardId, DuplicatePhoto,
                                     UnknownCard, UnknownColumn, UnknownWorkshop)

    wid = corpus.add(sample_workshop())
    cases = [
        (lambda: corpus.add_scan(wid, sample_workshop().scans[0]), DuplicatePhoto, "board1.jpg"),
        (lambda: corpus.add_scan(wid, Scan("board1.png", 10, 10, [card("board1-01", "x")])), DuplicateCardId,
         "board1-01"),
        (lambda: corpus.get(999), UnknownWorkshop, "999"),
        (lambda: corpus.update_card(wid, "board9-01", text="x"), UnknownCard, "board9-01"),
        (lambda: corpus.update_card(wid, "board1-01", confidence=1), BadCorrection, "confidence"),
        (lambda: corpus.rename_theme(wid, "Finanzierung", "  "), BadCorrection, "Namen"),
        (lambda: corpus.corrections("quatsch"), BadCorrection, "Unbekannte Art"),
        (lambda: corpus.export_cards(tmp_path / "k.xlsx"), BadExportFormat, "k.xlsx"),
        (lambda: corpus.theme_shares(by="planet"), UnknownColumn, "planet"),
    ]
    for call, cls, words in cases:
        with pytest.raises(cls) as err:
            call()
        assert isinstance(err.value, CardscanError) and type(err.value) is not ValueError
        assert int(err.value.exit_code) in (1, 2) and words in str(err.value) and "\n" not in str(err.value)


def test_csv_export_neutralises_and_quotes_every_text_column(corpus, tmp_path):
    import csv

    ws = sample_workshop()
    ws.scans[0].image = "=HYPERLINK(x).jpg"
    for c in ws.scans[0].cards:
        c.photo = ws.scans[0].image
        c.id = "=" + c.id
    ws.scans[0].cards[0].text = "Hallo;=1+1;x"
    corpus.add(ws, venue="@Rathaus")
    path = corpus.export_cards(tmp_path / "karten.csv")
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows[0]["id"] == "'=board1-01" and rows[0]["photo"] == "'=HYPERLINK(x).jpg" and rows[0]["venue"] == "'@Rathaus"
    # quoted, and neutralised after each ";" too (the minutes' rule, cardscan.minutes.safe_cell)
    assert rows[0]["text"] == "Hallo;'=1+1;x" and '"Hallo;\'=1+1;x"' in text
    for line in text.splitlines()[1:]:  # what a spreadsheet splitting on ';' sees: no cell starts a formula
        assert not any(cell.strip('" ').startswith(("=", "+", "@")) for cell in line.split(";"))


# ---- board structure (schema 2) -------------------------------------------------------------------------
def structured_workshop() -> Workshop:
    """The sample workshop after the structure stage: clusters, dots and a heading on the first photo."""
    ws = sample_workshop()
    board = ws.scans[0]
    board.cards[0].cluster, board.cards[0].votes, board.cards[0].vote_colours = "Finanzierung", 3, ["rot", "rot", "grün"]
    board.cards[1].cluster = board.cards[2].cluster = "Cluster 2"
    board.headings = [Heading("board1-h01", [(10, 0), (300, 0), (300, 15), (10, 15)], "Finanzierung",
                              raw_text="Finanzirung", confidence=0.7)]
    board.clusters = [Cluster("Finanzierung", "board1-h01"), Cluster("Cluster 2")]
    return ws


def test_board_structure_round_trips_through_corpus_frame_and_bundle(corpus, tmp_path):
    original = structured_workshop()
    wid = corpus.add(original)
    back = corpus.get(wid)
    for a, b in zip(original.scans, back.scans):
        assert b.headings == a.headings and b.clusters == a.clusters
        assert [(c.cluster, c.votes, c.vote_colours) for c in b.cards] == [
            (c.cluster, c.votes, c.vote_colours) for c in a.cards]
    frame = corpus.cards()
    assert frame.set_index("id").loc["board1-01", ["cluster", "votes"]].tolist() == ["Finanzierung", 3]
    assert frame.set_index("id").loc["tafel-01", "votes"] == 0
    again = corpus.get(corpus.import_bundle(corpus.export_bundle(wid, tmp_path / "w.json")))
    assert again.scans[0].headings == original.scans[0].headings
    assert again.scans[0].clusters == original.scans[0].clusters
    assert again.card("board1-01").vote_colours == ["rot", "rot", "grün"]


def test_cluster_edit_is_recorded_like_a_theme_edit(corpus):
    wid = corpus.add(structured_workshop())
    updated = corpus.update_card(wid, "board1-02", cluster="Finanzierung")
    assert updated.cluster == "Finanzierung" and corpus.get(wid).card("board1-02").cluster == "Finanzierung"
    row = corpus.corrections("cluster").iloc[-1]
    assert (row["card_id"], row["old"], row["new"], row["action"]) == ("board1-02", "Cluster 2", "Finanzierung", "edit")
    corpus.update_card(wid, "board1-02", cluster="")
    assert corpus.get(wid).card("board1-02").cluster is None


OLD_SCHEMA = """
CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE workshops (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, title VARCHAR NOT NULL,
    question TEXT NOT NULL, legend JSON NOT NULL, created DATETIME NOT NULL);
CREATE TABLE workshop_metadata (workshop_id INTEGER NOT NULL, "key" VARCHAR NOT NULL, value VARCHAR NOT NULL,
    position INTEGER NOT NULL, PRIMARY KEY (workshop_id, "key"),
    FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE);
CREATE TABLE scans (id INTEGER NOT NULL, workshop_id INTEGER NOT NULL, position INTEGER NOT NULL,
    image VARCHAR NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, mode VARCHAR NOT NULL,
    PRIMARY KEY (id), UNIQUE (workshop_id, image), FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE);
CREATE INDEX ix_scans_workshop_id ON scans (workshop_id);
CREATE TABLE problems (id INTEGER NOT NULL, workshop_id INTEGER NOT NULL, position INTEGER NOT NULL,
    path VARCHAR NOT NULL, message TEXT NOT NULL, PRIMARY KEY (id),
    FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE);
CREATE TABLE corrections (id INTEGER NOT NULL, workshop_id INTEGER NOT NULL, card_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL, action VARCHAR NOT NULL, old TEXT, new TEXT, raw_text TEXT NOT NULL, text TEXT NOT NULL,
    time DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE);
CREATE TABLE cards (pk INTEGER NOT NULL, workshop_id INTEGER NOT NULL, scan_id INTEGER NOT NULL,
    position INTEGER NOT NULL, card_id VARCHAR NOT NULL, photo VARCHAR NOT NULL, polygon JSON NOT NULL,
    colour VARCHAR, "group" VARCHAR, raw_text TEXT NOT NULL, text TEXT NOT NULL, confidence FLOAT NOT NULL,
    theme VARCHAR, kind VARCHAR NOT NULL, PRIMARY KEY (pk), UNIQUE (workshop_id, card_id),
    FOREIGN KEY(workshop_id) REFERENCES workshops (id) ON DELETE CASCADE,
    FOREIGN KEY(scan_id) REFERENCES scans (id) ON DELETE CASCADE);
CREATE TABLE edits (id INTEGER NOT NULL, card_pk INTEGER NOT NULL, position INTEGER NOT NULL,
    original TEXT NOT NULL, replacement TEXT NOT NULL, reason VARCHAR NOT NULL, start INTEGER NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(card_pk) REFERENCES cards (pk) ON DELETE CASCADE);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO workshops VALUES (1, 'Alt', 'Wie?', '{"gelb": "Gruppe 4"}', '2026-01-05 10:00:00');
INSERT INTO scans VALUES (1, 1, 0, 'alt.jpg', 800, 600, 'cards');
INSERT INTO cards VALUES (1, 1, 1, 0, 'alt-01', 'alt.jpg', '[[0,0],[10,0],[10,10],[0,10]]', 'gelb', 'Gruppe 4',
    'Geld', 'Geld', 0.8, 'Finanzierung', 'card');
"""


def test_a_schema_1_corpus_file_is_migrated_and_keeps_its_workshops(tmp_path):
    path = tmp_path / "alt.db"
    with sqlite3.connect(path) as db:  # as cardscan 4a928fb wrote it (schema 1, no board structure)
        db.executescript(OLD_SCHEMA)
    db.close()
    with Corpus(path) as old:
        assert old.schema_version == SCHEMA_VERSION == 2
        ws = old.get(1)
        assert ws.card("alt-01").text == "Geld" and ws.card("alt-01").cluster is None and ws.scans[0].clusters == []
        old.update_card(1, "alt-01", cluster="Geld")
        old.add(structured_workshop())
    with Corpus(path) as again:  # opening twice migrates nothing more
        assert again.get(1).card("alt-01").cluster == "Geld"
        assert again.get(2).scans[0].clusters[0].heading == "board1-h01"
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(cards)")}
    assert {"cluster", "votes", "vote_colours"} <= columns


def test_moving_every_card_of_a_cluster_to_a_new_name_keeps_its_place_on_the_wall(corpus):
    wid = corpus.add(structured_workshop())
    corpus.update_card(wid, "board1-02", cluster="Ideen")
    assert [c.name for c in corpus.get(wid).scans[0].clusters] == ["Finanzierung", "Cluster 2"]  # one card left
    corpus.update_card(wid, "board1-03", cluster="Ideen")
    corpus.update_card(wid, "board1-01", cluster="Ideen")  # a merge: Finanzierung stays listed, now empty
    assert [c.name for c in corpus.get(wid).scans[0].clusters] == ["Finanzierung", "Ideen"]
