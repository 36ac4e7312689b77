"""Where cardscan's bundled data lives, and where a user's work is written.

Why one module: the catalogue, abbreviations and lexicon in the project's top-level ``models/`` are
part of the installed package (a wheel carries them as ``cardscan/models``), while what a user's work
teaches (learned theme models, lexicon entries, the web page's data) must never be written into the
installed package. Every stage asks here instead of computing paths beside its own ``__file__``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "cardscan"
DATA_ENV = "CARDSCAN_DATA"


def bundled_file(name: str) -> Path:
    """The bundled data file ``name`` (e.g. ``"themes.yaml"``) from ``models/``.

    An installed wheel has it as package data in ``cardscan/models``; a checkout (editable install,
    or tests run from the tree) has it in the top-level ``models/`` folder beside the package.
    """
    package_dir = Path(__file__).resolve().parent
    for folder in (package_dir / "models", package_dir.parent / "models"):
        candidate = folder / name
        if candidate.exists():
            return candidate
    return package_dir.parent / "models" / name


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
