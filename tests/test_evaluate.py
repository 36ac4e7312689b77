import pytest

from cardscan.evaluate import Evaluation, char_errors, match, polygon_iou, word_errors
from cardscan.workshop import Card, Scan

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]


def test_iou_of_identical_shifted_and_disjoint_squares():
    assert polygon_iou(SQUARE, SQUARE) == pytest.approx(1.0)
    assert polygon_iou(SQUARE, [[5, 0], [15, 0], [15, 10], [5, 10]]) == pytest.approx(50 / 150)
    assert polygon_iou(SQUARE, [[20, 20], [30, 20], [30, 30], [20, 30]]) == 0.0


def test_matching_is_one_to_one_best_first():
    preds = [[[1, 0], [11, 0], [11, 10], [1, 10]], SQUARE]
    assert sorted(match(preds, [SQUARE])) == [(1, 0, pytest.approx(1.0))]


def test_text_errors_ignore_line_layout():
    assert char_errors("Mehr\nGeld", "Mehr Geld") == 0
    assert char_errors("Mehr Gcld", "Mehr Geld") == 1
    assert word_errors("Mehr Gcld für", "Mehr Geld für") == 1


def test_evaluation_counts_misses_false_positives_colour_and_cer():
    truth = {"tier": "easy", "cards": [
        {"text": "Mehr Geld", "colour": "gelb", "polygon": SQUARE, "font": "f1"},
        {"text": "Fahrplan", "colour": "rot", "polygon": [[50, 50], [60, 50], [60, 60], [50, 60]], "font": "f2"}]}
    scan = Scan("b.jpg", 100, 100, [
        Card("b-01", "b.jpg", [tuple(p) for p in SQUARE], "gelb", raw_text="Mehr Gcld"),
        Card("b-02", "b.jpg", [(80, 80), (90, 80), (90, 90), (80, 90)], "rot", raw_text="Phantom")])
    ev = Evaluation()
    ev.add_photo(scan, truth)
    r = ev.report()
    assert r["overall"]["precision"] == 0.5 and r["overall"]["recall"] == 0.5
    assert r["overall"]["colour_accuracy"] == 1.0
    assert r["overall"]["cer"] == pytest.approx(1 / 9)
    assert r["overall"]["cer_incl_missed"] == pytest.approx((1 + 8) / (9 + 8))
    assert r["font"]["f2"]["recall"] == 0.0 and r["font"]["f1"]["recall"] == 1.0
    assert r["tier"]["easy"]["precision"] == 0.5
