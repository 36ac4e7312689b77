"""Does the learned note segmenter find notes the classical detector misses? (issue 15, item 2)

Three detectors are scored per photo with real_eval's rules (cardscan.evaluate.match, IoU >= 0.5,
one-to-one; a found partial note is neither required nor false): (a) classical = CardDetector alone,
(b) segmenter = training/note_segmenter.py NoteSegmenter alone, (c) union = classical plus the
segmenter's notes that overlap no classical card (segmenter.extra_notes).

Real photos: dev only unless --split heldout is asked for (once, at the very end, for the chosen
model; never tune on it). A model fine-tuned on dev photos must be scored leave-group-out:
``--fold MODEL GROUP...`` scores the photos of those board groups with MODEL (trained without them).
Generated boards: ``--generated N --first-seed S`` (tune on 1000+, report 5000+).

    python bench/segmenter_eval.py --model /tmp/base.onnx                  # dev, one model
    python bench/segmenter_eval.py --fold a.onnx legaard-affinity ... --fold b.onnx datascope-postit ...
    python bench/segmenter_eval.py --model m.onnx --generated 6 --first-seed 5000 --conditions square touching

Measured (3 Dec 2026, detector of main b02cce3; matching as real_eval, whole notes):
| set | classical P / R / F1 | union P / R / F1 | segmenter alone P / R |
|---|---|---|---|
| dev, the 24 old photos, leave-group-out (two halves of the board groups) | 0.964 / 0.925 / 0.944 | 0.961 / 0.940 / 0.951 | 0.515 / 0.654 |
| dev, the 8 photos of the fourth batch (never trained on) | 0.848 / 0.686 / 0.759 | 0.841 / 0.716 / 0.773 | 0.434 / 0.627 |
| HELD-OUT, 26 photos (printed once, never tuned on) | 0.745 / 0.553 / 0.635 | 0.730 / 0.561 / 0.635 | 0.435 / 0.427 |
| generated blind, seeds 5000-5001 x 3 tiers | 0.967 / 0.758 / 0.850 | 0.960 / 0.764 / 0.851 | 0.662 / 0.650 |
| generated blind, medium square+touching, seeds 5000-5002 | 0.946 / 0.614 / 0.745 | 0.949 / 0.649 / 0.771 | 0.735 / 0.632 |
The union adds 6-9 notes per set (most on dense walls: legaard-affinity 105 -> 112 of 139) and about as many
false ones on held-out: no F1 gain there, so the segmenter is not wired into the detector and no model is
committed (training/train_segmenter.py rebuilds one in about 40 CPU minutes).

Classical detections are cached per photo in ~/.cache/cardscan-segmenter (--fresh ignores the cache).
Writes bench/results/segmenter_eval.json (or --out).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "training"))  # the segmenter tried and not wired in lives beside its training

from _real import REAL_TRUTH, board_group, real_photos_dir  # noqa: E402
from _results import save  # noqa: E402

from note_segmenter import CACHE  # noqa: E402
VARIANTS = ("classical", "segmenter", "union")


@dataclass
class Tally:
    """Matched, predicted and true notes of one variant, summed over photos."""

    true: int = 0
    predicted: int = 0
    matched: int = 0

    def add(self, true: int, predicted: int, matched: int) -> None:
        self.true, self.predicted, self.matched = self.true + true, self.predicted + predicted, self.matched + matched

    def figures(self) -> dict[str, float]:
        p = self.matched / self.predicted if self.predicted else 1.0
        r = self.matched / self.true if self.true else 1.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0, 3),
                "true": self.true, "predicted": self.predicted, "matched": self.matched}


@dataclass
class PhotoScore:
    image: str
    split: str
    true: int
    by_variant: dict[str, tuple[int, int]] = field(default_factory=dict)  # variant -> (predicted, matched)


def score(polygons: list, truth: dict) -> tuple[int, int, int]:
    """(true, predicted, matched) as bench/real_eval.py counts them (whole notes; partial ones neutral)."""
    from cardscan.evaluate import match

    whole = [c["polygon"] for c in truth["cards"] if c.get("whole", True)]
    partial = [c["polygon"] for c in truth["cards"] if not c.get("whole", True)]
    on_whole = {i for i, _, _ in match(polygons, whole)}
    on_partial = {i for i, _, _ in match(polygons, partial)} - on_whole
    kept = [p for i, p in enumerate(polygons) if i not in on_partial]
    return len(whole), len(kept), len(match(kept, whole))


def _detector_version() -> str:
    """A hash of cardscan/detect's sources: a cache made by another version of the detector is not used."""
    import hashlib

    digest = hashlib.sha256()
    for f in sorted((ROOT / "cardscan" / "detect").glob("*.py")):
        if f.name != "segmenter.py":
            digest.update(f.read_bytes())
    return digest.hexdigest()[:10]


def classical_polygons(name: str, rgb, fresh: bool) -> list:
    """CardDetector's outlines for one photo (cached: the classical detector takes seconds per photo)."""
    cached = CACHE / f"classical-{_detector_version()}-{Path(name).stem}.json"
    if cached.exists() and not fresh:
        return json.loads(cached.read_text())
    from cardscan.detect import CardDetector

    polys = [[[float(x), float(y)] for x, y in d.polygon] for d in CardDetector().detect(rgb)]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(polys))
    return polys


