"""The facilitators' web page: create a workshop, upload photos, check and correct, download minutes.

Server-rendered Flask pages (German), a few lines of vanilla JavaScript for drag and drop, progress
and saving each field the moment it changes; every page also works without JavaScript. All data
lives in the same corpus store as the Python API (``<data>/corpus.db`` plus the photo folders next
to it), so a researcher can open what the facilitators corrected with ``cardscan.Corpus``.

Safety: only loopback is served without a password; uploads are checked by content and stored under
generated names; every state-changing request carries a CSRF token; card text is escaped by Jinja.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import secrets
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import (Flask, Response, abort, flash, jsonify, redirect, render_template, request,
                   send_file, session, url_for)

from cardscan.web import uploads
from cardscan.web.jobs import JOB_ID, JobManager, crop_file, ensure_crops, learned_assign, learned_scan

log = logging.getLogger("cardscan.web")

DB_NAME = "corpus.db"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
_DOWNLOADS = {"protokoll.md": "markdown", "karten.csv": "csv", "karten.json": "json"}


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


# ---- learning from corrections -----------------------------------------------------------------
_warned: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message)


def learn_text(raw: str, corrected: str, lexicon_path: Path) -> bool:
    """Feed a text correction to the normalisation stage; False when that stage cannot learn yet.

    The correction itself is already safe in the corpus' corrections table either way, so a missing
    or failing learner only means it is learned later (replay ``Corpus.corrections("text")``).
    """
    try:
        from cardscan.normalise import learn_correction
    except ImportError:
        _warn_once("normalise", "cardscan.normalise.learn_correction fehlt: Textkorrekturen werden nur im Korpus "
                                "gespeichert, nicht ins Lexikon gelernt.")
        return False
    try:
        learn_correction(raw, corrected, lexicon_path)
        return True
    except Exception:
        log.exception("Textkorrektur konnte nicht gelernt werden (sie ist im Korpus gespeichert)")
        return False


def learn_theme(text: str, theme: str, store_path: Path, workshop_id: int) -> bool:
    """Feed a theme decision (for this workshop's card) to the themes stage; False when it cannot learn yet."""
    try:
        from cardscan.themes import record_correction
    except ImportError:
        _warn_once("themes", "cardscan.themes.record_correction fehlt: Themenkorrekturen werden nur im Korpus "
                             "gespeichert, nicht gelernt.")
        return False
    try:
        record_correction(store_path, text, theme, workshop=workshop_id)
        return True
    except Exception:
        log.exception("Themenkorrektur konnte nicht gelernt werden (sie ist im Korpus gespeichert)")
        return False


# ---- the app --------------------------------------------------------------------------------------
def create_app(data_dir: str | Path, password: str | None = None, *, host: str = "127.0.0.1",
               corpus=None, scan=None, assign=None, start_jobs: bool = True) -> Flask:
    """Build the Flask app on the corpus in `data_dir` (created if missing).

    password: required for every page when given (a login form; a session cookie keeps you in).
    host: the address the server binds to; on loopback, requests naming another host are refused
    (DNS rebinding). corpus: an open `cardscan.Corpus` to use instead of ``<data_dir>/corpus.db``.
    scan/assign replace the pipeline calls (tests only).
    """
    data = Path(data_dir).expanduser().resolve()
    data.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(data),
        MAX_CONTENT_LENGTH=uploads.MAX_REQUEST_BYTES,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        TRUSTED_HOSTS=LOOPBACK_NAMES if is_loopback(host) else None,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.jinja_env.autoescape = True  # also for our .html templates (the default), stated for the reader
    if corpus is None:
        from cardscan.corpus import Corpus

        corpus = Corpus(corpus_path(data))
    lock = threading.RLock()
    lexicon_path = data / "lexikon.yaml"
    theme_store = data / "themen-korrekturen.json"

    def themes_touched(wid: int) -> bool:
        return _themes_touched(corpus, lock, wid)

    # Corrections feed later reading: learnt spellings and theme decisions are used for new photos.
    jobs = JobManager(corpus, lock, data / "jobs", scan=scan or learned_scan(lexicon_path),
                      assign=assign or learned_assign(theme_store), themes_touched=themes_touched)
    app.extensions["cardscan"] = {"corpus": corpus, "lock": lock, "jobs": jobs, "data_dir": data}
    if start_jobs:
        resumed = jobs.resume()
        if resumed:
            log.info("%d unterbrochene Lesevorgänge werden fortgesetzt", len(resumed))

    # ---- helpers --------------------------------------------------------------------------------
    def get_workshop(wid: int):
        try:
            with lock:
                return corpus.get(wid)
        except (KeyError, LookupError, ValueError):
            abort(404, description="Diesen Workshop gibt es nicht (mehr).")

    def photo_dir(wid: int) -> Path:
        with lock:
            return Path(corpus.photo_dir(wid))

    def wants_json() -> bool:
        return (request.path.startswith("/api/") or request.is_json
                or request.accept_mimetypes.best == "application/json")

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return session["csrf"]

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["de_date"] = _de_date
    app.jinja_env.globals["password_set"] = bool(password)

    @app.before_request
    def guard():
        if request.endpoint == "static":
            return None
        if password and not session.get("auth") and request.endpoint not in ("login",):
            if wants_json():
                return jsonify(error="Bitte zuerst anmelden."), 401
            return redirect(url_for("login", next=request.full_path if request.query_string else request.path))
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf")
            if sent is None:
                sent = _json_body().get("csrf")
            if not sent or not hmac.compare_digest(str(sent), session.get("csrf", "")):
                abort(403, description="Die Seite war veraltet. Bitte neu laden und noch einmal versuchen.")
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'")
        return resp

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def http_error(err):
        code = getattr(err, "code", 500)
        default = {400: "Die Anfrage war unvollständig.", 403: "Keine Berechtigung.",
                   404: "Diese Seite gibt es nicht.", 405: "So geht das hier nicht.",
                   413: (f"Zu viele oder zu große Dateien auf einmal (höchstens "
                         f"{uploads.MAX_REQUEST_BYTES // (1024 * 1024)} MB zusammen, "
                         f"{uploads.MAX_FILE_BYTES // (1024 * 1024)} MB je Foto). "
                         "Bitte in mehreren Schritten hochladen.")}
        desc = getattr(err, "description", None)
        message = desc if code != 413 and desc and not desc.startswith(("The ", "You ", "Bad ")) else default.get(code, "Fehler.")
        if code == 400 and "not trusted" in str(desc):  # DNS rebinding or a typo: no URLs can be built here
            return Response("Unbekannte Adresse. Bitte die Seite über http://127.0.0.1 öffnen.\n", 400,
                            mimetype="text/plain")
        if wants_json():
            return jsonify(error=message), code
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(500)
    def server_error(err):
        message = "Interner Fehler. Ihre bisherigen Änderungen sind gespeichert; bitte die Seite neu laden."
        if wants_json():
            return jsonify(error=message), 500
        return render_template("error.html", code=500, message=message), 500

    # ---- login ----------------------------------------------------------------------------------
    @app.route("/anmelden", methods=["GET", "POST"], endpoint="login")
    def login():
        error = None
        if request.method == "POST":
            if password and hmac.compare_digest(request.form.get("password", "").encode(), password.encode()):
                session["auth"] = True
                target = request.args.get("next", "/")
                safe = target.startswith("/") and not target.startswith("//") and "\\" not in target
                return redirect(target if safe else "/")
            time.sleep(1.0)  # slows down guessing; one facilitator typing wrong barely notices
            error = "Das Passwort stimmt nicht."
        return render_template("login.html", error=error), (401 if error else 200)

    @app.post("/abmelden")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    # ---- workshops ------------------------------------------------------------------------------
    @app.get("/")
    def index():
        with lock:
            frame = corpus.workshops()
        rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}  # NaN -> empty
                for row in (frame.to_dict("records") if len(frame) else [])]
        rows.sort(key=lambda r: r.get("id", 0), reverse=True)
        return render_template("index.html", workshops=rows)

    @app.route("/workshops/neu", methods=["GET", "POST"])
    def new_workshop():
        from cardscan.colour import PALETTE

        colours = list(PALETTE)
        errors: list[str] = []
        form = request.form
        if request.method == "POST":
            title = form.get("title", "").strip()
            if not title:
                errors.append("Bitte einen Titel angeben.")
            legend = {}
            for i, colour in enumerate(colours):
                group = form.get(f"legend-{i}", "").strip()
                if group:
                    legend[colour] = group[:80]
            date = form.get("date", "").strip()
            if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                errors.append("Das Datum bitte als TT.MM.JJJJ auswählen.")
            if not errors:
                metadata = {k: v for k, v in (("city", form.get("city", "").strip()[:120]), ("date", date)) if v}
                with lock:
                    wid = corpus.create_workshop(title[:200], question=form.get("question", "").strip()[:1000],
                                                 legend=legend, **metadata)
                flash("Workshop angelegt. Jetzt die Fotos der Pinnwände hochladen.")
                return redirect(url_for("workshop", wid=wid))
        return render_template("new.html", colours=colours, palette=PALETTE, errors=errors, form=form)

    @app.get("/w/<int:wid>")
    def workshop(wid: int):
        ws = get_workshop(wid)
        return render_template("workshop.html", wid=wid, ws=ws, jobs=list(reversed(jobs.jobs_for(wid))),
                               n_cards=len(ws.cards), max_mb=uploads.MAX_FILE_BYTES // (1024 * 1024))

    @app.post("/w/<int:wid>/fotos")
    def upload(wid: int):
        get_workshop(wid)
        files = [f for f in request.files.getlist("photos") if f and (f.filename or f.content_length)]
        if not files:
            message = "Bitte mindestens ein Foto auswählen."
            if wants_json():
                return jsonify(error=message), 400
            flash(message, "error")
            return redirect(url_for("workshop", wid=wid))
        if len(files) > uploads.MAX_FILES_PER_UPLOAD:
            message = f"Höchstens {uploads.MAX_FILES_PER_UPLOAD} Fotos auf einmal, bitte in mehreren Schritten hochladen."
            if wants_json():
                return jsonify(error=message), 400
            flash(message, "error")
            return redirect(url_for("workshop", wid=wid))
        folder = photo_dir(wid)
        folder.mkdir(parents=True, exist_ok=True)
        photos: list[dict[str, Any]] = []
        for f in files:
            original = uploads.display_name(f.filename)
            try:
                stored = uploads.store_upload(f.stream, f.filename, folder)
                photos.append({"original": original, "stored": stored, "status": "queued", "message": "", "n_cards": 0})
            except uploads.RejectedUpload as exc:
                photos.append({"original": original, "stored": None, "status": "failed", "message": exc.problem,
                               "n_cards": 0})
        job_id = jobs.submit(wid, photos)
        target = url_for("job_page", wid=wid, job_id=job_id)
        if wants_json():
            return jsonify(job=job_id, url=target, status_url=url_for("job_status", job_id=job_id))
        return redirect(target)

    def job_or_404(job_id: str, wid: int | None = None) -> dict[str, Any]:
        if not JOB_ID.match(job_id):
            abort(404)
        try:
            job = jobs.get(job_id)
        except KeyError:
            abort(404, description="Diesen Lesevorgang gibt es nicht.")
        if wid is not None and job["workshop_id"] != wid:
            abort(404)
        return job

    @app.get("/w/<int:wid>/lesen/<job_id>")
    def job_page(wid: int, job_id: str):
        ws = get_workshop(wid)
        return render_template("job.html", wid=wid, ws=ws, job=job_or_404(job_id, wid))

    @app.get("/api/jobs/<job_id>")
    def job_status(job_id: str):
        job = job_or_404(job_id)
        done = sum(p["status"] in ("done", "failed") for p in job["photos"])
        return jsonify({**job, "done": done, "total": len(job["photos"])})

    # ---- review ---------------------------------------------------------------------------------
    @app.get("/w/<int:wid>/durchsicht")
    def review(wid: int):
        from cardscan.minutes import group_label, needs_check

        ws = get_workshop(wid)
        corrected = _corrected_cards(corpus, lock, wid)
        rows = []
        for order, card in enumerate(ws.cards):
            why = None if card.id in corrected else needs_check(card, ws.legend)
            rows.append({"card": card, "why": why, "order": order, "label": group_label(card),
                         "corrected": card.id in corrected})
        rows.sort(key=lambda r: (r["why"] is None, r["card"].confidence if r["why"] else 0, r["order"]))
        themes: dict[str, int] = {}
        for card in ws.cards:
            if card.theme:
                themes[card.theme] = themes.get(card.theme, 0) + 1
        groups = sorted(set(ws.legend.values()) | {c.group for c in ws.cards if c.group})
        originals = {p["stored"]: p["original"] for job in jobs.jobs_for(wid) for p in job["photos"] if p["stored"]}
        running = [j for j in jobs.jobs_for(wid) if j["status"] != "done"]
        return render_template("review.html", wid=wid, ws=ws, rows=rows, n_flagged=sum(r["why"] is not None for r in rows),
                               themes=sorted(themes.items(), key=lambda kv: (-kv[1], kv[0].lower())),
                               groups=groups, originals=originals, problems=jobs.problems_for(wid), running=running)

    @app.post("/w/<int:wid>/karten/<card_id>")
    def update_card(wid: int, card_id: str):
        ws = get_workshop(wid)
        try:
            card = ws.card(card_id)
        except KeyError:
            abort(404, description="Diese Karte gibt es nicht (mehr).")
        values = _json_body() or request.form
        changes: dict[str, str] = {}
        for field, limit in (("text", 2000), ("group", 120), ("theme", 120)):
            if field in values and values[field] is not None:
                new = " ".join(str(values[field]).split()) if field != "text" else str(values[field]).strip()
                new = new[:limit]
                if new != (getattr(card, field) or ""):
                    changes[field] = new
        confirm = str(values.get("confirm", "")) in ("1", "true", "True")
        if confirm and "text" not in changes:
            changes["text"] = card.text  # "Stimmt so": recorded like a correction, so the card is checked
        learned: dict[str, bool] = {}
        if changes:
            with lock:
                updated = corpus.update_card(wid, card_id, **changes)
            if "text" in changes:
                learned["text"] = learn_text(card.raw_text, changes["text"], lexicon_path)
            if "theme" in changes and changes["theme"]:
                learned["theme"] = learn_theme(changes.get("text", card.text), changes["theme"], theme_store, wid)
            card = updated if updated is not None else card
        if _json_body() or wants_json():
            return jsonify(saved=True, changed=sorted(changes), learned=learned,
                           card={"id": card.id, "text": card.text, "group": card.group, "theme": card.theme})
        flash("Als geprüft gespeichert." if confirm else "Gespeichert." if changes else "Keine Änderung.")
        return redirect(url_for("review", wid=wid) + f"#karte-{card_id}")

    @app.post("/w/<int:wid>/themen/umbenennen")
    def rename_theme(wid: int):
        ws = get_workshop(wid)
        old = request.form.get("old", "")
        new = " ".join(request.form.get("new", "").split())[:120]
        existing = {c.theme for c in ws.cards if c.theme}
        if old not in existing:
            flash("Dieses Thema gibt es nicht (mehr).", "error")
        elif not new:
            flash("Bitte einen neuen Namen angeben.", "error")
        elif new != old:
            with lock:
                if new in existing:
                    corpus.merge_themes(wid, old, new)
                else:
                    corpus.rename_theme(wid, old, new)
            for card in ws.cards:
                if card.theme == old:
                    learn_theme(card.text, new, theme_store, wid)
            flash(f"Thema „{old}“ heißt jetzt „{new}“.")
        return redirect(url_for("review", wid=wid) + "#themen")

    @app.post("/w/<int:wid>/themen/zusammenfuehren")
    def merge_themes(wid: int):
        ws = get_workshop(wid)
        source, target = request.form.get("source", ""), request.form.get("target", "")
        existing = {c.theme for c in ws.cards if c.theme}
        if source not in existing or target not in existing:
            flash("Bitte zwei vorhandene Themen auswählen.", "error")
        elif source == target:
            flash("Bitte zwei verschiedene Themen auswählen.", "error")
        else:
            with lock:
                corpus.merge_themes(wid, source, target)
            for card in ws.cards:
                if card.theme == source:
                    learn_theme(card.text, target, theme_store, wid)
            flash(f"„{source}“ ist jetzt Teil von „{target}“.")
        return redirect(url_for("review", wid=wid) + "#themen")

    @app.get("/w/<int:wid>/ausschnitt/<card_id>.jpg")
    def crop(wid: int, card_id: str):
        ws = get_workshop(wid)
        try:
            card = ws.card(card_id)
        except KeyError:
            abort(404)
        scan = next(s for s in ws.scans if any(c.id == card_id for c in s.cards))
        folder = photo_dir(wid)
        name = Path(scan.image).name
        target = crop_file(folder / ".crops", card.id)
        if not target.exists():
            try:
                ensure_crops(folder / name, scan.cards, folder / ".crops")
            except Exception:
                log.exception("Ausschnitt für %s nicht möglich", card_id)
                abort(404)
        resp = send_file(target, mimetype="image/jpeg", max_age=3600)
        return resp

    @app.get("/w/<int:wid>/foto/<name>")
    def photo(wid: int, name: str):
        ws = get_workshop(wid)
        if name not in {s.image for s in ws.scans} or not uploads.STORED_NAME.match(name):
            abort(404)
        return send_file(photo_dir(wid) / name, max_age=3600)

    # ---- downloads ------------------------------------------------------------------------------
    @app.get("/w/<int:wid>/download/<name>")
    def download(wid: int, name: str):
        from cardscan.workshop import Problem

        if name not in _DOWNLOADS:
            abort(404)
        ws = get_workshop(wid)
        corrected = _corrected_cards(corpus, lock, wid)
        for card in ws.cards:  # a person read and fixed it: it no longer needs checking
            if card.id in corrected:
                card.confidence = max(card.confidence, 1.0)
        known = {Path(p.path).name for p in ws.problems}
        for original, message in jobs.problems_for(wid):
            if original not in known:
                ws.problems.append(Problem(original, message))
        kind = _DOWNLOADS[name]
        stem = _slug(ws.title) or f"workshop-{wid}"
        if kind == "markdown":
            body, mime, filename = ws.to_markdown(), "text/markdown; charset=utf-8", f"{stem}-protokoll.md"
        elif kind == "csv":
            # BOM: Excel (the facilitators' spreadsheet) then shows umlauts right; pandas skips it.
            body, mime, filename = "\ufeff" + ws.to_csv(), "text/csv; charset=utf-8", f"{stem}-karten.csv"
        else:
            body, mime, filename = ws.to_json(), "application/json; charset=utf-8", f"{stem}-karten.json"
        resp = Response(body, mimetype=mime)
        resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return resp

    return app


def _json_body() -> dict[str, Any]:
    """A JSON object body: fetch sends application/json, navigator.sendBeacon can only send text/plain."""
    if request.mimetype not in ("application/json", "text/plain"):
        return {}
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}


