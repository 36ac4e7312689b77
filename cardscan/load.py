"""Open a photo as an RGB array, the way the person who took it saw it; and text inputs, checked.

Phones store portrait photos sideways with an EXIF orientation tag; ignoring it would put
every polygon in the wrong place. HEIC (iPhone default) opens through pillow-heif.
Every failure becomes `BadInputFile` naming the file, so one bad photo never stops a batch.

Text files (`cardscan themes`, `cardscan normalise`) come from Word, Excel and old Windows
machines: `read_text` takes UTF-8 (with or without BOM) and UTF-16 with BOM, falls back to
Windows-1252 (which covers Latin-1's letters) with a note, and refuses binary files and files
too big for the command, each in one German line.
"""
from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardscan._files import has_readable_name
from cardscan.exceptions import BadFileName, BadInputFile, DuplicatePhotoName, PhotoTooLarge

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"}
# Refuse absurd pixel counts (a 12 MP photo is 1.2e7), checked exactly from the header (open_image).
MAX_PIXELS = 120_000_000


@dataclass
class Photo:
    """A loaded photo: its name, where it came from, and its upright RGB pixels."""

    path: Path
    rgb: np.ndarray  # H x W x 3, uint8, EXIF orientation applied
    greyscale: bool = False  # no colour in the file: card colours (and so groups) cannot be known

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # optional: HEIC simply stays unsupported
        return
    register_heif_opener()


@contextmanager
def open_image(path: str | Path, formats: list[str] | None = None) -> Iterator[Any]:
    """Open an image lazily and refuse it, from its header alone, when it has more than MAX_PIXELS.

    Why here and exactly: Pillow only warns above its limit (a raw DecompressionBombWarning on
    stderr) and refuses above twice it, so a 225-megapixel PNG of 252 KB used to be decoded for a
    minute and 3 GB. The header tells the size before any pixel is decoded.
    """
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() in {".heic", ".heif"}:
        _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard stays on as a second line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning (checked below), TIFF's EXIF notes
            img = Image.open(path, formats=formats)
    except Image.DecompressionBombError:
        raise BadInputFile(path, f"Bild ist zu groß (mehr als {MAX_PIXELS // 1_000_000} Megapixel)") from None
    with img:
        width, height = img.size
        if width * height > MAX_PIXELS:
            raise PhotoTooLarge(path, width, height, MAX_PIXELS)
        yield img


def to_rgb(img: Any) -> np.ndarray:
    """Pixels of any Pillow mode as H x W x 3 uint8, as a person would see them.

    Why not just ``img.convert("RGB")``: it clips 16-bit and 32-bit greyscale (I;16, I, F) to
    white, drops transparency onto black, and cannot convert premultiplied "La". Deep images are
    scaled to 0..255, transparent parts are put on white paper (the colour of a blank card).
    """
    mode = img.mode
    if mode in ("I", "F") or mode.startswith("I;16"):
        return _deep_to_rgb(np.asarray(img), mode)
    if mode == "1":
        img = img.convert("L")
        mode = "L"
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        mode = img.mode
    if mode in ("La", "RGBa"):  # premultiplied alpha: on white is colour + (255 - alpha)
        a = np.asarray(img).astype(np.int32)
        colour = a[..., :1].repeat(3, axis=2) if mode == "La" else a[..., :3]
        return np.clip(colour + (255 - a[..., -1:]), 0, 255).astype(np.uint8)
    if mode in ("LA", "PA", "RGBA"):
        rgba = np.asarray(img.convert("RGBA")).astype(np.float32)
        alpha = rgba[..., 3:4] / 255.0
        return np.clip(rgba[..., :3] * alpha + 255.0 * (1.0 - alpha) + 0.5, 0, 255).astype(np.uint8)
    if mode == "L":
        return np.repeat(np.asarray(img)[..., None], 3, axis=2)
    if mode == "RGB":
        return np.asarray(img)
    return np.asarray(img.convert("RGB"))  # CMYK, YCbCr, LAB, HSV, RGBX: Pillow knows these


