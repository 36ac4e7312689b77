"""How long does theming 1,000 cards take once the model is loaded? Target: ≤ 30 s on two cores.

Cards: the sample card texts and pairs of them ("A + B", as people write two thoughts on one card)
until there are 1,000 distinct texts. No disk cache: every card is really encoded.

With --learned, the model also carries what earlier workshops taught: the decisions on all labelled
cards of bench/data/themes-labelled.csv (train_from_corrections), as a series of workshops would.

Run:  .venv/bin/python bench/themes_speed.py [--embedder NAME] [--cards N] [--learned]
Writes bench/results/themes_speed.json (themes_speed-learned.json).
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")  # two cores, as on the facilitators' laptops and CI
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as cardscan.embed.get_embedder sets it, before any OpenMP library loads
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402
from cardscan.themes import ThemeModel, train_from_corrections  # noqa: E402



def cards(n: int) -> list[str]:
    lines = [line.replace("|", " ").strip() for line in (ROOT / "samples" / "card_texts.txt").read_text(encoding="utf-8")
             .splitlines() if line.strip() and not line.startswith("#")]
    out = list(dict.fromkeys(lines))
    step = 1
    while len(out) < n:
        for i, line in enumerate(lines):
            out.append(f"{line} + {lines[(i + step * 7) % len(lines)]}")
            if len(out) >= n:
                break
        step += 1
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="backend name (default: cardscan.embed.DEFAULT)")
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--learned", action="store_true", help="with what the labelled cards' decisions taught")
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    except (AttributeError, OSError):
        pass
    texts = cards(args.cards)
    learned, n_decided = None, 0
    if args.learned:
        import themes_eval

        decided = [card for cards in themes_eval.load_data().values() for card in cards]
        folder = Path(tempfile.mkdtemp())
        learned = train_from_corrections(themes_eval.corrections_file(decided, folder), folder, model=None)
        n_decided = len(decided)
    started = time.perf_counter()
    model = ThemeModel(embedder=args.embedder, learned=learned)
    model.fit_assign(["Anschlussfinanzierung sichern", "Quartiersrat stärken"])  # loads model, spaCy, catalogue
    load = time.perf_counter() - started
    started = time.perf_counter()
    themes = model.fit_assign(texts)
    run = time.perf_counter() - started
    result = {"embedder": model._get_embedder().name, "cards": len(texts), "distinct": len(set(texts)),
              "load_seconds": round(load, 2), "seconds": round(run, 2), "cards_per_second": round(len(texts) / run, 1),
              "themes": len(set(themes)), "new_themes": model.new_themes_, "cores": len(os.sched_getaffinity(0))
              if hasattr(os, "sched_getaffinity") else os.cpu_count(), "python": platform.python_version(),
              "target_seconds": 30, "ok": run <= 30, "learned_decisions": n_decided}
    print(f"{result['cards']} cards themed in {run:.1f} s ({result['cards_per_second']} cards/s) with "
          f"{result['embedder']} on {result['cores']} cores, after {load:.1f} s loading; "
          f"{result['themes']} themes, new: {', '.join(model.new_themes_) or '-'}; target ≤ 30 s: "
          f"{'ok' if result['ok'] else 'MISSED'}")
    save("themes_speed" + ("-learned" if args.learned else ""), result)


if __name__ == "__main__":
    main()
