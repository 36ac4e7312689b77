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
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NoCardsFound(BadInputFile):
    """The photo opened fine but shows nothing we can read."""

    def __init__(self, path: str | Path, problem: str = "keine Karten und kein Text gefunden (ist das ein Foto der Pinnwand?)"):
        super().__init__(path, problem)


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
