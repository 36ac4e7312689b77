"""Many workshops at once: a folder tree in, one Corpus out, for researchers comparing cities.

Each workshop is one folder with a ``workshop.yaml`` next to its photos::

    fotos/
      leipzig-2026-03/workshop.yaml, board1.jpg, board2.jpg
      bremen-2026-05/workshop.yaml, tafel.jpg …

    title: "Thema: Verstetigungsprozess"
    question: Wie sollte ein optimaler Verstetigungsprozess aussehen?
    city: Leipzig
    date: 2026-03-14
    venue: Nachbarschaftshaus
    topic: Quartiersmanagement
    legend: gelb=Gruppe 4,orange=Gruppe 3

Why the photos of *all* workshops go into one pool (processes over the cores, or a Dask cluster):
a tree of twenty small workshops keeps every core busy, instead of waiting for the slowest photo of
each workshop. Themes are still fitted per workshop (they only make sense within one), in the main
process while the pool reads the next workshops' photos.

Why resumable: a batch of hundreds of photos runs for an hour and gets interrupted. Each workshop
is stored in one transaction with its folder as metadata ``source`` (the absolute path), and a
re-run skips every folder already in the corpus. A workshop none of whose photos could be read is
not stored, so fixing its photos and re-running picks it up; photos that failed in a stored
workshop stay listed as its problems.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardscan._files import has_readable_name, readable_path
from cardscan.api import scan_or_problem
from cardscan.exceptions import BadConfig, BadInputFile, CardscanError
from cardscan.workshop import Problem, Workshop

METADATA_FILE = "workshop.yaml"
SOURCE_KEY = "source"  # metadata key holding the workshop folder; how a re-run recognises done work
_WORKSHOP_FIELDS = ("title", "question", "legend")  # the rest of workshop.yaml becomes metadata


@dataclass
class BatchSummary:
    """What a batch did: workshops added (with their corpus ids), skipped as already there, problems."""

    added: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.added} Workshops gespeichert, {self.skipped} schon im Korpus, "
                f"{len(self.problems)} Probleme ({self.seconds:.1f} s)")


@dataclass
class _Job:
    folder: Path
    workshop: Workshop  # title, question, legend, metadata; scans come from the pool
    photos: list[Path]


def find_workshops(tree: str | Path) -> tuple[list[Path], list[Problem]]:
    """Folders under `tree` (itself included) that hold a workshop.yaml, sorted; and photo folders without one."""
    from cardscan.load import PHOTO_SUFFIXES

    root = Path(tree)
    if not root.is_dir():
        raise BadInputFile(root, "Ordner nicht gefunden" if not root.exists() else "ist kein Ordner")
    folders = sorted(p.parent for p in root.rglob(METADATA_FILE) if p.is_file())
    claimed = set(folders)
    orphans: list[Problem] = []
    seen: set[Path] = set()
    for photo in sorted(f for f in root.rglob("*") if f.is_file() and f.suffix.lower() in PHOTO_SUFFIXES):
        if not (set(photo.parents) & claimed) and photo.parent not in seen:
            seen.add(photo.parent)
            orphans.append(Problem(str(photo.parent), f"Fotos ohne {METADATA_FILE}: übersprungen "
                                                      f"(Titel, Stadt, Legende fehlen)"))
    return folders, orphans


def read_metadata(folder: str | Path) -> Workshop:
    """The empty Workshop a workshop.yaml describes; BadConfig with file and reason when it cannot be used."""
    import yaml

    from cardscan.colour import parse_legend

    path = Path(folder) / METADATA_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadConfig(f"{path}: kann nicht gelesen werden ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise BadConfig(f"{path}: ist keine UTF-8-Textdatei") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" in Zeile {mark.line + 1}" if mark is not None else ""
        raise BadConfig(f"{path}: ist kein gültiges YAML{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadConfig(f"{path}: erwartet Zeilen wie 'title: …', 'city: …', nicht {type(data).__name__}")
    try:
        legend = parse_legend(data.get("legend"))
    except BadConfig as exc:
        raise BadConfig(f"{path}: {exc}") from None
    metadata = {str(k): str(v) for k, v in data.items() if k not in _WORKSHOP_FIELDS and v is not None}
    metadata[SOURCE_KEY] = str(Path(folder).resolve())
    return Workshop(title=str(data.get("title") or Path(folder).resolve().name), question=str(data.get("question") or ""),
                    legend=legend, metadata=metadata)


def run_batch(tree: str | Path, corpus_path: str | Path, *, workers: int | None = None, scheduler: Any = None,
              progress: bool = False, embedder: str | None = None, catalogue: str | Path | None = None,
              mode: str = "auto", ocr: str | None = None,
              on_problem: Callable[[Problem], None] | None = None) -> BatchSummary:
    """Read every workshop folder under `tree` into the corpus at `corpus_path`; skip those already there.

    workers: parallel processes (default: all cores; 1 reads in this process).
    scheduler: None (processes on this machine), "local" (an in-process Dask cluster with `workers`
    threads), a Dask scheduler address like "tcp://10.0.0.5:8786" (its workers must see the same
    paths), or a ``distributed.Client``. Bad photos and bad workshop.yaml files become problems
    (also passed to `on_problem` as they happen); the batch goes on.
    """
    from cardscan.api import assign_themes, unique_card_ids, worker_count
    from cardscan.corpus import Corpus
    from cardscan.themes import check_settings

    start = time.perf_counter()
    check_settings(embedder, catalogue)  # a wrong model or catalogue is reported before an hour of reading
    summary = BatchSummary()

    def report(problem: Problem) -> None:
        summary.problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    folders, orphans = find_workshops(tree)
    copies = Path(corpus_path).expanduser().resolve()
    copies = copies.with_name(f"{copies.stem}-photos")  # a corpus kept inside the tree has its photo copies there
    for problem in orphans:
        if not Path(problem.path).resolve().is_relative_to(copies):
            report(problem)
    with Corpus(corpus_path) as corpus:
        done = _sources(corpus)
        todo = [f for f in folders if str(f.resolve()) not in done]
        summary.skipped = len(folders) - len(todo)
        jobs = [job for folder in todo if (job := _plan(folder, folders, report)) is not None]

        tasks = [(p, job.workshop.legend, mode, ocr) for job in jobs for p in job.photos]
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), desc="Fotos lesen", unit="Foto", disable=not progress or None)
        with bar, _Runner(scheduler, worker_count(workers, len(tasks)), bar) as runner:
            futures = runner.submit_all(tasks)
            position = 0
            for job in jobs:
                results = [runner.result(f) for f in futures[position:position + len(job.photos)]]
                position += len(job.photos)
                workshop = job.workshop
                for result in results:
                    for problem in result.problems:
                        workshop.problems.append(problem)
                        report(problem)
                    if result.scan is not None:
                        workshop.scans.append(result.scan)
                if not workshop.scans:
                    report(Problem(readable_path(job.folder), "kein Foto konnte gelesen werden; Workshop nicht gespeichert"))
                    continue
                unique_card_ids(workshop.scans)
                try:
                    if workshop.cards:
                        assign_themes(workshop, embedder=embedder, catalogue=catalogue)
                    summary.ids.append(corpus.add(workshop))
                except CardscanError as exc:  # one workshop's trouble must not cost the later ones
                    report(Problem(readable_path(job.folder), f"Workshop nicht gespeichert: {exc}"))
                    continue
                summary.added += 1
                bar.set_postfix_str(f"{summary.added} Workshops", refresh=False)
    summary.seconds = time.perf_counter() - start
    return summary


def _plan(folder: Path, folders: list[Path], report: Callable[[Problem], None]) -> _Job | None:
    """One workshop folder's metadata and photos, or None (reported) when there is nothing to read.

    A non-UTF-8 folder name is skipped (its path becomes the workshop's `source`, and the corpus
    holds UTF-8 text only); bad photo names and a photo name used twice are reported, the rest is read.
    """
    from cardscan.load import expand_inputs, find_photos

    if not has_readable_name(folder.resolve()) or not has_readable_name(folder):
        report(Problem(readable_path(folder), "Ordnername ist kein gültiges UTF-8 (Sonderzeichen aus einem "
                                              "anderen Zeichensatz); Workshop übersprungen, bitte umbenennen"))
        return None
    try:
        workshop = read_metadata(folder)
    except BadConfig as exc:
        report(Problem(readable_path(folder / METADATA_FILE), str(exc).split(": ", 1)[-1]))
        return None
    inner = [n for n in folders if folder in n.parents]  # workshops inside this one keep their photos
    found = [p for p in find_photos(folder) if not any(n in p.parents for n in inner)]
    photos, bad = expand_inputs(found)
    for err in bad:
        problem = Problem(err.path, err.problem)
        workshop.problems.append(problem)
        report(problem)
    if not photos:
        report(Problem(readable_path(folder), "Ordner enthält keine Fotos"))
        return None
    return _Job(folder, workshop, photos)


def _sources(corpus) -> set[str]:
    """Folders of the workshops already in the corpus (web-app workshops have none)."""
    frame = corpus.workshops()
    if SOURCE_KEY not in frame.columns:
        return set()
    return {str(v) for v in frame[SOURCE_KEY] if isinstance(v, str) and v}


class _Runner:
    """Where photos are read: this process, a process pool, or a Dask cluster; one interface for all."""

    def __init__(self, scheduler: Any, workers: int, bar):
        self.scheduler, self.workers, self.bar = scheduler, workers, bar
        self.pool = self.client = self.cluster = None

    def __enter__(self) -> "_Runner":
        if self.scheduler is not None:
            from distributed import Client, LocalCluster

            if isinstance(self.scheduler, Client):
                self.client = self.scheduler
                self._own_client = False
            else:
                if self.scheduler == "local":
                    self.cluster = LocalCluster(n_workers=1, threads_per_worker=self.workers, processes=False,
                                                dashboard_address=None)
                    address = self.cluster
                elif isinstance(self.scheduler, str) and "://" in self.scheduler:
                    address = self.scheduler
                else:
                    raise BadConfig(f"Dask-Scheduler {self.scheduler!r}: erwartet 'local' oder eine Adresse "
                                    f"wie tcp://rechner:8786")
                try:
                    self.client = Client(address, timeout="20s")
                except OSError as exc:
                    self._close_cluster()
                    raise BadConfig(f"Dask-Scheduler {self.scheduler}: nicht erreichbar ({exc})") from None
                self._own_client = True
        elif self.workers > 1:
            from cardscan.api import start_pool

            self.pool = start_pool(self.workers)  # workers end with us, even after kill -9
        return self

    def submit_all(self, tasks: list) -> list:
        if self.client is not None:
            futures = self.client.map(scan_or_problem, tasks, pure=False)
        elif self.pool is not None:
            futures = [self.pool.submit(scan_or_problem, task) for task in tasks]
        else:
            return list(tasks)  # read lazily in result(), in order
        for future in futures:
            future.add_done_callback(lambda _f: self.bar.update(1))
        return futures

    def result(self, future):
        if self.client is None and self.pool is None:
            result = scan_or_problem(future)
            self.bar.update(1)
            return result
        return future.result()

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.client is not None and self._own_client:
            self.client.close()
        self._close_cluster()

    def _close_cluster(self) -> None:
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


__all__ = ["run_batch", "BatchSummary", "find_workshops", "read_metadata", "METADATA_FILE", "SOURCE_KEY"]
