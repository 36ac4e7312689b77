"""Writing outputs all or nothing (cardscan._files): one helper for every output file."""
from __future__ import annotations

import os

import pytest

from cardscan._files import has_readable_name, readable_path, replace_together, write_files_atomic


def test_a_set_of_files_is_written_together_or_not_at_all(tmp_path):
    a, b = tmp_path / "minutes.md", tmp_path / "cards.csv"
    write_files_atomic({a: "alt\n", b: "alt;csv\n"})

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with replace_together(a, b) as (ta, tb):
            ta.write_text("neu\n", encoding="utf-8")
            raise Boom  # the second file never got written
    assert a.read_text() == "alt\n" and b.read_text() == "alt;csv\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.csv", "minutes.md"]  # no temporaries left


def test_text_that_cannot_be_encoded_leaves_the_old_set(tmp_path):
    a, b = tmp_path / "minutes.md", tmp_path / "cards.json"
    write_files_atomic({a: "alt", b: "{}"})
    with pytest.raises(UnicodeEncodeError):
        write_files_atomic({a: "gut", b: "kaputt \udcfc"})
    assert a.read_text() == "alt" and b.read_text() == "{}"


def test_readable_path_turns_undecodable_bytes_into_replacement_characters(tmp_path):
    name = os.fsdecode(b"m\xfcll.jpg")
    assert not has_readable_name(tmp_path / name) and has_readable_name(tmp_path / "müll.jpg")
    text = readable_path(tmp_path / name)
    assert text.endswith("m\ufffdll.jpg")
    text.encode("utf-8")


def test_no_module_writes_its_own_temporary_file_and_rename():
    """Every temp-and-rename goes through _files (issue 16: five copies had drifted apart)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "cardscan"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "_files.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.replace\(|\.part\b|\.part\"|mkstemp\(", text):
            offenders.append(path.relative_to(root).as_posix())
    assert offenders == [] or set(offenders) <= ALLOWED_ELSEWHERE, offenders


# The web page's upload moves a file it has already written and checked into place (a rename, no write).
ALLOWED_ELSEWHERE: set[str] = {"web/uploads.py"}
