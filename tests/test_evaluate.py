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


def test_structure_scores_clusters_by_best_mapping_headings_by_cer_and_votes_exactly():
    from cardscan.evaluate import StructureEvaluation, cluster_agreement, structure_report
    from cardscan.workshop import Heading

    squares = [[[x, 0], [x + 10, 0], [x + 10, 10], [x, 10]] for x in (0, 20, 40, 60)]
    truth = {"image": "b.jpg", "tier": "easy", "headings": [
        {"text": "LATER", "polygon": [[0, -20], [30, -20], [30, -12], [0, -12]]},
        {"text": "DONE", "polygon": [[40, -20], [70, -20], [70, -12], [40, -12]]}],
        "cards": [{"text": "a", "polygon": q, "cluster": c, "votes": v}
                  for q, c, v in zip(squares, ["LATER", "LATER", "DONE", "DONE"], [0, 2, 0, 1])]}
    cards = [Card(f"b-0{i}", "b.jpg", [tuple(p) for p in q], cluster=c, votes=v)
             for i, (q, c, v) in enumerate(zip(squares, ["Cluster 1", "Cluster 1", "Cluster 1", "Cluster 2"],
                                               [0, 2, 1, 1]))]
    scan = Scan("b.jpg", 100, 100, cards, headings=[Heading("b-h01", [(1, -21), (28, -21), (28, -11), (1, -11)],
                                                            "LATER", "LATFR")])
    r = StructureEvaluation().add_photo(scan, truth).rates()
    assert r["cluster_accuracy"] == 0.75  # names need not match: Cluster 1 -> LATER, Cluster 2 -> DONE
    assert r["votes_exact"] == 0.75 and (r["true_votes"], r["predicted_votes"]) == (3, 4)
    assert r["headings_found"] == 1 and r["heading_cer"] == pytest.approx((1 + 4) / 9)  # DONE missed: all 4 wrong
    assert cluster_agreement(["a", "a", "b"], ["x", "x", "x"]) == 2
    assert structure_report([scan], {"b.jpg": {"image": "b.jpg", "cards": []}}) is None
