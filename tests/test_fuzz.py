"""Fuzzing the inputs people really bring (issue 19): over 1,000 generated bad inputs, none may cost
other work or end in an internal error (exit 70).

Images of every Pillow mode in odd sizes (1x1, 1x5000 …) and every format that can hold them,
truncated files, files whose bytes do not match their name, odd file names (not UTF-8, a leading
'=', HTML, spaces, very long) and text files that are binary or not UTF-8. Most inputs go through
the Python API in this process (`scan_or_problem`, `read_workshop` + `write_outputs`, `read_text`
+ `normalise_lines`, `themes.assign_file`); a representative subset goes through the command line
(`scan`, `minutes`, `normalise`, `themes`). Everything is generated here, from a fixed seed.
"""
from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

MODES = ["1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV", "I", "I;16",
         "I;16B", "I;16L", "I;16N", "F"]
SIZES = [(1, 1), (1, 5000), (5000, 1), (63, 64), (64, 64), (3000, 64), (200, 150)]
FORMATS = {"PNG": ".png", "TIFF": ".tif", "JPEG": ".jpg", "WEBP": ".webp"}
SENTENCES = ["Bürgerbeteiligung stärken", "Quartiersrat (QR) einbeziehen", "Öffentlichkeitsarbeit – Flyer, Presse",
             "Verstetigung ab 2027 sichern", "Spenden sammeln für das Straßenfest", "=SUMME(A1:A9)",
             "<script>alert('x')</script>", "**fett** und [Link](http://example.org)", "Hallo;=1+1;x", "ß ä ö ü Ä Ö Ü €"]
ODD_NAMES = ["=1+1.jpg", "+49 Telefon.jpg", "@mention.jpg", "-rf.jpg", "<img src=x onerror=alert(1)>.jpg",
             "<b>fett<b>.png", "  Leerzeichen  am Rand .jpg", "Tab\tim Namen.jpg", "Zeilen\numbruch.jpg",
             "[Link](http%3A).jpg", "*stern*_unter_.jpg", "`code`.jpg", "#überschrift.jpg", "a|b|c.jpg",
             "semi;colon,komma.jpg", "'quote\".jpg", "Emoji 📌🗂.jpg", "Mu\u0308ller-NFD.jpg", "GROSS.JPG",
             "punkt..doppelt.jpg", "x" * 200 + ".jpg", "ä" * 100 + ".jpg", "%s%n%x.jpg", "${HOME}.jpg",
             "..\\..\\windows.jpg", "CON.jpg"]
BAD_BYTES_NAMES = [b"m\xfcll.jpg", b"\xff\xfe.jpg", b"Stra\xdfe-\xe4.png", b"\xc3(.jpg", b"ok-\xed\xa0\x80.jpg"]


@dataclass
class FuzzSet:
    images: list[Path] = field(default_factory=list)  # bad or odd image files, each on its own
    names: Path | None = None  # a workshop folder: one small good board under many odd names + broken files
    name_files: list[Path] = field(default_factory=list)
    texts: list[Path] = field(default_factory=list)
    good: Path | None = None

    @property
    def count(self) -> int:
        return len(self.images) + len(self.name_files) + len(self.texts)


def _mode_image(mode: str, size: tuple[int, int]):
    from PIL import Image

    w, h = size
    ramp = np.tile(np.linspace(0, 255, w, dtype=np.uint8), (h, 1))
    rgb = np.stack([ramp, ramp[::-1] if h > 1 else ramp, np.full_like(ramp, 90)], axis=2)
    base = Image.fromarray(rgb)
    if mode in ("I;16", "I;16L", "I;16N", "I;16B"):
        values = (ramp.astype(np.uint32) * 257).astype(">u2" if mode == "I;16B" else "<u2")
        return Image.frombytes(mode, (w, h), values.tobytes())
    if mode == "I":
        return Image.fromarray((ramp.astype(np.int32) * 257))
    if mode == "F":
        return Image.fromarray(ramp.astype(np.float32) / 255.0)
    if mode == "La":
        return base.convert("LA").convert("La")
    if mode == "P":
        image = base.convert("P")
        image.info["transparency"] = 0
        return image
    if mode == "HSV":
        return base.convert("HSV")
    return base.convert(mode)


