"""Read uploaded photos in the background and keep the progress on disk.

One worker thread reads photos one after another (the machine has few cores and the
OCR already uses them); the web page polls the job's JSON for progress. Every state change is
written to ``<data>/jobs/<job id>.json`` atomically, and every read photo goes into the corpus at
once, so after a crash or restart the unfinished photos are simply read again (photos already in
the corpus are recognised and not read twice). A bad photo becomes a German message on its line;
the rest of the batch still comes out.
"""
from __future__ import annotations

import hashlib
import json
import logging
import queue
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardscan._files import replace_together, write_text_atomic
from cardscan.web.theming import whole_workshop

log = logging.getLogger("cardscan.web")

JOB_ID = re.compile(r"^[0-9a-f]{12}$")
# photo status: wartet (queued), läuft (running), fertig (done), fehler (failed)
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


# ---- crops ----------------------------------------------------------------------------------------
_crop_locks: dict[str, threading.Lock] = {}
_crop_locks_guard = threading.Lock()


def crop_file(crop_dir: Path, card_id: str) -> Path:
    """Card ids come from photo names; hash them so a file name can never be steered."""
    return crop_dir / (hashlib.sha1(card_id.encode("utf-8")).hexdigest()[:20] + ".jpg")


def ensure_crops(photo_path: Path, cards, crop_dir: Path, max_height: int = 360) -> None:
    """Write the upright crop of every card of one photo, loading the photo only once."""
    import numpy as np
    from PIL import Image

    from cardscan.detect import rectify
    from cardscan.load import load_photo

    with _crop_locks_guard:
        lock = _crop_locks.setdefault(str(photo_path), threading.Lock())
    with lock:
        missing = [c for c in cards if c.polygon and not crop_file(crop_dir, c.id).exists()]
        if not missing:
            return
        crop_dir.mkdir(parents=True, exist_ok=True)
        photo = load_photo(photo_path)
        for card in missing:
            image = Image.fromarray(rectify(photo.rgb, np.asarray(card.polygon, dtype=np.float32), inset=0.0))
            if image.height > max_height:
                image = image.resize((max(1, round(image.width * max_height / image.height)), max_height))
            target = crop_file(crop_dir, card.id)
            with replace_together(target) as (tmp,):
                image.save(tmp, format="JPEG", quality=85)


def learned_scan(lexicon: Path | None = None) -> Callable:
    """Read a photo, applying what facilitators taught the normalisation (``lexikon.yaml``)."""
    def scan(path: Path, legend: dict[str, str]):
        from cardscan.api import read_photo

        return read_photo(path, legend=legend, lexicon=lexicon)  # with its notes (a greyscale photo's colours)
    return scan


def learned_assign(corrections: Path | None = None) -> Callable:
    """Theme a workshop, learning from facilitators' theme decisions: its own, and other workshops'."""
    def assign(workshop, workshop_id: int | None = None) -> None:
        from cardscan.api import assign_themes

        assign_themes(workshop, corrections=corrections, workshop_id=workshop_id)
    return assign


_default_scan, _default_assign = learned_scan(), learned_assign()


# What theming follows a job: only the new cards against the existing themes (after an upload), the
# whole workshop as before the incremental theming (after_upload="full", kept for bench/web_upload_speed.py),
# or a full new pass that keeps only what people decided ("Themen neu bilden").
NEW, FULL, REBUILD = "new", "full", "rebuild"