def _de_date(value: str | None) -> str:
    """2026-11-20 -> 20.11.2026 for display; anything else unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else str(value or "")


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    return re.sub(r"[^A-Za-z0-9]+", "-", text.translate(table)).strip("-").lower()[:60]


def _corrections(corpus, lock, wid: int):
    try:
        with lock:
            frame = corpus.corrections()
    except Exception:
        log.exception("Korrekturen nicht lesbar")
        return None
    if frame is None or not len(frame) or "workshop_id" not in frame.columns:
        return None
    return frame[frame["workshop_id"] == wid]


def _corrected_cards(corpus, lock, wid: int) -> set[str]:
    """Cards whose text a person has corrected in this workshop."""
    frame = _corrections(corpus, lock, wid)
    if frame is None or "card_id" not in frame.columns or "field" not in frame.columns:
        return set()
    return set(frame.loc[frame["field"] == "text", "card_id"].dropna().astype(str))


def _themes_touched(corpus, lock, wid: int) -> bool:
    """Has a person renamed, merged or set a theme in this workshop?"""
    frame = _corrections(corpus, lock, wid)
    if frame is None:
        return False
    for column in ("field", "kind"):
        if column in frame.columns and frame[column].astype(str).str.contains("theme").any():
            return True
    return False


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


def serve(data_dir: str | Path, host: str = "127.0.0.1", port: int = 8765, password: str | None = None) -> None:
    """Run the web app until Ctrl+C (waitress, a production WSGI server; no debug mode, ever).

    Without a password only loopback is allowed: anyone on the network could otherwise read and
    change the workshop. The password may also come from the environment variable CARDSCAN_PASSWORD.
    """
    from cardscan.exceptions import UsageError

    password = password or os.environ.get("CARDSCAN_PASSWORD") or None
    if not is_loopback(host) and not password:
        raise UsageError(f"Adresse {host} ist von anderen Rechnern erreichbar: bitte mit --password ein Passwort "
                         "setzen (oder ohne --host nur auf diesem Rechner starten).")
    from waitress import serve as waitress_serve

    app = create_app(data_dir, password=password, host=host)
    shown = f"[{host}]" if ":" in host else host
    print(f"cardscan läuft: http://{shown}:{port}/  (Daten: {Path(data_dir).resolve()}; beenden mit Strg+C)",
          flush=True)
    waitress_serve(app, host=host, port=port, threads=6, max_request_body_size=uploads.MAX_REQUEST_BYTES,
                   ident="cardscan", _quiet=True)