def _png(width: int, height: int) -> bytes:
    """A valid PNG header for a huge blank greyscale image (the issue's 225-megapixel file)."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress((b"\x00" * (width + 1)) * min(height, 2000), 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _images(root: Path, good: Path, rng: random.Random) -> list[Path]:
    from PIL import Image

    out: list[Path] = []
    folder = root / "bilder"
    folder.mkdir()
    for mode in MODES:
        for w, h in SIZES:
            image = _mode_image(mode, (w, h))
            for fmt, suffix in FORMATS.items():
                path = folder / f"{mode.replace(';', '_')}-{w}x{h}{suffix}"
                try:
                    image.save(path, format=fmt)
                except (OSError, ValueError, KeyError, TypeError):
                    path.unlink(missing_ok=True)  # this format cannot hold this mode
                    continue
                out.append(path)
    sources = {}
    for fmt, suffix in FORMATS.items():
        buffer = io.BytesIO()
        Image.open(good).save(buffer, format=fmt)
        sources[suffix] = buffer.getvalue()
    sources[".jpeg"] = good.read_bytes()
    for suffix, data in sources.items():  # truncated anywhere, from the header to the last byte
        for i, cut in enumerate(sorted({1, 2, 8, 16, 33, 100, 500, len(data) - 1, len(data) - 2}
                                       | {rng.randrange(1, len(data)) for _ in range(22)})):
            path = folder / f"abgeschnitten-{i:02d}-{cut}{suffix}"
            path.write_bytes(data[:cut])
            out.append(path)
        for i in range(6):  # flipped bytes in the middle
            broken = bytearray(data)
            for _ in range(20):
                broken[rng.randrange(len(broken) // 4, len(broken))] = rng.randrange(256)
            path = folder / f"kaputt-{i}{suffix}"
            path.write_bytes(bytes(broken))
            out.append(path)
    mixed = {
        "png-als.jpg": sources[".png"], "jpeg-als.png": sources[".jpeg"], "webp-als.tif": sources[".webp"],
        "tiff-als.heic": sources[".tif"], "text-als.jpg": "Das ist kein Foto.\n".encode(),
        "html-als.png": b"<html><body><img src=x onerror=alert(1)></body></html>",
        "svg-als.jpg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "pdf-als.jpg": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "zip-als.jpg": b"PK\x03\x04" + bytes(60),
        "gif-als.jpg": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "leer.jpg": b"", "ein-byte.png": b"\x89", "nur-header.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "json-als.heic": b'{"cards": []}', "zufall.heic": bytes(rng.randrange(256) for _ in range(3000)),
        "zufall.webp": b"RIFF\x00\x10\x00\x00WEBPVP8 " + bytes(rng.randrange(256) for _ in range(500)),
        "bombe-225mp.png": _png(15000, 15000), "bombe-121mp.png": _png(11000, 11000),
        "breit-20000x64.png": _png(20000, 64), "null-breite.png": _png(0, 100),
    }
    for name, data in mixed.items():
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def _names(root: Path, good: Path) -> tuple[Path, list[Path]]:
    folder = root / "workshop"
    folder.mkdir()
    files = []
    data = good.read_bytes()
    for name in ODD_NAMES:
        path = folder / name
        path.write_bytes(data)
        files.append(path)
    for raw in BAD_BYTES_NAMES:
        path = folder / os.fsdecode(raw)
        path.write_bytes(data)
        files.append(path)
    (folder / "unter").mkdir()
    for name, content in (("unter/=1+1.jpg", data), ("board1.jpg", data), ("board1.png", _png_of(good)),
                          ("kaputt.jpg", data[: len(data) // 3]), ("text.jpg", b"kein Foto"), ("leer.png", b"")):
        path = folder / name
        path.write_bytes(content)
        files.append(path)
    return folder, files


def _png_of(good: Path) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.open(good).save(buffer, format="PNG")
    return buffer.getvalue()


def _texts(root: Path, rng: random.Random) -> list[Path]:
    folder = root / "texte"
    folder.mkdir()
    out: list[Path] = []

    def add(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        out.append(path)

    for i in range(200):  # binary of every size
        size = rng.choice([1, 3, 17, 100, 1000, 5000, 30000])
        add(f"binaer-{i:03d}.txt", bytes(rng.randrange(256) for _ in range(size)))
    encodings = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "cp850", "mac_roman",
                 "iso8859-15"]
    for i in range(12):
        lines = rng.sample(SENTENCES, k=rng.randrange(1, len(SENTENCES) + 1))
        text = ("\r\n" if i % 3 == 0 else "\n").join(lines) + "\n"
        for encoding in encodings:
            data = text.encode(encoding, errors="replace")
            add(f"karten-{i:02d}-{encoding}.txt", data)
            if i < 4:
                add(f"karten-{i:02d}-{encoding}.csv", ("text;gruppe\n" + "".join(f'"{s}";G{k}\n' for k, s in
                                                                                 enumerate(lines))).encode(encoding,
                                                                                                           errors="replace"))
    for i in range(60):  # UTF-8 with broken bytes, or cut inside a character
        data = bytearray("\n".join(rng.sample(SENTENCES, k=4)).encode("utf-8"))
        for _ in range(rng.randrange(1, 4)):
            data.insert(rng.randrange(len(data)), rng.choice([0x80, 0xc3, 0xe2, 0xff, 0xfe, 0xed, 0xf0]))
        add(f"kaputt-utf8-{i:02d}.txt", bytes(data))
    for i in range(20):
        data = "\n".join(SENTENCES).encode("utf-8")
        add(f"abgeschnitten-utf8-{i:02d}.txt", data[: rng.randrange(1, len(data))])
    specials = {
        "leer.txt": b"", "nur-leerzeilen.txt": b"\n\n\n  \n\t\n", "nur-bom.txt": b"\xef\xbb\xbf",
        "nul-mitten.txt": b"Hallo\x00Welt\n", "steuerzeichen.txt": b"Hallo\x1b[31mrot\x1b[0m\n\x07\x08",
        "nur-cr.txt": b"eins\rzwei\rdrei\r", "lange-zeile.txt": ("Wort " * 4000).encode(),
        "sehr-lange-zeile.txt": ("Wort " * 30000).encode(), "viele-zeilen.txt": b"Karte\n" * 6000,
        "formfeed.txt": b"Seite eins\x0cSeite zwei\n", "html.txt": b"<h1>Titel</h1>\n<script>x</script>\n",
        "csv-formeln.csv": b"text\n=1+1\n+49\n@SUM(A1)\n-2\n", "csv-leer.csv": b"", "csv-nur-kopf.csv": b"text\n",
        "tsv-latin1.tsv": "text\tgruppe\nGrüße\tG1\n".encode("latin-1"), "utf32.txt": "Grüße\n".encode("utf-32"),
        "surrogat.txt": b"\xed\xa0\x80\xed\xb0\x80\n", "overlong.txt": b"\xc0\xaf\xe0\x80\xaf\n",
    }
    for name, data in specials.items():
        add(name, data)
    return out


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory) -> FuzzSet:
    from PIL import Image

    from samples.generate import render_board

    root = tmp_path_factory.mktemp("fuzz")
    rng = random.Random(19)
    rgb, _ = render_board(5, "easy", n_cards=2, size=(600, 450))
    good = root / "gut.jpg"
    Image.fromarray(rgb).save(good, quality=90)
    names, name_files = _names(root, good)
    return FuzzSet(images=_images(root, good, rng), names=names, name_files=name_files, texts=_texts(root, rng),
                   good=good)


def test_there_are_over_a_thousand_bad_inputs(fuzz):
    assert fuzz.count >= 1000, fuzz.count
    assert len(fuzz.images) >= 500 and len(fuzz.texts) >= 300


def _check_line(text: str) -> None:
    text.encode("utf-8")  # printable and storable
    assert "interner Fehler" not in text and "Traceback" not in text, text


# ---- the Python API, in this process ---------------------------------------------------------------
def test_every_image_is_read_or_reported_never_an_internal_error(fuzz):
    from cardscan.api import scan_or_problem

    read = refused = 0
    for path in fuzz.images:
        result = scan_or_problem((path, {}, "auto", None))
        assert result.scan is not None or result.problems, path
        for problem in result.problems:
            _check_line(str(problem))
        if result.scan is not None:
            json.dumps(result.scan.to_dict(), ensure_ascii=False).encode("utf-8")
            read += 1
        else:
            refused += 1
    assert refused > 300  # most of them are unusable; the point is that each says so in one line


def test_minutes_of_a_folder_of_odd_names_loses_nothing(fuzz, tmp_path):
    from cardscan._files import has_readable_name, readable_path
    from cardscan.api import read_workshop
    from cardscan.minutes import write_outputs

    out = tmp_path / "protokoll"
    (out / "minutes.md").parent.mkdir()
    (out / "minutes.md").write_text("alt\n", encoding="utf-8")
    workshop = read_workshop([fuzz.names], themes=False, workers=1)
    paths = write_outputs(workshop, out)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    markdown = paths["markdown"].read_text(encoding="utf-8")
    images = [p["image"] for p in data["photos"]]
    problems = [p["path"] for p in data["problems"]]
    for problem in data["problems"]:
        _check_line(problem["path"] + problem["message"])
    for path in fuzz.name_files:  # each file is either in the minutes or named as a problem
        name = path.name
        if not has_readable_name(path):
            assert readable_path(path) in problems, name
            continue
        assert name in images or any(p.endswith(name) for p in problems), name
    assert len(images) >= len(ODD_NAMES)  # every odd but valid name was read
    ids = [c["id"] for p in data["photos"] for c in p["cards"]]
    assert len(ids) == len(set(ids))
    assert "Nicht gelesene Fotos" in markdown and "alt\n" != markdown
    assert sorted(p.name for p in out.iterdir()) == ["cards.csv", "cards.json", "minutes.md"]  # no temporaries


def test_every_text_is_normalised_or_refused_in_one_line(fuzz):
    from cardscan.exceptions import BadInputFile
    from cardscan.load import decode_line, read_text
    from cardscan.normalise import normalise_lines

    used = refused = 0
    for path in fuzz.texts:
        try:
            text = read_text(path, max_lines=5000)
        except BadInputFile as exc:
            _check_line(str(exc))
            refused += 1
            continue
        results = list(normalise_lines(text.lines))
        assert len(results) == len(text.lines)
        used += 1
        for raw in path.read_bytes().splitlines()[:20]:  # the same bytes as a pipe, line by line
            try:
                decode_line(raw)
            except BadInputFile as exc:
                _check_line(str(exc))
    assert used > 100 and refused > 100


def test_every_text_is_read_for_themes_or_refused_in_one_line(fuzz, monkeypatch):
    """All files through assign_file's reading (the fitting replaced: it is the same for every file),
    then a dozen through the real tf-idf themes."""
    from cardscan.exceptions import CardscanError
    from cardscan.load import read_text
    from cardscan.themes import ThemeModel, assign_file

    def check(path: Path) -> bool:
        try:
            read_text(path, max_lines=5000)
            pairs = assign_file(path, embedder="tfidf")
        except CardscanError as exc:
            _check_line(str(exc))
            return False
        assert all(isinstance(text, str) for text, _ in pairs)
        return True

    real = [p for p in fuzz.texts if p.name.startswith("karten-0") and p.name.endswith(("-latin-1.txt", "-utf-16.txt",
                                                                                         "-cp1252.csv", "-utf-8.csv"))]
    real += [p for p in fuzz.texts if p.name in ("tsv-latin1.tsv", "csv-formeln.csv", "steuerzeichen.txt")]
    assert sum(check(p) for p in real[:14]) >= 8
    with monkeypatch.context() as patch:
        patch.setattr(ThemeModel, "fit_assign", lambda self, texts: [None] * len(texts))
        assert sum(check(p) for p in fuzz.texts) > 150


# ---- the command line: a representative subset ------------------------------------------------------
def cardscan(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "cardscan", *args], input=stdin, capture_output=True, timeout=600)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def test_cli_scan_never_ends_in_an_internal_error(fuzz):
    wanted = ["I_16-200x150.png", "LA-1x5000.png", "bombe-225mp.png", "abgeschnitten-05-", "pdf-als.jpg",
              "html-als.png", "CMYK-64x64.jpg", "leer.jpg"]
    chosen = [next(p for p in fuzz.images if p.name.startswith(w)) for w in wanted]
    chosen += [fuzz.names / "=1+1.jpg", fuzz.names / os.fsdecode(BAD_BYTES_NAMES[0])]
    for path in chosen:
        code, out, err = cardscan("scan", "--json", str(path))
        assert code in (0, 1), (path, code, err)
        _check_line(err)
        if code == 0:
            json.loads(out)
        else:
            assert err.count("\n") == 1 and err.startswith("cardscan: ")


def test_cli_minutes_on_the_odd_names_writes_outputs_and_exits_1(fuzz, tmp_path):
    code, out, err = cardscan("minutes", str(fuzz.names), "-o", str(tmp_path / "out"), "--no-themes", "--workers", "1")
    assert code == 1, err
    _check_line(err)
    data = json.loads((tmp_path / "out" / "cards.json").read_text(encoding="utf-8"))
    assert len(data["photos"]) >= len(ODD_NAMES)


def test_cli_normalise_and_themes_on_bad_texts(fuzz):
    by_name = {p.name: p for p in fuzz.texts}
    for name in ["karten-00-latin-1.txt", "karten-01-utf-16.txt", "binaer-000.txt", "kaputt-utf8-00.txt",
                 "nul-mitten.txt", "sehr-lange-zeile.txt", "leer.txt", "overlong.txt"]:
        code, out, err = cardscan("normalise", str(by_name[name]))
        assert code in (0, 1), (name, err)
        _check_line(err)
    code, out, err = cardscan("normalise", "-", stdin=by_name["karten-02-cp1252.txt"].read_bytes()
                              + by_name["binaer-001.txt"].read_bytes()[:50])
    assert code in (0, 1), err
    _check_line(err)
    for name in ["karten-00-latin-1.csv", "binaer-002.txt", "viele-zeilen.txt", "tsv-latin1.tsv", "csv-nur-kopf.csv"]:
        code, out, err = cardscan("themes", str(by_name[name]), "--embedder", "tfidf")
        assert code in (0, 1), (name, err)
        _check_line(err)
