"""Logins that can be taken back: a server-side list of open sessions, bound to the password.

Why not Flask's signed cookie alone: a signed cookie stays valid until it expires, whatever the
server does, so "Abmelden" ended nothing and a new ``--password`` let old cookies in (issue 19).
Now the cookie only carries a random session id; the server keeps the ids it handed out (hashed,
in ``<data>/sitzungen.json``, so a login survives a restart and the file gives no usable cookie)
with their expiry and a fingerprint of the password they were made with. Logging out deletes
the id; starting with another password drops every id of the old one; a session ends after
`SESSION_HOURS` at the latest. The cookie signing key is also derived from the password, so even
the CSRF token of an old page does not carry over to a new password.

The cookie is HttpOnly and SameSite=Lax always, and Secure whenever the request came over HTTPS
(directly, or said so by a trusted reverse proxy: ``--behind-proxy``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import request
from flask.sessions import SecureCookieSessionInterface

from cardscan._files import write_text_atomic

log = logging.getLogger("cardscan.web")

SESSION_HOURS = 12  # one workshop day; a lost laptop's cookie is not good for a month
STORE_NAME = "sitzungen.json"


def session_key(base_key: bytes, password: str | None) -> bytes:
    """The cookie signing key: the data folder's secret, mixed with the password when there is one."""
    if not password:
        return base_key
    return hmac.new(base_key, b"cardscan-session\0" + password.encode("utf-8"), hashlib.sha256).digest()


def password_fingerprint(base_key: bytes, password: str | None) -> str:
    """Which password a session was made with, without storing anything that reveals the password."""
    return hmac.new(base_key, b"cardscan-password\0" + (password or "").encode("utf-8"), hashlib.sha256).hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=SESSION_HOURS)


class SessionStore:
    """The open logins: {sha256 of session id: expiry (Unix time)}, kept in memory and on disk.

    clock: Unix time source (tests move it forward to see a session expire).
    """

    def __init__(self, path: Path, fingerprint: str, hours: float = SESSION_HOURS, clock=time.time):
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.seconds = hours * 3600.0
        self.clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, float] = {}
        loaded = self._load()
        if loaded is None:  # made with another password (or unreadable): forget them on disk too, for good
            self._save()
        else:
            self._open = loaded

    @staticmethod
    def _hash(sid: str) -> str:
        return hashlib.sha256(sid.encode("utf-8")).hexdigest()

    def _load(self) -> dict[str, float] | None:
        """The open sessions on disk; None when they must all end (another password, a broken file)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s ist nicht lesbar: alle bisherigen Anmeldungen sind beendet", self.path)
            return None
        if not isinstance(data, dict) or data.get("password") != self.fingerprint:
            return None  # another password made these sessions: they end here
        now = self.clock()
        return {h: float(t) for h, t in dict(data.get("sessions", {})).items() if float(t) > now}

    def _save(self) -> None:
        body = json.dumps({"password": self.fingerprint, "sessions": self._open}, indent=1)
        write_text_atomic(self.path, body)
        try:
            self.path.chmod(0o600)
        except OSError:
            pass

    def open(self) -> str:
        """A new session id (random, 256 bits); only its hash is kept."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            self._open = {h: t for h, t in self._open.items() if t > now}
            self._open[self._hash(sid)] = now + self.seconds
            self._save()
        return sid

    def valid(self, sid: object) -> bool:
        if not isinstance(sid, str) or not sid:
            return False
        with self._lock:
            expiry = self._open.get(self._hash(sid))
        return expiry is not None and expiry > self.clock()

    def close(self, sid: object) -> None:
        """Log out: this id is no longer accepted, whatever cookie still carries it."""
        if not isinstance(sid, str):
            return
        with self._lock:
            if self._open.pop(self._hash(sid), None) is not None:
                self._save()

    def __len__(self) -> int:
        now = self.clock()
        with self._lock:
            return sum(t > now for t in self._open.values())


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever this request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure
