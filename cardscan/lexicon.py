"""The normaliser's tables: abbreviations, the domain lexicon, and the lexicon learned from facilitators.

Why a module of its own: these are the files users edit or that grow while cardscan is used
(the bundled `abbreviations.tsv` and `lexicon.txt`, a workshop's `lexikon.yaml`); reading them with
clear errors is separate from the string work in `cardscan.normalise`. This module imports nothing of
the normaliser (learning from corrections, which needs it, lives in `cardscan.normalise.learning`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardscan.resources import bundled_file, user_data_dir

DEFAULT_ABBREVIATIONS = bundled_file("abbreviations.tsv")
DEFAULT_LEXICON = bundled_file("lexicon.txt")
USER_LEXICON_NAME = "lexikon.yaml"


def user_lexicon_file(data: str | Path | None = None) -> Path:
    """Where the lexicon learnt from corrections lives: ``lexikon.yaml`` in the user's data folder
    (``--data``, ``$CARDSCAN_DATA`` or the platform's), never inside the installed package."""
    return user_data_dir(data) / USER_LEXICON_NAME


@dataclass(frozen=True)
class Abbreviation:
    short: str  # as written on cards, e.g. "QR", "z.B."
    expansion: str  # "" means: never written out, only its spelling is unified
    note: str = ""


def load_abbreviations(path: str | Path) -> list[Abbreviation]:
    """Read the tab-separated table: abbreviation, expansion (empty: keep), note. '#' starts a comment."""
    from cardscan.exceptions import BadConfig

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: Abkürzungstabelle nicht lesbar ({exc.__class__.__name__})") from exc
    table: list[Abbreviation] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.rstrip("\r").split("\t")
        short = cols[0].strip()
        if not short or len(cols) < 2 or " " in short:
            raise BadConfig(f"{path}: Zeile {number} braucht 'Abkürzung<TAB>Ausschreibung<TAB>Anmerkung'")
        if short.lower() == "abbreviation" and number == 1:  # header row
            continue
        table.append(Abbreviation(short, cols[1].strip(), cols[2].strip() if len(cols) > 2 else ""))
    return table


def load_word_list(path: str | Path) -> list[str]:
    """One word per line, exactly as it is spelled (case matters: 'Forderung' ≠ 'fordern'); '#' comments."""
    from cardscan.exceptions import BadConfig

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: Wortliste nicht lesbar ({exc.__class__.__name__})") from exc
    words = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def load_user_lexicon(path: str | Path) -> dict[str, Any]:
    """The learned lexicon: {"replacements": {wrong: right}, "words": [...]}; a missing file is empty."""
    import yaml

    from cardscan.exceptions import BadConfig

    path = Path(path)
    if not path.exists():
        return {"replacements": {}, "words": []}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BadConfig(f"{path}: gelerntes Lexikon nicht lesbar ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise BadConfig(f"{path}: gelerntes Lexikon muss 'replacements' und 'words' enthalten")
    replacements = data.get("replacements") or {}
    words = data.get("words") or []
    if not isinstance(replacements, dict) or not isinstance(words, list):
        raise BadConfig(f"{path}: 'replacements' muss eine Zuordnung, 'words' eine Liste sein")
    data["replacements"] = {str(k): str(v) for k, v in replacements.items()}
    data["words"] = [str(w) for w in words]
    return data
