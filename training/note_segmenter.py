"""A small learned note segmenter (issue 15, item 2): notes where colour and edge steps are missing.

Why: the classical detector (CardDetector) needs a colour or shadow step around a note; white cards on
a white wall, touching notes of one pad and notes at an angle have little of it. A tiny U-Net
(training/train_segmenter.py, trained on generated boards and the dev photos' truth, exported to ONNX)
predicts per pixel whether it lies inside a note and inside a note's *core* (the note shrunk to
CORE_SCALE about its centre). Cores of touching notes stay apart, so each core is one note: its
minimum-area rectangle grown back by 1/CORE_SCALE is the note's outline. Alone it is far less precise
than the classical detector (P ~0.5 on dev photos); its use is `extra_notes`: what it finds where the
classical detector found nothing, of the board's note size, near found notes, with a colour step.

Measured (bench/segmenter_eval.py, its docstring has the table): recall +1.5 to +3 points on dev (leave-
group-out and unseen dev photos) for 0.3-0.7 points of precision, but on HELD-OUT +0.8 recall for -1.5
precision, F1 unchanged. So it is not wired into CardDetector, lives here beside its training and not in the cardscan
package, and no model is bundled; pass the path of a model built by training/train_segmenter.py. Run time needs onnxruntime, cv2
and numpy only (no torch).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CORE_SCALE = 0.6  # the core is the note shrunk to this share of its size about its centroid
LONG_SIDE = 768  # the photo's long side in training (random crops at 0.5-1.5 times this scale)
FIND_SIDE = 1280  # ... and when finding notes: small notes of dense walls (16-30 px at 768) were missed
CACHE = Path(os.environ.get("CARDSCAN_SEGMENTER_CACHE", Path.home() / ".cache" / "cardscan-segmenter"))  # rendered
# boards and measured detections, outside the repository


def target_masks(polygons: list, shape: tuple[int, int]) -> np.ndarray:
    """uint8 (2, H, W): 1 inside any note; 1 inside any note's core (shrunk about its centroid)."""
    import cv2

    note = np.zeros(shape, np.uint8)
    core = np.zeros(shape, np.uint8)
    for poly in polygons:
        p = np.asarray(poly, np.float32)
        cv2.fillPoly(note, [np.round(p).astype(np.int32)], 1)
        c = p.mean(axis=0)
        cv2.fillPoly(core, [np.round(c + (p - c) * CORE_SCALE).astype(np.int32)], 1)
    return np.stack([note, core])


@dataclass(frozen=True)
class SegmentedNote:
    """One note the segmenter found: outline in photo pixels (four corners) and mean core probability."""

    polygon: tuple[tuple[float, float], ...]
    score: float


def _session(path: Path, threads: int):
    """A plain CPU session without memory arena (as the OCR's: the detector runs once per photo)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.enable_cpu_mem_arena = options.enable_mem_pattern = False
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class NoteSegmenter:
    """Notes on a photo from the ONNX segmenter: ``find(rgb)`` -> outlines in photo pixels.

    core_threshold: a pixel belongs to a core above this probability; min_score: a core whose mean
    probability is lower is dropped; min_core: cores smaller than this many pixels (at LONG_SIDE) are
    specks, not notes (a 16 px note has a core of about 90 px). min_fill, max_aspect: a core is a
    shrunk note, so it fills its minimum-area rectangle and is not a long strip; cores of two notes run
    together, and the rims of boards and frames, fail one or the other.
    """

    def __init__(self, model: str | Path, *, long_side: int = FIND_SIDE,
                 core_threshold: float = 0.5, min_score: float = 0.6, min_core: int = 40, min_fill: float = 0.0,
                 max_aspect: float = 100.0, threads: int = 1):
        self.model = Path(model)
        self.long_side = long_side
        self.core_threshold = core_threshold
        self.min_score = min_score
        self.min_core = min_core
        self.min_fill = min_fill
        self.max_aspect = max_aspect
        self.threads = threads
        self._net = None

    def probabilities(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Note and core probability maps at the net's size, and the scale photo -> net."""
        import cv2

        if self._net is None:
            self._net = _session(self.model, self.threads)
        h, w = rgb.shape[:2]
        scale = self.long_side / max(h, w)
        nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
        small = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
        ph, pw = -nh % 32, -nw % 32  # five halvings inside the net
        small = cv2.copyMakeBorder(small, 0, ph, 0, pw, cv2.BORDER_REFLECT)
        x = (small.astype(np.float32).transpose(2, 0, 1)[None] / 255.0) - 0.5
        logits = self._net.run(None, {"image": x})[0][0, :, :nh, :nw]
        probs = 1.0 / (1.0 + np.exp(-logits))
        return probs[0], probs[1], scale

    def find(self, rgb: np.ndarray) -> list[SegmentedNote]:
        """Each core is one note: its minimum-area rectangle grown back by 1/CORE_SCALE about its centre."""
        import cv2

        _note, core, scale = self.probabilities(rgb)
        n, labels, stats, _ = cv2.connectedComponentsWithStats((core > self.core_threshold).astype(np.uint8), 4)
        notes = []
        for k in range(1, n):
            if stats[k, cv2.CC_STAT_AREA] < self.min_core:
                continue
            ys, xs = np.nonzero(labels == k)
            score = float(core[ys, xs].mean())
            if score < self.min_score:
                continue
            pts = np.stack([xs, ys], axis=1).astype(np.float32)
            (cx, cy), (rw, rh), angle = cv2.minAreaRect(pts)
            if len(pts) < self.min_fill * (rw + 1) * (rh + 1) or max(rw, rh) + 1 > self.max_aspect * (min(rw, rh) + 1):
                continue
            box = cv2.boxPoints(((cx, cy), ((rw + 1) / CORE_SCALE, (rh + 1) / CORE_SCALE), angle))
            box = (box + 0.5) / scale - 0.5
            h, w = rgb.shape[:2]
            box[:, 0] = np.clip(box[:, 0], 0, w - 1)
            box[:, 1] = np.clip(box[:, 1], 0, h - 1)
            notes.append(SegmentedNote(polygon=tuple((float(x), float(y)) for x, y in box), score=score))
        return notes


