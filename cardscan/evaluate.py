"""Score what cardscan read against ground truth, so quality claims are numbers, not impressions.

A predicted card matches a true card when their polygons overlap with IoU ≥ 0.5 (one-to-one,
best overlaps first). On matched cards we score colour and text: character error rate (CER)
and word error rate (WER) are edit distances divided by the true length, summed over cards.
Missed cards count fully as errors in the "CER incl. missed" figure, so a detector that drops
hard cards cannot look good on text.

The board's structure (issue 17) is scored by `StructureEvaluation` on photos whose truth has
``headings`` or per-card ``cluster``/``votes``: heading text as CER (headings matched by overlap;
missed headings count fully), cluster assignment on the matched cards as accuracy (predicted
clusters mapped one-to-one onto true ones so that most cards agree; names need not match) and as
adjusted Rand index per photo, and dot votes as the share of matched cards whose count is exact.
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


# ---- the board's structure ----------------------------------------------------------------------
HEADING_MIN_OVERLAP = 0.3  # of the smaller box: marker heading boxes are drawn tighter or looser than truth


def heading_overlap(a, b) -> float:
    """Intersection of two polygons' bounding boxes over the smaller box (headings' boxes vary in tightness)."""
    pa, pb = np.asarray(a, dtype=float).reshape(-1, 2), np.asarray(b, dtype=float).reshape(-1, 2)
    (ax0, ay0), (ax1, ay1) = pa.min(0), pa.max(0)
    (bx0, by0), (bx1, by1) = pb.min(0), pb.max(0)
    iw, ih = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return 0.0
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return float(iw * ih / smaller) if smaller > 0 else 0.0


def cluster_agreement(true_labels: list, predicted: list) -> int:
    """How many cards agree once each predicted cluster is mapped to at most one true cluster (best mapping)."""
    from scipy.optimize import linear_sum_assignment

    if not true_labels:
        return 0
    t_names, p_names = sorted(set(map(str, true_labels))), sorted(set(map(str, predicted)))
    table = np.zeros((len(t_names), len(p_names)), dtype=int)
    for t, p in zip(true_labels, predicted):
        table[t_names.index(str(t)), p_names.index(str(p))] += 1
    rows, cols = linear_sum_assignment(-table)
    return int(table[rows, cols].sum())


@dataclass
class StructureTally:
    """Counts over photos for headings, clusters and votes; rates at the end."""

    photos: int = 0
    true_cards: int = 0
    matched_cards: int = 0
    cluster_cards: int = 0  # matched cards on photos whose truth has clusters
    cluster_agree: int = 0
    ari_sum: float = 0.0
    ari_photos: int = 0
    true_headings: int = 0
    found_headings: int = 0
    predicted_headings: int = 0
    heading_char_errors: int = 0
    heading_chars: int = 0
    vote_cards: int = 0
    votes_exact: int = 0
    true_votes: int = 0
    predicted_votes: int = 0

    def add(self, other: "StructureTally") -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def rates(self) -> dict[str, float]:
        return {
            "photos": self.photos, "cards": self.true_cards, "matched_cards": self.matched_cards,
            "cluster_cards": self.cluster_cards,
            "cluster_accuracy": self.cluster_agree / self.cluster_cards if self.cluster_cards else 0.0,
            "cluster_ari": self.ari_sum / self.ari_photos if self.ari_photos else 0.0,
            "headings": self.true_headings, "headings_found": self.found_headings,
            "headings_predicted": self.predicted_headings,
            "heading_cer": self.heading_char_errors / self.heading_chars if self.heading_chars else 0.0,
            "vote_cards": self.vote_cards,
            "votes_exact": self.votes_exact / self.vote_cards if self.vote_cards else 0.0,
            "true_votes": self.true_votes, "predicted_votes": self.predicted_votes,
        }


@dataclass
class StructureEvaluation:
    """Structure tallies overall and per group (tier, layout …) of photos."""

    overall: StructureTally = field(default_factory=StructureTally)
    by: dict[str, dict[str, StructureTally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(StructureTally)))
    photos: list[dict] = field(default_factory=list)

    def add_photo(self, scan: Scan, truth: dict, groups: dict[str, str] | None = None) -> StructureTally:
        """Score one photo; groups: e.g. {"tier": "easy"} to tally it under those keys too."""
        from sklearn.metrics import adjusted_rand_score

        one = StructureTally(photos=1, true_cards=len(truth["cards"]))
        true_cards = truth["cards"]
        pairs = match([c.polygon for c in scan.cards], [t["polygon"] for t in true_cards])
        t_labels, p_labels = [], []
        has_clusters = any(t.get("cluster") is not None for t in true_cards)
        has_votes = "votes" in truth or any("votes" in t for t in true_cards)
        for i, j, _ in pairs:
            card, t = scan.cards[i], true_cards[j]
            one.matched_cards += 1
            t_labels.append(t.get("cluster") or "")
            p_labels.append(card.cluster or "")
            if has_votes:
                want = int(t.get("votes", 0) or 0)
                one.vote_cards += 1
                one.votes_exact += int(card.votes == want)
                one.true_votes += want
                one.predicted_votes += int(card.votes)
        if has_clusters and t_labels:
            one.cluster_cards = len(t_labels)
            one.cluster_agree = cluster_agreement(t_labels, p_labels)
            one.ari_sum = float(adjusted_rand_score(t_labels, p_labels)) if len(t_labels) > 1 else 1.0
            one.ari_photos = 1
        true_headings = truth.get("headings") or []
        one.true_headings = len(true_headings)
        one.predicted_headings = len(scan.headings)
        candidates = sorted(((heading_overlap(h.polygon, t["polygon"]), i, j) for i, h in enumerate(scan.headings)
                             for j, t in enumerate(true_headings)), reverse=True)
        used_p, used_t = set(), set()
        for overlap, i, j in candidates:
            if overlap >= HEADING_MIN_OVERLAP and i not in used_p and j not in used_t:
                used_p.add(i)
                used_t.add(j)
                one.found_headings += 1
                if true_headings[j].get("text") is not None:  # annotators may leave a text unread
                    one.heading_char_errors += char_errors(scan.headings[i].raw_text, true_headings[j]["text"])
        for j, t in enumerate(true_headings):
            if t.get("text") is None:
                continue
            one.heading_chars += len(flat_text(t["text"]))
            if j not in used_t:
                one.heading_char_errors += len(flat_text(t["text"]))
        self.overall.add(one)
        for key, value in (groups or {}).items():
            self.by[key][value].add(one)
        self.photos.append({"image": truth.get("image", scan.image), **one.rates()})
        return one

    def report(self) -> dict:
        out = {"overall": self.overall.rates()}
        for key, groups in self.by.items():
            out[key] = {name: tally.rates() for name, tally in sorted(groups.items())}
        out["photos"] = self.photos
        return out


def format_structure_table(report: dict, keys: tuple[str, ...] = ("tier",)) -> str:
    cols = ["cards", "matched_cards", "cluster_accuracy", "cluster_ari", "headings", "heading_cer", "votes_exact"]
    lines = [f"{'':28s}" + "".join(f"{c:>12s}" for c in ["cards", "matched", "cluster acc", "ARI", "headings",
                                                          "head. CER", "votes ="])]

    def row(name, r):
        return (f"{name:28s}" + "".join(f"{int(r[c]):12d}" for c in cols[:2])
                + "".join(f"{r[c]:12.3f}" for c in cols[2:4]) + f"{int(r['headings']):12d}"
                + "".join(f"{r[c]:12.3f}" for c in cols[5:]))

    lines.append(row("overall", report["overall"]))
    for key in keys:
        for name, r in report.get(key, {}).items():
            lines.append(row(f"{key}={name}", r))
    return "\n".join(lines)


def has_structure(truth: dict) -> bool:
    """Whether a truth file says anything about headings, clusters or votes."""
    return bool(truth.get("headings")) or "votes" in truth or any(
        "cluster" in t or "votes" in t for t in truth.get("cards", []))


def structure_report(scans: list[Scan], truths: dict[str, dict], by: str = "tier") -> dict | None:
    """Structure scores of the scans whose truth has structure (None when none has); grouped by `by`."""
    evaluation = StructureEvaluation()
    for scan in scans:
        truth = truths.get(scan.image)
        if truth is not None and has_structure(truth):
            evaluation.add_photo(scan, truth, {by: str(truth.get(by, "?"))})
    return evaluation.report() if evaluation.overall.photos else None
