"""The sample generator: same seed, same photo; truth that matches what is drawn."""
import json

import numpy as np
import pytest

from samples.generate import PAPER, TIERS, card_texts, list_fonts, render_board, write_board


def test_same_seed_same_photo_other_seed_other_photo():
    a, ta = render_board(3, "easy", size=(800, 600), n_cards=6)
    b, tb = render_board(3, "easy", size=(800, 600), n_cards=6)
    c, _ = render_board(4, "easy", size=(800, 600), n_cards=6)
    assert np.array_equal(a, b) and ta == tb
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("tier", TIERS)
def test_truth_cards_lie_inside_the_photo_and_look_like_their_colour(tier):
    from cardscan.colour import srgb_to_lab

    rgb, truth = render_board(5, tier, size=(1200, 900))
    assert rgb.shape == (900, 1200, 3) and (truth["width"], truth["height"]) == (1200, 900)
    assert truth["tier"] == tier and len(truth["cards"]) >= 6
    for card in truth["cards"]:
        poly = np.array(card["polygon"])
        assert poly.shape == (4, 2)
        assert (poly[:, 0] >= 0).all() and (poly[:, 0] <= 1200).all() and (poly[:, 1] >= 0).all() and (poly[:, 1] <= 900).all()
        assert poly[0].sum() == min(p.sum() for p in poly) or tier != "easy"  # clockwise from top-left
        assert card["colour"] in PAPER and card["text"].strip()
    if tier == "easy":  # even light: the middle of the card's top edge band is close to its paper tone
        card = truth["cards"][0]
        (x0, y0), (x1, _), _, (_, y3) = card["polygon"]
        x, y = int((x0 + x1) / 2 + (x1 - x0) * 0.3), int(y0 + (y3 - y0) * 0.12)
        seen = srgb_to_lab(rgb[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).mean(0))
        assert np.linalg.norm(seen - srgb_to_lab(np.array(PAPER[card["colour"]]))) < 25


def test_fonts_and_shapes_are_recorded_and_held_out_fonts_can_be_excluded():
    tuned = [f.id for f in list_fonts("tune")]
    held = [f.id for f in list_fonts("heldout")]
    assert len(tuned) >= 2 and len(held) >= 2 and not set(tuned) & set(held)
    _, truth = render_board(9, "medium", size=(1000, 750), fonts=tuned, shapes=("round",), n_cards=8)
    assert {c["font"] for c in truth["cards"]} <= set(tuned)
    assert {c["shape"] for c in truth["cards"]} == {"round"}


def test_card_texts_are_realistic_and_plenty():
    texts = card_texts()
    assert len(texts) >= 200 and len(set(texts)) == len(texts)
    joined = " ".join(texts)
    for shorthand in ("QR", "=>", "+", "€", "?"):
        assert shorthand in joined


def test_write_board_saves_photo_and_truth_side_by_side(tmp_path):
    from PIL import Image

    path = write_board(tmp_path, "tafel", 2, "hard", size=(1000, 750))
    truth = json.loads((tmp_path / "tafel.truth.json").read_text(encoding="utf-8"))
    assert truth["image"] == "tafel.jpg" and Image.open(path).size == (1000, 750)
    assert len(truth["cards"]) >= 20


def test_real_photo_conditions_shape_the_notes_and_leave_the_tiers_alone():
    import cv2

    from samples.generate import CONDITIONS

    plain, _ = render_board(4, "easy", size=(800, 600), n_cards=6)
    again, _ = render_board(4, "easy", size=(800, 600), n_cards=6, conditions=())
    assert np.array_equal(plain, again)  # no condition: the tiers' photos as before
    _, square = render_board(4, "easy", size=(800, 600), n_cards=6, conditions=("square",))
    for card in square["cards"]:
        w, h = sorted(cv2.minAreaRect(np.asarray(card["polygon"], np.float32))[1])
        assert h / w < 1.25  # sticky notes are square
    _, touching = render_board(4, "easy", size=(800, 600), n_cards=6, conditions=("touching",))
    xs = sorted({round(p[0]) for c in touching["cards"] for p in c["polygon"]})
    assert len(xs) < 4 * len(touching["cards"])  # neighbours share their edges
    pale_rgb, pale = render_board(4, "easy", size=(800, 600), n_cards=6, conditions=("pale", "warm"))
    assert pale["board"] == "white" and pale["light"] == "warm" and pale["conditions"] == ["pale", "warm"]
    with pytest.raises(ValueError):
        render_board(4, "easy", size=(800, 600), conditions=("sunset",))
    assert set(CONDITIONS) >= {"square", "touching", "pale", "panels", "warm"}


def test_a_closeup_shows_one_to_three_notes_filling_most_of_a_small_frame():
    import cv2

    for seed in range(6):
        rgb, truth = render_board(seed, "easy", size=(240, 230), conditions=("closeup", "square"))
        assert rgb.shape == (230, 240, 3) and 1 <= len(truth["cards"]) <= 3
        polygons = [np.asarray(c["polygon"], np.float32) for c in truth["cards"]]
        assert all((p >= 0).all() and (p[:, 0] <= 240).all() and (p[:, 1] <= 230).all() for p in polygons)
        paper = sum(cv2.contourArea(p) for p in polygons) / (240 * 230)
        assert paper >= (0.5 if len(polygons) == 1 else 0.25)
        assert paper <= 0.92
