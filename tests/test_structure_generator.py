"""Generated boards with structure: headings, clusters and dots in the truth match what is drawn."""
import numpy as np
import pytest

from samples.generate import render_board


def test_board_without_structure_is_unchanged_by_the_hook():
    a, ta = render_board(5, "easy", size=(800, 600), n_cards=6)
    b, tb = render_board(5, "easy", size=(800, 600), n_cards=6, structure=None)
    assert np.array_equal(a, b) and ta == tb and "headings" not in ta


@pytest.mark.parametrize("structure,board", [("columns", "white"), ("clusters", "cork"), ("mixed", "white")])
def test_structured_truth_has_headings_clusters_and_votes(structure, board):
    rgb, truth = render_board(3, "easy", size=(1200, 900), structure=structure, board=board)
    names = truth["clusters"]
    assert len(names) >= 2 and len(set(names)) == len(names)
    assert {h["text"] for h in truth["headings"]} == set(names)  # every cluster has its heading here
    assert {c["cluster"] for c in truth["cards"]} <= set(names)
    assert all(c["votes"] == len(c["vote_colours"]) for c in truth["cards"])
    assert sum(c["votes"] for c in truth["cards"]) == truth["votes"]["total"] > 0
    for h in truth["headings"]:
        poly = np.array(h["polygon"])
        assert poly.shape == (4, 2) and (poly >= -1).all() and (poly[:, 0] <= 1201).all()
        if h["kind"] == "marker":  # marker ink is drawn inside its box: darker than the board around it
            x0, y0 = poly.min(0).astype(int)
            x1, y1 = poly.max(0).astype(int)
            inside = rgb[y0:y1, x0:x1].mean(axis=2)
            assert inside.min() < np.median(rgb.mean(axis=2)) - 60
    if structure == "clusters":  # heading cards on a pinboard, with a legend colour of their own
        assert {h["kind"] for h in truth["headings"]} == {"card"} and truth["legend"].endswith("=Überschrift")


def test_outlines_boards_draw_a_loop_around_each_cluster_and_no_headings():
    import cv2

    rgb, truth = render_board(4, "easy", size=(1200, 900), structure="outlines", board="grey")
    assert truth["headings"] == [] and len(truth["outlines"]) == len(truth["clusters"]) >= 2
    for outline in truth["outlines"]:
        poly = np.array(outline["polygon"], np.float32)
        members = [c for c in truth["cards"] if c["cluster"] == outline["cluster"]]
        assert members and all(cv2.pointPolygonTest(poly, tuple(np.mean(c["polygon"], axis=0)), False) > 0
                               for c in members)  # the loop holds its cluster's cards ...
        others = [c for c in truth["cards"] if c["cluster"] != outline["cluster"]]
        assert not any(cv2.pointPolygonTest(poly, tuple(np.mean(c["polygon"], axis=0)), False) > 0 for c in others)
        x0, y0 = poly.min(0).astype(int)
        edge = rgb[y0 - 3:y0 + 6, (x0 + poly.max(0)[0].astype(int)) // 2].mean(axis=1)
        assert edge.min() < np.median(rgb.mean(axis=2)) - 25  # ... and its ink is drawn along the top