class JobManager:
    """Queue of upload batches; `submit` returns at once, a daemon thread does the reading.

    scan: reads one photo, (path, legend) -> api.PhotoReading (the Scan and its notes, e.g. greyscale);
    assign: themes a whole workshop (full passes); themer: themes only new cards
    (cardscan.web.theming; made from `assign` when only that is given). decided: the card ids whose
    theme a person set, renamed or merged in a workshop (a rebuild keeps those).
    """

    def __init__(self, corpus, corpus_lock: threading.RLock, jobs_dir: Path,
                 scan: Callable | None = None, assign: Callable | None = None,
                 themes_touched: Callable[[int], bool] | None = None, *, themer: Callable | None = None,
                 decided: Callable[[int], set[str]] | None = None, after_upload: str = NEW):
        if after_upload not in (NEW, FULL):
            raise ValueError(f"after_upload: {NEW!r} oder {FULL!r}, nicht {after_upload!r}")
        self.corpus = corpus
        self.lock = corpus_lock
        self.dir = Path(jobs_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.scan = scan or _default_scan
        self.assign = assign or _default_assign
        self.themer = themer or whole_workshop(self.assign)
        self.themes_touched = themes_touched or (lambda _wid: False)
        self.decided = decided or (lambda _wid: set())
        self.after_upload = after_upload
        self._file_lock = threading.Lock()
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    # ---- persistence -------------------------------------------------------------------------
    def _path(self, job_id: str) -> Path:
        if not JOB_ID.match(job_id):
            raise KeyError(job_id)
        return self.dir / f"{job_id}.json"

    def _save(self, job: dict[str, Any]) -> None:
        with self._file_lock:  # a crash leaves the old state or the new one, never half a file
            write_text_atomic(self._path(job["id"]), json.dumps(job, ensure_ascii=False, indent=1))

    def get(self, job_id: str) -> dict[str, Any]:
        path = self._path(job_id)
        with self._file_lock:
            if not path.exists():
                raise KeyError(job_id)
            return json.loads(path.read_text(encoding="utf-8"))

    def jobs_for(self, workshop_id: int) -> list[dict[str, Any]]:
        jobs = []
        for path in self.dir.glob("*.json"):
            try:
                job = self.get(path.stem)
            except (KeyError, ValueError):
                continue
            if job.get("workshop_id") == workshop_id:
                jobs.append(job)
        return sorted(jobs, key=lambda j: j.get("created", 0))

    def problems_for(self, workshop_id: int) -> list[tuple[str, str]]:
        """(original file name, German reason) for every photo of this workshop that could not be read,
        or was read with a note (a greyscale photo: its colours and groups cannot be known)."""
        return [(p["original"], p["message"]) for job in self.jobs_for(workshop_id)
                for p in job["photos"] if p["status"] == FAILED or (p["status"] == DONE and p.get("message"))]

    # ---- work --------------------------------------------------------------------------------
    def submit(self, workshop_id: int, photos: list[dict[str, Any]]) -> str:
        """photos: dicts with original, stored (None when rejected at upload), status, message."""
        job = {"id": uuid.uuid4().hex[:12], "workshop_id": workshop_id, "created": time.time(),
               "status": QUEUED, "themes": QUEUED, "themes_message": "", "themes_mode": self.after_upload,
               "photos": photos}
        if not any(p["status"] == QUEUED for p in photos):
            job["status"], job["themes"] = DONE, DONE
        self._save(job)
        if job["status"] != DONE:
            self._enqueue(job["id"])
        return job["id"]

    def submit_rebuild(self, workshop_id: int) -> str:
        """Queue a full new theming pass of the workshop ("Themen neu bilden"); people's decisions stay."""
        job = {"id": uuid.uuid4().hex[:12], "workshop_id": workshop_id, "created": time.time(),
               "status": QUEUED, "themes": QUEUED, "themes_message": "", "themes_mode": REBUILD, "photos": []}
        self._save(job)
        self._enqueue(job["id"])
        return job["id"]

    def resume(self) -> list[str]:
        """Requeue jobs a crash or restart left unfinished; called once when the app starts."""
        resumed = []
        for path in sorted(self.dir.glob("*.json"), key=lambda p: p.stat().st_mtime):
            try:
                job = self.get(path.stem)
            except (KeyError, ValueError):
                continue
            if job["status"] != DONE:
                for photo in job["photos"]:
                    if photo["status"] == RUNNING:
                        photo["status"] = QUEUED
                self._save(job)
                self._enqueue(job["id"])
                resumed.append(job["id"])
        return resumed

    def wait(self, timeout: float = 300.0) -> bool:
        """Block until the queue is empty (for tests and scripts); True when it is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.05)
        return False

    def _enqueue(self, job_id: str) -> None:
        self._queue.put(job_id)
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._worker, name="cardscan-jobs", daemon=True)
            self._thread.start()

    def _worker(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                self._run(job_id)
            except Exception:  # our bug: keep the worker alive for the next batch
                log.exception("Job %s ist abgebrochen", job_id)
                try:
                    job = self.get(job_id)
                    job["status"] = DONE
                    if job["themes"] != DONE:
                        job["themes"], job["themes_message"] = FAILED, "interner Fehler, siehe Server-Log"
                    self._save(job)
                except Exception:
                    pass
            finally:
                self._queue.task_done()

    def _run(self, job_id: str) -> None:
        from cardscan.exceptions import BadInputFile, CardscanError

        job = self.get(job_id)
        wid = job["workshop_id"]
        job["status"] = RUNNING
        self._save(job)
        with self.lock:
            workshop = self.corpus.get(wid)
            photo_dir = Path(self.corpus.photo_dir(wid))
        legend = dict(workshop.legend)
        already = {scan.image for scan in workshop.scans}
        for photo in job["photos"]:
            if photo["status"] != QUEUED:
                continue
            if photo["stored"] in already:  # read before a crash, saved, but not yet marked
                photo["status"] = DONE
                photo["n_cards"] = len(next(s for s in workshop.scans if s.image == photo["stored"]).cards)
                self._save(job)
                continue
            photo["status"] = RUNNING
            self._save(job)
            try:
                read = self.scan(photo_dir / photo["stored"], legend)  # an api.PhotoReading
                scan, notes = read.scan, [p.message for p in read.problems]
                if scan is None:  # a reader that reports instead of raising (api.scan_or_problem)
                    raise CardscanError("; ".join(notes) or "nicht lesbar")
                with self.lock:
                    self.corpus.add_scan(wid, scan)
                photo["status"], photo["n_cards"] = DONE, len(scan.cards)
                photo["message"] = "; ".join(notes)  # read, but part of it cannot be trusted
                try:  # the review page then opens at once; on failure the page makes them on demand
                    ensure_crops(photo_dir / photo["stored"], scan.cards, photo_dir / ".crops")
                except Exception:
                    log.exception("Ausschnitte für %s nicht vorab erstellt", photo["stored"])
            except BadInputFile as exc:
                photo["status"], photo["message"] = FAILED, exc.problem
            except CardscanError as exc:
                photo["status"], photo["message"] = FAILED, str(exc)
            except Exception as exc:
                log.exception("Foto %s (%s) konnte nicht gelesen werden", photo["stored"], photo["original"])
                photo["status"], photo["message"] = FAILED, f"interner Fehler beim Lesen ({type(exc).__name__})"
            self._save(job)
        job["themes"] = RUNNING
        self._save(job)
        try:
            mode = job.get("themes_mode", FULL)  # jobs saved before incremental theming: as they were made
            if mode == NEW:
                n = self._theme_new(wid, {p["stored"] for p in job["photos"] if p["status"] == DONE})
            elif mode == REBUILD:
                n = self._rebuild(wid)
            else:
                n = self._themes(wid)
            job["themes"] = DONE
            job["themes_message"] = f"{n} Karten Themen zugeordnet" if n else ""
        except Exception:
            log.exception("Themen für Workshop %s konnten nicht zugeordnet werden", wid)
            job["themes"] = FAILED
            job["themes_message"] = ("Themen konnten nicht automatisch zugeordnet werden; die Karten sind gelesen "
                                     "und Themen lassen sich bei der Durchsicht von Hand vergeben")
        job["status"] = DONE
        self._save(job)

    def _theme_new(self, wid: int, photos: set[str]) -> int:
        """Theme this job's cards (and any card still without a theme) against the existing themes."""
        with self.lock:
            workshop = self.corpus.get(wid)
        decided = self.decided(wid)
        new_ids = {c.id for s in workshop.scans if s.image in photos for c in s.cards}
        new_ids |= {c.id for c in workshop.cards if not c.theme and c.id not in decided}
        if not any(c.text.strip() for c in workshop.cards if c.id in new_ids):
            return 0
        mapping = {cid: theme for cid, theme in self.themer(workshop, wid, new_ids).items()
                   if theme and cid in new_ids and cid not in decided}
        if mapping:
            with self.lock:
                self.corpus.set_themes(wid, mapping)
        return len(mapping)

    def _rebuild(self, wid: int) -> int:
        """A full new pass over all cards; the cards whose theme a person decided keep it."""
        with self.lock:
            workshop = self.corpus.get(wid)
        if not any(c.text.strip() for c in workshop.cards):
            return 0
        decided = self.decided(wid)
        self.assign(workshop, workshop_id=wid)
        mapping = {c.id: c.theme for c in workshop.cards if c.theme and c.id not in decided}
        if mapping:
            with self.lock:
                self.corpus.set_themes(wid, mapping)
        return len(mapping)

    def _themes(self, wid: int) -> int:
        """Theme all cards of the workshop together, without overwriting what a person decided.

        Before anyone touched themes, a fresh fit replaces all themes (they stay consistent). After a
        rename, merge or theme edit, only cards without a theme get one: the name the people chose
        for most of the older cards in the same fresh cluster, else the fresh name.
        """
        with self.lock:
            workshop = self.corpus.get(wid)
        if not any(c.text.strip() for c in workshop.cards):
            return 0
        before = {c.id: c.theme for c in workshop.cards}
        self.assign(workshop, workshop_id=wid)
        fresh = {c.id: c.theme for c in workshop.cards}
        if not self.themes_touched(wid):
            mapping = {cid: theme for cid, theme in fresh.items() if theme}
        else:
            mapping = {}
            for cid, theme in fresh.items():
                if before.get(cid) or not theme:
                    continue
                chosen = Counter(before[o] for o, t in fresh.items() if t == theme and before.get(o))
                mapping[cid] = chosen.most_common(1)[0][0] if chosen else theme
        if mapping:
            with self.lock:
                self.corpus.set_themes(wid, mapping)
        return len(mapping)
