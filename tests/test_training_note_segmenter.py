"""The segmenter's run-time half (training/note_segmenter.py, tried and not wired in): from probability maps to note outlines, and what it adds to others.

The net itself is trained by training/train_segmenter.py; here its maps are drawn from known notes, so
the tests pin the decoding (cores -> outlines in photo pixels, touching notes apart, specks dropped)
and extra_notes (only notes that overlap nothing already found)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from cardscan.evaluate import match

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))  # tried, not in the package
from note_segmenter import CORE_SCALE, NoteSegmenter, SegmentedNote, extra_notes, target_masks  # noqa: E402


def _maps(polygons, shape):
    """Note and core maps as a perfect net would draw them (the training targets' rule)."""
    note, core = target_masks(polygons, shape).astype(np.float32)
    return note * 0.96 + 0.02, core * 0.96 + 0.02


class _Perfect(NoteSegmenter):
    """A segmenter whose net sees the truth: the photo is 2x the net's size."""

    def __init__(self, polygons, shape, **kw):
        super().__init__("unused.onnx", **kw)
        self.polygons, self.shape = polygons, shape

    def probabilities(self, rgb):
        scaled = [np.asarray(p, np.float32) / 2 for p in self.polygons]
        note, core = _maps(scaled, self.shape)
        return note, core, 0.5


def test_touching_notes_come_out_one_by_one_in_photo_pixels():
    # a 3 x 2 grid of 80 px notes edge to edge (no gap), one note turned by 20 degrees beside them
    grid = [[(40 + 80 * i, 40 + 80 * j), (120 + 80 * i, 40 + 80 * j), (120 + 80 * i, 120 + 80 * j),
             (40 + 80 * i, 120 + 80 * j)] for i in range(3) for j in range(2)]
    a = np.deg2rad(20)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    turned = (np.array([[-40, -40], [40, -40], [40, 40], [-40, 40]]) @ rot.T + [400, 150]).tolist()
    truth = [[(2 * x, 2 * y) for x, y in p] for p in grid + [turned]]
    seg = _Perfect(truth, (300, 520))
    found = seg.find(np.zeros((600, 1040, 3), np.uint8))
    assert len(found) == 7
    pairs = match([n.polygon for n in found], truth, min_iou=0.8)
    assert len(pairs) == 7
    assert all(n.score > 0.9 for n in found)


def test_specks_and_faint_cores_are_no_notes():
    seg = _Perfect([[(10, 10), (20, 10), (20, 20), (10, 20)]], (100, 100))  # a 5 px core at net size
    assert seg.find(np.zeros((200, 200, 3), np.uint8)) == []
    weak = _Perfect([[(40, 40), (160, 40), (160, 160), (40, 160)]], (100, 100), min_score=0.99)
    assert weak.find(np.zeros((200, 200, 3), np.uint8)) == []


def test_extra_notes_keeps_only_what_overlaps_nothing_found():
    square = lambda x, y, s=50: ((x, y), (x + s, y), (x + s, y + s), (x, y + s))  # noqa: E731
    segmented = [SegmentedNote(square(0, 0), 0.9), SegmentedNote(square(200, 0), 0.9),
                 SegmentedNote(square(400, 0), 0.9)]
    found = [square(5, 5), [[380, 0], [415, 0], [415, 50], [380, 50]]]  # covers the first, 30 % of the third
    kept = extra_notes(segmented, found, near=None, max_turn=None)
    assert [n.polygon[0] for n in kept] == [(200, 0)]
    assert len(extra_notes(segmented, found, max_overlap=0.5, near=None)) == 2


def test_extra_notes_far_from_the_boards_note_size_are_dropped():
    square = lambda x, y, s=50: ((x, y), (x + s, y), (x + s, y + s), (x, y + s))  # noqa: E731
    found = [square(0, 0), square(60, 0), square(120, 0, 60)]
    lamp, note, speck = SegmentedNote(square(300, 0, 150), 0.9), SegmentedNote(square(500, 0), 0.9), \
        SegmentedNote(square(600, 0, 20), 0.9)
    assert extra_notes([lamp, note, speck], found, near=None) == [note]
    assert len(extra_notes([lamp, note, speck], found, size_range=None, near=None)) == 3


def test_extra_notes_stay_among_the_found_ones_turned_like_them_and_inside_the_photo():
    square = lambda x, y, s=50: ((x, y), (x + s, y), (x + s, y + s), (x, y + s))  # noqa: E731
    found = [square(100, 100), square(160, 100)]
    beside, far = SegmentedNote(square(220, 100), 0.9), SegmentedNote(square(600, 600), 0.9)
    diamond = SegmentedNote(((245, 190), (280, 225), (245, 260), (210, 225)), 0.9)
    cut = SegmentedNote(square(0, 100), 0.9)
    notes = [beside, far, diamond, cut]
    assert extra_notes(notes, found, near=2.5, max_turn=15, shape=(800, 800)) == [beside]
    assert extra_notes(notes, found, near=2.5, max_turn=None, shape=(800, 800)) == [beside, diamond]
    assert extra_notes(notes, found, near=2.5, max_turn=None) == [beside, diamond, cut]


def test_an_added_note_must_differ_in_colour_from_what_lies_around_it():
    # a white board; a pale yellow note at (100, 100), marker writing (thin dark strokes) at (300, 100)
    rgb = np.full((400, 500, 3), 235, np.uint8)
    rgb[100:160, 100:160] = (240, 232, 170)
    rgb[110:150:8, 300:360] = 30
    square = lambda x, y, s=60: ((x, y), (x + s, y), (x + s, y + s), (x, y + s))  # noqa: E731
    found = [square(180, 100), square(380, 100)]
    note, writing = SegmentedNote(square(100, 100), 0.9), SegmentedNote(square(300, 100), 0.9)
    assert extra_notes([note, writing], found, rgb=rgb) == [note]
    assert extra_notes([note, writing], found) == [note, writing]


def test_a_missing_model_file_is_named_when_first_used(tmp_path):
    seg = NoteSegmenter(tmp_path / "none.onnx")
    with pytest.raises(Exception, match="none.onnx"):
        seg.find(np.zeros((64, 64, 3), np.uint8))

