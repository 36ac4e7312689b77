import numpy as np
import pytest

from cardscan.exceptions import BadInputFile
from cardscan.load import expand_inputs, load_photo


def gradient(h=120, w=200):
    x = np.linspace(0, 255, w, dtype=np.uint8)
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[..., 0] = x
    rgb[..., 1] = 255 - x
    return rgb


@pytest.mark.parametrize("name,kw", [("a.jpg", {"quality": 95}), ("a.png", {}), ("a.webp", {"lossless": True}), ("a.tiff", {})])
def test_formats_open_as_rgb(write_image, name, kw):
    photo = load_photo(write_image(gradient(), name, **kw))
    assert photo.rgb.shape == (120, 200, 3) and photo.rgb.dtype == np.uint8
    assert photo.rgb[60, 190, 0] > 200 and photo.rgb[60, 5, 0] < 40


def test_exif_orientation_is_applied(tmp_path):
    from PIL import Image

    img = Image.fromarray(gradient())  # 200 wide, 120 high, red grows to the right
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = tmp_path / "rotated.jpg"
    img.save(path, exif=exif, quality=95)
    photo = load_photo(path)
    assert (photo.width, photo.height) == (120, 200)
    # after rotating clockwise, the red (formerly right) edge is at the bottom
    assert photo.rgb[195, 60, 0] > 200 and photo.rgb[3, 60, 0] < 40


