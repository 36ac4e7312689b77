"""The layout step: a card's lines become one line, with a map back to the raw text's offsets.

Why first and apart: OCR keeps the card's line breaks, the minutes want one line. Every later step
works on the joined text, but an `Edit` must name its offset in the *raw* text (the review page
marks it there), hence the offset map. Words broken across lines ("Verstetig-/ung") are joined,
real hyphens ("Kita-/Plätze", "Q-/Rat") and suspended hyphens ("Kinder-/und Jugendarbeit") are
kept; a space after a compound's hyphen goes ("Vor-Ort- Büro"), so does a space before a card's
final "!" or "?".
"""
from __future__ import annotations

import re
from typing import NamedTuple

from cardscan.wordlists import SUSPENDED_HYPHEN_NEXT
from cardscan.workshop import Edit

__all__ = ["Layout", "WORD", "layout", "layout_words"]

# A hyphen at a line end between two word characters: a broken word or a real hyphen.
_LAYOUT = re.compile(r"(?P<hyph>(?<=[^\W_])-[ \t]*(?:\r\n|\r|\n)\s*(?=[^\W_]))|(?P<ws>\s+)")
WORD = re.compile(r"[^\W_]+")  # a word as the normaliser sees it: letters and digits, no "_"
_PUNCT_NO_SPACE_BEFORE = ",;:!?."
# "Kita- Schul- und Jugendarbeit": a suspended hyphen later on the card; "Vor-Ort- Büro" is then no compound.
_SUSPENDED_LATER = re.compile(r"[^\W\d_]-\s+(?:%s)\b" % "|".join(sorted(SUSPENDED_HYPHEN_NEXT)), re.IGNORECASE)


class Layout(NamedTuple):
    """The joined text, for each of its characters the raw offset (plus one for the end), the edits."""

    text: str
    offsets: list[int]
    edits: list[Edit]


def layout_words(text: str) -> list[str]:
    """The words of a card after layout (lines and broken words joined): what learning compares."""
    return WORD.findall(layout(text).text)


def layout(raw: str) -> Layout:
    """Join lines and broken words, collapse whitespace. Returns text, text→raw offset map, edits."""
    out: list[str] = []
    offsets: list[int] = []
    edits: list[Edit] = []
    pos = 0
    n = len(raw)

    def emit(s: str, at: int) -> None:
        out.append(s)
        offsets.extend([at] * len(s))

    for m in _LAYOUT.finditer(raw):
        for i in range(pos, m.start()):  # unchanged text
            out.append(raw[i])
            offsets.append(i)
        pos = m.end()
        if m.group("hyph") is not None:
            joined, edit = _line_end_hyphen(raw, m)
            emit(joined, m.start())
            edits.append(edit)
            continue
        run = m.group("ws")
        replacement = _whitespace(raw, m.start(), m.end(), run)
        if replacement != run:
            edits.append(Edit(run, replacement, "whitespace", m.start()))
        emit(replacement, m.start())
    for i in range(pos, n):
        out.append(raw[i])
        offsets.append(i)
    offsets.append(n)
    return Layout("".join(out), offsets, edits)


def _line_end_hyphen(raw: str, m: re.Match) -> tuple[str, Edit]:
    """What a hyphen at a line end becomes: nothing (a broken word), "- " (suspended) or "-" (real)."""
    nxt = WORD.match(raw, m.end())
    next_word = nxt.group(0) if nxt else ""
    word_start = m.start()
    while word_start > 0 and (raw[word_start - 1].isalnum()):
        word_start -= 1
    if next_word[:1].islower() and next_word.lower() not in SUSPENDED_HYPHEN_NEXT:
        joined = ""  # "Verstetig-\nung": a word broken at the line end
    elif next_word.lower() in SUSPENDED_HYPHEN_NEXT:
        joined = "- "  # "Kinder-\nund Jugend"
    else:
        joined = "-"  # "Kita-\nPlätze", "2019-\n2020"
    end = nxt.end() if nxt else m.end()
    edit = Edit(raw[word_start:end], raw[word_start:m.start()] + joined + next_word,
                "hyphenation" if joined != "- " else "whitespace", word_start)
    return joined, edit


def _whitespace(raw: str, start: int, end: int, run: str) -> str:
    """What a run of whitespace becomes: nothing at the ends and inside "Vor-Ort- Büro", else one space."""
    if start == 0 or end == len(raw):
        return ""
    if _hyphen_space_in_compound(raw, start, end, run):
        return ""  # "Vor-Ort- Büro" → "Vor-Ort-Büro"
    if ("\n" not in run and "\r" not in run and raw[end] in _PUNCT_NO_SPACE_BEFORE
            and raw[start - 1].isalnum()
            and (end + 1 == len(raw) or raw[end + 1].isspace())
            and not raw.startswith("..", end)):
        return ""  # "Transparenz !" → "Transparenz!"
    return " "


def _hyphen_space_in_compound(raw: str, start: int, end: int, run: str) -> bool:
    """"Vor-Ort- Büro": a space OCR put after a compound's hyphen, before its capitalised next part.

    One line only (across lines the hyphenation rule decides), a letter before the hyphen, a capital
    after the space, and no suspended hyphen on the card ("Sport- Kultur- und Bildungsangebote" keeps
    its spaces: there the hyphens stand for left-out parts).
    """
    return (run == " " and start >= 2 and raw[start - 1] == "-" and raw[start - 2].isalpha()
            and raw[end].isupper() and raw[end].isalpha() and not _SUSPENDED_LATER.search(raw))
