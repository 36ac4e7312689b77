"""Counting themes against a person's labels: names matched fairly, folded minutes scored three ways."""
from __future__ import annotations

import pytest

from cardscan.themes import FOLDED, OTHER, FoldingScores, folding_scores, theme_accuracy
from cardscan.themes.scoring import single_mentions, theme_matches

CATALOGUE = {"Finanzierung", "Beteiligung", "Ankerorte"}


def test_catalogue_names_must_match_and_discovered_ones_are_matched_one_to_one():
    gold = ["Finanzierung", "Finanzierung", "Gärten", "Gärten", "Sport"]
    pred = ["Finanzierung", "Beteiligung", "cluster 1", "cluster 1", "cluster 2"]
    assert theme_matches(gold, pred, CATALOGUE) == [True, False, True, True, True]
    assert theme_accuracy(gold, pred, CATALOGUE) == pytest.approx(0.8)
    # a catalogue name is never matched to another person's name, even when it would fit best
    assert theme_accuracy(["Gärten"], ["Beteiligung"], CATALOGUE) == 0.0


def test_weitere_nennungen_is_never_taken_for_a_theme_of_the_person():
    # "Gärten" is no catalogue name: a free label would be matched to it, FOLDED must not be
    gold = ["Gärten", "Gärten", "Finanzierung"]
    assert theme_accuracy(gold, [FOLDED, FOLDED, "Finanzierung"], CATALOGUE) == pytest.approx(1 / 3)
    # ... but it is right where the labels it is compared with say FOLDED too (the person's minutes)
    assert theme_accuracy([FOLDED, "Finanzierung"], [FOLDED, "Finanzierung"], CATALOGUE) == 1.0
    assert theme_accuracy(["Finanzierung"], [None], CATALOGUE) == 0.0 and theme_accuracy([], [], CATALOGUE) == 0.0


def test_single_mentions_share_a_group_with_no_other_card():
    assert single_mentions(["A", FOLDED, FOLDED, None]) == ["A", f"{FOLDED} 1", f"{FOLDED} 2", f"{FOLDED} 3"]


def test_folded_minutes_are_scored_strictly_as_shown_and_against_the_ceiling():
    # the person: two big themes and three single cards; the model is right on every card
    gold = ["Finanzierung"] * 4 + ["Beteiligung"] * 3 + ["Ankerorte", "Gärten", OTHER]
    scores = folding_scores(gold, list(gold), max_themes=2, fixed=CATALOGUE)
    assert isinstance(scores, FoldingScores)
    assert scores.themes_shown == 2 and scores.folded_cards == 2 and scores.folded_right == 2
    assert scores.accuracy == pytest.approx(0.8)  # strict: the two folded cards count wrong ("Sonstiges" is right)
    assert scores.ceiling == pytest.approx(0.8)  # the person's own labels, folded the same way, do no better
    assert scores.shown_accuracy == 1.0  # the minutes print every folded card's own theme beside it
    assert scores.ari_single_mentions == pytest.approx(scores.ari_unfolded)  # single cards were singles already


def test_folding_a_wrong_theme_costs_nothing_strictly_and_a_right_one_costs_grouping():
    gold = ["Finanzierung"] * 3 + ["Beteiligung"] * 3 + ["Ankerorte"] * 2
    own = ["Finanzierung"] * 3 + ["Beteiligung"] * 3 + ["Finanzierung", "Beteiligung"]  # the pair went astray
    wrong_pair = folding_scores(gold, own, max_themes=2, fixed=CATALOGUE)
    assert wrong_pair.folded_cards == 0 and wrong_pair.accuracy == wrong_pair.shown_accuracy == 0.75
    right_pair = folding_scores(gold, list(gold), max_themes=2, fixed=CATALOGUE)
    assert right_pair.folded_cards == 2 and right_pair.folded_right == 2
    assert right_pair.accuracy == 0.75 and right_pair.shown_accuracy == 1.0 and right_pair.ceiling == 0.75
    assert right_pair.ari_single_mentions < right_pair.ari_unfolded == 1.0  # the pair is no longer grouped
