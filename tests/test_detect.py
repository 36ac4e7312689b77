"""Card detection on generated boards: found, outlined, coloured, ordered."""
import numpy as np
import pytest

from cardscan.detect import CardDetector, order_clockwise, rectify, sort_reading_order, DetectedCard
from cardscan.evaluate import match
from cardscan.load import load_photo


def detect_and_match(path, truth):
    cards = CardDetector().detect(load_photo(path).rgb)
    pairs = match([c.polygon for c in cards], [t["polygon"] for t in truth["cards"]])
    return cards, pairs


def test_order_clockwise_starts_top_left():
    pts = np.array([[10, 10], [0, 10], [10, 0], [0, 0]], np.float32)
    assert order_clockwise(pts).tolist() == [[0, 0], [10, 0], [10, 10], [0, 10]]


def test_rectify_makes_an_upright_crop_of_the_card_size():
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[50:100, 100:250] = (250, 228, 80)
    crop = rectify(rgb, np.array([[100, 50], [250, 50], [250, 100], [100, 100]], np.float32), inset=0.0)
    assert crop.shape[:2] == (50, 150)
    assert (crop[5:-5, 5:-5] == (250, 228, 80)).all()


def test_reading_order_is_rows_then_left_to_right():
    def card(x, y):
        return DetectedCard(np.array([[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]], np.float32), None, 0, None)
    cards = [card(200, 102), card(0, 100), card(100, 0), card(0, 5)]
    assert [tuple(c.polygon[0]) for c in sort_reading_order(cards)] == [(0, 5), (100, 0), (0, 100), (200, 102)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_easy_board_every_card_found_with_its_colour(board_factory, seed):
    path, truth = board_factory(seed, "easy")
    cards, pairs = detect_and_match(path, truth)
    assert len(pairs) >= len(truth["cards"]) - 1  # at most one miss on an easy board
    assert len(cards) - len(pairs) <= 1  # at most one phantom
    colours_right = sum(cards[i].colour == truth["cards"][j]["colour"] for i, j, _ in pairs)
    assert colours_right >= len(pairs) - 1
    assert np.mean([iou for *_, iou in pairs]) > 0.8


def test_medium_board_with_perspective_and_tinted_light(board_factory):
    path, truth = board_factory(11, "medium")
    cards, pairs = detect_and_match(path, truth)
    assert len(pairs) >= 0.9 * len(truth["cards"])
    colours_right = sum(cards[i].colour == truth["cards"][j]["colour"] for i, j, _ in pairs)
    assert colours_right >= 0.9 * len(pairs)


def test_rotated_photo_is_still_read(board_factory, tmp_path):
    from PIL import Image

    path, truth = board_factory(4, "easy")
    rotated = np.rot90(np.asarray(Image.open(path)))  # a photo taken in portrait, no EXIF tag
    cards = CardDetector().detect(np.ascontiguousarray(rotated))
    assert len(cards) >= len(truth["cards"]) - 1


def test_oval_card_crop_has_its_corners_painted_paper():
    from cardscan.detect import _blank_outside_ellipse

    crop = np.full((100, 200, 3), (250, 228, 80), np.uint8)
    crop[:12, :20] = (20, 20, 20)  # dark board in the corner, read as "J" otherwise
    crop[45:55, 90:110] = (20, 20, 20)  # writing in the middle stays
    out = _blank_outside_ellipse(crop)
    assert (out[:12, :20] == (250, 228, 80)).all()
    assert (out[45:55, 90:110] == (20, 20, 20)).all()


def test_a_card_cut_in_two_by_its_writing_is_joined_but_neighbours_stay_apart():
    from cardscan.detect import _join_split_cards

    from cardscan.colour import srgb_to_lab

    board, ink = (150, 110, 70), (20, 20, 30)
    rgb = np.zeros((400, 600, 3), np.uint8)
    rgb[:] = board

    def region(x0, y0, x1, y1, paper=(250, 228, 80)):
        rgb[y0:y1, x0:x1] = paper
        mask = np.zeros((400, 600), bool)
        mask[y0:y1, x0:x1] = True
        quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
        return mask, quad, "rect", np.array(paper, float), srgb_to_lab(np.array(paper))

    import cv2

    left, right = region(20, 20, 97, 80), region(103, 20, 180, 80)  # one card, a pen stroke between
    rgb[20:80, 97:103] = (250, 228, 80)  # the stroke and the paper beside it that the edge map ate
    rgb[20:80, 99:101] = ink
    below = region(20, 92, 180, 152)  # the next card of the column, same colour, a strip of board between
    other = region(300, 20, 460, 80, paper=(246, 148, 52))
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    joined = _join_split_cards([left, right, below, other], lab)
    assert len(joined) == 3
    boxes = sorted(box(m) for m, *_ in joined)
    assert boxes == [(20, 20, 180, 80), (20, 92, 180, 152), (300, 20, 460, 80)]


def box(mask):
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
