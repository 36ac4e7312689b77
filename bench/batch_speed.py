"""Batch throughput: a generated tree of workshops read into a fresh corpus on 1 core vs 2 cores.

Prints a table and writes bench/results/batch_speed.json. Each setting runs on the same tree into
its own new corpus (so nothing is skipped); the first run also warms the OS file cache.

    .venv/bin/python bench/batch_speed.py [--workshops 4] [--photos 2] [--cards 12] [--size 2400x1800]
    .venv/bin/python bench/batch_speed.py --kill   # only: how long workers outlive a batch killed with -9

--kill starts `cardscan batch` with 2 workers, kills it with SIGKILL once both workers are reading,
and measures the seconds until the workers have ended too (issue 19: they used to run on for minutes).
Writes bench/results/batch_kill.json.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _results import save  # noqa: E402

CITIES = ["Leipzig", "Bremen", "Kassel", "Rostock", "Erfurt", "Bochum", "Kiel", "Halle"]


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (pool workers, tesseract)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def build_tree(root: Path, workshops: int, photos: int, cards: int, size: tuple[int, int]) -> int:
    from samples.generate import write_board

    n = 0
    for i in range(workshops):
        city = CITIES[i % len(CITIES)]
        folder = root / f"{i:02d}-{city.lower()}"
        for k in range(photos):
            write_board(folder, f"pinnwand-{k + 1}", seed=700 + 10 * i + k, tier="medium", size=size,
                        n_cards=cards, colours=["gelb", "orange", "hellblau"])
            n += 1
        (folder / "workshop.yaml").write_text(
            f'title: "Workshop {i + 1}"\ncity: {city}\ndate: 2026-0{1 + i % 9}-15\n'
            "legend: gelb=Gruppe 1,orange=Gruppe 2,hellblau=Gruppe 3\n", encoding="utf-8")
    return n


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def kill_check(tree: Path, corpus: Path, embedder: str) -> dict:
    """Seconds from `kill -9` of a batch to the end of its last worker (Linux /proc)."""
    import signal
    import subprocess

    proc = subprocess.Popen([sys.executable, "-m", "cardscan", "batch", str(tree), "--corpus", str(corpus),
                             "--workers", "2", "--embedder", embedder], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers: set[int] = set()
    deadline = time.monotonic() + 300
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.1)
    time.sleep(2.0)  # both reading photos
    os.kill(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    while any(_alive(w) for w in workers) and time.monotonic() - killed < 300:
        time.sleep(0.05)
    gone = time.monotonic() - killed
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    return {"workers": len(workers), "seconds_until_workers_gone": round(gone, 2), "left_after_300_s": len(left)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workshops", type=int, default=4)
    ap.add_argument("--photos", type=int, default=2, help="photos per workshop")
    ap.add_argument("--cards", type=int, default=12, help="cards per photo")
    ap.add_argument("--size", default="2400x1800")
    ap.add_argument("--embedder", default="tfidf", help="tfidf keeps the figure about reading photos")
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting; the best is kept")
    ap.add_argument("--kill", action="store_true", help="only measure how long workers outlive a killed batch")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    if args.kill:
        with tempfile.TemporaryDirectory(prefix="cardscan-bench-") as tmp:
            build_tree(Path(tmp) / "fotos", 2, 2, args.cards, size)
            result = kill_check(Path(tmp) / "fotos", Path(tmp) / "corpus.db", args.embedder)
        print(f"kill -9 of a batch: its {result['workers']} workers ended after "
              f"{result['seconds_until_workers_gone']:.2f} s ({result['left_after_300_s']} still running after 300 s)")
        save("batch_kill", result)
        return

    from cardscan.batch import run_batch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="cardscan-bench-") as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        n_photos = build_tree(tmp / "fotos", args.workshops, args.photos, args.cards, size)
        print(f"tree: {args.workshops} workshops, {n_photos} photos of {size[0]}x{size[1]} with {args.cards} cards "
              f"(generated in {time.perf_counter() - start:.1f} s); {cores} cores available")
        runs = {}
        for workers in (1, 2):
            best, best_cpu = None, 0.0
            for r in range(args.repeat):
                cpu_before = cpu_seconds()
                summary = run_batch(tmp / "fotos", tmp / f"corpus-{workers}-{r}.db", workers=workers,
                                    embedder=args.embedder)
                cpu = cpu_seconds() - cpu_before
                assert summary.added == args.workshops, summary
                if best is None or summary.seconds < best.seconds:
                    best, best_cpu = summary, cpu
            runs[workers] = {"seconds": round(best.seconds, 2), "photos_per_minute": round(60 * n_photos / best.seconds, 1),
                             "cpu_seconds": round(best_cpu, 1), "cores_busy": round(best_cpu / best.seconds, 2),
                             "problems": len(best.problems)}
            print(f"{workers} core{'s' if workers > 1 else ' '}: {best.seconds:6.1f} s   "
                  f"{runs[workers]['photos_per_minute']:5.1f} photos/min   CPU {best_cpu:5.1f} s "
                  f"(≈{runs[workers]['cores_busy']:.2f} cores busy)   {len(best.problems)} problems")
    speedup = runs[1]["seconds"] / runs[2]["seconds"]
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} (other work on this machine slows the 2-core run most)")
    print(f"speed-up 2 vs 1 core: {speedup:.2f}x")
    result = {"workshops": args.workshops, "photos": n_photos, "cards_per_photo": args.cards, "size": list(size),
              "embedder": args.embedder, "cores_available": cores, "machine": platform.machine(),
              "python": platform.python_version(), "runs": {str(k): v for k, v in runs.items()},
              "speedup_2_vs_1": round(speedup, 2), "load_average_1min_at_end": round(load[0], 2)}
    save("batch_speed", result)


if __name__ == "__main__":
    main()
