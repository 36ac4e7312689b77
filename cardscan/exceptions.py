"""Every error a user can cause, each with its exit code and a message a facilitator understands.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``; a traceback is
only ever shown for our own bugs. Modelled on OCRmyPDF's exceptions module.
"""
from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    some_inputs_failed = 1
    usage = 2
    missing_dependency = 3
    bad_config = 4
    file_access = 5  # as OCRmyPDF: an output folder without write permission, a full disk
    internal = 70


class CardscanError(Exception):
    """Base class: something the user can fix, explained in one line."""

    exit_code: ExitCode = ExitCode.internal

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInputFile(CardscanError):
    """A photo or text file that cannot be used: missing, empty, corrupt, not an image."""

    exit_code = ExitCode.some_inputs_failed

    def __init__(self, path: str | Path, problem: str):
        from cardscan._files import readable_path

        self.path = readable_path(path)  # a non-UTF-8 file name must not crash the line that reports it
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NoCardsFound(BadInputFile):
    """The photo opened fine but shows nothing we can read."""

    def __init__(self, path: str | Path, problem: str = "keine Karten und kein Text gefunden (ist das ein Foto der Pinnwand?)"):
        super().__init__(path, problem)


class BadFileName(BadInputFile):
    """A file name that is not UTF-8 (copied from an old Windows or a camera): card ids, minutes and
    the corpus are UTF-8 text, so the file is left out and named, and the others are read."""

    def __init__(self, path: str | Path):
        super().__init__(path, "Dateiname ist kein gültiges UTF-8 (Sonderzeichen aus einem anderen Zeichensatz); "
                               "übersprungen, bitte umbenennen")


class DuplicatePhotoName(BadInputFile):
    """Two photos of one workshop with the same file name (in different subfolders)."""

    def __init__(self, path: str | Path, other: str | Path):
        from cardscan._files import readable_path

        super().__init__(path, f"gleicher Dateiname wie {readable_path(other)}; übersprungen, bitte umbenennen")


class PhotoTooLarge(BadInputFile):
    """More pixels than cardscan reads (a decompression bomb, or a scan at absurd resolution)."""

    def __init__(self, path: str | Path, width: int, height: int, limit: int):
        super().__init__(path, f"Bild ist zu groß ({width}x{height} = {width * height / 1e6:.0f} Megapixel, "
                               f"erlaubt sind {limit // 1_000_000} Megapixel)")


class BadTextFile(BadInputFile):
    """A text input (lines for themes or normalise) that is binary, in an unknown encoding, or too big."""


class CorpusError(CardscanError):
    """Something asked of a corpus that it cannot do; each kind below has its own class."""

    exit_code = ExitCode.usage


class DuplicatePhoto(CorpusError, ValueError):
    """A photo of this name is already stored in the workshop."""

    exit_code = ExitCode.some_inputs_failed

    def __init__(self, image: str, corpus: str | Path = ""):
        self.image = image
        super().__init__(f"{corpus}: " * bool(corpus) + f"Das Foto {image} ist in diesem Workshop schon gespeichert")


class DuplicateCardId(CorpusError, ValueError):
    """Two cards of one workshop with the same id (card ids name cards in corrections and URLs)."""

    exit_code = ExitCode.some_inputs_failed

    def __init__(self, card_id: str, corpus: str | Path = ""):
        self.card_id = card_id
        super().__init__(f"{corpus}: " * bool(corpus) + f"Die Karten-ID {card_id} gibt es in diesem Workshop schon "
                         f"(zwei Fotos mit gleichem Namen, z. B. .jpg und .png?)")


class UnknownWorkshop(CorpusError, KeyError):
    def __init__(self, wid: int | str, corpus: str | Path):
        super().__init__(f"Workshop {wid} gibt es im Korpus {Path(corpus).name} nicht")


class UnknownCard(CorpusError, KeyError):
    def __init__(self, card_ids: str, wid: int | str):
        super().__init__(f"Karte {card_ids} gibt es in Workshop {wid} nicht")


class BadCorrection(CorpusError, ValueError):
    """A correction the corpus cannot record: unknown field, empty theme name, unknown kind."""


class BadExportFormat(CorpusError, ValueError):
    def __init__(self, path: str | Path):
        from cardscan._files import readable_path

        super().__init__(f"{readable_path(path)}: bitte .csv oder .parquet als Endung wählen")


class UnknownColumn(CorpusError, ValueError):
    def __init__(self, column: str, columns):
        super().__init__(f"Unbekannte Spalte {column!r}; möglich: {', '.join(map(str, columns))}")


class FileAccessError(CardscanError):
    """The operating system refused to read or write a file the user named (permission, disk full)."""

    exit_code = ExitCode.file_access

    def __init__(self, error: OSError):
        from cardscan._files import readable_path

        import errno

        reasons = {errno.EACCES: "keine Berechtigung", errno.EPERM: "keine Berechtigung",
                   errno.ENOSPC: "Datenträger ist voll", errno.EROFS: "Datenträger ist schreibgeschützt",
                   errno.ENOENT: "nicht gefunden", errno.EISDIR: "ist ein Ordner",
                   errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner", errno.ENAMETOOLONG: "Name ist zu lang"}
        reason = reasons.get(error.errno, error.strerror or type(error).__name__)
        super().__init__(f"{readable_path(error.filename)}: kann nicht gelesen oder geschrieben werden ({reason})")


class MissingDependency(CardscanError):
    """An external program or data file is not installed (Tesseract, its German data)."""

    exit_code = ExitCode.missing_dependency


class MissingTesseract(MissingDependency):
    def __init__(self, detail: str = ""):
        msg = ("Tesseract ist nicht installiert oder hat keine deutschen Sprachdaten. "
               "Installieren mit: apt-get install tesseract-ocr tesseract-ocr-deu")
        super().__init__(msg + (f" ({detail})" if detail else ""))


class BadConfig(CardscanError):
    """A legend, catalogue, word list or option that cannot be understood."""

    exit_code = ExitCode.bad_config


class UsageError(CardscanError):
    exit_code = ExitCode.usage


class OcrFailed(CardscanError):
    """Tesseract is installed but stopped with an error on an image we gave it."""

    exit_code = ExitCode.some_inputs_failed
