import numpy as np
import pytest

from cardscan.exceptions import BadConfig
from cardscan.ocr import DEFAULT_ENGINE, Word, get_reader, words_to_reading
from cardscan.ocr.ppocr import (SURE_LONE_CHARACTER, PPOCRReader, ink_strokes, latin_text, lines_to_words,
                                missed_ink_share, model_files)
from tests.conftest import text_card

pytestmark = pytest.mark.slow  # loads the ONNX models (about a second)

DKG_HANDWRITING = "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf"


def handwritten_card(text: str, size=(520, 200), font_size=48) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, (250, 200, 120))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(DKG_HANDWRITING, font_size)
    y = 25
    for line in text.split("\n"):
        draw.text((25, y), line, font=font, fill=(30, 30, 90))
        y += int(font_size * 1.35)
    return np.asarray(img)


def low_light_grainy_card() -> np.ndarray:
    import cv2

    rng = np.random.default_rng(0)
    card = text_card("VERDRÄNGUNG\nSTOPPEN", paper=(120, 118, 110), ink=(92, 90, 86), size=(220, 90), font_size=22,
                     top=15).astype(np.float32)
    card = np.clip(cv2.GaussianBlur(card, (0, 0), 1.4) + rng.normal(0, 5, card.shape[:2] + (1,)), 0, 255)
    return card.astype(np.uint8)


@pytest.fixture(scope="module")
def reader():
    return get_reader("ppocr")


def test_ppocr_is_the_default_engine_for_cards():
    assert DEFAULT_ENGINE == "ppocr"
    assert isinstance(get_reader(), PPOCRReader)


def test_reads_block_capitals_with_umlaut_and_high_confidence(reader):
    reading = reader.read([text_card("QUARTIERSRAT\nSTÄRKEN")])[0]
    assert reading.text.split("\n") == ["QUARTIERSRAT", "STÄRKEN"]
    assert reading.confidence > 0.8


def test_reads_white_marker_on_a_dark_card(reader):
    card = text_card("NETZWERK", paper=(40, 82, 160), ink=(245, 245, 245))
    assert reader.read([card])[0].text == "NETZWERK"


def test_multi_line_card_keeps_reading_order(reader):
    reading = reader.read([text_card("Mehr Geld\nfür Projekte\nim Kiez", size=(640, 300))])[0]
    assert reading.text.splitlines() == ["Mehr Geld", "für Projekte", "im Kiez"]


def test_handwriting_that_tesseract_garbles_is_read(reader):
    for text in ("Treffpunkt für\nJugendliche", "Kiezbüro\nerhalten"):
        card = handwritten_card(text)
        assert reader.read([card])[0].text == text
        assert get_reader("tesseract").read([card])[0].text != text


def test_faint_grainy_capitals_in_low_light_are_read_and_a_lost_umlaut_is_restored_by_normalising(reader):
    from cardscan.normalise import normalise

    raw = reader.read([low_light_grainy_card()])[0].text
    assert raw.replace("Ä", "A").split() == ["VERDRANGUNG", "STOPPEN"]  # small umlaut dots may go missing ...
    assert normalise(raw).text == "VERDRÄNGUNG STOPPEN"  # ... the normaliser puts them back


def test_faint_writing_the_detector_misses_is_found_once_the_contrast_is_stretched(reader):
    import cv2

    rng = np.random.default_rng(0)
    card = text_card("KONFLIKTE IM PARK\nMODERIEREN", paper=(70, 110, 80), ink=(60, 96, 70), size=(240, 100),
                     font_size=18, top=15).astype(np.float32)
    card = np.clip(cv2.GaussianBlur(card, (0, 0), 1.5) + rng.normal(0, 3, card.shape[:2] + (1,)), 0, 255)
    card = card.astype(np.uint8)
    as_it_is = get_reader("ppocr", retry_below=0, small_side=0, missed_ink=2, second_chance=False)
    assert as_it_is.read([card])[0].text == ""  # nothing found
    assert reader.read([card])[0].text == "KONFLIKTE IM PARK\nMODERIEREN"


def test_blank_card_reads_as_empty_with_zero_confidence(reader):
    reading = reader.read([np.full((200, 500, 3), 240, np.uint8)])[0]
    assert reading.text == "" and reading.confidence == 0.0


