"""Surfaces of the room are no cards (cardscan.detect.surfaces; issue 15, item 2)."""
import numpy as np

from cardscan.detect import CardDetector
from cardscan.detect.surfaces import inside_of, room_surfaces, same_beyond
from cardscan.evaluate import match


def _crop(paper, size=(200, 300), seed=0):
    rng = np.random.default_rng(seed)
    crop = np.empty(size + (3,), np.float32)
    crop[:] = paper
    return np.clip(crop + rng.normal(0, 2.0, crop.shape), 0, 255).astype(np.uint8)


def _write(crop, text="Idee", thickness=5):
    import cv2

    cv2.putText(crop, text, (30, crop.shape[0] // 2 + 30), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (30, 30, 35), thickness)
    return crop


YELLOW, BLUE, GREY = (250, 228, 80), (90, 170, 220), (150, 150, 146)
LAB = {YELLOW: (90.0, -5.0, 68.0), BLUE: (66.0, -8.0, -33.0), GREY: (61.0, 0.0, 2.0)}


def _outlines(crops, x0=100, y0=100):
    """Outlines side by side on the board, each of its crop's size."""
    out = []
    for crop in crops:
        h, w = crop.shape[:2]
        out.append(np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]], np.float32))
        x0 += w + 150
    return out


def _surfaces(labs, crops):
    """room_surfaces on a mid-grey board (unlike every paper here: nothing is fenced) with the crops on it."""
    outlines = _outlines(crops)
    board = np.full((700, int(max(o[:, 0].max() for o in outlines)) + 200, 3), 128, np.uint8)
    for crop, o in zip(crops, outlines):
        x, y = o[0].astype(int)
        board[y:y + crop.shape[0], x:x + crop.shape[1]] = crop
    return room_surfaces(board, labs, crops, outlines, 6.0)


def test_writing_is_thin_strokes_and_a_dark_shape_is_a_blob():
    written = inside_of(_write(_crop(YELLOW)))
    assert 0.06 < written.writing < 0.4 and written.blobs < 0.01 and written.clipped == 0
    scene = _crop((255, 255, 255))
    scene[60:200, 40:170] = (40, 60, 40)  # a tree outside the window
    inside = inside_of(scene)
    assert inside.clipped > 0.3 and inside.blobs > 0.1


def test_a_blank_grey_patch_no_card_shares_is_a_surface_a_written_one_is_a_note():
    notes = [_write(_crop(YELLOW, seed=i)) for i in range(3)] + [_write(_crop(BLUE, seed=9))]
    labs = [LAB[YELLOW]] * 3 + [LAB[BLUE]]
    blank = _crop(GREY)
    blank[100:104, 20:60] = (90, 90, 90)  # a speck: not plain, but no writing either
    assert _surfaces(labs + [LAB[GREY]], notes + [blank]) == [False] * 4 + [True]
    assert _surfaces(labs + [LAB[GREY]], notes + [_write(_crop(GREY))]) == [False] * 5  # a grey card, written on
    assert _surfaces(labs + [LAB[GREY]] * 2, notes + [blank, blank.copy()]) == [False] * 6  # two: a pad's colour
    bold = _crop(GREY)
    for x in range(30, 280, 50):  # five strokes of a thick marker, wider than any closing of writing lifts
        bold[50:150, x:x + 26] = (30, 30, 35)
    assert inside_of(bold).writing < 0.06 and inside_of(bold).marks >= 5
    assert _surfaces(labs + [LAB[GREY]], notes + [bold]) == [False] * 5
    assert _surfaces(labs[:1] + [LAB[GREY]], notes[:1] + [blank]) == [False] * 2  # too few cards to tell
    blind = _crop(GREY, size=(300, 460), seed=3)  # of the sheet's grey, but more than twice its size: no pad
    blind[100:104, 20:60] = (90, 90, 90)
    assert _surfaces(labs + [LAB[GREY]] * 2, notes + [blank, blind]) == [False] * 4 + [True, True]


def test_a_blank_pane_unlike_every_card_is_a_surface_a_blank_note_of_the_pads_size_is_not():
    """A pane of tinted glass or the view through a window (scolem-taskboard, nrw-window-1) is blank and
    like no card in colour, size or shape; a blank note of another colour has the pads' size."""
    notes = [_write(_crop(YELLOW, seed=i)) for i in range(3)]
    labs = [LAB[YELLOW]] * 3
    pane = _crop(BLUE, size=(90, 400))
    assert _surfaces(labs + [LAB[BLUE]], notes + [pane]) == [False] * 3 + [True]
    assert _surfaces(labs + [LAB[BLUE]], notes + [_crop(BLUE)]) == [False] * 4  # a blank note: the pads' size
    assert _surfaces(labs + [LAB[BLUE]], notes + [_write(_crop(BLUE, size=(90, 400)))]) == [False] * 4  # written on


def test_a_bright_window_with_shapes_is_a_surface_a_white_card_written_on_is_not():
    window = _crop((255, 255, 255))
    window[80:200, 0:120] = (60, 70, 60)
    card = _write(_crop((255, 255, 255)), thickness=4)
    white = (100.0, 0.0, 0.0)
    assert _surfaces([white, white], [window, card]) == [True, False]


