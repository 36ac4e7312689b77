"""Files people's work lives in are replaced, never half written; names are shown as people can read them.

One helper, `replace_together`, is the only place in cardscan that writes a temporary file and renames
it over the target: minutes (minutes.md, cards.csv, cards.json), corpus exports, learned lexicons and
theme models, web jobs and crops all go through it (directly or via `write_text_atomic` /
`write_files_atomic`). Why all temporaries first and the renames last: a set of outputs (the minutes
and their CSV/JSON) must not disagree after a failure half way, so nothing is renamed until every
file has been written and flushed; a crash leaves the old set or the new one (a crash *between*
renames is the only window, and renames are a few microseconds).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replace_together(*targets: str | Path) -> Iterator[list[Path]]:
    """Yield one temporary path beside each target; on leaving the block, flush each to disk and
    rename them all over their targets. On any error the temporaries are removed and the targets
    are untouched. Callers write the temporaries however they like (text, joblib, Pillow)."""
    paths = [Path(t) for t in targets]
    temps: list[Path] = []
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps.append(Path(tmp))
        yield list(temps)
        for tmp in temps:
            _fsync(tmp)
        for tmp, path in zip(temps, paths):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise


def write_files_atomic(files: Mapping[str | Path, str | bytes]) -> None:
    """Write several files as one set: all temporaries first, then all renames (text is UTF-8)."""
    items = list(files.items())
    with replace_together(*(path for path, _ in items)) as temps:
        for tmp, (_, content) in zip(temps, items):
            if isinstance(content, bytes):
                tmp.write_bytes(content)
            else:
                tmp.write_text(content, encoding="utf-8")


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write next to the target, flush to disk and rename over it: a crash leaves the old file or the new one."""
    write_files_atomic({path: text})


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    write_files_atomic({path: data})


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def readable_path(path: str | Path) -> str:
    """A path as text that can be printed and written to UTF-8 files.

    Linux file names are bytes; Python keeps bytes that are not UTF-8 as lone surrogates, which
    crash every UTF-8 writer (minutes.md, SQLite, JSON). They are shown as U+FFFD instead.
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "replace")
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def has_readable_name(path: str | Path) -> bool:
    """True when the file's name is valid UTF-8 (so card ids, minutes and the corpus can hold it)."""
    name = Path(path).name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
