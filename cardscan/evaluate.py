"""Score what cardscan read against ground truth, so quality claims are numbers, not impressions.

A predicted card matches a true card when their polygons overlap with IoU ≥ 0.5 (one-to-one,
best overlaps first). On matched cards we score colour and text: character error rate (CER)
and word error rate (WER) are edit distances divided by the true length, summed over cards.
Missed cards count fully as errors in the "CER incl. missed" figure, so a detector that drops
hard cards cannot look good on text.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from cardscan.workshop import Scan

MIN_IOU = 0.5


def polygon_iou(a, b) -> float:
    """Intersection over union of two convex polygons."""
    import cv2

    pa = np.asarray(a, dtype=np.float32).reshape(-1, 2)
    pb = np.asarray(b, dtype=np.float32).reshape(-1, 2)
    area_a, area_b = abs(cv2.contourArea(pa)), abs(cv2.contourArea(pb))
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter, _ = cv2.intersectConvexConvex(cv2.convexHull(pa), cv2.convexHull(pb))
    return float(inter / (area_a + area_b - inter)) if inter > 0 else 0.0


def flat_text(text: str) -> str:
    """Line breaks on a card are layout, not content: compare texts as one line."""
    return " ".join(text.split())


def char_errors(predicted: str, truth: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(flat_text(predicted), flat_text(truth))


def word_errors(predicted: str, truth: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(flat_text(predicted).split(), flat_text(truth).split())


def match(pred_polygons: list, true_polygons: list, min_iou: float = MIN_IOU) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching by IoU, best pairs first."""
    pairs = []
    for i, p in enumerate(pred_polygons):
        for j, t in enumerate(true_polygons):
            iou = polygon_iou(p, t)
            if iou >= min_iou:
                pairs.append((iou, i, j))
    used_p, used_t, out = set(), set(), []
    for iou, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_t:
            used_p.add(i)
            used_t.add(j)
            out.append((i, j, iou))
    return out


@dataclass
class Tally:
    """Counts that add up across photos; rates are computed at the end."""

    true_cards: int = 0
    predicted_cards: int = 0
    matched: int = 0
    colour_correct: int = 0
    char_errors: int = 0
    chars: int = 0
    missed_chars: int = 0
    word_errors: int = 0
    words: int = 0
    iou_sum: float = 0.0

    def add(self, other: "Tally") -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def rates(self) -> dict[str, float]:
        p = self.matched / self.predicted_cards if self.predicted_cards else 0.0
        r = self.matched / self.true_cards if self.true_cards else 0.0
        return {
            "cards": self.true_cards, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "colour_accuracy": self.colour_correct / self.matched if self.matched else 0.0,
            "cer": self.char_errors / self.chars if self.chars else 0.0,
            "cer_incl_missed": (self.char_errors + self.missed_chars) / (self.chars + self.missed_chars)
            if self.chars + self.missed_chars else 0.0,
            "wer": self.word_errors / self.words if self.words else 0.0,
            "mean_iou": self.iou_sum / self.matched if self.matched else 0.0,
        }


@dataclass
class Evaluation:
    """Tallies overall and per tier / font / shape / colour.

    Precision counts false positives only overall and per tier (a phantom card has no font);
    per font/shape/colour the meaningful figures are recall, colour accuracy and CER.
    """

    overall: Tally = field(default_factory=Tally)
    by: dict[str, dict[str, Tally]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Tally)))

    def add_photo(self, scan: Scan, truth: dict) -> None:
        """Score one photo. False positives belong to the photo's tier; everything else to the true card."""
        tier = truth.get("tier", "unknown")
        true_cards = truth["cards"]
        pairs = {j: (i, iou) for i, j, iou in match([c.polygon for c in scan.cards], [t["polygon"] for t in true_cards])}
        false_positives = len(scan.cards) - len(pairs)
        for tally in (self.overall, self.by["tier"][tier]):
            tally.predicted_cards += false_positives
        for j, t in enumerate(true_cards):
            text = flat_text(t["text"])
            one = Tally(true_cards=1)
            if j in pairs:
                i, iou = pairs[j]
                card = scan.cards[i]
                one = Tally(true_cards=1, predicted_cards=1, matched=1, iou_sum=iou,
                            colour_correct=int(card.colour == t.get("colour")),
                            char_errors=char_errors(card.raw_text, text), chars=len(text),
                            word_errors=word_errors(card.raw_text, text), words=len(text.split()))
            else:
                one.missed_chars = len(text)
            self.overall.add(one)
            for key, value in (("tier", tier), ("font", t.get("font", "?")), ("shape", t.get("shape", "rect")),
                               ("colour", t.get("colour", "?"))):
                self.by[key][value].add(one)

    def report(self) -> dict:
        out = {"overall": self.overall.rates()}
        for key, groups in self.by.items():
            out[key] = {name: tally.rates() for name, tally in sorted(groups.items())}
        return out


def format_table(report: dict, keys: tuple[str, ...] = ("tier", "font", "shape")) -> str:
    cols = ["cards", "precision", "recall", "f1", "colour_accuracy", "cer", "cer_incl_missed", "wer"]
    lines = [f"{'':28s}" + "".join(f"{c:>12s}" for c in ["cards", "P", "R", "F1", "colour", "CER", "CER+miss", "WER"])]

    def row(name, r):
        return f"{name:28s}" + f"{int(r['cards']):12d}" + "".join(f"{r[c]:12.3f}" for c in cols[1:])

    lines.append(row("overall", report["overall"]))
    for key in keys:
        for name, r in report.get(key, {}).items():
            lines.append(row(f"{key}={name}", r))
    return "\n".join(lines)


def load_truths(directory: str | Path) -> dict[str, dict]:
    """Ground-truth files `<photo stem>.truth.json`, keyed by image file name."""
    truths = {}
    for path in sorted(Path(directory).glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truths[truth["image"]] = truth
    return truths