def _board_with_a_pillar():
    """Notes on a white board beside a grey pillar with pits in its concrete: smooth, card-sized and bounded
    by edges like a note, with specks that are not writing (thkoeln-verlaufsplan-1/2: a pillar,
    seblexis-review-6: a strip of wall, jefebrydon-affinity-1: a brick wall)."""
    import cv2

    rng = np.random.default_rng(4)
    rgb = np.empty((1050, 1400, 3), np.uint8)
    rgb[:] = (236, 236, 232)
    boxes = []
    for i in range(6):
        x0, y0 = 120 + 280 * (i % 3), 150 + 330 * (i // 3)
        paper = YELLOW if i % 2 else BLUE
        cv2.rectangle(rgb, (x0, y0), (x0 + 220, y0 + 220), paper, -1)
        cv2.putText(rgb, "Ziel", (x0 + 30, y0 + 130), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (30, 30, 35), 5)
        boxes.append([[x0, y0], [x0 + 220, y0], [x0 + 220, y0 + 220], [x0, y0 + 220]])
    cv2.rectangle(rgb, (1000, 300), (1250, 560), (140, 138, 134), -1)  # the pillar
    for _ in range(60):  # pits in the concrete: dark, but no letter-sized marks
        cv2.circle(rgb, (int(rng.integers(1020, 1230)), int(rng.integers(320, 540))), 3, (70, 70, 68), -1)
    noisy = rgb + rng.normal(0, 2.0, rgb.shape)
    return np.clip(cv2.GaussianBlur(noisy, (0, 0), 1.0), 0, 255).astype(np.uint8), boxes


def test_a_pitted_grey_pillar_beside_the_notes_is_no_card():
    rgb, boxes = _board_with_a_pillar()
    cards = CardDetector().detect(rgb)
    assert len(match([c.polygon for c in cards], boxes)) == len(boxes) == len(cards)


def _whiteboard_with_a_drawn_box():
    """Notes on a whiteboard beside a box drawn in marker with a word in it (annemijn-retro-2: a box
    drawn round a column's notes, axisgroup-affinity-1: a loop drawn round a group): the box encloses
    a smooth card-sized piece of board, written on, whose edge is the marker line."""
    import cv2

    rng = np.random.default_rng(5)
    rgb = np.full((1050, 1400, 3), (236, 236, 232), np.uint8)
    boxes = []
    for i in range(6):
        x0, y0 = 120 + 280 * (i % 3), 150 + 330 * (i // 3)
        cv2.rectangle(rgb, (x0, y0), (x0 + 220, y0 + 220), YELLOW if i % 2 else BLUE, -1)
        cv2.putText(rgb, "Ziel", (x0 + 30, y0 + 130), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (30, 30, 35), 5)
        boxes.append([[x0, y0], [x0 + 220, y0], [x0 + 220, y0 + 220], [x0, y0 + 220]])
    cv2.rectangle(rgb, (990, 300), (1280, 580), (40, 60, 150), 6)  # the drawn box
    cv2.putText(rgb, "Done", (1040, 460), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (40, 60, 150), 6)
    noisy = rgb + rng.normal(0, 2.0, rgb.shape)
    return np.clip(cv2.GaussianBlur(noisy, (0, 0), 1.0), 0, 255).astype(np.uint8), boxes


def test_a_box_drawn_on_the_board_is_no_card():
    rgb, boxes = _whiteboard_with_a_drawn_box()
    cards = CardDetector().detect(rgb)
    assert len(match([c.polygon for c in cards], boxes)) == len(boxes) == len(cards)


def test_beyond_a_drawn_box_lies_its_own_colour_beyond_a_note_the_board():
    rgb, boxes = _whiteboard_with_a_drawn_box()
    drawn = np.float32([[996, 306], [1274, 306], [1274, 574], [996, 574]])
    shares = same_beyond(rgb, [np.float32(b) for b in boxes] + [drawn], 6.0)
    assert max(shares[:-1]) < 0.1 and shares[-1] > 0.9


def test_a_blank_strip_is_a_surface_a_heading_strip_in_thick_marker_is_not():
    """A strip of wall or the board between two lines (seblexis-review-6, annemijn-retro-2) is blank;
    a heading strip is written on, in letters thick enough to be no pen strokes."""
    import cv2

    notes = [_write(_crop(YELLOW, seed=i)) for i in range(4)]
    labs = [LAB[YELLOW]] * 5
    wall = _crop(YELLOW, size=(80, 360), seed=7)
    heading = _crop(YELLOW, size=(80, 360), seed=8)
    cv2.putText(heading, "ZIELE", (20, 65), cv2.FONT_HERSHEY_SIMPLEX, 2.2, (30, 30, 35), 14)
    assert _surfaces(labs, notes + [wall]) == [False] * 4 + [True]
    assert _surfaces(labs, notes + [heading]) == [False] * 5
