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

While iterating: --scans DIR saves every scan once; --replay DIR then finds only the structure again on
those cards (no detection, no card OCR: minutes instead of an hour), --only STEMS picks real photos.
Replayed figures are close to, not the same as, whole scans (a heading strip's outline was already grown).

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


def card_errors(scan, truth: dict) -> list[str]:
    """Why a photo scores what it does: each matched card whose predicted cluster is not the one its
    true cluster maps to (the same one-to-one mapping the score uses), and every true heading not found."""
    from cardscan.evaluate import HEADING_MIN_OVERLAP, heading_overlap, match

    lines = []
    true_cards = truth["cards"]
    pairs = match([c.polygon for c in scan.cards], [t["polygon"] for t in true_cards])
    votes: dict[tuple[str, str], int] = {}
    for i, j, _ in pairs:
        key = (true_cards[j].get("cluster") or "", scan.cards[i].cluster or "")
        votes[key] = votes.get(key, 0) + 1
    mapped: dict[str, str] = {}
    used: set[str] = set()
    for (t, p), _n in sorted(votes.items(), key=lambda kv: -kv[1]):
        if t not in mapped and p not in used:
            mapped[t] = p
            used.add(p)
    for i, j, _ in pairs if any(t.get("cluster") for t in true_cards) else []:
        t, p = true_cards[j].get("cluster") or "", scan.cards[i].cluster or ""
        if mapped.get(t) != p:
            text = (scan.cards[i].text or scan.cards[i].raw_text).replace("\n", " ")[:24]
            lines.append(f"    card {scan.cards[i].id} {text!r}: true {t!r} (as {mapped.get(t)!r}), got {p!r}")
    for t in truth.get("headings") or []:
        found = [h for h in scan.headings if heading_overlap(h.polygon, t["polygon"]) >= HEADING_MIN_OVERLAP]
        if not found:
            lines.append(f"    heading missed {t.get('text')!r}")
        elif t.get("text") is not None and found[0].raw_text.strip() != t["text"].strip():
            lines.append(f"    heading read {found[0].raw_text!r} for {t['text']!r}")
    lines += [f"    heading extra {h.raw_text!r} ({h.source})" for h in scan.headings
              if not any(heading_overlap(h.polygon, t["polygon"]) >= HEADING_MIN_OVERLAP
                         for t in truth.get("headings") or [])]
    return lines


def replayed(photo: Path, saved: Path, legend: str | None):
    """The structure found again on a scan saved before (`--scans`): its cards (heading cards back among
    them, with their groups from the legend) keep their outlines, texts and dots; only `find_structure`
    runs, with the OCR engine's page reader. Quick enough to iterate on the structure finder; the
    figures to report come from whole scans."""
    from cardscan.colour import parse_legend
    from cardscan.load import load_photo
    from cardscan.ocr import get_reader
    from cardscan.structure import find_structure
    from cardscan.workshop import Card, Scan

    scan = Scan.from_dict(json.loads(saved.read_text(encoding="utf-8")))
    groups = parse_legend(legend)
    heads = [Card(h.id, scan.image, list(h.polygon), h.colour, groups.get(h.colour) if h.colour else None,
                  h.raw_text, h.text, h.confidence) for h in scan.headings if h.source == "card"]
    cards = sorted(scan.cards + heads, key=lambda c: c.id)
    for card in cards:
        card.cluster = None
    scan = Scan(scan.image, scan.width, scan.height, cards, path=photo, mode=scan.mode)
    return find_structure(load_photo(photo).rgb, scan, reader=get_reader(None), votes=False)


def score(items: list[tuple[Path, dict]], keys: tuple[str, ...], legend: str | None = None,
          errors: bool = False, scans_dir: Path | None = None, replay_dir: Path | None = None) -> dict:
    from cardscan.api import scan_photo
    from cardscan.evaluate import StructureEvaluation, format_structure_table

    evaluation = StructureEvaluation()
    seconds = 0.0
    for photo, truth in items:
        start = time.perf_counter()
        saved = replay_dir / f"{photo.stem}.scan.json" if replay_dir is not None else None
        try:
            if saved is not None and saved.is_file():
                scan = replayed(photo, saved, truth.get("legend") or legend)
            else:
                scan = scan_photo(photo, legend=truth.get("legend") or legend, mode="cards")
        except Exception as exc:  # noqa: BLE001 - a photo without cards still counts: everything missed
            from cardscan.workshop import Scan

            print(f"{photo.name}: {exc}", file=sys.stderr)
            scan = Scan(photo.name, 0, 0, [])
        seconds += time.perf_counter() - start
        if scans_dir is not None:
            scans_dir.mkdir(parents=True, exist_ok=True)
            (scans_dir / f"{photo.stem}.scan.json").write_text(json.dumps(scan.to_dict(), ensure_ascii=False),
                                                               encoding="utf-8")
        one = evaluation.add_photo(scan, truth, {key: str(truth.get(key, "?")) for key in keys}).rates()
        # a photo whose truth has no clusters (a title, headings only) has no cluster figure, as in the totals
        clusters = (f"cluster acc {one['cluster_accuracy']:.3f}  ARI {one['cluster_ari']:.3f}" if one["cluster_cards"]
                    else "cluster acc   –    ARI   –  ")
        print(f"  {photo.name:36s} cards {one['matched_cards']:3d}/{one['cards']:3d}  {clusters}  headings {one['headings_found']}/"
              f"{one['headings']} (+{one['headings_predicted'] - one['headings_found']} extra)  CER "
              f"{one['heading_cer']:.3f}  votes exact {one['votes_exact']:.3f}", flush=True)
        for line in card_errors(scan, truth) if errors else []:
            print(line, flush=True)
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
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both",
                        help="which real photos (tune on dev only; held-out once, at the end)")
    parser.add_argument("--errors", action="store_true",
                        help="print each card put in the wrong cluster and each heading missed or misread")
    parser.add_argument("--scans", default=None, help="also write each photo's scan JSON to this folder")
    parser.add_argument("--replay", default=None,
                        help="a folder of scans written by --scans: find only the structure again on their cards "
                             "(quick, for iterating; report figures of whole scans)")
    parser.add_argument("--only", default=None, help="comma-separated photo stems (real) to score, for iterating")
    args = parser.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    scans = Path(args.scans) if args.scans else None
    replay = Path(args.replay) if args.replay else None
    result: dict = {"settings": {"count": args.count, "first_seed": args.first_seed, "size": args.size,
                                 "structures": args.structures}}
    if not args.real_only:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"Generated boards ({args.count} per tier, seeds {args.first_seed}+):")
            items = generated(args.count, args.first_seed, (w, h), Path(tmp), tuple(args.structures.split(",")))
            result["generated"] = score(items, ("tier", "layout"), errors=args.errors, scans_dir=scans,
                                        replay_dir=replay)
    if not args.generated_only:
        items = real(Path(args.truth), Path(args.photos))
        if args.only:
            items = [(p, t) for p, t in items if p.stem in args.only.split(",")]
        for split in ("dev", "heldout") if args.split == "both" else (args.split,):
            chosen = [(p, t) for p, t in items if t.get("split") == split]
            if chosen:
                print(f"\nReal photos, {split}{' (held out: never tuned on)' if split == 'heldout' else ''}:")
                result[f"real_{split}"] = score(chosen, ("split",), errors=args.errors and split == "dev",
                                                 scans_dir=scans, replay_dir=replay)
    save("structure_eval", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
