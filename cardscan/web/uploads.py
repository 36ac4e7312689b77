"""Accept an uploaded photo only when its *content* is an image we can read, and store it safely.

Why so strict: the browser's file name and MIME type are whatever the sender says. We look at
the first bytes (magic numbers), let Pillow parse the header (pixel count before decoding, so a
decompression bomb is refused without allocating it) and then decode the whole image once, so a
truncated JPEG is reported at upload time with a German message, not later in the pipeline.
Stored names are generated (``foto07.jpg``); the sender's name is only ever displayed, escaped.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import uuid
import warnings
from pathlib import Path
from typing import IO

from cardscan.load import MAX_PIXELS

log = logging.getLogger("cardscan.web")

MAX_FILE_BYTES = 40 * 1024 * 1024  # a 50 MP phone JPEG is ~25 MB; HEIC is smaller
MAX_FILES_PER_UPLOAD = 60
MAX_REQUEST_BYTES = 400 * 1024 * 1024
ALLOWED_TEXT = "JPEG, PNG, WebP, TIFF, HEIC"

# format name (Pillow) -> suffix we store it under
_SUFFIX = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif", "HEIF": ".heic"}
_NAME = re.compile(r"^foto(\d+)\.(jpg|png|webp|tif|heic)$")
STORED_NAME = _NAME
_name_lock = threading.Lock()


class RejectedUpload(Exception):
    """An uploaded file we will not process; `problem` is the German reason shown to the user."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def sniff(head: bytes) -> str | None:
    """The image format the first bytes announce, or None. Names and MIME types are not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
        return "HEIF"
    return None


def display_name(filename: str | None) -> str:
    """The sender's file name, shortened, for messages only (never used as a path)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name[:120] + "…") if len(name) > 120 else (name or "(ohne Namen)")


def save_stream(stream: IO[bytes], dest: Path, limit: int | None = None) -> int:
    """Copy an upload to `dest` in chunks; refuse (and delete) it once it passes `limit` bytes."""
    limit = limit or MAX_FILE_BYTES
    size = 0
    with open(dest, "xb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        dest.unlink(missing_ok=True)
        raise RejectedUpload(f"Datei ist zu groß (höchstens {max(1, limit // (1024 * 1024))} MB je Foto)")
    return size


def check_image(path: Path) -> str:
    """Return the Pillow format of the image at `path`, or raise RejectedUpload with the reason."""
    from PIL import Image, UnidentifiedImageError

    if path.stat().st_size == 0:
        raise RejectedUpload("Datei ist leer (0 Bytes)")
    with open(path, "rb") as fh:
        fmt = sniff(fh.read(32))
    if fmt is None:
        raise RejectedUpload(f"ist kein Foto (erlaubt: {ALLOWED_TEXT})")
    if fmt == "HEIF":
        try:
            from pillow_heif import register_heif_opener

            register_heif_opener()
        except ImportError:
            raise RejectedUpload("HEIC-Fotos werden hier nicht unterstützt; bitte als JPEG speichern") from None
    # The guard is on: Pillow itself refuses anything above 2x this; we refuse above 1x below.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():  # Pillow warns between 1x and 2x its limit; the size is judged below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path, formats=[fmt])
        with img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise RejectedUpload(f"Bild ist zu groß (mehr als {MAX_PIXELS // 1_000_000} Megapixel)")
            img.verify()
        with Image.open(path, formats=[fmt]) as img:
            img.load()  # a full decode: truncated or damaged data shows up here
    except RejectedUpload:
        raise
    except Image.DecompressionBombError:
        raise RejectedUpload(f"Bild ist zu groß (mehr als {MAX_PIXELS // 1_000_000} Megapixel)") from None
    except UnidentifiedImageError:
        raise RejectedUpload(f"ist kein lesbares Bild (erlaubt: {ALLOWED_TEXT})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        log.info("Upload abgelehnt (%s): %s", path.name, exc)  # Pillow's English detail: for the log only
        raise RejectedUpload("Bild ist beschädigt oder unvollständig (bitte das Original-Foto noch einmal hochladen)") from None
    if width < 64 or height < 64:
        raise RejectedUpload(f"Bild ist zu klein ({width}x{height} Pixel)")
    return fmt


def next_photo_name(photo_dir: Path, fmt: str) -> str:
    """Generate the next free stored name in a workshop folder: foto01.jpg, foto02.png, …

    Short names matter: card ids are "<photo stem>-<number>" and appear in the minutes.
    """
    numbers = [int(m.group(1)) for p in photo_dir.iterdir() if (m := _NAME.match(p.name))]
    return f"foto{(max(numbers, default=0) + 1):02d}{_SUFFIX[fmt]}"


def store_upload(stream: IO[bytes], filename: str | None, photo_dir: Path) -> str:
    """Check one uploaded file and move it into `photo_dir` under a generated name; return that name."""
    incoming = photo_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    tmp = incoming / uuid.uuid4().hex
    try:
        save_stream(stream, tmp)
        fmt = check_image(tmp)
        with _name_lock:
            name = next_photo_name(photo_dir, fmt)
            os.replace(tmp, photo_dir / name)
        return name
    finally:
        tmp.unlink(missing_ok=True)
