"""Abbreviations on cards: written out ("QR" → "Quartiersrat") or given one spelling ("z. B." → "z.B.").

Why a table object: the normaliser asks three things of the bundled `abbreviations.tsv` for every
word (is it an abbreviation, what is its expansion, is it a misread "QR"), and abbreviations with dots
are found by the tokenizer, so the table also builds that part of the token pattern.
Each expansion is an "abbreviation" edit, so `cardscan.minutes.unexpand` can put the card's own form back.
"""
from __future__ import annotations

import re

from cardscan.lexicon import Abbreviation

__all__ = ["AbbreviationTable", "Q_LOOKALIKES"]

Q_LOOKALIKES = "O0GC"  # Tesseract reads a hand-written Q as O, 0, G or C: "OR" → "QR"


def _dotted_key(s: str) -> str:
    return re.sub(r"\s+", "", s)


class AbbreviationTable:
    """The abbreviations, looked up as cards write them: "QR", "Hauptamtl.", "z. B."."""

    def __init__(self, abbreviations: list[Abbreviation]):
        self.entries = abbreviations
        self.words: dict[str, Abbreviation] = {a.short: a for a in abbreviations if "." not in a.short}
        self.lower: dict[str, Abbreviation] = {a.short.lower(): a for a in abbreviations
                                               if "." not in a.short and a.short.islower()}
        dotted = sorted((a for a in abbreviations if "." in a.short), key=lambda a: len(a.short), reverse=True)
        self.dotted: dict[str, Abbreviation] = {}
        patterns = []
        for a in dotted:
            key = _dotted_key(a.short)
            self.dotted[key] = a
            parts = [re.escape(p) for p in a.short.split(".") if p]
            if a.short.islower():  # "hauptamtl." also at the start of a card: "Hauptamtl."
                self.dotted[key[:1].upper() + key[1:]] = a
                parts[0] = f"[{parts[0][0]}{parts[0][0].upper()}]{parts[0][1:]}"
            patterns.append(r"\s?\.\s?".join(parts) + r"\.")
        self.dotted_pattern = "|".join(patterns)  # for `tokens.token_pattern`

    def is_abbreviation(self, word: str) -> bool:
        """Written on cards as it stands ("QR", "AG"): learning never treats it as a misreading."""
        return word in self.words

    def is_lower_abbreviation(self, word: str) -> bool:
        return word.lower() in self.lower

    def expansion_words(self) -> list[str]:
        """The expansions' text ("Senatsverwaltung für …"): their words are known words too."""
        return [a.expansion for a in self.entries]

    def word(self, tok: str, expand: bool, in_compound: bool) -> tuple[str, str | None] | None:
        """A word token that is an abbreviation: (expansion, "abbreviation") or (tok, None); None if none.

        In a hyphen compound only one-word expansions are written out: "KIZ-Fonds" → "Kiez-Fonds",
        but "ESF-Fördermittel" stays (not "Europäischer Sozialfonds-Fördermittel").
        """
        abbr = self.words.get(tok)
        if abbr is None and tok[:1].isupper() and tok[1:].islower():
            abbr = self.lower.get(tok.lower())
        if abbr is None:
            return None
        if expand and abbr.expansion and not (in_compound and " " in abbr.expansion):
            new = abbr.expansion
            if tok[:1].isupper() and abbr.short.islower():
                new = new[:1].upper() + new[1:]
            return new, "abbreviation"
        return tok, None

    def dotted_word(self, tok: str, expand: bool) -> tuple[str, str | None]:
        """A dotted token: written out ("abbreviation"), or its one spelling ("whitespace" if it changed)."""
        a = self.dotted[_dotted_key(tok)]
        canonical = a.short if not a.short.islower() or tok[:1].islower() else a.short[:1].upper() + a.short[1:]
        if expand and a.expansion:
            new = a.expansion if tok[:1].islower() or not a.short.islower() else a.expansion[:1].upper() + a.expansion[1:]
            return new, "abbreviation"
        return canonical, ("whitespace" if canonical != tok else None)

    def q_lookalike(self, tok: str, spelled_as_word: bool) -> str | None:
        """"OR", "0R", "GR" are no abbreviations we know but "QR" is: a misread Q (capitals only).

        `spelled_as_word`: the lexicon writes `tok` exactly so; then it is a word, not a misread.
        """
        if not 2 <= len(tok) <= 4 or not tok.isupper() or tok in self.words or spelled_as_word \
                or tok[0] not in Q_LOOKALIKES:
            return None
        cand = "Q" + tok[1:]
        return cand if cand in self.words else None