def _deep_to_rgb(values: np.ndarray, mode: str) -> np.ndarray:
    """16/32-bit and float greyscale to 8 bits by the range the mode implies (not the image's own
    range: a dark photo stays dark). 16-bit: 0..65535; 32-bit or float holding 8- or 16-bit values:
    that range; float 0..1: that; anything else: its minimum to its maximum."""
    a = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
    if mode.startswith("I;16"):
        low, high = 0.0, 65535.0
    elif lo >= 0 and hi <= 1.0 and mode == "F":
        low, high = 0.0, 1.0
    elif lo >= 0 and hi <= 255:
        low, high = 0.0, 255.0
    elif lo >= 0 and hi <= 65535:
        low, high = 0.0, 65535.0
    else:
        low, high = lo, max(hi, lo + 1e-9)
    grey = np.clip((a - low) * (255.0 / (high - low)) + 0.5, 0, 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


GREY_MODES = ("1", "L", "LA", "La", "I", "F")


def looks_greyscale(rgb: np.ndarray, mode: str = "RGB") -> bool:
    """True when the photo holds no colour: a greyscale file, or RGB whose channels are (nearly) equal.

    "Nearly": JPEG rounding leaves one or two levels between channels of a grey photo; a real colour
    photo has camera noise and a colour cast well above that in far more than 0.1 % of its pixels.
    """
    if mode in GREY_MODES or mode.startswith("I;16"):
        return True
    if rgb.size == 0:
        return False
    step = max(1, int(np.sqrt(rgb.shape[0] * rgb.shape[1] / 250_000)))
    sample = rgb[::step, ::step].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    return float(np.percentile(spread, 99.9)) <= 4


def load_photo(path: str | Path) -> Photo:
    """Read one photo; raise BadInputFile with a facilitator-readable reason if it cannot be used."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise BadInputFile(path, "Datei nicht gefunden")
    if path.is_dir():
        raise BadInputFile(path, "ist ein Ordner, kein Foto")
    if not has_readable_name(path):
        raise BadFileName(path)
    if path.stat().st_size == 0:
        raise BadInputFile(path, "Datei ist leer (0 Bytes)")
    try:
        with warnings.catch_warnings(), open_image(path) as img:
            warnings.simplefilter("ignore")  # Pillow's English notes ("Corrupt EXIF data") are not for facilitators
            img.load()
            mode = img.mode
            img = ImageOps.exif_transpose(img)
            rgb = to_rgb(img)
    except BadInputFile:
        raise
    except UnidentifiedImageError:
        raise BadInputFile(path, "ist kein lesbares Bild (erlaubt: JPEG, PNG, WebP, TIFF, HEIC)") from None
    except Image.DecompressionBombError:
        raise BadInputFile(path, f"Bild ist zu groß (mehr als {MAX_PIXELS // 1_000_000} Megapixel)") from None
    except PermissionError:
        raise BadInputFile(path, "keine Leseberechtigung") from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise BadInputFile(path, f"Bild ist beschädigt oder unvollständig ({_one_line(exc)})") from None
    except MemoryError:
        raise BadInputFile(path, "Bild ist zu groß für den Arbeitsspeicher") from None
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise BadInputFile(path, f"Bild hat eine unbekannte Form {rgb.shape}")
    if rgb.shape[0] < 64 or rgb.shape[1] < 64:
        raise BadInputFile(path, f"Bild ist zu klein ({rgb.shape[1]}x{rgb.shape[0]} Pixel)")
    return Photo(path=path, rgb=np.ascontiguousarray(rgb), greyscale=looks_greyscale(rgb, mode))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def find_photos(folder: str | Path) -> list[Path]:
    """Every photo file under `folder` (subfolders too), by suffix, sorted."""
    return sorted(f for f in Path(folder).rglob("*") if f.is_file() and f.suffix.lower() in PHOTO_SUFFIXES)


def expand_inputs(inputs: list[str | Path]) -> tuple[list[Path], list[BadInputFile]]:
    """Turn files and folders into a sorted list of photo paths; missing paths become problems.

    Also problems, so the other photos are still read: a file name that is not UTF-8 (card ids and
    the minutes could not hold it) and a second photo with the same file name (found in another
    subfolder, or given twice): photo names must be unique within a workshop.
    """
    photos: list[Path] = []
    problems: list[BadInputFile] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = find_photos(p)
            if not found:
                problems.append(BadInputFile(p, "Ordner enthält keine Fotos"))
            photos.extend(found)
        elif p.exists():
            photos.append(p)
        else:
            problems.append(BadInputFile(p, "Datei nicht gefunden"))
    usable: list[Path] = []
    by_name: dict[str, Path] = {}
    for photo in photos:
        if not has_readable_name(photo):
            problems.append(BadFileName(photo))
        elif photo.name in by_name:
            problems.append(DuplicatePhotoName(photo, by_name[photo.name]))
        else:
            by_name[photo.name] = photo
            usable.append(photo)
    return usable, problems


# ---- text inputs -------------------------------------------------------------------------------------
MAX_TEXT_BYTES = 20_000_000  # a year of typed-up cards is ~1 MB; beyond this it is not a card list
MAX_LINE_CHARS = 10_000  # a card is a few words; a longer "line" is a file that is not one card per line
WINDOWS_1252_NOTE = "nicht als UTF-8 gespeichert; als Windows-1252/Latin-1 gelesen (Umlaute bitte prüfen)"


@dataclass
class TextInput:
    """A text file's content and how it was decoded (to tell people when it was not UTF-8)."""

    path: Path
    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def note(self) -> str | None:
        return WINDOWS_1252_NOTE if self.encoding == "cp1252" else None


def read_text(path: str | Path, *, max_lines: int | None = None, what: str = "Zeilen") -> TextInput:
    """Read a text input completely, or raise BadTextFile naming the file and the reason.

    max_lines: most non-empty lines the command can use (`themes` compares every line with every
    other: a binary file read as 9,024 "lines" ran for 11 minutes); `what` names them in the message.
    """
    from cardscan.exceptions import BadTextFile

    path = Path(path)
    if not path.exists():
        raise BadInputFile(path, "Datei nicht gefunden")
    if path.is_dir():
        raise BadInputFile(path, "ist ein Ordner, keine Textdatei")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise BadTextFile(path, f"Datei ist zu groß ({size / 1e6:.0f} MB, höchstens {MAX_TEXT_BYTES // 1_000_000} MB)")
        data = path.read_bytes()
    except PermissionError:
        raise BadInputFile(path, "keine Leseberechtigung") from None
    except OSError as exc:
        raise BadInputFile(path, f"kann nicht gelesen werden ({exc.strerror or exc})") from None
    result = decode_text(data, path)
    longest = max((len(line) for line in result.lines), default=0)
    if longest > MAX_LINE_CHARS:
        raise BadTextFile(path, f"eine Zeile ist {longest} Zeichen lang (höchstens {MAX_LINE_CHARS}); "
                                f"erwartet wird ein Text je Zeile")
    if max_lines is not None:
        n = sum(1 for line in result.lines if line.strip())
        if n > max_lines:
            raise BadTextFile(path, f"zu viele {what} ({n}, höchstens {max_lines}); bitte die Datei aufteilen")
    return result


def decode_text(data: bytes, path: str | Path = "-") -> TextInput:
    """Bytes to text: UTF-8 / UTF-16 by BOM, else Windows-1252; BadTextFile for binary data."""
    from cardscan.exceptions import BadTextFile

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return TextInput(Path(path), data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise BadTextFile(path, "ist keine lesbare Textdatei (UTF-16 beschädigt)") from None
    if looks_binary(data):
        raise BadTextFile(path, "ist keine Textdatei (Binärdaten, z. B. ein Bild oder Programm); "
                                "erwartet wird Text mit einem Eintrag je Zeile")
    try:
        return TextInput(Path(path), data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined; Latin-1 maps them (to invisible controls) instead of failing.
    text = "".join(data[i:i + 1].decode("cp1252", errors="ignore") or data[i:i + 1].decode("latin-1")
                   for i in range(len(data))) if _has_undefined_1252(data) else data.decode("cp1252")
    return TextInput(Path(path), text, "cp1252")


def decode_line(raw: bytes, where: str = "Standardeingabe") -> str:
    """One line of a stream (stdin): UTF-8, else Windows-1252; BadTextFile for binary data."""
    if not raw:
        return ""
    return decode_text(raw, where).text


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 1 % control characters other than tab, newline, carriage return, form feed."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = sum(1 for b in sample if (b < 32 and b not in (9, 10, 12, 13)) or b == 127)
    return controls > 0.01 * len(sample)


def _has_undefined_1252(data: bytes) -> bool:
    return any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))
