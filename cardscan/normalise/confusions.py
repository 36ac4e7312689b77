"""What OCR does to letters, as tables and small pure functions on one word.

Why apart from the speller: these are facts about readers (Tesseract, PP-OCR) and handwriting, with
costs measured on bench/normalise_eval.py; the speller decides with them, the tests check them alone.
"""
from __future__ import annotations

from collections.abc import Iterator

__all__ = ["CONFUSIONS", "OCR_EDITS", "GENERIC_EDIT_COST", "EDGE_MARKS", "single_edits", "deletions",
           "one_edit_inside", "is_confusion_only", "stray_capital", "mixed_case", "sharp_s", "recase",
           "DIGIT_LOOKALIKES"]

# (what OCR wrote, what was meant). One direction only where OCR errs one way (it drops umlaut dots,
# it reads ß as B, not back).
CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("rn", "m"), ("m", "rn"),
    ("ii", "ü"), ("u", "ü"), ("o", "ö"), ("a", "ä"), ("U", "Ü"), ("O", "Ö"), ("A", "Ä"),
    ("B", "ß"),
    ("1", "l"), ("1", "I"), ("l", "I"), ("I", "l"),
    ("0", "O"), ("0", "o"), ("O", "0"),
    ("c", "e"),  # Tesseract on marker strokes: "Transparcnz"
)
# Stage 2 (a word no table knows): OCR-typical edits on the lower-cased word, with a cost each. Cost
# 0.75: umlaut dots lost; 1: what Tesseract does all the time on cards; 1.5: seen on handwriting fonts (h/b in
# "Prozessheratung", n/m in "Burgergrenium", f/t in "Vernefzung", i/u in "Nahversorging": a u's second
# stroke lost); 2: any other letter added or dropped (a missing doubled letter, "Stadteil", costs 1).
OCR_EDITS: tuple[tuple[str, str, float], ...] = (
    ("rn", "m", 1.0), ("m", "rn", 1.0), ("ii", "ü", 0.75), ("u", "ü", 0.75), ("o", "ö", 0.75), ("a", "ä", 0.75),
    ("b", "ß", 1.0), ("1", "l", 1.0), ("1", "i", 1.0), ("l", "i", 1.0), ("i", "l", 1.0), ("0", "o", 1.0),
    ("c", "e", 1.0), ("e", "c", 1.5), ("h", "b", 1.5), ("b", "h", 1.5), ("f", "t", 1.5), ("t", "f", 1.5),
    ("y", "g", 1.5), ("n", "m", 1.0), ("m", "n", 1.0), ("n", "h", 1.5), ("h", "n", 1.5), ("n", "u", 1.5),
    ("u", "n", 1.5), ("i", "u", 1.5), ("ri", "n", 1.5), ("cl", "d", 1.5), ("vv", "w", 1.5), ("ü", "u", 1.5),
    ("ö", "o", 1.5), ("ä", "a", 1.5), ("ss", "ß", 1.5), ("i", "t", 1.5), ("t", "i", 1.5), ("j", "i", 1.5),
    ("g", "q", 1.5),
    # PP-OCR (the default reader) on handwriting: ä read as z ("Rzume"), a final g as s ("Kiezspaziergans"),
    # G as C ("Celd"), and an ä's dots joined into a ring ("bedårfe")
    ("z", "ä", 1.5), ("s", "g", 1.5), ("c", "g", 1.5), ("å", "ä", 0.75), ("å", "a", 0.75),
)
# The same pairs, for telling a look-alike fix from a spelling fix: letters either way round, and groups.
_LOOKALIKES = frozenset(frozenset((wrong, right)) for wrong, right, _ in OCR_EDITS if len(wrong) == len(right) == 1)
_OCR_GROUP_EDITS = tuple((wrong, right) for wrong, right, _ in OCR_EDITS if not len(wrong) == len(right) == 1)
LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
EDGE_MARKS = "lij1"  # what a card's edge or a pin's shadow adds after a word: a stroke, never an "e" or "m"
GENERIC_EDIT_COST = 2.0
_DOUBLED = frozenset("tsnmlfprkgcbdze")  # letters German writes doubled: a missing one costs 1
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def single_edits(low: str, generic: bool) -> Iterator[tuple[str, float]]:
    """One OCR-typical edit of `low`; with `generic`, also one letter added or dropped anywhere."""
    for wrong, right, cost in OCR_EDITS:
        start = low.find(wrong)
        while start >= 0:
            yield low[:start] + right + low[start + len(wrong):], cost
            start = low.find(wrong, start + 1)
    for i, ch in enumerate(low):
        if not ch.isalpha():
            continue
        if low[i - 1:i] != ch and low[i + 1:i + 2] != ch:  # never three in a row
            yield low[:i] + ch + low[i:], 1.0 if ch in _DOUBLED else GENERIC_EDIT_COST  # "Stadteil"
        elif low[i + 1:i + 2] == ch:
            yield low[:i] + low[i + 1:], 1.0  # "Bahnn", "Daueeraufgabe"
    if generic:  # the card's edge: a last letter lost ("Regelfinanzierun"), or a stroke read as one
        for ch in LETTERS:
            yield low + ch, GENERIC_EDIT_COST
        if low[-1] in EDGE_MARKS:  # never "Aufgabem" → "Aufgabe": the edge adds no "m"
            yield low[:-1], GENERIC_EDIT_COST


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit_inside(a: str, b: str) -> bool:
    """One letter changed, added or dropped, before the last two letters: there sit the endings that
    make another word ("Kümmerei" is no "Kümmerer", "Gutachtes" no "Gutachter"), and a swap of two
    letters is not what OCR does."""
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if i >= len(a) - 2:
        return False
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return len(b) == len(a) + 1 and a[i:] == b[i + 1:]


