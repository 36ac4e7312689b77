import numpy as np
import pytest

from cardscan.exceptions import BadConfig
from cardscan.ocr import DEFAULT_ENGINE, get_reader
from cardscan.ocr.ppocr import PPOCRReader, lines_to_words, model_files
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
    assert get_reader("ppocr", retry_below=0).read([card])[0].text == ""  # as it is: nothing found
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
