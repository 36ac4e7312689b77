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
