"""Where cardscan's bundled data lives, and where a user's work is written.

Why one module: the catalogue, abbreviations and lexicon in the project's top-level ``models/`` are
part of the installed package (a wheel carries them as ``cardscan/models``), while what a user's work
teaches (learned theme models, lexicon entries, the web page's data) must never be written into the
installed package. Every stage asks here instead of computing paths beside its own ``__file__``.
"""
from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

APP_NAME = "cardscan"
DATA_ENV = "CARDSCAN_DATA"


def bundled_file(name: str) -> Path:
    """The bundled data file ``name`` (e.g. ``"themes.yaml"``) from ``models/``.

    An installed wheel has it as package data in ``cardscan/models`` (pyproject.toml maps the top-level
    folder there), found through ``importlib.resources`` in whichever ``cardscan`` was imported; a
    checkout (editable install, or tests run from the tree) has it in the top-level ``models/`` folder
    beside the package. Wheels are installed unpacked, so the resource is a real file on disk.
    A missing file gives the checkout's path, so the reader's error names where it was expected.
    """
    installed = resources.files("cardscan").joinpath("models", name)
    if installed.is_file():
        return Path(str(installed))
    return Path(str(resources.files("cardscan"))).resolve().parent / "models" / name


def user_data_dir(override: str | os.PathLike | None = None) -> Path:
    """The folder a user's work goes to: ``override`` (``--data``), ``$CARDSCAN_DATA``, or the platform's.

    The platform's convention: ``$XDG_DATA_HOME/cardscan`` (default ``~/.local/share/cardscan``) on Linux,
    ``~/Library/Application Support/cardscan`` on macOS, ``%APPDATA%\\cardscan`` on Windows.
    The folder is not created here; writers create it when they first write.
    """
    if override:
        return Path(override)
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / APP_NAME
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_NAME


def learned_dir(data: str | os.PathLike | None = None) -> Path:
    """Where ``cardscan learn`` saves the versions of the learned theme model (``<data>/learned``).

    Why in the user's data folder: an installed package may be read-only and is replaced by the next
    ``pip install``; a checkout would get learned files mixed into the source tree.
    """
    return user_data_dir(data) / "learned"


__all__ = ["bundled_file", "user_data_dir", "learned_dir", "APP_NAME", "DATA_ENV"]