def variants(rgb, classical: list, segmenter, args) -> dict[str, list]:
    from note_segmenter import extra_notes

    found = segmenter.find(rgb)
    seg = [list(n.polygon) for n in found]
    return {"classical": classical, "segmenter": seg,
            "union": classical + [list(n.polygon) for n in extra_notes(
        found, classical, args.max_overlap, near=args.near or None, max_turn=args.max_turn or None,
        shape=rgb.shape[:2], rgb=rgb if args.min_step else None, min_step=args.min_step)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", help="ONNX model for every photo (one trained without real photos)")
    ap.add_argument("--fold", nargs="+", action="append", metavar=("MODEL", "GROUP"),
                    help="score these board groups' photos with MODEL (leave-group-out)")
    ap.add_argument("--split", default="dev", choices=("dev", "heldout"))
    ap.add_argument("--only", nargs="*", help="photo stems")
    ap.add_argument("--photos", default=str(real_photos_dir()))
    ap.add_argument("--generated", type=int, default=0, help="score N generated boards per tier instead")
    ap.add_argument("--first-seed", type=int, default=5000)
    ap.add_argument("--conditions", nargs="*", default=[])
    ap.add_argument("--tiers", nargs="*", default=["easy", "medium", "hard"])
    ap.add_argument("--core-threshold", type=float, default=0.5)
    ap.add_argument("--min-score", type=float, default=0.6)
    ap.add_argument("--long-side", type=int, default=1280)
    ap.add_argument("--min-fill", type=float, default=0.0)
    ap.add_argument("--max-aspect", type=float, default=100.0)
    ap.add_argument("--max-overlap", type=float, default=0.2)
    ap.add_argument("--near", type=float, default=1.5, help="0: no nearness rule")
    ap.add_argument("--max-turn", type=float, default=0, help="0: no turn rule")
    ap.add_argument("--min-step", type=float, default=8, help="colour step of an added note; 0: no rule")
    ap.add_argument("--fresh", action="store_true", help="recompute the classical detections")
    ap.add_argument("--out", default="segmenter_eval")
    args = ap.parse_args(argv)

    from note_segmenter import NoteSegmenter

    def make(model):
        return NoteSegmenter(model, core_threshold=args.core_threshold, min_score=args.min_score, long_side=args.long_side,
                             min_fill=args.min_fill, max_aspect=args.max_aspect)

    default = make(args.model) if args.model else None
    by_group = {g: make(f[0]) for f in (args.fold or []) for g in f[1:]}
    tallies = {v: Tally() for v in VARIANTS}
    photos: list[PhotoScore] = []
    t0 = time.time()
    if args.generated:
        from cardscan.detect import CardDetector
        from samples.generate import render_board

        items = [(f"{tier}-{args.first_seed + k}", tier, args.first_seed + k)
                 for tier in args.tiers for k in range(args.generated)]
        for name, tier, seed in items:
            rgb, truth = render_board(seed, tier, conditions=tuple(args.conditions))
            classical = [[[float(x), float(y)] for x, y in d.polygon] for d in CardDetector().detect(rgb)]
            found = variants(rgb, classical, default, args)
            photos.append(_tally(name, "generated", truth, found, tallies))
    else:
        from cardscan.load import load_photo

        for path in sorted(REAL_TRUTH.glob("*.truth.json")):
            truth = json.loads(path.read_text(encoding="utf-8"))
            name = truth["image"]
            if truth.get("split") != args.split or args.only and Path(name).stem not in args.only:
                continue
            segmenter = by_group.get(board_group(name), default)
            if segmenter is None:
                print(f"segmenter_eval: no model for {name} (group {board_group(name)}), skipped", file=sys.stderr)
                continue
            rgb = load_photo(Path(args.photos) / name).rgb
            found = variants(rgb, classical_polygons(name, rgb, args.fresh), segmenter, args)
            photos.append(_tally(name, args.split, truth, found, tallies))
    label = "HELD-OUT (never tuned on)" if args.split == "heldout" and not args.generated else (
        f"generated {args.tiers} seeds {args.first_seed}+ {args.conditions}" if args.generated else args.split)
    print(f"\n== {label}: {len(photos)} photos, {time.time() - t0:.0f} s")
    for v in VARIANTS:
        f = tallies[v].figures()
        print(f"{v:10s} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  "
              f"found {f['predicted']:4d}  matched {f['matched']:4d} of {f['true']}")
    save(args.out, {"label": label, "models": {"default": args.model, "folds": args.fold},
                    "settings": {"long_side": args.long_side, "core_threshold": args.core_threshold, "min_score": args.min_score,
                                 "min_fill": args.min_fill, "max_aspect": args.max_aspect,
                                 "max_overlap": args.max_overlap,
                                 "near": args.near, "max_turn": args.max_turn, "min_step": args.min_step},
                    "overall": {v: tallies[v].figures() for v in VARIANTS},
                    "per_photo": [p.__dict__ for p in photos]})
    return 0


def _tally(name: str, split: str, truth: dict, found: dict[str, list], tallies: dict[str, Tally]) -> PhotoScore:
    result = PhotoScore(image=name, split=split, true=0)
    for v in VARIANTS:
        true, predicted, matched = score(found[v], truth)
        tallies[v].add(true, predicted, matched)
        result.true = true
        result.by_variant[v] = (predicted, matched)
    print(f"{name:28s} true {result.true:4d}  " + "  ".join(
        f"{v[:5]} {p:3d}/{m:3d}" for v, (p, m) in result.by_variant.items()), flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