def test_batch_returns_one_reading_per_crop_in_order(reader):
    crops = [text_card(t) for t in ("EINS", "ZWEI", "DREI")]
    assert [r.text for r in reader.read(crops)] == ["EINS", "ZWEI", "DREI"]


def test_reading_logs_nothing(reader, capfd):
    reader.read([text_card("RUHE")])
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_boxes_side_by_side_form_one_line_and_words_share_the_box_width():
    boxes = [[[10, 52], [60, 52], [60, 90], [10, 90]],      # "FRÜH" found apart from "QR" ...
             [[100, 0], [300, 0], [300, 40], [100, 40]],     # first line
             [[0, 50], [8, 50], [8, 88], [0, 88]],           # ... on the second line, left of it
             [[0, 48], [0, 48], [0, 48], [0, 48]]]
    results = [("FRÜH", 0.9), ("QR ist", 0.8), ("Q", 0.7), ("  ", 0.9)]
    words = lines_to_words(boxes, results)
    assert [(w.text, w.line) for w in words] == [("QR", 1), ("ist", 1), ("Q", 2), ("FRÜH", 2)]
    qr, ist = words[0], words[1]
    assert qr.left == 100 and ist.left + ist.width == pytest.approx(300, abs=1)
    assert qr.width < ist.width and qr.confidence == 0.8


def test_unknown_model_size_is_a_config_error():
    with pytest.raises(BadConfig, match="Modell"):
        model_files("huge")


def test_a_short_line_between_two_slanted_ones_stays_a_line_of_its_own():
    # a real pink note, 85 px: "LED" stands between "BUY" and a tall, slanted "LIGHT BULBS" box; by
    # overlapping upright heights it joined the line below and came out as "LIGHT BULBS LED"
    boxes = [[[0, 2], [38, 2], [38, 25], [0, 25]], [[0, 40], [84, 34], [84, 54], [0, 60]],
             [[5, 27], [35, 27], [35, 41], [5, 41]]]
    words = lines_to_words(boxes, [("BUY", 0.8), ("LIGHT BULBS", 0.9), ("LED", 0.9)])
    assert words_to_reading(words).text == "BUY\nLED\nLIGHT BULBS"


def test_lines_of_a_tilted_note_do_not_merge():
    # every line rises 12 px over its width: upright boxes overlap by half, centre lines do not
    boxes = [[[0, 12 + 22 * i], [100, 22 * i], [100, 16 + 22 * i], [0, 28 + 22 * i]] for i in range(4)]
    words = lines_to_words(boxes, [(t, 0.9) for t in ("BIGGEST", "PROBLEM", "TOO MUCH", "TEXT")])
    assert words_to_reading(words).text == "BIGGEST\nPROBLEM\nTOO MUCH\nTEXT"


def test_east_asian_characters_are_dropped_and_compatibility_forms_unfolded():
    assert latin_text("BIG①") == "BIG1"
    assert latin_text("VIDEO回") == "VIDEO"  # a drawn screen icon
    assert latin_text("业") == ""
    assert latin_text("FRÜH ﬁnden Straße") == "FRÜH finden Straße"


def test_ink_outside_the_text_boxes_is_measured():
    card = text_card("EINS\nZWEI", size=(400, 240), font_size=60, top=20)
    strokes = ink_strokes(card)
    rows = np.nonzero(strokes.any(axis=1))[0]
    assert strokes.sum() > 500 and rows.min() > 15
    first = [Word("EINS", 0.9, 20, 20, 200, 80, 1, 1, 1)]
    both = first + [Word("ZWEI", 0.9, 20, 100, 200, 85, 1, 1, 2)]
    assert 0.35 < missed_ink_share(card, first) < 0.65
    assert missed_ink_share(card, both) < 0.05
    assert missed_ink_share(np.full((100, 100, 3), 230, np.uint8), []) == 0.0


