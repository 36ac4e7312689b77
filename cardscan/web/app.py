"""The facilitators' web page: create a workshop, upload photos, check and correct, download minutes.

Server-rendered Flask pages (German), a few lines of vanilla JavaScript for drag and drop, progress
and saving each field the moment it changes; every page also works without JavaScript. All data
lives in the same corpus store as the Python API (``<data>/corpus.db`` plus the photo folders next
to it), so a researcher can open what the facilitators corrected with ``cardscan.Corpus``.

The pages live in blueprints: auth (login, CSRF, headers), workshops (overview, upload, progress),
cards (review, corrections, themes, crops), board (the photo with outlines, clusters,
headings; moving cards), downloads (minutes). This module only wires them up.

Safety: only loopback is served without a password; uploads are checked by content and stored under
generated names; every state-changing request carries a CSRF token; card text is escaped by Jinja.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import threading
from functools import lru_cache
from pathlib import Path

from flask import Flask

from cardscan.web import auth, board, cards, downloads, errors, sessions, uploads, workshops
from cardscan.web.jobs import JobManager, learned_assign, learned_scan
from cardscan.web.ratelimit import LoginLimiter
from cardscan.web.state import WebState
from cardscan.web.theming import IncrementalThemes

log = logging.getLogger("cardscan.web")

DB_NAME = "corpus.db"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def corpus_path(data_dir: str | Path) -> Path:
    """Where the web app keeps its corpus: open the same file with ``cardscan.Corpus(path)``."""
    return Path(data_dir) / DB_NAME


def is_loopback(host: str) -> bool:
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(data_dir: str | Path, password: str | None = None, *, host: str = "127.0.0.1",
               behind_proxy: bool = False, corpus=None, scan=None, assign=None, start_jobs: bool = True,
               themes_after_upload: str = "new") -> Flask:
    """Build the Flask app on the corpus in `data_dir` (created if missing).

    password: required for every page when given (a login form; a server-side session of at most
    12 hours keeps you in; logging out or a new password ends it).
    host: the address the server binds to; on loopback, requests naming another host are refused
    (DNS rebinding). behind_proxy: trust one reverse proxy's X-Forwarded-For/-Proto/-Host/-Prefix
    (client address for the login limit, HTTPS for the cookie's Secure flag; see docs/web.md). corpus: an open `cardscan.Corpus` to use instead of ``<data_dir>/corpus.db``.
    scan/assign replace the pipeline calls (tests only). themes_after_upload: "new" themes only the
    new cards against the existing themes (a full pass is the "Themen neu bilden" button), "full" the
    whole workshop after every upload as before (bench/web_upload_speed.py compares the two).
    """
    data = Path(data_dir).expanduser().resolve()
    data.mkdir(parents=True, exist_ok=True)
    password = password or None
    app = Flask(__name__)
    base_key = _secret_key(data)
    app.config.update(
        SECRET_KEY=sessions.session_key(base_key, password),  # a new password: every old cookie is void
        PERMANENT_SESSION_LIFETIME=sessions.lifetime(),
        MAX_CONTENT_LENGTH=uploads.MAX_REQUEST_BYTES,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # Behind a proxy the browser names the proxy's host; the proxy itself is the DNS-rebinding guard.
        TRUSTED_HOSTS=LOOPBACK_NAMES if is_loopback(host) and not behind_proxy else None,
        JSON_AS_ASCII=False,
    )
    app.session_interface = sessions.SessionInterface()
    if behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    app.json.ensure_ascii = False
    app.jinja_env.autoescape = True  # also for our .html templates (the default), stated for the reader
    app.jinja_env.filters["de_date"] = workshops.de_date
    app.jinja_env.globals["password_set"] = bool(password)
    if corpus is None:
        from cardscan.corpus import Corpus

        corpus = Corpus(corpus_path(data))
    lock = threading.RLock()
    store = (sessions.SessionStore(data / sessions.STORE_NAME, sessions.password_fingerprint(base_key, password))
             if password else None)
    state = WebState(corpus=corpus, lock=lock, jobs=None, data_dir=data, password=password, sessions=store,
                     limiter=LoginLimiter())
    # Corrections feed later reading: learnt spellings and theme decisions are used for new photos.
    state.jobs = JobManager(corpus, lock, data / "jobs", scan=scan or learned_scan(state.lexicon_path),
                            assign=assign or learned_assign(state.theme_store), themes_touched=state.themes_touched,
                            themer=None if assign else IncrementalThemes(state.theme_store),
                            decided=state.theme_decided_cards, after_upload=themes_after_upload)
    app.extensions["cardscan"] = state
    auth.install(app)
    errors.install(app)
    for blueprint in (workshops.bp, cards.bp, board.bp, downloads.bp):
        app.register_blueprint(blueprint)
    if start_jobs:
        resumed = state.jobs.resume()
        if resumed:
            log.info("%d unterbrochene Lesevorgänge werden fortgesetzt", len(resumed))
    return app


@lru_cache(maxsize=None)
def _secret_key_cached(path: str) -> bytes:
    p = Path(path)
    if p.exists() and p.stat().st_size >= 32:
        return p.read_bytes()
    key = secrets.token_bytes(32)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _secret_key(data: Path) -> bytes:
    """Sessions (login, CSRF token) survive a restart: the key lives in the data folder, readable by us only."""
    return _secret_key_cached(str(data / ".secret_key"))


def serve(data_dir: str | Path, host: str = "127.0.0.1", port: int = 8765, password: str | None = None,
          behind_proxy: bool = False) -> None:
    """Run the web app until Ctrl+C (waitress, a production WSGI server; no debug mode, ever).

    Without a password only loopback is allowed: anyone on the network could otherwise read and
    change the workshop. The password may also come from the environment variable CARDSCAN_PASSWORD.
    behind_proxy: a reverse proxy with TLS forwards to us (docs/web.md); it makes the page reachable
    from the network, so it needs a password too.
    """
    from cardscan.exceptions import UsageError

    password = password or os.environ.get("CARDSCAN_PASSWORD") or None
    if not is_loopback(host) and not password:
        raise UsageError(f"Adresse {host} ist von anderen Rechnern erreichbar: bitte mit --password ein Passwort "
                         "setzen (oder ohne --host nur auf diesem Rechner starten).")
    if behind_proxy and not password:
        raise UsageError("Mit --behind-proxy ist die Seite von anderen Rechnern erreichbar: bitte mit --password "
                         "ein Passwort setzen.")
    from waitress import serve as waitress_serve

    app = create_app(data_dir, password=password, host=host, behind_proxy=behind_proxy)
    warm_up = getattr(app.extensions["cardscan"].jobs.themer, "warm_up", None)
    if warm_up is not None:  # while the facilitator creates the workshop, not during the first upload
        threading.Thread(target=warm_up, name="cardscan-themes-warm-up", daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    print(f"cardscan läuft: http://{shown}:{port}/  (Daten: {Path(data_dir).resolve()}; beenden mit Strg+C)",
          flush=True)
    waitress_serve(app, host=host, port=port, threads=6, max_request_body_size=uploads.MAX_REQUEST_BYTES,
                   ident="cardscan", _quiet=True)
