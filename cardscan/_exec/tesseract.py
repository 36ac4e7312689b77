"""The one place that runs the `tesseract` program.

Why a batch call: loading the German LSTM model costs ~0.2 s per process, longer than reading
one small card. Tesseract reads a *list file* of images as pages of one document, so a whole
photo's cards cost one process start. We ask for TSV output, which carries per-word
confidence and boxes, and split it back into one word list per image.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from cardscan.exceptions import MissingTesseract, OcrFailed
from cardscan.ocr.base import Word


@functools.lru_cache(maxsize=1)
def executable() -> str:
    found = shutil.which(os.environ.get("CARDSCAN_TESSERACT", "tesseract"))
    if not found:
        raise MissingTesseract("Programm 'tesseract' nicht im PATH")
    return found


@functools.lru_cache(maxsize=1)
def version() -> str:
    out = subprocess.run([executable(), "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split()[-1] if first else "unknown"


@functools.lru_cache(maxsize=8)
def check_language(lang: str = "deu") -> None:
    """Raise MissingTesseract unless every language in `lang` ("deu+eng") is installed."""
    out = subprocess.run([executable(), "--list-langs"], capture_output=True, text=True, check=False)
    have = {line.strip() for line in (out.stdout + out.stderr).splitlines()[1:]}
    missing = [code for code in lang.split("+") if code not in have]
    if missing:
        raise MissingTesseract(f"Sprachdaten fehlen: {', '.join(missing)}")


def recognise_files(images: list[Path], *, lang: str = "deu", psm: int = 6,
                    user_words: Path | None = None, extra_config: dict[str, str] | None = None,
                    timeout: float = 600) -> list[list[Word]]:
    """OCR image files in one tesseract process; return one list of words per image, in order."""
    if not images:
        return []
    check_language(lang)
    with tempfile.TemporaryDirectory(prefix="cardscan-tess-") as tmp:
        listfile = Path(tmp) / "pages.txt"
        listfile.write_text("\n".join(str(p) for p in images) + "\n", encoding="utf-8")
        cmd = [executable(), str(listfile), "stdout", "-l", lang, "--psm", str(psm)]
        if user_words is not None:
            cmd += ["--user-words", str(user_words)]
        for key, value in (extra_config or {}).items():
            cmd += ["-c", f"{key}={value}"]
        cmd.append("tsv")
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # we parallelise over photos ourselves
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise OcrFailed(f"Texterkennung (tesseract) ist fehlgeschlagen: {proc.stderr.strip()[:200]}")
    return _parse_tsv(proc.stdout, len(images))


def read_plain(image: Path, *, lang: str = "deu", timeout: float = 120) -> str:
    """`tesseract IMAGE stdout -l LANG` with default settings: the baseline a user would run by hand."""
    cmd = [executable(), str(image), "stdout", "-l", lang]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise OcrFailed(f"Texterkennung (tesseract) ist fehlgeschlagen: {proc.stderr.strip()[:200]}")
    return proc.stdout


def _parse_tsv(tsv: str, n_pages: int) -> list[list[Word]]:
    pages: list[list[Word]] = [[] for _ in range(n_pages)]
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5 = word
            continue
        text = cols[11].strip()
        conf = float(cols[10])
        if not text or conf < 0:
            continue
        page = int(cols[1]) - 1
        if 0 <= page < n_pages:
            pages[page].append(Word(text=text, confidence=conf / 100.0, left=int(cols[6]), top=int(cols[7]),
                                    width=int(cols[8]), height=int(cols[9]), block=int(cols[2]),
                                    paragraph=int(cols[3]), line=int(cols[4])))
    return pages
