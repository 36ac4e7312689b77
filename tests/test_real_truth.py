"""The hand-made ground truth of real photos (bench/data/real/*.truth.json) stays well-formed.

Why: the real-photo figures of issues 15 and 17 are only as good as these files, and they are edited by
hand. CI has no photos (they are not committed), so the photo-size check is skipped for absent
photos; everything else annotate_tools.py check looks at must hold for every file, above all that a
photo added after the first batch sits on the side split_by_rule puts it, so nobody can move a
photo to the side where it scores better.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "bench" / "data" / "real"


def _tools():
    spec = importlib.util.spec_from_file_location("annotate_tools", REAL / "annotate_tools.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while the class is made
    spec.loader.exec_module(module)
    return module


def _split_rule():
    sys.path.insert(0, str(ROOT / "bench"))
    from _real import board_group, split_by_rule

    return board_group, split_by_rule


def test_every_truth_file_passes_the_annotation_checks(tmp_path):
    tools = _tools()
    files = sorted(REAL.glob("*.truth.json"))
    assert len(files) >= 55
    problems = [f"{p.file}: {p.what}" for path in files for p in tools.check_file(path, tmp_path)
                if "not found (size not checked)" not in p.what]
    assert problems == []


def test_the_truth_holds_enough_notes_on_each_side_and_german_writing_held_out():
    cards = {"dev": 0, "heldout": 0}
    german_heldout = False
    for path in REAL.glob("*.truth.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        cards[truth["split"]] += sum(card["whole"] for card in truth["cards"])
        german_heldout |= truth["split"] == "heldout" and any(
            "ä" in (c["text"] or "") or "ü" in (c["text"] or "") for c in truth["cards"])
    assert cards["dev"] >= 780 and cards["heldout"] >= 580
    assert german_heldout


def test_views_of_one_board_share_a_group_and_so_a_split():
    board_group, split_by_rule = _split_rule()
    assert board_group("seblexis-door-3.jpg") == board_group("seblexis-door-2.jpg") == "seblexis-door"
    assert board_group("thkoeln-verlaufsplan-5.jpg") == "thkoeln-verlaufsplan"
    assert board_group("lallement-blue.png") == "lallement-blue"
    assert split_by_rule("meierkoch-storymap-1.jpg") == split_by_rule("meierkoch-storymap-2.jpg")
    assert board_group("annemijn-retro-2.jpg") == "annemijn-retro"
    assert split_by_rule("annemijn-retro-1.jpg") == split_by_rule("annemijn-retro-2.jpg")


def test_the_check_reports_a_broken_truth_file(tmp_path):
    """Each fault written into a generated file is named, so the check above could fail."""
    tools = _tools()
    _, split_by_rule = _split_rule()
    image = "madeup-board-1.jpg"
    wrong_side = "dev" if split_by_rule(image) == "heldout" else "heldout"
    truth = {
        "image": image, "width": 100, "height": 80, "source": "generated", "licence": "none",
        "split": wrong_side, "tier": "real", "board": "wall", "light": "neutral", "headings": [],
        "cards": [
            {"id": "01", "text": "a", "colour": "gelb", "whole": True, "cluster": None,
             "polygon": [[10, 10], [40, 40], [40, 10], [10, 40]]},  # crossed
            {"id": "01", "text": "b", "colour": "mauve", "whole": True, "cluster": "Ideen",
             "polygon": [[50, 10], [99, 10], [120, 60], [50, 60]]},  # outside, unknown colour, no such heading
        ],
    }
    path = tmp_path / "madeup-board-1.truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    found = " | ".join(p.what for p in tools.check_file(path, tmp_path))
    for fault in ("not convex or not clockwise", "outside the image", "card ids repeat", "not in the palette",
                  "is no heading", "split_by_rule says"):
        assert fault in found


def test_the_chroma_seed_finds_pale_notes_the_saturation_seed_misses(tmp_path):
    """Why the chroma channel exists: pale blue notes on a white board (nrw-permissions-1) are too pale
    for the saturation threshold. A generated board with two such notes shows both sides."""
    import numpy as np
    from PIL import Image

    tools = _tools()
    board = np.full((400, 600, 3), (236, 238, 240), np.uint8)  # white flipchart paper
    board[80:230, 60:210] = (196, 222, 232)  # pale blue note (saturation about 40)
    board[120:270, 330:480] = (200, 224, 236)
    photo = tmp_path / "pale.png"
    Image.fromarray(board).save(photo)
    assert tools.seed(photo, "saturation") == []
    found = tools.seed(photo, "chroma", chroma_min=10.0)
    assert len(found) == 2
    xs = sorted(min(x for x, _ in s["polygon"]) for s in found)
    assert abs(xs[0] - 60) <= 4 and abs(xs[1] - 330) <= 4