def test_a_card_whose_ink_the_boxes_missed_is_read_again_and_the_fuller_reading_kept(monkeypatch):
    # as a pink note's first lines: the detector found only the middle line on the crop as it is
    card = text_card("BUY\nNEW\nEVERNOTE", size=(400, 300), font_size=50, top=20)
    line = {"BUY": 20, "NEW": 85, "EVERNOTE": 150}

    def found(crop, max_side):
        texts = ["NEW"] if np.array_equal(crop, card) else list(line)
        return [Word(t, 0.95, 25, line[t], 40 * len(t), 55, 1, 1, i) for i, t in enumerate(texts, 1)]

    looking_again, once = get_reader("ppocr"), get_reader("ppocr", missed_ink=2)
    for r in (looking_again, once):
        monkeypatch.setattr(r, "_words", found)
    assert looking_again.read([card])[0].text == "BUY\nNEW\nEVERNOTE"
    assert once.read([card])[0].text == "NEW"


def test_a_small_note_is_read_enlarged_and_its_words_placed_in_its_own_pixels(reader):
    card = text_card("SPIELPLATZ", size=(220, 90), font_size=26, top=25)
    reading = reader.read([card])[0]
    assert reading.text == "SPIELPLATZ"
    word = reading.words[0]
    assert 0 <= word.left < 60 and word.left + word.width <= 225 and word.top + word.height <= 92


def test_a_lone_character_above_the_writing_read_surely_is_kept_an_unsure_one_is_a_pin():
    def reading(conf):
        return words_to_reading([Word("4", conf, 40, 0, 10, 20, 1, 1, 1), Word("EZ", 0.99, 10, 30, 40, 20, 1, 1, 2)],
                                sure_lone_character=SURE_LONE_CHARACTER)
    assert reading(0.9999).text == "4\nEZ"
    assert reading(0.6).text == "EZ"
    assert words_to_reading([Word("4", 0.9999, 40, 0, 10, 20, 1, 1, 1), Word("EZ", 0.99, 10, 30, 40, 20, 1, 1, 2)]).text == "EZ"


def test_a_page_is_read_by_a_lean_detector_with_the_same_words_as_the_card_detector(reader):
    """The page detector skips the layout rewrite that copies its largest maps, and reads what the card detector reads."""
    import cv2

    from cardscan.ocr.ppocr import PAGE_MAX_SIDE, _load_system

    page = np.full((900, 1400, 3), 235, np.uint8)
    page[100:300, 100:620] = handwritten_card("Verstetigung")
    page[500:700, 700:1220] = handwritten_card("Quartiersrat")
    words = reader.read_page(page)
    lean = _load_system(reader.model, PAGE_MAX_SIDE, reader.min_score, reader.threads, lean=True)
    fast = _load_system(reader.model, PAGE_MAX_SIDE, reader.min_score, reader.threads)
    lean_options = lean.text_detector.det_onnx_session.get_session_options()
    fast_options = fast.text_detector.det_onnx_session.get_session_options()
    assert not lean_options.enable_cpu_mem_arena and not fast_options.enable_cpu_mem_arena
    assert lean_options.graph_optimization_level != fast_options.graph_optimization_level
    boxes, results = fast(cv2.cvtColor(page, cv2.COLOR_RGB2BGR), cls=False)
    assert [(w.text, w.left, w.top) for w in words] == [(w.text, w.left, w.top) for w in lines_to_words(boxes, results)]
    assert len(words) == 2 and words[1].text == "Quartiersrat"


def test_an_unsure_number_in_a_corner_of_a_note_is_kept_and_an_unsure_pin_at_its_top_centre_dropped(monkeypatch):
    # as real thkoeln notes: "SCP" with a "5" in the bottom right corner, read at 0.90 (below SURE_LONE_CHARACTER)
    card = text_card("SCP", size=(280, 160), font_size=40, top=15)

    def found(crop, max_side):  # in the enlarged crop's pixels (160 px is not enlarged)
        return [Word("SCP", 0.99, 28, 15, 100, 45, 1, 1, 1), Word("5", 0.90, 232, 105, 36, 45, 1, 1, 2)]

    def pinned(crop, max_side):
        return [Word("J", 0.90, 125, 0, 30, 40, 1, 1, 1), Word("SCP", 0.99, 28, 60, 100, 45, 1, 1, 2)]

    reader = get_reader("ppocr", missed_ink=2)
    monkeypatch.setattr(reader, "_words", found)
    assert reader.read([card])[0].text == "SCP\n5"
    monkeypatch.setattr(reader, "_words", pinned)
    assert reader.read([card])[0].text == "SCP"
