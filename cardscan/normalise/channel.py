"""How likely a slip is: the error model (channel) of the noisy-channel speller.

Why: two readings one slip away ("Beispiee": "Beispiele" with an l dropped, "Beispiel" with an l
typed as e) are not equally likely. Typists hit a neighbouring key or double or drop a letter; OCR
engines confuse look-alikes ("e"/"c", "n"/"m"); a letter replaced by a far, unlike one is rare
(Kernighan, Church & Gale 1990 weigh edits by such confusion counts). `slip_cost` is a weighted
Damerau (optimal string alignment) distance whose unit is one ordinary slip; the typo stage scores a
reading by its frequency minus this cost, so the likelier slip wins where a plain count of edits ties.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["slip_cost", "ORDINARY", "UNLIKE"]

ORDINARY = 1.0  # a dropped letter, a swap, a neighbouring key, a look-alike, a doubled letter
DOUBLED = 0.8  # a doubled letter dropped or added ("Stadteil", "Netzwerkk"): the commonest slip of all
UNLIKE = 1.6  # a letter replaced by, or an extra letter that is, neither a neighbour nor a look-alike

_ROWS = ("qwertzuiopü", "asdfghjklöä", "yxcvbnm")
# look-alikes of print and handwriting OCR (either direction), beyond our own readers' table
_LOOKALIKE_PAIRS = ("ec", "nm", "il", "uv", "ao", "hb", "rn", "tf", "gq", "uü", "oö", "aä", "sz", "kh", "lt",
                    "ij", "ce", "nu", "ns", "yg", "vw", "ßb", "ßs", "1l", "0o")


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for i, ch in enumerate(row):
            group = set(row[max(0, i - 1):i + 2])
            for other in (r - 1, r + 1):
                if 0 <= other < len(_ROWS):
                    group |= set(_ROWS[other][max(0, i - 1):i + 2])
            group.discard(ch)
            near[ch] = group
    return {ch: frozenset(g) for ch, g in near.items()}


_NEAR = _keyboard_neighbours()
_ALIKE = frozenset(frozenset(p) for p in _LOOKALIKE_PAIRS)


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if b in _NEAR.get(a, ()) or frozenset((a, b)) in _ALIKE:
        return ORDINARY
    return UNLIKE


def _ins_cost(word: str, i: int, ch: str) -> float:
    """Cost of `ch` standing at position i of `word` as an extra letter: a doubled letter is cheap, a
    neighbour of the letters around it ordinary, any other letter unlike."""
    before, after = word[i - 1:i], word[i + 1:i + 2]
    if ch in (before, after):
        return DOUBLED
    if any(ch in _NEAR.get(x, ()) for x in (before, after) if x):
        return ORDINARY
    return UNLIKE


@lru_cache(maxsize=65536)
def slip_cost(typed: str, meant: str) -> float:
    """Weighted optimal-string-alignment distance from the word `meant` to what was `typed` (lower case).

    Dropping a letter of `meant` costs `ORDINARY` (`DOUBLED` for one of a doubled pair), an extra letter
    in `typed` `DOUBLED`/`ORDINARY`/`UNLIKE` (see `_ins_cost`), a changed letter `ORDINARY` for a
    neighbouring key or look-alike else `UNLIKE`, two swapped neighbours `ORDINARY`.
    """
    n, m = len(typed), len(meant)
    ins = [_ins_cost(typed, i, typed[i]) for i in range(n)]  # per letter, not per cell: the DP's inner loop
    drop = [_drop_cost(meant, j) for j in range(m)]  # is then look-ups (several words per unknown token)
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + drop[j - 1]
    for i in range(1, n + 1):
        t, cost_in = typed[i - 1], ins[i - 1]
        t_before = typed[i - 2] if i > 1 else ""
        cur = [prev[0] + cost_in] + [0.0] * m
        for j in range(1, m + 1):
            mj = meant[j - 1]
            best = prev[j - 1] if t == mj else prev[j - 1] + _sub_cost(t, mj)
            if prev[j] + cost_in < best:
                best = prev[j] + cost_in
            if cur[j - 1] + drop[j - 1] < best:
                best = cur[j - 1] + drop[j - 1]
            if j > 1 and t_before and t == meant[j - 2] and t_before == mj and t != t_before \
                    and prev2[j - 2] + ORDINARY < best:
                best = prev2[j - 2] + ORDINARY
            cur[j] = best
        prev2, prev = prev, cur
    return prev[m]


def _drop_cost(meant: str, j: int) -> float:
    ch = meant[j]
    return DOUBLED if ch in (meant[j - 1:j], meant[j + 1:j + 2]) else ORDINARY
