"""Open a photo as an RGB array, the way the person who took it saw it.

Phones store portrait photos sideways with an EXIF orientation tag; ignoring it would put
every polygon in the wrong place. HEIC (iPhone default) opens through pillow-heif.
Every failure becomes `BadInputFile` naming the file, so one bad photo never stops a batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cardscan._files import has_readable_name
from cardscan.exceptions import BadFileName, BadInputFile, DuplicatePhotoName, PhotoTooLarge

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"}
# Pillow's decompression-bomb guard: refuse absurd pixel counts (a 12 MP photo is 1.2e7).
MAX_PIXELS = 120_000_000


@dataclass
class Photo:
    """A loaded photo: its name, where it came from, and its upright RGB pixels."""

    path: Path
    rgb: np.ndarray  # H x W x 3, uint8, EXIF orientation applied

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
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    if path.suffix.lower() in {".heic", ".heif"}:
        _register_heif()
    try:
        with Image.open(path) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            rgb = np.asarray(img.convert("RGB"))
    except UnidentifiedImageError:
        raise BadInputFile(path, "ist kein lesbares Bild (erlaubt: JPEG, PNG, WebP, TIFF, HEIC)") from None
    except Image.DecompressionBombError:
        raise BadInputFile(path, f"Bild ist zu groß (mehr als {MAX_PIXELS // 1_000_000} Megapixel)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadInputFile(path, f"Bild ist beschädigt oder unvollständig ({exc})") from None
    except PermissionError:
        raise BadInputFile(path, "keine Leseberechtigung") from None
    if rgb.shape[0] < 64 or rgb.shape[1] < 64:
        raise BadInputFile(path, f"Bild ist zu klein ({rgb.shape[1]}x{rgb.shape[0]} Pixel)")
    return Photo(path=path, rgb=np.ascontiguousarray(rgb))


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