def is_confusion_only(low: str, best: str) -> bool:
    """Whether `best` differs from `low` only by look-alike letters (else the fix is a spelling fix):
    one-for-one pairs of `OCR_EDITS` anywhere, or one of its longer pairs ("rn" → "m") throughout."""
    if len(low) != len(best):
        return any(wrong in low and low.replace(wrong, right) == best for wrong, right in _OCR_GROUP_EDITS)
    return all(a == b or frozenset((a, b)) in _LOOKALIKES for a, b in zip(low, best))


def stray_capital(tok: str) -> str | None:
    """"SponSoren" → "Sponsoren", "KooRdination" → "Koordination": one capital inside a capitalised
    word is a small letter PP-OCR read large (handwritten S, R, F). Not "BürgerInnen" (the gender I),
    nor "eBay" or "KiTa"-like names that start small or carry more capitals."""
    inner = [i for i, c in enumerate(tok) if i > 0 and c.isupper()]
    if len(inner) != 1 or not tok[:1].isupper() or not tok.isalpha() or tok[inner[0]:inner[0] + 2] == "In":
        return None
    rest = tok[1:inner[0]] + tok[inner[0] + 1:]
    if len(rest) < 3 or not rest.islower():
        return None
    return tok[0] + tok[1:].lower()


def mixed_case(tok: str) -> bool:
    """"ERKEUgEN", "MoTIvation": capitals and small letters mixed after the first letter (not "Kita", "QM",
    nor the gender "In" of "BürgerInnen")."""
    rest = tok[1:]
    if rest.endswith(("In", "Innen")) and rest[:rest.rindex("In")][-1:].islower():
        rest = rest[:rest.rindex("In")]
    return any(c.isupper() for c in rest) and any(c.islower() for c in rest)


def sharp_s(tok: str) -> str | None:
    """"flieBen" → "fließen": B between small letters (never at the start, never in capitals)."""
    if "B" not in tok[1:] or not tok[1:].replace("B", "").islower():
        return None
    return tok[:1] + tok[1:].replace("B", "ß")


def recase(cand: str, tok: str) -> str | None:
    """Write a lower-case candidate the way the token was written (capitals, capitalised, small)."""
    if tok.isupper() and len(tok) > 1:
        return None if "ß" in cand else cand.upper()
    if tok[:1].isupper():
        return cand[:1].upper() + cand[1:]
    return cand


def damerau(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap of two neighbours is one slip), capped at `limit` + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def one_slip(word: str) -> set[str]:
    """Every string one typing slip from `word`: a letter dropped, added, changed, or two swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return out
