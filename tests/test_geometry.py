import numpy as np

from cardscan.geometry import crossed, fit_quad, order_clockwise, quad_faults, rectify, sound_quad


def test_order_clockwise_starts_top_left_whatever_the_input_order():
    pts = np.array([[10, 10], [0, 0], [0, 10], [10, 0]], np.float32)
    assert order_clockwise(pts).tolist() == [[0, 0], [10, 0], [10, 10], [0, 10]]


def test_rectify_keeps_the_card_upright_and_sized():
    rgb = np.zeros((200, 300, 3), np.uint8)
    rgb[50:100, 100:250] = (255, 0, 0)
    crop = rectify(rgb, np.array([[100, 50], [250, 50], [250, 100], [100, 100]], np.float32), inset=0.0)
    assert crop.shape[:2] == (50, 150)
    assert crop[25, 75].tolist() == [255, 0, 0]


def test_quad_faults_names_crossed_triangle_and_sound_shapes():
    assert quad_faults([[0, 0], [100, 0], [100, 80], [0, 80]]) == []
    assert "crossed" in quad_faults([[0, 0], [100, 80], [100, 0], [0, 80]])
    assert crossed(np.array([[0, 0], [100, 80], [100, 0], [0, 80]]))
    assert "triangle-like" in quad_faults([[0, 0], [100, 0], [50, 2], [0, 80]]) + quad_faults([[0, 0], [100, 0], [98, 5], [0, 80]])
    assert "triangle-like" in quad_faults([[0, 0], [100, 0], [100, 3], [0, 80]])
    assert quad_faults([[0, 0], [10, 0], [10, 10]]) == ["3 corners"]


def test_fit_quad_of_a_note_with_a_curled_corner_is_a_sound_quadrilateral():
    import cv2

    mask = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(mask, [np.array([[20, 20], [180, 20], [180, 140], [140, 180], [20, 180]], np.int32)], 1)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = fit_quad(cv2.convexHull(contours[0]))
    assert quad.shape == (4, 2) and quad_faults(quad) == []
    assert cv2.contourArea(quad) >= 0.9 * mask.sum()


def test_sound_quad_replaces_a_crossed_outline_by_its_rectangle():
    bad = np.array([[0, 0], [100, 80], [100, 0], [0, 80]], np.float32)
    fixed = sound_quad(bad)
    assert quad_faults(fixed) == []
    assert abs(abs(__import__("cv2").contourArea(fixed)) - 8000) < 50
