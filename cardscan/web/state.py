"""What every page of the web app shares: the corpus, its lock, the reading jobs and the data folder.

One `WebState` per app, kept in ``app.extensions["cardscan"]``; the blueprints reach it with
`current()`. It is a dataclass (not a dict) so a reader sees every shared thing in one place; the
``["corpus"]`` item access stays because scripts and tests have always read it that way.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import abort, current_app, request

log = logging.getLogger("cardscan.web")


@dataclass
class WebState:
    corpus: Any  # cardscan.corpus.Corpus (imported lazily: it pulls in SQLAlchemy and pandas)
    lock: threading.RLock  # the corpus is one SQLite file: one writer at a time, readers see whole edits
    jobs: Any  # cardscan.web.jobs.JobManager
    data_dir: Path
    password: str | None = None
    sessions: Any = None  # cardscan.web.sessions.SessionStore when a password is set
    limiter: Any = None  # cardscan.web.ratelimit.LoginLimiter

    @property
    def lexicon_path(self) -> Path:
        """Text corrections the normalisation learnt (read again for every new photo)."""
        return self.data_dir / "lexikon.yaml"

    @property
    def theme_store(self) -> Path:
        """Theme decisions people made (cardscan.themes.record_correction), learnt by the next fit."""
        return self.data_dir / "themen-korrekturen.json"

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    # ---- reading the corpus for a request ------------------------------------------------------------
    def workshop(self, wid: int):
        """The workshop, or a German 404 page when it does not exist (any more)."""
        try:
            with self.lock:
                return self.corpus.get(wid)
        except (KeyError, LookupError, ValueError):
            abort(404, description="Diesen Workshop gibt es nicht (mehr).")

    def photo_dir(self, wid: int) -> Path:
        with self.lock:
            return Path(self.corpus.photo_dir(wid))

    def corrections(self, wid: int):
        """This workshop's corrections as a DataFrame, or None when there are none or they cannot be read."""
        try:
            with self.lock:
                frame = self.corpus.corrections()
        except Exception:
            log.exception("Korrekturen nicht lesbar")
            return None
        if frame is None or not len(frame) or "workshop_id" not in frame.columns:
            return None
        return frame[frame["workshop_id"] == wid]

    def corrected_cards(self, wid: int) -> set[str]:
        """Cards whose text a person has corrected or confirmed in this workshop."""
        frame = self.corrections(wid)
        if frame is None or "card_id" not in frame.columns or "field" not in frame.columns:
            return set()
        return set(frame.loc[frame["field"] == "text", "card_id"].dropna().astype(str))

    def theme_decided_cards(self, wid: int) -> set[str]:
        """Cards whose theme a person set, renamed or merged: a new theming pass leaves them alone."""
        frame = self.corrections(wid)
        if frame is None or "card_id" not in frame.columns or "field" not in frame.columns:
            return set()
        return set(frame.loc[frame["field"] == "theme", "card_id"].dropna().astype(str))

    def themes_touched(self, wid: int) -> bool:
        """Has a person renamed, merged or set a theme in this workshop?"""
        frame = self.corrections(wid)
        if frame is None:
            return False
        for column in ("field", "kind"):
            if column in frame.columns and frame[column].astype(str).str.contains("theme").any():
                return True
        return False


def current() -> WebState:
    """The state of the app serving this request."""
    return current_app.extensions["cardscan"]


def wants_json() -> bool:
    """Scripts and our own fetch calls get JSON answers (also for errors), browsers get pages."""
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def json_body() -> dict[str, Any]:
    """A JSON object body: fetch sends application/json, navigator.sendBeacon can only send text/plain."""
    if request.mimetype not in ("application/json", "text/plain"):
        return {}
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}
