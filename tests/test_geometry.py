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


def test_a_circle_seen_at_an_angle_is_boxed_along_its_neighbours_sides():
    """A round card has no corners to show the perspective; the rectangular cards around it do."""
    import cv2

    from cardscan.geometry import circumscribe, local_axes

    shear = np.array([[1.0, 0.35], [0.0, 1.0]])  # a board seen from the side: verticals lean
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64)
    neighbours = [(square * [60, 30] + [x, y]) @ shear.T for x, y in ((0, 0), (300, 0), (0, 200), (300, 200))]
    u, v = local_axes([n.astype(np.float32) for n in neighbours], np.array([150, 100]))
    assert abs(u @ [1, 0]) > 0.99 and abs(v @ (shear @ [0, 1]) / np.linalg.norm(shear @ [0, 1])) > 0.99
    theta = np.linspace(0, 2 * np.pi, 90, endpoint=False)
    circle = (np.c_[np.cos(theta), np.sin(theta)] * 50) @ shear.T + [150, 100]
    box = circumscribe(circle, u, v)
    truth = (square * 50) @ shear.T + [150, 100]
    inter, _ = cv2.intersectConvexConvex(box.astype(np.float32), truth.astype(np.float32))
    assert inter / (cv2.contourArea(box) + cv2.contourArea(truth.astype(np.float32)) - inter) > 0.95
    assert local_axes([], np.array([0, 0])) is None
