"""Themes for texts typed up in a file: the lines of a .txt, or a column of a .csv/.tsv (``cardscan themes``).

Why apart from the model: reading a person's table (encodings from Excel, delimiters, which column holds
the text) has its own errors to report, and they must come before any model is loaded.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Sequence

from cardscan.exceptions import BadInputFile
from cardscan.themes.catalogue import Theme
from cardscan.themes.model import ThemeModel

_TEXT_COLUMNS = ("text", "karte", "kartentext", "inhalt", "beitrag", "raw_text")


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputFile(path, f"nicht lesbar ({error.strerror or error})") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")  # Excel on German Windows
    sample = content[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    rows = [row for row in csv.reader(content.splitlines(), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        raise BadInputFile(path, "die Tabelle ist leer")
    return [h.strip() for h in rows[0]], rows[1:]


def _text_column(path: Path, header: list[str], rows: list[list[str]], column: str | None) -> int:
    if column is not None:
        for j, name in enumerate(header):
            if name == column:
                return j
        for j, name in enumerate(header):
            if name.casefold() == column.strip().casefold():
                return j
        raise BadInputFile(path, f"keine Spalte „{column}“ (vorhanden: {', '.join(header)})")
    for wanted in _TEXT_COLUMNS:
        for j, name in enumerate(header):
            if name.casefold() == wanted:
                return j
    best, best_words = None, 0.0
    for j in range(len(header)):
        values = [r[j].strip() for r in rows if j < len(r) and r[j].strip()]
        lettered = [v for v in values if re.search(r"[^\W\d_]", v)]
        if not values or len(lettered) < len(values) / 2:
            continue
        words = sum(len(v.split()) for v in lettered) / len(lettered)
        if words >= 2:
            return j  # the first column that reads like sentences
        if words > best_words:
            best, best_words = j, words
    if best is None:
        raise BadInputFile(path, "keine Spalte mit Text gefunden (mit --column angeben)")
    return best


def assign_file(path: str | Path, column: str | None = None, catalogue: Sequence[Theme] | str | Path | None = None,
                embedder=None, learned: str | Path | None = None,
                max_themes: int | str = 0) -> list[tuple[str, str | None]]:
    """(text, theme) for each non-empty line of a .txt file or each row of a .csv/.tsv file.

    In a table the text is taken from ``column`` (by name), else from a column called text/Karte/…,
    else from the first column whose cells read like sentences. The file is read completely first,
    so a missing column is reported before any model is loaded. ``learned``: see ThemeModel.
    ``max_themes``: 0 (default) gives every text its own theme; a number or "auto" folds as minutes do
    (``cardscan themes --max-themes``).
    """
    path = Path(path)
    if not path.is_file():
        raise BadInputFile(path, "Datei nicht gefunden")
    if path.suffix.lower() in (".csv", ".tsv"):
        header, rows = _read_table(path)
        j = _text_column(path, header, rows, column)
        texts = [" ".join(r[j].split()) for r in rows if j < len(r) and r[j].strip()]
    else:
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            content = path.read_bytes().decode("cp1252", errors="replace")
        except OSError as error:
            raise BadInputFile(path, f"nicht lesbar ({error.strerror or error})") from None
        texts = [" ".join(line.split()) for line in content.splitlines() if line.strip()]
    if not texts:
        return []
    themes = ThemeModel(catalogue=catalogue, embedder=embedder, learned=learned, max_themes=max_themes).fit_assign(texts)
    return list(zip(texts, themes))

__all__ = ["assign_file"]
