"""Tokens of a card's joined text, and how symbols between them are spaced.

Why typed tokens: the normaliser looks at a word's neighbours ("+" between two words gets spaces,
a capitalised "Für" after a word is lowered), and `tokens[i + 2].text` says what it reads where a
bare tuple said `tokens[i + 2][1]`.
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Token", "ARROWS", "OPENING", "CLOSING", "PUNCT", "SENTENCE_END", "token_pattern", "tokenize",
           "neighbour", "symbol_text"]

ARROWS = {"<-->": "↔", "<->": "↔", "<=>": "↔", "⇔": "↔", "↔": "↔",
          "-->": "→", "->": "→", "==>": "→", "=>": "→", "⇒": "→", "⟹": "→", "⟶": "→", "—>": "→", "–>": "→",
          "→": "→", "<--": "←", "<-": "←", "⇐": "←", "←": "←"}
_ARROW_PATTERN = "|".join(re.escape(a) for a in sorted(ARROWS, key=len, reverse=True))
OPENING = set("([{„“\"'‚/")
CLOSING = set(")]}“”\"'‘%/")
PUNCT = set(",.;:!?")
SENTENCE_END = set(".:!?-–•*")


class Token(NamedTuple):
    """One piece of the joined text. kind: "dotted" (an abbreviation with dots), "arrow", "word",
    "plus", "euro", "ws" (whitespace) or "other" (one character); start: offset in the joined text."""

    kind: str
    text: str
    start: int


def token_pattern(dotted: str) -> re.Pattern:
    """The tokenizer; `dotted` is the alternation of the abbreviations written with dots ("z.B.")."""
    dotted_re = dotted or r"(?!x)x"
    return re.compile(
        rf"(?P<dotted>(?<![^\W_])(?:{dotted_re})(?![^\W_]))"
        rf"|(?P<arrow>{_ARROW_PATTERN})"
        r"|(?P<word>[^\W_]+)"
        r"|(?P<plus>\+)"
        r"|(?P<euro>€)"
        r"|(?P<ws>\s+)"
        r"|(?P<other>.)", re.DOTALL)


def tokenize(pattern: re.Pattern, text: str) -> list[Token]:
    return [Token(m.lastgroup, m.group(), m.start()) for m in pattern.finditer(text)]


def neighbour(tokens: list[Token], i: int, step: int) -> tuple[str | None, str]:
    """(kind, text) of the token `step` away from `i`; (None, "") beyond the card's ends."""
    j = i + step
    if 0 <= j < len(tokens):
        return tokens[j].kind, tokens[j].text
    return None, ""


def symbol_text(tokens: list[Token], i: int) -> str:
    """An arrow, "+" or "€" with the spaces it needs: "=>" is "→", "500€" is "500 €", "a+b" is "a + b".

    "+" gets spaces only between words (not in "+49"); arrows get a space on each side that has a
    word, not before a closing bracket or punctuation.
    """
    kind, tok = tokens[i].kind, tokens[i].text
    symbol = ARROWS.get(tok, tok)
    prev_kind, prev_tok = neighbour(tokens, i, -1)
    next_kind, next_tok = neighbour(tokens, i, +1)
    if kind == "plus":
        p_kind, p_tok = neighbour(tokens, i, -2) if prev_kind == "ws" else (prev_kind, prev_tok)
        n_kind, n_tok = neighbour(tokens, i, +2) if next_kind == "ws" else (next_kind, next_tok)
        between_words = (p_kind in ("word", "euro", "dotted") or p_tok in CLOSING) and \
                        (n_kind in ("word", "euro", "dotted") or n_tok in OPENING)
        before = between_words and prev_kind != "ws"
        after = between_words and next_kind != "ws"
    elif kind == "euro":
        before = prev_kind == "word"  # "500€" → "500 €"
        after = next_kind in ("word", "dotted")  # arrows and "+" bring their own space
    else:
        before = prev_kind not in (None, "ws") and prev_tok not in OPENING
        after = next_kind not in (None, "ws") and next_tok not in CLOSING and next_tok not in PUNCT
    return (" " if before else "") + symbol + (" " if after else "")
