"""Word-pair (bigram) counts of ordinary German text, for slips that happen to be words.

Why: "mir Quartieren" (for "mit"), "bei er Vermittlung" (for "der"), "Wet übernimmt" (for "Wer"): each
token alone is a word or close to several, only its neighbours tell which was meant. The word
frequencies of `cardscan.dictionary` know no neighbours, so this module counts word pairs.

Where the text comes from (nothing downloaded, nothing of the workshops' own texts, so no bench line is
learnt by heart): German text that Debian packages ship as plain files, the aphorisms, quotations and
proverbs of `fortunes-de` and the German manual pages of `manpages-de` (about 1.3 million words; both
GPL, only counts are kept, nothing is redistributed). Old spelling is counted as reformed ("daß" →
"dass"). The counts are built on first use (two to three seconds) and kept for the process; without
the packages `PairCounts.available` is False and context decides nothing.
"""
from __future__ import annotations

import gzip
import os
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from cardscan._files import write_bytes_atomic
from cardscan.wordlists import REFORMED_SPELLING

__all__ = ["PairCounts", "DEBIAN_TEXTS", "BOUNDARY"]

DEBIAN_TEXTS = (Path("/usr/share/games/fortunes/de"), Path("/usr/share/man/de"))
CACHE_VERSION = "cardscan-pairs-3"
MIN_PAIR_COUNT = 3  # pairs seen once or twice are most pairs, and mostly chance (2: 74 MB, 3: 53 MB, dev figures alike)
BOUNDARY = "<s>"  # a sentence's start and end: "Wer übernimmt" starts sentences, "Wet" never
_SKIP_FORTUNES = frozenset({"asciiart"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE = re.compile(r"[.!?;:()\[\]\"„“”]+|\n\s*\n|\n%\n|\s--\s")
_TROFF = re.compile(r"\\f[A-Z\[\]()0-9]*|\\\(..|\\\*\(..|\\\*.|\\[-&e|^ ]|\\s[-+]?\d")


class PairCounts:
    """Counts of words and adjacent word pairs (lower case), with `BOUNDARY` at sentence ends."""

    def __init__(self, sentences: Iterable[list[str]] | None = None):
        self.words: dict[str, int] = {}
        self.pairs: dict[str, int] = {}
        self.followers: dict[str, int] = {}  # how many different words follow a word (Witten-Bell)
        self.total = 0
        if sentences is not None:
            self.add(sentences)

    @property
    def available(self) -> bool:
        return self.total > 0

    def add(self, sentences: Iterable[list[str]]) -> None:
        words, pairs = self.words, self.pairs
        for sentence in sentences:
            seq = [BOUNDARY, *sentence, BOUNDARY]
            for w in sentence:
                words[w] = words.get(w, 0) + 1
            for a, b in zip(seq, seq[1:]):
                key = f"{a} {b}"
                pairs[key] = pairs.get(key, 0) + 1
            self.total += len(sentence)
            words[BOUNDARY] = words.get(BOUNDARY, 0) + 1

    def pair(self, a: str, b: str) -> int:
        return self.pairs.get(f"{a} {b}", 0)

    def word(self, w: str) -> int:
        return self.words.get(w, 0)

    _shared: PairCounts | None = None
    _lock = threading.Lock()

    @classmethod
    def shared(cls) -> PairCounts:
        """The counts of the Debian texts, once per process: read from the user's cache, or built from the
        texts (seconds) and cached; empty when the packages are missing."""
        if cls._shared is None:
            with cls._lock:
                if cls._shared is None:
                    cache = cache_file()
                    counts = cls.read(cache) if cache.is_file() else None
                    if counts is None:
                        counts = cls(sentences_of(debian_texts()))
                        counts.prune(MIN_PAIR_COUNT)
                        if counts.available:
                            counts.write(cache)
                    cls._shared = counts
        return cls._shared

    def write(self, path: Path) -> None:
        """As gzip'd text: "total", then one "word<TAB>count" or "word word<TAB>count" a line (best effort:
        an unwritable cache only costs the next process the build)."""
        lines = [f"{CACHE_VERSION}\t{self.total}"]
        lines += [f"{w}\t{n}\t{self.followers.get(w, 0)}" for w, n in self.words.items()]
        lines += [f"{k}\t{n}" for k, n in self.pairs.items()]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, gzip.compress("\n".join(lines).encode("utf-8"), compresslevel=5))
        except OSError:
            pass

    @classmethod
    def read(cls, path: Path) -> PairCounts | None:
        try:
            lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            return None
        head = lines[0].split("\t")
        if head[0] != CACHE_VERSION:
            return None
        counts = cls()
        counts.total = int(head[1])
        for line in lines[1:]:
            cols = line.split("\t")
            if " " in cols[0]:
                counts.pairs[cols[0]] = int(cols[1])
            else:
                counts.words[cols[0]] = int(cols[1])
                counts.followers[cols[0]] = int(cols[2])
        return counts

    def prune(self, min_count: int) -> None:
        """Drop pairs seen fewer than `min_count` times (memory: most pairs are seen once); how many
        different words follow each word is counted before."""
        followers: dict[str, int] = {}
        for key in self.pairs:
            first = key.split(" ", 1)[0]
            followers[first] = followers.get(first, 0) + 1
        self.followers = followers
        self.pairs = {k: v for k, v in self.pairs.items() if v >= min_count}

    def distinct_followers(self, w: str) -> int:
        return self.followers.get(w, 0) if self.followers else len({k for k in self.pairs if k.startswith(w + " ")})


def cache_file() -> Path:
    """The built counts, in the user's cache folder ($XDG_CACHE_HOME/cardscan, default ~/.cache/cardscan)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cardscan" / "pairs-de.tsv.gz"


def debian_texts(roots: Iterable[Path] = DEBIAN_TEXTS) -> Iterator[str]:
    """The plain text of every fortune file and German manual page found under `roots`."""
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix in (".dat", ".u8") or path.name in _SKIP_FORTUNES:
                continue
            try:
                raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
                text = raw.decode("utf-8")
            except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
                continue
            yield _man_text(text) if path.suffix == ".gz" else text


def _man_text(troff: str) -> str:
    """A manual page's words: request lines dropped, font and character escapes removed."""
    lines = []
    for line in troff.splitlines():
        if line.startswith((".", "'")):
            lines.append("") if line.startswith((".PP", ".SH", ".TP", ".IP", ".P", ".LP")) else None
            continue
        lines.append(_TROFF.sub("", line))
    return "\n".join(lines)


def sentences_of(texts: Iterable[str]) -> Iterator[list[str]]:
    """Each text's sentences as lists of lower-case words in reformed spelling."""
    for text in texts:
        for chunk in _SENTENCE.split(text):
            words = [REFORMED_SPELLING.get(w, w) for w in (m.group(0).lower() for m in _WORD.finditer(chunk))]
            if words:
                yield words