def test_heic_opens_when_pillow_heif_is_installed(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    from PIL import Image

    pillow_heif.register_heif_opener()
    path = tmp_path / "phone.heic"
    Image.fromarray(gradient()).save(path, quality=90)
    photo = load_photo(path)
    assert photo.rgb.shape == (120, 200, 3)


@pytest.mark.parametrize("content,problem", [
    (b"", "leer"),
    (b"this is not an image at all" * 10, "kein lesbares Bild"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "board.jpg"
    path.write_bytes(content)
    with pytest.raises(BadInputFile) as err:
        load_photo(path)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_truncated_jpeg_is_reported(write_image):
    path = write_image(gradient(400, 600), "cut.jpg", quality=90)
    path.write_bytes(path.read_bytes()[:600])
    with pytest.raises(BadInputFile) as err:
        load_photo(path)
    assert "cut.jpg" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(BadInputFile, match="nicht gefunden"):
        load_photo(tmp_path / "nope.jpg")


def test_expand_inputs_finds_photos_and_reports_missing(tmp_path, write_image):
    write_image(gradient(), "b.png")
    write_image(gradient(), "a.jpg")
    (tmp_path / "notes.txt").write_text("x")
    photos, problems = expand_inputs([tmp_path, tmp_path / "missing.jpg"])
    assert [p.name for p in photos] == ["a.jpg", "b.png"]
    assert len(problems) == 1 and "missing.jpg" in str(problems[0])


# ---- file names a workshop folder really holds (issue 19.2) ------------------------------------------
def test_a_non_utf8_file_name_is_a_problem_naming_folder_and_file_and_the_rest_is_read(tmp_path, write_image):
    import os

    write_image(gradient(), "a.jpg")
    bad = tmp_path / os.fsdecode(b"karte-m\xfcll.jpg")  # Latin-1 'ü': not UTF-8
    bad.write_bytes((tmp_path / "a.jpg").read_bytes())
    photos, problems = expand_inputs([tmp_path])
    assert [p.name for p in photos] == ["a.jpg"]
    assert len(problems) == 1
    line = str(problems[0])
    line.encode("utf-8")  # printable and storable: no lone surrogates
    assert str(tmp_path) in line and "karte-m" in line and "UTF-8" in line and "\n" not in line


def test_load_photo_refuses_a_non_utf8_name_in_one_printable_line(tmp_path, write_image):
    import os

    src = write_image(gradient(), "a.jpg")
    bad = tmp_path / os.fsdecode(b"\xe4\xf6.jpg")
    bad.write_bytes(src.read_bytes())
    with pytest.raises(BadInputFile) as err:
        load_photo(bad)
    str(err.value).encode("utf-8")
    assert "umbenennen" in str(err.value)


def test_two_photos_with_the_same_name_in_subfolders_report_the_second(tmp_path, write_image):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    write_image(gradient(), "x/board1.jpg")
    write_image(gradient(), "y/board1.jpg")
    write_image(gradient(), "x/board1.png")  # same stem, other name: both read, ids made unique later
    photos, problems = expand_inputs([tmp_path])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in photos) == ["x/board1.jpg", "x/board1.png"]
    assert len(problems) == 1 and "y/board1.jpg" in str(problems[0]) and "gleicher Dateiname" in str(problems[0])


# ---- every Pillow mode, as a person sees it (issue 19.3) ---------------------------------------------
def _grey_ramp(h=80, w=256):
    return np.tile(np.linspace(0, 1, w), (h, 1))


@pytest.mark.parametrize("mode, name", [("I;16", "a.png"), ("I;16", "a.tiff"), ("I;16B", "a.tiff"), ("I", "a.tiff"),
                                        ("F", "a.tiff")])
def test_deep_greyscale_is_scaled_not_clipped_to_white(tmp_path, mode, name):
    from PIL import Image

    ramp = _grey_ramp()
    if mode == "F":
        values = ramp.astype(np.float32)  # 0..1 floats
    elif mode == "I":
        values = (ramp * 65535).astype(np.int32)  # a 16-bit scan stored as 32-bit
    else:
        values = (ramp * 65535).astype(">u2" if mode == "I;16B" else np.uint16)
    if mode == "I;16B":
        image = Image.frombytes("I;16B", (values.shape[1], values.shape[0]), values.tobytes())
    else:
        image = Image.fromarray(values)
    path = tmp_path / name
    image.save(path)
    photo = load_photo(path)
    grey = photo.rgb[..., 0].astype(int)
    assert photo.rgb.dtype == np.uint8 and photo.rgb.shape == (80, 256, 3)
    assert grey[40, 0] <= 2 and grey[40, 255] >= 253 and abs(grey[40, 128] - 128) <= 3  # a ramp, not all white
    assert photo.greyscale


def _rgba_with_clear_half():
    rgba = np.zeros((80, 100, 4), np.uint8)
    rgba[..., 0] = 200  # red where opaque
    rgba[:, :50, 3] = 255
    return rgba


@pytest.mark.parametrize("make, grey", [
    (lambda I: I.fromarray(_rgba_with_clear_half(), "RGBA"), False),
    (lambda I: I.fromarray(_rgba_with_clear_half(), "RGBA").convert("RGBa"), False),
    (lambda I: I.fromarray(_rgba_with_clear_half(), "RGBA").convert("LA"), True),
    (lambda I: I.fromarray(_rgba_with_clear_half(), "RGBA").convert("LA").convert("La"), True),
    (lambda I: I.fromarray(_rgba_with_clear_half(), "RGBA").convert("PA"), False),
])
def test_transparent_parts_become_white_paper_in_every_alpha_mode(make, grey):
    from PIL import Image

    from cardscan.load import looks_greyscale, to_rgb

    img = make(Image)
    rgb = to_rgb(img)
    assert rgb.shape == (80, 100, 3) and rgb.dtype == np.uint8
    assert (rgb[:, 60:] >= 250).all()  # transparent: white, not black
    assert rgb[:, :40].max() < 250 and rgb[:, :40].mean() > 40  # opaque red (or its grey) kept
    assert looks_greyscale(rgb, img.mode) is grey


def test_palette_with_a_transparent_index_is_white_there(tmp_path):
    from PIL import Image

    img = Image.new("P", (100, 80), 1)
    img.putpalette([0, 0, 0, 250, 200, 30] + [0] * 762)
    img.paste(0, (50, 0, 100, 80))
    img.info["transparency"] = 0
    path = tmp_path / "p.png"
    img.save(path, transparency=0)
    photo = load_photo(path)
    assert (photo.rgb[:, 60:] == 255).all() and tuple(photo.rgb[5, 5]) == (250, 200, 30)
    assert not photo.greyscale


@pytest.mark.parametrize("mode, name", [("1", "a.png"), ("L", "a.jpg"), ("CMYK", "a.jpg"), ("CMYK", "a.tiff"),
                                        ("YCbCr", "a.tiff"), ("LAB", "a.tiff"), ("RGBX", "a.tiff"), ("P", "a.png"),
                                        ("HSV", None), ("I;16L", None), ("I;16N", None)])
def test_every_other_mode_opens_as_rgb(tmp_path, mode, name):
    from PIL import Image

    from cardscan.load import to_rgb

    img = Image.fromarray(gradient()).convert(mode) if mode not in ("I;16L", "I;16N", "HSV") else Image.new(mode, (200, 120))
    if name is None:  # modes no common file format writes: convert in memory
        rgb = to_rgb(img)
    else:
        img.save(tmp_path / name)
        rgb = load_photo(tmp_path / name).rgb
    assert rgb.shape == (120, 200, 3) and rgb.dtype == np.uint8


def test_greyscale_photos_are_told_apart_from_colour_ones(write_image):
    grey = np.repeat(gradient()[..., :1], 3, axis=2)
    assert load_photo(write_image(grey, "grau.jpg", quality=80)).greyscale
    assert not load_photo(write_image(gradient(), "bunt.jpg", quality=80)).greyscale
    from PIL import Image

    path = write_image(gradient(), "l.png")
    Image.open(path).convert("L").save(path)
    assert load_photo(path).greyscale


# ---- the megapixel limit, exactly (issue 19.4) -------------------------------------------------------
def test_more_megapixels_than_the_limit_are_refused_from_the_header_without_a_warning(tmp_path, monkeypatch):
    import warnings

    from PIL import Image

    import cardscan.load
    from cardscan.exceptions import PhotoTooLarge

    monkeypatch.setattr(cardscan.load, "MAX_PIXELS", 100 * 100)  # same rule, a small image
    path = tmp_path / "gross.png"
    Image.new("L", (101, 100)).save(path)  # 1 % over: Pillow itself would only refuse at 2x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PhotoTooLarge) as err:
            load_photo(path)
    assert "gross.png" in str(err.value) and "Megapixel" in str(err.value)
    Image.new("L", (100, 100)).save(path)
    assert load_photo(path).width == 100  # exactly the limit is fine


def test_a_225_megapixel_png_is_refused_quickly(tmp_path):
    """The issue's file: 15000 x 15000, a few hundred KB; read from the header, never decoded."""
    import zlib

    from cardscan.exceptions import PhotoTooLarge

    width = height = 15000
    row = b"\x00" + b"\x00" * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind, data):
        import struct

        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    import struct

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    path = tmp_path / "bombe.png"
    path.write_bytes(png)
    with pytest.raises(PhotoTooLarge, match="225 Megapixel"):
        load_photo(path)


# ---- text inputs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("data, encoding", [
    ("Grüße\nQR\n".encode("utf-8"), "utf-8"),
    ("\ufeffGrüße\nQR\n".encode("utf-8"), "utf-8"),
    ("Grüße\nQR\n".encode("utf-16"), "utf-16"),
    ("Grüße\nQR\n".encode("latin-1"), "cp1252"),
    ("Grüße\nQR\n".encode("cp1252") + b"\x81", "cp1252"),  # a byte Windows-1252 leaves undefined
])
def test_read_text_takes_the_encodings_people_save_in(tmp_path, data, encoding):
    from cardscan.load import read_text

    path = tmp_path / "karten.txt"
    path.write_bytes(data)
    text = read_text(path)
    assert text.encoding == encoding and text.lines[:2] == ["Grüße", "QR"]
    assert (text.note is None) == (encoding != "cp1252")


def test_read_text_refuses_binary_and_too_many_lines(tmp_path):
    from cardscan.exceptions import BadTextFile
    from cardscan.load import read_text

    path = tmp_path / "bild.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BadTextFile, match="Binärdaten"):
        read_text(path)
    path.write_text("a\n\nb\nc\n", encoding="utf-8")
    assert len(read_text(path, max_lines=3).lines) == 4  # blank lines do not count
    with pytest.raises(BadTextFile, match="zu viele Karten"):
        read_text(path, max_lines=2, what="Karten")
