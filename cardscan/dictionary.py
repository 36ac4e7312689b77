"""General German dictionaries: is this a word, how common is it, may it stand inside a compound.

Why a module of its own: the normaliser asks these three questions of whichever backend is chosen
by name ("wordfreq", the default, or "hunspell"), and bench/normalise_eval.py compares them on the
same data. Neither downloads anything: wordfreq's tables ship in its wheel, the Hunspell files come
from Debian's hunspell-de-de. Each backend loads lazily, once per process.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

MIN_SUGGESTION_LENGTH = 3  # shorter words ("ob", "QR") are never offered as corrections
# Frequencies are on the zipf scale: 0 unknown … 7 "und".
HUNSPELL_PATH = Path("/usr/share/hunspell/de_DE")
WORDFREQ_MIN_WORD = 2.0  # zipf: rarer entries of a web word list are as often typos ("stadteil": 1.8) as words
WORDFREQ_MIN_PART = 3.0  # compound parts must be common words ("eil", "stad" are not)
DICT_MIN_PART = 5  # "uber", "fern" as parts make typos into compounds ("Ressortubergreifende")
WORDFREQ_MIN_SHORT_PART = 4.0  # 3-4 letter parts ("nah", "Plan", "Fach"; not "stad" 2.7) of listed rare words
NEAR_MIN_ZIPF = 2.5  # typing slips are repaired into listed words this common (84,000 words; 2.0 doubles it)


class GermanDictionary:
    """What the normaliser asks of a general dictionary; subclasses load theirs lazily."""

    name = "none"
    # Capability, not identity: whether `zipf` gives real frequencies. Without them (Hunspell) every
    # accepted word counts as equally common, so the normaliser never lets a commoner look-alike win.
    has_frequencies = False

    def zipf(self, word: str) -> float:  # pragma: no cover - interface
        return 0.0

    def is_word(self, word: str) -> bool:  # pragma: no cover - interface
        return False

    def parts(self) -> frozenset[str]:  # lower-case words that may be parts of a compound
        return frozenset()

    def is_attested(self, word: str) -> bool:
        """Listed at all, however rare: not proof of a word, but a typo seldom also splits into words."""
        return self.is_word(word)

    def short_parts(self) -> frozenset[str]:  # 3-4 letter parts, only inside attested words
        return frozenset()

    def suggest(self, word: str) -> list[str]:
        """Extra candidates beyond the OCR-confusion ones (lower case), cheapest first."""
        return []

    def common_words(self, min_zipf: float) -> list[tuple[str, float]]:
        """(word, zipf) of the listed words at least this common, lower case; [] without frequencies."""
        return []

    def near(self, word: str, max_distance: int) -> list[tuple[str, int]]:
        """Common words (lower case) up to `max_distance` typing slips away (a letter dropped, added,
        changed, or two swapped), with their distance; [] for a backend that cannot say."""
        return []


class WordfreqDictionary(GermanDictionary):
    """German word frequencies from `wordfreq` (data inside the wheel) and `symspellpy` for suggestions.

    Frequencies let a candidate win by being *much* more common ("fur" 4.4 → "für" 6.9), and keep
    pairs of real words apart ("Forderung" 4.4 vs "Förderung" 4.6: no change). wordfreq folds case
    and writes ß as ss, so lookups are case-folded.
    """

    name = "wordfreq"
    has_frequencies = True

    def __init__(self, suggest_max_distance: int = 1, suggest_min_zipf: float = 3.0):
        self.suggest_max_distance = suggest_max_distance
        self.suggest_min_zipf = suggest_min_zipf
        self._zipf: dict[str, float] | None = None
        self._parts: frozenset[str] | None = None
        self._short_parts: frozenset[str] | None = None
        self._symspell = None
        self._near = None
        self._lock = threading.RLock()  # suggest() loads the table while holding it

    def _table(self) -> dict[str, float]:
        if self._zipf is None:
            with self._lock:
                if self._zipf is None:
                    import math

                    from wordfreq import get_frequency_dict

                    freqs = get_frequency_dict("de", wordlist="large")
                    self._zipf = {w: math.log10(f * 1e9) for w, f in freqs.items() if f > 0}
        return self._zipf

    def zipf(self, word: str) -> float:
        table = self._zipf if self._zipf is not None else self._table()  # the commonest call of the normaliser
        return table.get(word.casefold(), 0.0)

    def is_word(self, word: str) -> bool:
        return self.zipf(word) >= WORDFREQ_MIN_WORD

    def parts(self) -> frozenset[str]:
        if self._parts is None:
            self._load_parts()
        return self._parts

    def is_attested(self, word: str) -> bool:
        return self.zipf(word) > 0.0

    def short_parts(self) -> frozenset[str]:
        if self._short_parts is None:
            self._load_parts()
        return self._short_parts

    def _load_parts(self) -> None:
        """Both part tables in one pass over the word list (a quarter of a second)."""
        parts, short = set(), set()
        for w, z in self._table().items():
            if z >= WORDFREQ_MIN_PART and w.isalpha():
                if len(w) >= DICT_MIN_PART:
                    parts.add(w)
                elif z >= WORDFREQ_MIN_SHORT_PART and len(w) >= 3:
                    short.add(w)
        self._parts, self._short_parts = frozenset(parts), frozenset(short)

    def suggest(self, word: str) -> list[str]:
        if self.suggest_max_distance <= 0:
            return []
        if self._symspell is None:
            with self._lock:
                if self._symspell is None:
                    from symspellpy import SymSpell

                    sym = SymSpell(max_dictionary_edit_distance=self.suggest_max_distance, prefix_length=7)
                    for w, z in self._table().items():
                        if z >= self.suggest_min_zipf and w.isalpha() and len(w) >= MIN_SUGGESTION_LENGTH:
                            sym.create_dictionary_entry(w, int(10 ** z))
                    self._symspell = sym
        from symspellpy import Verbosity

        hits = self._symspell.lookup(word.casefold(), Verbosity.ALL, self.suggest_max_distance)
        return [h.term for h in hits if h.term != word.casefold()]

    def common_words(self, min_zipf: float) -> list[tuple[str, float]]:
        return [(w, z) for w, z in self._table().items() if z >= min_zipf and w.isalpha()]

    def near(self, word: str, max_distance: int) -> list[tuple[str, int]]:
        """symspell over the words of zipf ≥ `NEAR_MIN_ZIPF`, Damerau distance (a swap is one slip).

        A second index beside `suggest`'s: distance 2 needs more deletes per word (built once, a few
        seconds, only when a word no stage could repair asks for it).
        """
        if self._near is None:
            with self._lock:
                if self._near is None:
                    from symspellpy import SymSpell

                    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
                    for w, z in self._table().items():
                        if z >= NEAR_MIN_ZIPF and w.isalpha() and len(w) >= MIN_SUGGESTION_LENGTH:
                            sym.create_dictionary_entry(w, int(10 ** z))
                    self._near = sym
        from symspellpy import Verbosity

        low = word.casefold()
        hits = self._near.lookup(low, Verbosity.ALL, min(2, max_distance))
        return [(h.term, h.distance) for h in hits if h.term != low]


class HunspellDictionary(GermanDictionary):
    """Debian's de_DE Hunspell dictionary (igerman98) through pure-Python `spylls`.

    Hunspell knows German compounding rules, but no frequencies: every word it accepts counts as
    equally common. Its lookups of unknown words are slow (it tries every compound split), hence
    the cache.
    """

    name = "hunspell"

    def __init__(self, path: str | Path = HUNSPELL_PATH):
        self.path = Path(path)
        self._dict = None
        self._parts: frozenset[str] | None = None
        self._cache: dict[str, bool] = {}
        self._lock = threading.Lock()

    def _load(self):
        if self._dict is None:
            with self._lock:
                if self._dict is None:
                    from cardscan.exceptions import BadConfig

                    if not self.path.with_suffix(".dic").exists():
                        raise BadConfig(f"{self.path.with_suffix('.dic')}: Hunspell-Wörterbuch fehlt "
                                        "(Debian-Paket hunspell-de-de)")
                    from spylls.hunspell import Dictionary

                    self._dict = Dictionary.from_files(str(self.path))
        return self._dict

    def is_word(self, word: str) -> bool:
        hit = self._cache.get(word)
        if hit is None:
            hit = bool(self._load().lookup(word))
            self._cache[word] = hit
        return hit

    def zipf(self, word: str) -> float:
        return 3.0 if self.is_word(word) else 0.0

    def parts(self) -> frozenset[str]:
        if self._parts is None:
            stems = {w.stem.lower() for w in self._load().dic.words}
            self._parts = frozenset(s for s in stems if len(s) >= DICT_MIN_PART and s.isalpha())
        return self._parts


# The registry, same style as `cardscan.ocr.READERS` and the embedders: name → class; add a backend here.
DICTIONARIES: dict[str, type[GermanDictionary]] = {"wordfreq": WordfreqDictionary, "hunspell": HunspellDictionary}
DEFAULT_DICTIONARY = "wordfreq"


@lru_cache(maxsize=4)
def get_dictionary(name: str) -> GermanDictionary:
    """One shared, lazily loaded instance per backend name ("wordfreq", "hunspell")."""
    from cardscan.exceptions import BadConfig

    try:
        return DICTIONARIES[name]()
    except KeyError:
        raise BadConfig(f"Wörterbuch '{name}' unbekannt (möglich: {', '.join(DICTIONARIES)})") from None
