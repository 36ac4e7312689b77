"""The board's own structure (issue 17): headings, clusters and dot votes, on generated and real photos.

Generated: boards of samples/board_structure.py (columns or clusters under marker headings or heading
cards, dot votes), all three tiers, seeds from --first-seed on (the structure finder was developed on
seeds 100-111; the default 5000 on were never looked at while tuning). Each photo is read by
`cardscan.api.scan_photo` (detect, OCR, normalise, structure) and scored by
`cardscan.evaluate.StructureEvaluation`: heading CER (raw text; missed headings count fully),
cluster accuracy (predicted clusters mapped one-to-one onto true ones) and ARI on the cards that
were detected, and the share of detected cards whose dot count is exact.

Real: bench/data/real/*.truth.json (annotated on branch annot) whose truth has headings or clusters;
photos from $CARDSCAN_REAL_PHOTOS (default /work/realphotos). dev and held-out are reported apart;
held-out photos were never used to choose anything.

    .venv/bin/python bench/structure_eval.py [--count 6] [--size 2000x1500] [--real-only] [--generated-only]

Targets: generated cluster accuracy >= 0.95, heading CER <= 0.05, votes exact >= 0.95;
real photos with headings: cluster accuracy >= 0.90.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _real import REAL_TRUTH, real_photos_dir  # noqa: E402
from _results import save  # noqa: E402

STRUCTURES = ("columns", "clusters", "mixed")
TIERS = ("easy", "medium", "hard")


def generated(count: int, first_seed: int, size: tuple[int, int], folder: Path,
              structures: tuple[str, ...] = STRUCTURES) -> list[tuple[Path, dict]]:
    """`count` boards per tier, the structures taking turns; photo and truth written to `folder`."""
    from samples.generate import write_board

    out = []
    for tier in TIERS:
        for k in range(count):
            seed = first_seed + k
            structure = structures[k % len(structures)]
            path = write_board(folder, f"{structure}-{tier}-{seed}", seed, tier, size=size, structure=structure)
            truth = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
            truth["layout"] = structure
            out.append((path, truth))
    return out


def real(truth_dir: Path, photo_dir: Path) -> list[tuple[Path, dict]]:
    from cardscan.evaluate import has_structure

    out = []
    for path in sorted(truth_dir.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        photo = photo_dir / truth["image"]
        if has_structure(truth) and (truth.get("headings") or any(c.get("cluster") for c in truth["cards"])):
            if photo.is_file():
                out.append((photo, truth))
            else:
                print(f"{photo}: fehlt, übersprungen", file=sys.stderr)
    return out


def score(items: list[tuple[Path, dict]], keys: tuple[str, ...], legend: str | None = None) -> dict:
    from cardscan.api import scan_photo
    from cardscan.evaluate import StructureEvaluation, format_structure_table

    evaluation = StructureEvaluation()
    seconds = 0.0
    for photo, truth in items:
        start = time.perf_counter()
        try:
            scan = scan_photo(photo, legend=truth.get("legend") or legend, mode="cards")
        except Exception as exc:  # noqa: BLE001 - a photo without cards still counts: everything missed
            from cardscan.workshop import Scan

            print(f"{photo.name}: {exc}", file=sys.stderr)
            scan = Scan(photo.name, 0, 0, [])
        seconds += time.perf_counter() - start
        one = evaluation.add_photo(scan, truth, {key: str(truth.get(key, "?")) for key in keys}).rates()
        print(f"  {photo.name:36s} cards {one['matched_cards']:3d}/{one['cards']:3d}  cluster acc "
              f"{one['cluster_accuracy']:.3f}  ARI {one['cluster_ari']:.3f}  headings {one['headings_found']}/"
              f"{one['headings']} (+{one['headings_predicted'] - one['headings_found']} extra)  CER "
              f"{one['heading_cer']:.3f}  votes exact {one['votes_exact']:.3f}", flush=True)
    report = evaluation.report()
    report["seconds_per_photo"] = seconds / max(1, len(items))
    print(format_structure_table(report, keys=keys))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=6, help="generated boards per tier (default 6)")
    parser.add_argument("--first-seed", type=int, default=5000)
    parser.add_argument("--size", default="2000x1500")
    parser.add_argument("--truth", default=str(REAL_TRUTH))
    parser.add_argument("--photos", default=str(real_photos_dir()))
    parser.add_argument("--structures", default=",".join(STRUCTURES),
                        help="generated structures taking turns (also: outlines, marker loops around clusters)")
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--generated-only", action="store_true")
    args = parser.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    result: dict = {"settings": {"count": args.count, "first_seed": args.first_seed, "size": args.size,
                                 "structures": args.structures}}
    if not args.real_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"Generated boards ({args.count} per tier, seeds {args.first_seed}+):")
            items = generated(args.count, args.first_seed, (w, h), Path(tmp), tuple(args.structures.split(",")))
            result["generated"] = score(items, ("tier", "layout"))
    if not args.generated_only:
        items = real(Path(args.truth), Path(args.photos))
        for split in ("dev", "heldout"):
            chosen = [(p, t) for p, t in items if t.get("split") == split]
            if chosen:
                print(f"\nReal photos, {split}{' (held out: never tuned on)' if split == 'heldout' else ''}:")
                result[f"real_{split}"] = score(chosen, ("split",))
    save("structure_eval", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
