"""Web page speed: ten one-photo uploads into one workshop, theming after each as before vs only the new cards.

Issue 19 found ten one-photo uploads took 85 s (against ~3.7 s per photo on the command line)
because every upload re-themed the whole workshop with a fresh model. This runs the real app
(Flask test client, real reading and theming) once per mode, each in a fresh process like a
freshly started server, on the same generated photos:

  full  the whole workshop is themed after every upload (the old behaviour, themes_after_upload="full")
  new   only the new cards, against the existing themes (the default now)

It prints the time per upload (reading + theming) and the theming part alone, and for "new" how
many cards end with the theme a full pass over the final workshop would give them. Writes
bench/results/web_upload_speed.json.

    .venv/bin/python bench/web_upload_speed.py [--uploads 10] [--cards 10]
"""
from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402


def photos(n: int, cards: int) -> list[bytes]:
    from PIL import Image

    from samples.generate import render_board

    out = []
    for i in range(n):
        rgb, _ = render_board(900 + i, "easy", n_cards=cards)
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "JPEG", quality=90)
        out.append(buf.getvalue())
    return out


def timed(fn, spent: list[float]):
    def wrapper(*args, **kw):
        start = time.perf_counter()
        try:
            return fn(*args, **kw)
        finally:
            spent.append(time.perf_counter() - start)
    return wrapper


def run_mode(mode: str, uploads: int, cards: int) -> dict:
    """One mode in this process: the app on a new data folder, `uploads` uploads one after another."""
    from cardscan.web import create_app

    images = photos(uploads, cards)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "daten", themes_after_upload=mode)
        app.testing = True
        state = app.extensions["cardscan"]
        theming: list[float] = []
        state.jobs.assign = timed(state.jobs.assign, theming)
        state.jobs.themer = timed(state.jobs.themer, theming)
        client = app.test_client()
        client.get("/")
        with client.session_transaction() as sess:
            token = sess["csrf"]
        wid = state.corpus.create_workshop("Geschwindigkeit", legend={"gelb": "Gruppe 1"})
        per_upload, theme_part, n_cards = [], [], []
        for i, data in enumerate(images):
            before = len(theming)
            start = time.perf_counter()
            r = client.post(f"/w/{wid}/fotos", data={"csrf": token, "photos": [(io.BytesIO(data), f"tafel{i}.jpg")]},
                            content_type="multipart/form-data")
            assert r.status_code == 302, r.status_code
            assert state.jobs.wait(1800)
            per_upload.append(time.perf_counter() - start)
            theme_part.append(sum(theming[before:]))
            n_cards.append(len(state.corpus.get(wid).cards))
            print(f"  {mode}: upload {i + 1}: {per_upload[-1]:6.1f} s (themes {theme_part[-1]:5.1f} s), "
                  f"{n_cards[-1]} cards", flush=True)
        result = {"mode": mode, "seconds_per_upload": [round(s, 2) for s in per_upload],
                  "theming_seconds": [round(s, 2) for s in theme_part], "cards_after_upload": n_cards,
                  "total_seconds": round(sum(per_upload), 1), "mean_seconds_per_upload": round(statistics.mean(per_upload), 2),
                  "mean_theming_seconds": round(statistics.mean(theme_part), 2)}
        if mode == "new":  # how far the incremental themes are from one full pass over the final workshop
            workshop = state.corpus.get(wid)
            kept = {c.id: c.theme for c in workshop.cards}
            state.jobs.assign(workshop, workshop_id=wid)
            same = sum(kept[c.id] == c.theme for c in workshop.cards)
            result["same_theme_as_full_pass"] = round(same / max(1, len(workshop.cards)), 3)
            result["themes_incremental"] = len({t for t in kept.values() if t})
            result["themes_full_pass"] = len({c.theme for c in workshop.cards if c.theme})
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--cards", type=int, default=10, help="cards per generated photo")
    parser.add_argument("--mode", choices=["full", "new"], help="run one mode in this process (internal)")
    args = parser.parse_args()
    if args.mode:
        print("RESULT " + json.dumps(run_mode(args.mode, args.uploads, args.cards)), flush=True)
        return
    results = {}
    for mode in ("full", "new"):
        proc = subprocess.run([sys.executable, __file__, "--mode", mode, "--uploads", str(args.uploads),
                               "--cards", str(args.cards)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        lines = proc.stdout.splitlines()
        print("\n".join(line for line in lines if not line.startswith("RESULT ")))
        if proc.returncode:
            raise SystemExit(f"{mode}: exit {proc.returncode}")
        results[mode] = json.loads(next(line for line in lines if line.startswith("RESULT "))[7:])
    full, new = results["full"], results["new"]
    print(f"\n{args.uploads} one-photo uploads, {args.cards} cards each:")
    for r in (full, new):
        print(f"  {r['mode']:>4}: {r['total_seconds']:6.1f} s in all, {r['mean_seconds_per_upload']:5.1f} s per upload "
              f"(theming {r['mean_theming_seconds']:5.1f} s), last upload {r['seconds_per_upload'][-1]:5.1f} s")
    print(f"  incremental themes equal to a full pass on {new['same_theme_as_full_pass']:.0%} of the cards "
          f"({new['themes_incremental']} vs {new['themes_full_pass']} themes)")
    save("web_upload_speed", {"uploads": args.uploads, "cards_per_photo": args.cards, "machine": platform.machine(),
                              "python": platform.python_version(), "full": full, "new": new,
                              "speedup_total": round(full["total_seconds"] / max(new["total_seconds"], 1e-9), 2)})


if __name__ == "__main__":
    main()
