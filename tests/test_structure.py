"""Structure finding on fixtures drawn in code: heading cards, marker headings, clusters, dots."""
import json
import re

import numpy as np
import pytest

from cardscan.structure import find_structure
from cardscan.structure.boxes import Box
from cardscan.structure.row_labels import LABEL_COLUMN, in_label_column
from cardscan.workshop import Card, Scan


def rect(x, y, w=200, h=100):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


class FakeWord:
    def __init__(self, text, left, top, width, height, confidence=0.95):
        self.text, self.left, self.top, self.width, self.height, self.confidence = text, left, top, width, height, confidence


class FakeReader:
    """Stands in for cardscan.ocr.get_reader(): a page reader that 'sees' the given words."""

    def __init__(self, words):
        self.words = words
        self.pages = []

    def read_page(self, rgb):
        """The words on the whole page; a crop around a heading (a second look) shows nothing more."""
        self.pages.append(rgb)
        return self.words if len(self.pages) == 1 or rgb.shape == self.pages[0].shape else []


def blank(w=1600, h=1000):
    return np.full((h, w, 3), 235, np.uint8)


def kanban_cards():
    """Three columns of cards under headings at x = 100, 600, 1100; two cards in column 3 side by side."""
    cards = []
    for x, ys in ((100, (200, 340, 480)), (600, (200, 340)), (1100, (200,)), (1330, (200, 340))):
        for y in ys:
            cards.append(Card(f"b-{len(cards) + 1:02d}", "b.jpg", rect(x, y), "gelb", raw_text="x", text="x"))
    return cards


def test_marker_headings_name_the_columns_below_them_in_reading_order():
    words = [FakeWord("DONE", 1250, 60, 160, 60), FakeWord("LATER", 110, 60, 170, 60),
             FakeWord("Nächste", 590, 50, 140, 55), FakeWord("Schritte", 745, 50, 150, 55)]
    reader = FakeReader(words)
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=reader, votes=False)
    assert [c.name for c in scan.clusters] == ["LATER", "Nächste Schritte", "DONE"]
    assert [h.source for h in scan.headings] == ["marker"] * 3 and scan.headings[0].text == "LATER"
    assert [c.cluster for c in scan.cards] == ["LATER"] * 3 + ["Nächste Schritte"] * 2 + ["DONE"] * 3
    assert scan.clusters[0].heading == scan.headings[0].id
    painted = reader.pages[0]  # the page reader never sees the cards' own writing
    assert (painted[250, 200] == painted[900, 50]).all()


def test_the_board_read_before_is_used_once_and_a_board_painted_for_other_cards_is_read_again():
    """api.read_photo reads the board before the normaliser loads its tables (the page read is the memory
    peak); find_structure must give the same headings from that page and not read the whole board again."""
    from cardscan.structure import read_board_page, reads_marker_headings

    words = [FakeWord("DONE", 1250, 60, 160, 60), FakeWord("LATER", 110, 60, 170, 60)]
    plain = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(words), votes=False)
    reader = FakeReader(words)
    cards = kanban_cards()
    assert reads_marker_headings(cards, reader) and not reads_marker_headings(cards, None)
    page = read_board_page(blank(), cards, reader)
    early = find_structure(blank(), Scan("b.jpg", 1600, 1000, cards), reader=reader, votes=False, page=page)
    assert [h.text for h in early.headings] == [h.text for h in plain.headings] == ["LATER", "DONE"]
    assert [c.cluster for c in early.cards] == [c.cluster for c in plain.cards]
    assert sum(p.shape == blank().shape for p in reader.pages) == 1  # the whole board was read once
    other = kanban_cards()[:-1]  # a page painted for other cards would let a card's writing through
    again = FakeReader(words)
    find_structure(blank(), Scan("b.jpg", 1600, 1000, other), reader=again, votes=False, page=page)
    assert sum(p.shape == blank().shape for p in again.pages) == 1


def test_writing_between_two_cards_of_a_column_is_a_missed_card_not_a_heading():
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("Lärm", 110, 635, 120, 40)]
    cards = kanban_cards()[:3] + [Card("b-09", "b.jpg", rect(100, 700), "gelb", raw_text="y", text="y")]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert [h.text for h in scan.headings] == ["LATER"]


def test_heading_strips_and_legend_headings_leave_the_cards():
    cards = kanban_cards()
    cards.append(Card("b-20", "b.jpg", rect(90, 60, 420, 100), "weiß", raw_text="Finanzierung", text="Finanzierung"))
    cards.append(Card("b-21", "b.jpg", rect(600, 60, 200, 100), "rosa", "Überschrift", "Ort", "Ort"))
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, cards), votes=False)
    assert {h.id for h in scan.headings} == {"b-20", "b-21"} and {h.source for h in scan.headings} == {"card"}
    assert len(scan.cards) == 8 and all(c.id not in ("b-20", "b-21") for c in scan.cards)
    assert [c.name for c in scan.clusters][:2] == ["Finanzierung", "Ort"]
    assert scan.cards[0].cluster == "Finanzierung" and scan.cards[3].cluster == "Ort"


