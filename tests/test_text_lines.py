"""The one line-grouping rule (`cardscan.text_lines`) that card crops, whiteboards and board headings share."""
from __future__ import annotations

from cardscan.text_lines import LineBox, group_lines


def upright(word):
    return LineBox.upright(*word[1:])


def texts(lines):
    return [[item[0] for item in line] for line in lines]


def test_words_found_apart_are_rebuilt_top_to_bottom_left_to_right():
    words = [("b", 120, 12, 40, 20), ("c", 10, 60, 40, 22), ("a", 10, 10, 40, 20), ("d", 70, 64, 30, 18)]
    assert texts(group_lines(words, upright)) == [["a", "b"], ["c", "d"]]


def test_slanted_lines_whose_upright_boxes_overlap_stay_apart():
    """Handwriting on a note slopes: the upright box of a slanted line overlaps the line above by half
    a line, and by heights alone the two became one ("LIGHT BULBS LED")."""
    led = LineBox.from_corners([(0, 30), (40, 30), (40, 50), (0, 50)])
    bulbs = LineBox.from_corners([(0, 40), (120, 70), (120, 90), (0, 60)])  # falls 30 px over its width
    assert min(led.bottom, bulbs.bottom) - max(led.top, bulbs.top) >= 0.5 * (led.bottom - led.top)
    lines = group_lines([("LIGHT BULBS", bulbs), ("LED", led)], lambda it: it[1])
    assert texts(lines) == [["LED"], ["LIGHT BULBS"]]


def test_a_tilted_line_found_in_two_boxes_is_one_line():
    first = LineBox.from_corners([(0, 0), (100, 15), (100, 35), (0, 20)])
    second = LineBox.from_corners([(110, 16), (200, 30), (200, 50), (110, 36)])
    lower = LineBox.from_corners([(0, 60), (100, 75), (100, 95), (0, 80)])
    lines = group_lines([("b", second), ("c", lower), ("a", first)], lambda it: it[1])
    assert texts(lines) == [["a", "b"], ["c"]]


def test_a_wide_gap_parts_two_headings_on_one_row_only_when_asked():
    """On a card everything on one line belongs together; on a board two headings can share a row."""
    words = [("LATER", 0, 0, 100, 40), ("TODAY", 400, 2, 100, 40), ("DONE", 530, 0, 90, 40)]
    assert texts(group_lines(words, upright)) == [["LATER", "TODAY", "DONE"]]
    assert texts(group_lines(words, upright, max_gap=0.75)) == [["LATER"], ["TODAY", "DONE"]]


def test_nothing_in_nothing_out():
    assert group_lines([], upright) == []
    assert group_lines([], upright, max_gap=1.0) == []