def _side_angle(p: np.ndarray) -> float:
    """The direction of a quadrilateral's longest side in degrees, modulo 90 (a note turned by 90 is
    as straight as it was)."""
    sides = np.roll(p, -1, axis=0) - p
    dx, dy = sides[int(np.argmax((sides ** 2).sum(axis=1)))]
    return float(np.degrees(np.arctan2(dy, dx)) % 90)


def _colour_step(lab: np.ndarray, p: np.ndarray) -> float:
    """CIE delta E between the median colour inside a note (its inner 80 %) and in a ring around it
    (out to 1.4 times its size)."""
    import cv2

    c = p.mean(axis=0)
    inner = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(inner, [np.round(c + (p - c) * 0.8).astype(np.int32)], 1)
    ring = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(ring, [np.round(c + (p - c) * 1.4).astype(np.int32)], 1)
    cv2.fillPoly(ring, [np.round(p).astype(np.int32)], 0)
    if not inner.any() or not ring.any():
        return 0.0
    return float(np.linalg.norm(np.median(lab[inner > 0], axis=0) - np.median(lab[ring > 0], axis=0)))


def extra_notes(segmented: list[SegmentedNote], found: list, max_overlap: float = 0.2,
                size_range: tuple[float, float] | None = (0.4, 2.0), near: float | None = 1.5,
                max_turn: float | None = None, shape: tuple[int, int] | None = None,
                rgb: np.ndarray | None = None, min_step: float = 8.0) -> list[SegmentedNote]:
    """The segmenter's notes that overlap none of the outlines already `found` (by more than
    `max_overlap` of the smaller one's area): what the segmenter adds to another detector.

    What the segmenter takes for a note beside a real board is a lamp, a ceiling tile, the board's
    frame: the notes of one board are of a size and stick together. So an added note must be of the
    board's note size (area within `size_range` times the median found outline's), lie near a found
    one (centres at most `near` typical note sides apart), be turned like its nearest found one (at
    most `max_turn` degrees, modulo 90; None: any turn) and, with the photo's `shape` (h, w), not
    touch the photo's border (a note the border cuts is only part of one). Any rule set to None is
    left out; with nothing found only the overlap and border rules apply. With the photo (`rgb`), the
    note's paper must differ from what lies around it by at least `min_step` (CIE delta E of the
    medians): marker writing on a whiteboard, which the net likes to take for notes, has the board's
    colour inside and out; a white card on a white wall still has its rim of shadow.
    """
    import cv2

    if rgb is not None:
        shape = rgb.shape[:2]
        factor = min(1.0, FIND_SIDE / max(shape))
        small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else rgb
        lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)

    def area(p):
        return abs(cv2.contourArea(p))

    others = [np.asarray(p, np.float32).reshape(-1, 2) for p in found]
    typical = float(np.median([area(o) for o in others])) if others else 0.0
    centres = np.array([o.mean(axis=0) for o in others]) if others else np.zeros((0, 2))
    kept = []
    for note in segmented:
        p = np.asarray(note.polygon, np.float32)
        a = area(p)
        if shape is not None and (p.min() <= 1 or p[:, 0].max() >= shape[1] - 2 or p[:, 1].max() >= shape[0] - 2):
            continue
        if typical and size_range and not size_range[0] * typical <= a <= size_range[1] * typical:
            continue
        if typical and (near is not None or max_turn is not None):
            dist = np.hypot(*(centres - p.mean(axis=0)).T)
            k = int(np.argmin(dist))
            if near is not None and dist[k] > near * np.sqrt(typical):
                continue
            if max_turn is not None:
                turn = abs(_side_angle(p) - _side_angle(others[k]))
                if min(turn, 90 - turn) > max_turn:
                    continue
        if rgb is not None and _colour_step(lab, p * factor) < min_step:
            continue
        clash = False
        for o in others:
            inter, _ = cv2.intersectConvexConvex(cv2.convexHull(p), cv2.convexHull(o))
            if inter > max_overlap * max(1e-6, min(a, area(o))):
                clash = True
                break
        if not clash:
            kept.append(note)
    return kept