def test_groups_standing_apart_become_unnamed_clusters_and_an_even_grid_none():
    apart = [Card(f"a-{i}", "a.jpg", rect(x, y)) for i, (x, y) in enumerate(
        [(50, 50), (270, 50), (50, 170), (900, 600), (1120, 600), (900, 720)])]
    scan = find_structure(blank(), Scan("a.jpg", 1600, 1000, apart), votes=False)
    assert [c.name for c in scan.clusters] == ["Cluster 1", "Cluster 2"]
    assert [c.cluster for c in scan.cards] == ["Cluster 1"] * 3 + ["Cluster 2"] * 3
    grid = [Card(f"g-{i}", "g.jpg", rect(50 + 240 * (i % 4), 50 + 140 * (i // 4))) for i in range(12)]
    scan = find_structure(blank(), Scan("g.jpg", 1600, 1000, grid), votes=False)
    assert scan.clusters == [] and all(c.cluster is None for c in scan.cards)


def draw_disc(img, x, y, r, rgb):
    yy, xx = np.ogrid[:img.shape[0], :img.shape[1]]
    img[(yy - y) ** 2 + (xx - x) ** 2 <= r * r] = rgb


def test_dots_are_counted_with_colours_and_pins_and_writing_are_not():
    img = np.full((400, 700, 3), (150, 150, 146), np.uint8)
    img[100:250, 100:400] = (250, 226, 82)  # a yellow card 300 x 150
    img[170:180, 140:330] = (25, 35, 95)  # a thick stroke of blue writing
    for k, colour in enumerate([(214, 38, 46), (36, 160, 72), (32, 92, 196)]):
        draw_disc(img, 200 + 34 * k, 225, 13, colour)  # three dots in a row near the bottom
    draw_disc(img, 258, 123, 15, (15, 15, 15))  # a pin's shadow ...
    draw_disc(img, 252, 116, 15, (30, 80, 200))  # ... its head ...
    draw_disc(img, 246, 110, 5, (255, 255, 255))  # ... and its highlight
    card = Card("p-01", "p.jpg", rect(100, 100, 300, 150), "gelb")
    scan = find_structure(img, Scan("p.jpg", 700, 400, [card]), votes=True)
    assert scan.cards[0].votes == 3
    assert scan.cards[0].vote_colours == ["rot", "grün", "blau"]


def test_dots_are_painted_out_of_the_crop_and_the_writing_stays():
    from cardscan.geometry import rectify
    from cardscan.structure import find_dots, mask_dots

    img = np.full((400, 700, 3), (150, 150, 146), np.uint8)
    img[100:250, 100:400] = (250, 226, 82)
    img[170:180, 140:330] = (25, 35, 95)  # writing
    for k in range(3):
        draw_disc(img, 200 + 34 * k, 225, 13, (214, 38, 46))
    polygon = rect(100, 100, 300, 150)
    dots = find_dots(img, polygon, "gelb")
    assert len(dots) == 3 and all(0.25 < d.u < 0.75 and 0.7 < d.v < 0.95 for d in dots)
    crop = rectify(img, np.asarray(polygon, np.float32))
    masked = mask_dots(crop, dots).astype(int)
    reddish = (masked[..., 0] - masked[..., 1] > 80) & (masked[..., 0] - masked[..., 2] > 80)
    assert reddish.sum() < 0.02 * ((crop[..., 0].astype(int) - crop[..., 1] > 80).sum())
    ink = (masked.sum(axis=2) < 200).sum()
    assert ink >= 0.95 * (crop.astype(int).sum(axis=2) < 200).sum() > 0  # the writing is left as it was
    assert mask_dots(crop, []) is crop


def test_whiteboard_scans_are_left_alone():
    line = Card("w-01", "w.jpg", rect(0, 0), kind="whiteboard-line", raw_text="Hallo")
    scan = Scan("w.jpg", 100, 100, [line], mode="whiteboard")
    assert find_structure(blank(), scan, reader=FakeReader([FakeWord("X", 0, 0, 5, 5)])).headings == []


def test_a_colour_that_starts_every_row_is_the_heading_colour_but_group_columns_are_not():
    rows = []
    for r, name in enumerate(["PLAN", "DESIGN", "CLOSE"]):
        rows.append(Card(f"r-{r}0", "r.jpg", rect(50, 50 + 150 * r), "rosa", raw_text=name, text=name))
        rows += [Card(f"r-{r}{k}", "r.jpg", rect(50 + 240 * k, 50 + 150 * r), "gelb", raw_text="x", text="x")
                 for k in range(1, 4)]
    scan = find_structure(blank(), Scan("r.jpg", 1600, 1000, rows), votes=False)
    assert [c.name for c in scan.clusters] == ["PLAN", "DESIGN", "CLOSE"]
    assert [c.cluster for c in scan.cards if c.id.startswith("r-1")] == ["DESIGN"] * 3
    groups = [Card(f"g-{i}", "g.jpg", rect(50 + 240 * (i // 3), 50 + 140 * (i % 3)),
                   ["rosa", "gelb", "gelb", "orange", "hellblau"][i // 3], raw_text="x", text="x") for i in range(15)]
    scan = find_structure(blank(), Scan("g.jpg", 1600, 1000, groups), votes=False)
    assert scan.headings == [] and len(scan.cards) == 15  # one group per column: no heading colour


@pytest.mark.slow
def test_scan_photo_finds_headings_clusters_and_votes_on_a_generated_board(tmp_path):
    """End to end (detect, OCR, structure) on a board of samples/board_structure.py."""
    from cardscan.api import scan_photo
    from cardscan.evaluate import StructureEvaluation
    from samples.generate import write_board

    path = write_board(tmp_path, "wand", 7, "easy", size=(2000, 1500), n_cards=12, structure="columns",
                       board="grey", colours=["dunkelgrün", "hellblau", "orange"])
    truth = json.loads((tmp_path / "wand.truth.json").read_text(encoding="utf-8"))
    scan = scan_photo(path, legend=truth.get("legend"))
    scores = StructureEvaluation().add_photo(scan, truth).rates()
    assert scores["matched_cards"] >= 0.8 * scores["cards"]
    assert scores["cluster_accuracy"] >= 0.9 and scores["votes_exact"] >= 0.9
    assert [c.name.casefold() for c in scan.clusters][:2] == [n.casefold() for n in truth["clusters"][:2]]
    dotted = [c for c in scan.cards if c.votes >= 2]
    assert dotted and not any(re.fullmatch(r"[0OoQ●e8@]{2,}", line.strip())  # dots are not read as text
                              for c in dotted for line in c.raw_text.splitlines())


def test_a_heading_strip_cut_in_two_by_the_detector_is_one_heading():
    cards = kanban_cards()
    cards.append(Card("b-20", "b.jpg", rect(90, 60, 210, 60), "weiß", "Überschrift", "Zeit", "Zeit"))
    cards.append(Card("b-21", "b.jpg", rect(304, 60, 200, 60), "weiß", "Überschrift", "plan", "plan"))
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, cards), votes=False)
    assert [h.text for h in scan.headings] == ["Zeitplan"] and scan.clusters[0].name == "Zeitplan"


def test_low_notes_on_top_of_each_column_head_it_but_one_small_note_does_not():
    """A chores board: names on notes stuck sideways over columns of upright notes."""
    cards = []
    for x in (100, 400, 700):
        cards.append(Card(f"c-{len(cards) + 1:02d}", "c.jpg", rect(x, 40, 200, 70), "rot", raw_text="Tom", text="Tom"))
        for y in (140, 370):
            cards.append(Card(f"c-{len(cards) + 1:02d}", "c.jpg", rect(x, y, 200, 210), "gelb", raw_text="Bad", text="Bad"))
    scan = find_structure(blank(), Scan("c.jpg", 1600, 1000, [Card(**vars(c)) for c in cards]), votes=False)
    assert [h.source for h in scan.headings] == ["card"] * 3 and len(scan.cards) == 6
    clusters = [c.cluster for c in scan.cards]
    assert clusters[0] == clusters[1] != clusters[2] == clusters[3] != clusters[4] == clusters[5] != clusters[0]
    lone = [c for c in cards if c.id != "c-04" and c.id != "c-07"]  # only the first column has a low note
    scan = find_structure(blank(), Scan("c.jpg", 1600, 1000, lone), votes=False)
    assert scan.headings == []


def test_a_column_whose_heading_was_not_found_is_a_cluster_of_its_own():
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("SOON", 610, 60, 150, 60)]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(words), votes=False)
    assert [c.cluster for c in scan.cards] == ["LATER"] * 3 + ["SOON"] * 2 + ["Cluster 3"] * 3
    assert [c.name for c in scan.clusters] == ["LATER", "SOON", "Cluster 3"]


def test_a_card_of_another_colour_in_the_line_of_the_row_headings_heads_its_row():
    rows = []
    names = ["PLAN", "DESIGN", "TEST", "BAU", "LOS", "CLOSE"]
    for r, (name, colour) in enumerate(zip(names, ["rosa"] * 5 + ["gelb"])):
        rows.append(Card(f"r-{r}0", "r.jpg", rect(50, 50 + 150 * r), colour, raw_text=name, text=name))
        rows += [Card(f"r-{r}{k}", "r.jpg", rect(50 + 240 * k, 50 + 150 * r), "gelb", raw_text="x y", text="x y")
                 for k in range(1, 4)]
    rows.append(Card("r-99", "r.jpg", rect(50, 950), "gelb", raw_text="Notiz", text="Notiz"))  # alone in its row
    scan = find_structure(blank(1600, 1100), Scan("r.jpg", 1600, 1100, rows), votes=False)
    assert [c.name for c in scan.clusters] == names
    assert [c.cluster for c in scan.cards if c.id.startswith("r-5")] == ["CLOSE"] * 3
    assert "r-99" in {c.id for c in scan.cards}


def test_cards_inside_a_marker_loop_are_one_cluster_named_by_the_heading_inside_it():
    import cv2

    img = blank(1600, 1000)
    cards = [Card(f"o-{i}", "o.jpg", rect(x, y), "gelb", raw_text="x", text="x")
             for i, (x, y) in enumerate([(100, 200), (340, 200), (100, 330), (340, 330), (700, 200), (700, 330)])]
    cv2.rectangle(img, (60, 90), (590, 480), (30, 40, 130), 6)  # a blue loop around the first four
    words = [FakeWord("Ideen", 200, 110, 150, 60)]
    scan = find_structure(img, Scan("o.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert [c.cluster for c in scan.cards][:4] == ["Ideen"] * 4
    assert scan.cards[4].cluster == scan.cards[5].cluster != "Ideen"
    circled = blank(1600, 1000)
    cv2.rectangle(circled, (60, 170), (330, 320), (30, 40, 130), 6)  # a loop around one card: a circled note
    from cardscan.structure import find_outlines

    assert find_outlines(circled, cards) == [] and len(find_outlines(img, cards)) == 1


class CropReader(FakeReader):
    """A page reader that misses a word on the whole page and sees it in a crop around the heading.
    The photo encodes every pixel's place in its colour, so the crop tells where it was cut."""

    def __init__(self, page_words, crop_words):
        super().__init__(page_words)
        self.crop_words = crop_words

    def read_page(self, rgb):
        self.pages.append(rgb)
        if len(self.pages) == 1:
            return self.words
        x0 = int(rgb[0, 0, 0]) + 256 * (int(rgb[0, 0, 2]) // 16)
        y0 = int(rgb[0, 0, 1]) + 256 * (int(rgb[0, 0, 2]) % 16)
        h, w = rgb.shape[:2]
        return [FakeWord(wd.text, wd.left - x0, wd.top - y0, wd.width, wd.height) for wd in self.crop_words
                if x0 <= wd.left and wd.left + wd.width <= x0 + w and y0 <= wd.top and wd.top + wd.height <= y0 + h]


def test_a_heading_is_read_again_from_a_crop_where_the_page_reader_missed_a_word():
    yy, xx = np.mgrid[:1000, :1600]
    img = np.dstack([xx % 256, yy % 256, (xx // 256) * 16 + yy // 256]).astype(np.uint8)
    page = [FakeWord("characteristics", 330, 60, 260, 60)]
    crop = [FakeWord("Individual", 140, 62, 170, 58), FakeWord("characteristics", 330, 60, 260, 60)]
    cards = kanban_cards()[:3] + [Card("b-04", "b.jpg", rect(330, 200), "gelb", raw_text="x", text="x")]
    scan = find_structure(img, Scan("b.jpg", 1600, 1000, cards), reader=CropReader(page, crop), votes=False)
    assert [h.raw_text for h in scan.headings] == ["Individual characteristics"]
    assert {c.cluster for c in scan.cards} == {"Individual characteristics"}


def coded_board(w=1600, h=1000):
    """A photo whose every pixel's colour encodes its place (CropReader tells a crop's offset from it)."""
    yy, xx = np.mgrid[:h, :w]
    return np.dstack([xx % 256, yy % 256, (xx // 256) * 16 + yy // 256]).astype(np.uint8)


def test_row_labels_missed_on_the_page_are_read_in_the_margin_and_head_their_whole_rows():
    # A plan: rows "1." "2." "3." written left of the cards; the page reader sees only "2." on the whole
    # board, a word over the right end of row 2 is no column heading for row 3's cards under it.
    cards = [Card(f"p-{r}{k}", "p.jpg", rect(250 + 250 * k, 100 + 300 * r), "blau", raw_text="x", text="x")
             for r in range(3) for k in range(5)]
    labels = [FakeWord(f"{r + 1}.", 120, 120 + 300 * r, 50, 55) for r in range(3)]
    page = [labels[1], FakeWord("Praxis", 1280, 320, 120, 50)]
    scan = find_structure(coded_board(), Scan("p.jpg", 1600, 1000, cards), reader=CropReader(page, labels),
                          votes=False)
    assert [c.name for c in scan.clusters] == ["1.", "2.", "3."]
    assert [c.cluster for c in scan.cards] == ["1."] * 5 + ["2."] * 5 + ["3."] * 5


def test_cards_far_below_a_heading_whose_own_heading_was_missed_are_a_cluster_of_their_own():
    near = [(100, 200), (340, 200), (100, 330), (340, 330), (100, 460), (340, 460)]
    far = [(100, 820), (340, 820), (100, 950), (340, 950)]
    cards = [Card(f"f-{i}", "f.jpg", rect(x, y), "gelb", raw_text="x", text="x") for i, (x, y) in enumerate(near + far)]
    words = [FakeWord("Ideen", 200, 110, 150, 60)]
    scan = find_structure(blank(1600, 1200), Scan("f.jpg", 1600, 1200, cards), reader=FakeReader(words), votes=False)
    assert [c.cluster for c in scan.cards] == ["Ideen"] * 6 + ["Cluster 2"] * 4
    # A column with one card missing (a gap of a card's height) stays one cluster.
    column = [Card(f"g-{i}", "g.jpg", rect(100, y), "gelb", raw_text="x", text="x") for i, y in
              enumerate([200, 330, 590, 720])] + [Card("g-9", "g.jpg", rect(340, 200), "gelb", raw_text="x", text="x")]
    scan = find_structure(blank(1600, 1200), Scan("g.jpg", 1600, 1200, column), reader=FakeReader(words), votes=False)
    assert {c.cluster for c in scan.cards} == {"Ideen"}


def test_cards_are_painted_out_in_the_colour_of_the_board_around_them():
    img = blank()
    img[:, 500:] = 90  # most of the photo is a dark wall; the board with the cards is on the left
    cards = [Card(f"w-{i}", "w.jpg", rect(100, y), "gelb", raw_text="x", text="x") for i, y in enumerate((200, 340))]
    reader = FakeReader([FakeWord("LATER", 110, 60, 170, 60)])
    find_structure(img, Scan("w.jpg", 1600, 1000, cards), reader=reader, votes=False)
    assert (reader.pages[0][250, 200] == 235).all() and (reader.pages[0][250, 1000] == 90).all()


def test_a_sloping_marker_heading_whose_box_is_taller_than_a_card_is_still_a_heading():
    # Written at a slant, "Nächste Schritte" has a box 130 px high over cards 100 px high: its letters
    # are half that; the box's height is the slope over its width.
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("Nächste", 560, 20, 200, 130),
             FakeWord("Schritte", 770, 20, 200, 130)]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(words), votes=False)
    assert [h.text for h in scan.headings] == ["LATER", "Nächste Schritte"]
    assert [c.cluster for c in scan.cards][3:5] == ["Nächste Schritte"] * 2


def test_a_strip_whose_middle_the_detector_lost_is_one_heading_but_two_strips_apart_are_two():
    class StripReader:
        def read(self, crops):
            from cardscan.ocr.base import Reading

            return [Reading("Ehrenamt", 0.9, []) for _ in crops]

    import cv2

    img = blank()
    cv2.rectangle(img, (90, 60), (385, 120), (250, 220, 90), -1)  # one yellow strip, its middle lost
    cards = kanban_cards()
    cards.append(Card("b-20", "b.jpg", rect(90, 60, 120, 60), "gelb", "Überschrift", "E", "E"))
    cards.append(Card("b-21", "b.jpg", rect(265, 60, 120, 60), "gelb", "Überschrift", "", ""))  # 55 px further
    cards.append(Card("b-22", "b.jpg", rect(600, 60, 120, 60), "weiß", "Überschrift", "C", "C"))  # two notes,
    cards.append(Card("b-23", "b.jpg", rect(775, 60, 120, 60), "weiß", "Überschrift", "Te", "Te"))  # board between
    scan = find_structure(img, Scan("b.jpg", 1600, 1000, cards), reader=StripReader(), votes=False)
    assert [h.text for h in scan.headings] == ["Ehrenamt", "C", "Te"]


def test_writing_on_a_card_sized_coloured_paper_at_the_top_of_a_column_is_a_missed_card_not_a_heading():
    import cv2

    img = blank(1800)
    cv2.rectangle(img, (850, 200), (1050, 300), (240, 140, 40), -1)  # an orange card the detector missed
    cv2.rectangle(img, (1250, 60), (1750, 160), (240, 140, 40), -1)  # an orange heading strip it missed
    cards = kanban_cards()[:5] + [Card("b-30", "b.jpg", rect(850, 340), "gelb", raw_text="x", text="x"),
                                  Card("b-31", "b.jpg", rect(1300, 200), "gelb", raw_text="x", text="x")]
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("Ende", 890, 230, 120, 40),
             FakeWord("Zeitplan", 1400, 85, 200, 50)]
    scan = find_structure(img, Scan("b.jpg", 1800, 1000, cards), reader=FakeReader(words), votes=False)
    assert [h.text for h in scan.headings] == ["LATER", "Zeitplan"]


def test_a_column_without_heading_above_a_headed_cluster_lower_down_is_a_cluster_of_its_own():
    # Two bands of clusters; "Nächste Schritte" over the top right column was not found, "Ideen" heads the
    # cluster far below it: the top right column is no part of "LATER" (nor of "Ideen").
    cards = [Card(f"t-{i}", "t.jpg", rect(x, y), "gelb", raw_text="x", text="x") for i, (x, y) in enumerate(
        [(100, 150), (100, 280), (100, 410), (420, 150), (420, 280), (420, 800), (420, 930)])]
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("Ideen", 440, 710, 150, 60)]
    scan = find_structure(blank(1600, 1200), Scan("t.jpg", 1600, 1200, cards), reader=FakeReader(words), votes=False)
    assert [c.cluster for c in scan.cards] == ["LATER"] * 3 + ["Cluster 2"] * 2 + ["Ideen"] * 2


class WidthReader:
    """Reads a heading strip's crop: the whole word only when the crop is as wide as the strip."""

    def __init__(self):
        self.widths = []

    def read(self, crops):
        from cardscan.ocr.base import Reading

        self.widths += [crop.shape[1] for crop in crops]
        return [Reading("IDEEN" if crop.shape[1] >= 380 else "EEN", 0.9, []) for crop in crops]


def test_a_heading_strip_outlined_only_in_part_grows_along_its_paper_and_is_read_again():
    import cv2

    cork = np.zeros((1000, 1600, 3), np.uint8)
    cork[:] = (150, 105, 60)
    cv2.rectangle(cork, (90, 60), (490, 130), (245, 245, 240), -1)  # the white strip, 400 px
    cards = kanban_cards()[:3] + [Card("b-20", "b.jpg", rect(260, 60, 230, 70), "weiß", "Überschrift", "EEN", "EEN")]
    reader = WidthReader()
    scan = find_structure(cork, Scan("b.jpg", 1600, 1000, cards), reader=reader, votes=False)
    assert [h.raw_text for h in scan.headings] == ["IDEEN"] and scan.headings[0].polygon[0][0] <= 95
    # The same strip on a whiteboard: its paper runs into the board, the outline stays as found.
    white = blank()
    cv2.rectangle(white, (90, 60), (490, 130), (245, 245, 240), -1)
    scan = find_structure(white, Scan("b.jpg", 1600, 1000, [Card(c.id, c.photo, c.polygon, c.colour, c.group, c.raw_text,
                                                                   c.text) for c in cards]), reader=WidthReader(), votes=False)
    assert [h.raw_text for h in scan.headings] == ["EEN"]


def test_tight_kanban_columns_whose_heading_strips_were_missed_are_clusters_of_their_own():
    # Five columns 60 px apart (less than a cluster's own columns may stand apart on other boards); the
    # headings of the last two were not found. The gaps between the headed columns say how far apart
    # this board's columns stand, so columns 4 and 5 are no part of "Gamma".
    cards = [Card(f"k-{x}-{y}", "k.jpg", rect(x, y), "gelb", raw_text="x", text="x")
             for x in (100, 360, 620, 880, 1140) for y in (200, 330)]
    words = [FakeWord(name, x + 20, 80, 160, 60) for name, x in (("Alpha", 100), ("Beta", 360), ("Gamma", 620))]
    scan = find_structure(blank(), Scan("k.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert [c.cluster for c in scan.cards] == [n for n in ("Alpha", "Beta", "Gamma", "Cluster 4", "Cluster 5") for _ in (0, 1)]


def test_an_english_boards_marker_headings_are_not_corrected_into_german():
    # The cards say the board is English; the German speller alone made "Pain points" "Main points" and
    # "Tools we use" "Tools wie use". A German board's headings still go through it.
    english = ["Phone calls take too long", "We need the forms online", "Nobody answers the email",
               "The office is closed on Fridays", "Meetings after work", "Shared calendar for the team",
               "Use the chat more", "Who owns the website"]
    cards = kanban_cards()
    for card, text in zip(cards, english):
        card.raw_text = card.text = text
    words = [FakeWord("Pain", 110, 60, 90, 60), FakeWord("points", 210, 60, 120, 60),
             FakeWord("Tools", 590, 50, 110, 55), FakeWord("we", 710, 50, 50, 55), FakeWord("use", 770, 50, 70, 55)]
    scan = find_structure(blank(), Scan("e.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert [h.text for h in scan.headings] == ["Pain points", "Tools we use"]
    assert [c.name for c in scan.clusters][:2] == ["Pain points", "Tools we use"]
    german = find_structure(blank(), Scan("d.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(
        [FakeWord("Ideen", 110, 60, 120, 60), FakeWord("fur", 240, 60, 70, 60), FakeWord("morgen", 320, 60, 140, 60)]),
        votes=False)
    assert german.headings[0].raw_text == "Ideen fur morgen" and german.headings[0].text == "Ideen für morgen"


class RowCropReader(FakeReader):
    """Sees `hidden` words only in a crop as small as one row's margin (the strip down the whole margin,
    and the whole board, miss them: a lone "4." beside its row). A crop is a view of the painted board,
    so its offset is where its memory starts in the board's."""

    def __init__(self, words, hidden):
        super().__init__(words)
        self.hidden = hidden

    def read_page(self, rgb):
        self.pages.append(rgb)
        base = rgb if rgb.base is None else rgb.base
        y0, rest = divmod(rgb.__array_interface__["data"][0] - base.__array_interface__["data"][0], base.strides[0])
        x0 = rest // base.strides[1]
        h, w = rgb.shape[:2]
        return [FakeWord(wd.text, wd.left - x0, wd.top - y0, wd.width, wd.height) for wd in self.words
                if x0 <= wd.left and wd.left + wd.width <= x0 + w and y0 <= wd.top and wd.top + wd.height <= y0 + h
                and (wd not in self.hidden or h < 400)]


def test_row_labels_missed_in_the_margin_strip_and_bare_numbers_head_their_rows_on_a_slanted_board():
    # Five rows, seen at a slant: each row starts further right; a stray box lies left of the board below
    # them. The strip down the margin reads "1." "2." "3." and a "5" without its dot; "4." only in a crop of
    # its own row's margin. Before: "4." unread, the bare "5" no heading, and with the stray box's edge as
    # where rows start, no label counted as a row label.
    cards = [Card(f"s-{r}{k}", "s.jpg", rect(250 + 30 * r + 250 * k, 100 + 200 * r), "blau", raw_text="x", text="x")
             for r in range(5) for k in range(4)]
    stray = Card("s-99", "s.jpg", rect(20, 1080, 150, 80), "weiß", raw_text="", text="")
    labels = [FakeWord(text, 120 + 30 * r, 120 + 200 * r, 50 if "." in text else 30, 55)
              for r, text in enumerate(["1.", "2.", "3.", "4.", "5"])]
    scan = find_structure(blank(1600, 1200), Scan("s.jpg", 1600, 1200, cards + [stray]),
                          reader=RowCropReader(labels, [labels[3]]), votes=False)
    assert [h.raw_text for h in scan.headings] == ["1.", "2.", "3.", "4.", "5"]
    assert [c.cluster for c in scan.cards if c is not stray] == [n for n in ["1.", "2.", "3.", "4.", "5"] for _ in range(4)]


def test_a_lone_number_on_the_board_is_no_heading():
    words = [FakeWord("7", 150, 60, 40, 60), FakeWord("DONE", 1250, 60, 160, 60)]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(words), votes=False)
    assert [h.raw_text for h in scan.headings] == ["DONE"]


def test_a_row_label_the_detector_outlined_as_a_card_heads_its_row():
    # "1." with the board around it came out as a card reaching into its row; "2." and "3." are marker labels.
    cards = [Card(f"r-{r}{k}", "r.jpg", rect(250 + 250 * k, 100 + 250 * r), "blau", raw_text="x", text="x")
             for r in range(3) for k in range(4)]
    label = Card("r-lab", "r.jpg", [(90, 80), (280, 80), (280, 230), (90, 230)], "weiß", raw_text="1.", text="1.")
    words = [FakeWord(f"{r + 1}.", 120, 120 + 250 * r, 50, 55) for r in (1, 2)]
    scan = find_structure(blank(), Scan("r.jpg", 1600, 1000, [label] + cards), reader=FakeReader(words), votes=False)
    assert label not in scan.cards and [c.name for c in scan.clusters] == ["1.", "2.", "3."]
    assert [c.cluster for c in scan.cards] == [n for n in ["1.", "2.", "3."] for _ in range(4)]
    assert Box.of(next(h for h in scan.headings if h.id == "r-lab").polygon).x1 == 250


def test_a_mixed_board_with_heading_cards_still_reads_the_marker_heading_over_a_column_without_one():
    # Orange heading cards (the legend's "Überschrift") start two columns of lilac notes; the third
    # column's heading is written with marker (or is a heading card the detector missed). Before: a board
    # whose heading colour starts most of its columns was never read for marker headings.
    from cardscan.structure import reads_marker_headings

    cards = []
    for j, (x, name) in enumerate(((100, "Zeitplan"), (600, "Ideen"), (1100, None))):
        if name:
            cards.append(Card(f"m-{j}0", "m.jpg", rect(x, 40, 200, 80), "orange", "Überschrift", name, name))
        cards += [Card(f"m-{j}{k}", "m.jpg", rect(x, 60 + 140 * k), "lila", raw_text="x", text="x")
                  for k in range(1, 4 if name else 3)]
    reader = FakeReader([FakeWord("Offene", 1090, 70, 110, 50), FakeWord("Fragen", 1215, 70, 110, 50)])
    assert reads_marker_headings(cards, reader)
    assert not reads_marker_headings([c for c in cards if not c.id.startswith("m-2")], reader)
    # one card outside the headed columns is a false card, the legend or a stray note more often than a group
    # with a marker heading: the page is not read for it
    lone = [c for c in cards if not c.id.startswith("m-2")] + [next(c for c in cards if c.id == "m-21")]
    assert not reads_marker_headings(lone, reader)
    scan = find_structure(blank(), Scan("m.jpg", 1600, 1000, cards), reader=reader, votes=False)
    assert [c.name for c in scan.clusters] == ["Zeitplan", "Ideen", "Offene Fragen"]
    assert [c.cluster for c in scan.cards if c.id.startswith("m-2")] == ["Offene Fragen"] * 2


class CloserReader(FakeReader):
    """A page reader that misreads a letter of the marker heading, and a card reader that reads it right
    when it sees the heading alone (or, asked about a crop with a card's writing in it, more lines)."""

    def __init__(self, words, closer):
        super().__init__(words)
        self.closer = closer
        self.crops = []

    def read(self, crops):
        from cardscan.ocr.base import Reading

        self.crops += crops
        return [Reading(self.closer, 0.9) for _ in crops]


def test_a_marker_heading_misread_on_the_page_is_read_again_by_the_card_reader():
    words = [FakeWord("Unwelt", 110, 60, 170, 60)]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=CloserReader(words, "Umwelt"),
                          votes=False)
    assert [h.raw_text for h in scan.headings] == ["Umwelt"] and scan.clusters[0].name == "Umwelt"
    for closer in ("Umwelt\nAG Wohnen", "Ideen", "Unwelt"):  # more lines, other writing, no known word more
        scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=CloserReader(words, closer),
                              votes=False)
        assert [h.raw_text for h in scan.headings] == ["Unwelt"]


def test_smaller_writing_right_under_a_heading_is_not_part_of_it():
    # "FINANCIAL" / "ADVISER" in big letters, "Good/Bad" / "economy" in smaller ones right under them:
    # two headings (before: one heading of four lines), each line pair still joined.
    words = [FakeWord("FINANCIAL", 100, 20, 260, 70), FakeWord("ADVISER", 110, 95, 220, 65),
             FakeWord("Good/Bad", 130, 170, 120, 30), FakeWord("economy", 135, 203, 110, 28)]
    cards = [Card(f"f-{k}", "f.jpg", rect(100, 300 + 140 * k), "gelb", raw_text="x", text="x") for k in range(3)]
    scan = find_structure(blank(), Scan("f.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert sorted(h.raw_text for h in scan.headings) == ["FINANCIAL\nADVISER", "Good/Bad\neconomy"]


def test_the_row_label_column_reaches_label_column_card_widths_either_side():
    edge = LABEL_COLUMN * 80.0
    assert in_label_column(100.0 + edge, 100.0, card_w=80.0) and in_label_column(100.0 - edge, 100.0, card_w=80.0)
    assert not in_label_column(101.0 + edge, 100.0, card_w=80.0) and not in_label_column(99.0 - edge, 100.0, card_w=80.0)


class InkReader(FakeReader):
    """A page reader that misses some writing on the whole board but reads it in a crop around it, as
    PP-OCR's text detector does: each hidden word is drawn on the photo in an ink colour of its own and
    'read' wherever a crop shows all of it."""

    def __init__(self, words, hidden, page_shape=(1000, 1600)):
        super().__init__(words)
        self.hidden, self.page_shape = hidden, page_shape

    def read_page(self, rgb):
        self.pages.append(rgb)
        if rgb.shape[:2] == self.page_shape:
            return self.words
        out = []
        for ink, text in self.hidden.items():
            ys, xs = np.nonzero((rgb == ink).all(axis=2))
            if len(xs) and xs.min() > 0 and ys.min() > 0 and xs.max() < rgb.shape[1] - 1 and ys.max() < rgb.shape[0] - 1:
                out.append(FakeWord(text, int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1))
        return out


def write(img, x, y, w, h, ink):
    """Lines of 'writing' in one ink: every other row of the box, so the paper shows between the strokes."""
    img[y:y + h:2, x:x + w] = ink


def test_a_heading_the_page_reader_missed_is_read_above_the_column_it_heads():
    # The whole-board read finds LATER and DONE; the middle column's marker heading it misses (as PP-OCR
    # misses "Sicherheit" on a generated board), is read from the board above that column alone.
    img = blank()
    write(img, 600, 70, 240, 50, (20, 30, 120))
    reader = InkReader([FakeWord("DONE", 1250, 60, 160, 60), FakeWord("LATER", 110, 60, 170, 60)],
                        {(20, 30, 120): "Sicherheit"})
    scan = find_structure(img, Scan("b.jpg", 1600, 1000, kanban_cards()), reader=reader, votes=False)
    assert [c.name for c in scan.clusters] == ["LATER", "Sicherheit", "DONE"]
    assert [c.cluster for c in scan.cards][3:5] == ["Sicherheit"] * 2


def test_a_heading_card_the_detector_missed_over_a_lone_card_is_read_from_the_board_above_it():
    # Orange heading cards (the legend's "Überschrift") head two columns; the third column holds one card
    # under an orange heading strip the detector missed. One card outside the headed columns does not make
    # the whole board read; the board above it is read alone, and the strip (no card's size) heads it.
    img = blank()
    img[40:130, 1030:1370] = (240, 150, 40)  # the missed strip, 1.7 cards wide
    write(img, 1090, 60, 220, 50, (30, 30, 36))
    cards = []
    for j, (x, name) in enumerate(((100, "Zeitplan"), (600, "Ideen"), (1100, None))):
        if name:
            cards.append(Card(f"m-{j}0", "m.jpg", rect(x - 20, 40, 240, 90), "orange", "Überschrift", name, name))
        cards += [Card(f"m-{j}{k}", "m.jpg", rect(x, 60 + 140 * k), "lila", raw_text="x", text="x")
                  for k in range(1, 4 if name else 2)]
    reader = InkReader([], {(30, 30, 36): "Offene Fragen"})
    scan = find_structure(img, Scan("m.jpg", 1600, 1000, cards), reader=reader, votes=False)
    assert [c.name for c in scan.clusters] == ["Zeitplan", "Ideen", "Offene Fragen"]
    assert [c.cluster for c in scan.cards if c.id.startswith("m-2")] == ["Offene Fragen"]
    assert all(p.shape[:2] != (1000, 1600) for p in reader.pages)  # the whole board was not read


def test_two_stray_numbers_in_one_band_do_not_keep_each_other_but_counting_labels_stay():
    from cardscan.structure.row_labels import drop_lone_numbers
    from cardscan.workshop import Heading

    def heading(text, x, y):
        return Heading(f"h-{text}-{y}", rect(x, y, 40, 60), text, text, "marker", 0.9)

    done = heading("DONE", 1250, 60)
    assert drop_lone_numbers([heading("7", 150, 60), heading("3", 160, 600), done]) == [done]
    assert drop_lone_numbers([heading("5", 150, 60), heading("2", 150, 300)]) == []  # counting down: no labels
    counting = [heading("1", 150, 100), heading("2", 155, 300), heading("4", 160, 700)]  # "3" missed
    assert drop_lone_numbers(counting) == counting
    dotted = [heading("1.", 150, 100), heading("2.", 150, 300), heading("6", 150, 1100)]
    assert drop_lone_numbers(dotted) == dotted


def test_an_upright_strip_is_no_heading_strip():
    # A window frame outlined as a tall narrow "card" reading "9" (scolem-taskboard-1) took every card of
    # a kanban board as its cluster. Heading strips lie along their writing: wider than tall.
    frame = Card("b-30", "b.jpg", rect(950, 150, 40, 200), "dunkelblau", raw_text="9", text="9")
    strip = Card("b-31", "b.jpg", rect(90, 60, 420, 100), "weiß", raw_text="Finanzierung", text="Finanzierung")
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards() + [frame, strip]), votes=False)
    assert [h.id for h in scan.headings] == ["b-31"] and frame in scan.cards


def test_writing_on_a_tag_in_a_gap_too_narrow_for_a_card_heads_the_cards_below_it():
    # legaard-affinity-1: "Routines" on a small white tag between two groups of one column. Between two
    # cards 90 px apart no 100 px card was missed: the writing is a heading (120 px apart: a missed card).
    cards = [Card(f"t-{k}", "t.jpg", rect(100, y), "gelb", raw_text="x", text="x") for k, y in enumerate((200, 340, 530, 670))]
    words = [FakeWord("LATER", 110, 60, 170, 60), FakeWord("Routines", 110, 462, 150, 45)]
    scan = find_structure(blank(), Scan("t.jpg", 1600, 1000, cards), reader=FakeReader(words), votes=False)
    assert [c.name for c in scan.clusters] == ["LATER", "Routines"]
    assert [c.cluster for c in scan.cards] == ["LATER"] * 2 + ["Routines"] * 2


def test_small_writing_on_a_heading_tag_still_heads_its_column_but_a_caption_does_not():
    # legaard-affinity-1's white tags: "Behaviour", "Values" in letters a fifth of a card's side (before: a
    # quarter was the least). Smaller print, an eighth of it, is a caption or a card's writing.
    words = [FakeWord("Behaviour", 110, 100, 150, 20), FakeWord("DONE", 1250, 60, 160, 60),
             FakeWord("Foto: Team", 600, 150, 100, 12)]
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards()), reader=FakeReader(words), votes=False)
    assert [h.raw_text for h in scan.headings] == ["Behaviour", "DONE"]


def test_a_strip_with_no_card_below_it_is_no_heading_strip():
    # A window's reflection outlined as a wide white "card" reading "GUT" at the foot of a glass board
    # (scolem-taskboard-1) became a heading strip. A heading strip heads the cards under it.
    foot = Card("b-32", "b.jpg", rect(600, 850, 420, 100), "weiß", raw_text="GUT", text="GUT")
    strip = Card("b-31", "b.jpg", rect(90, 60, 420, 100), "weiß", raw_text="Finanzierung", text="Finanzierung")
    scan = find_structure(blank(), Scan("b.jpg", 1600, 1000, kanban_cards() + [foot, strip]), votes=False)
    assert [h.id for h in scan.headings] == ["b-31"] and foot in scan.cards
