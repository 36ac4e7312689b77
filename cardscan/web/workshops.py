"""Workshops: the overview, creating one, its page, uploading photos and following their reading."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from cardscan.web import uploads
from cardscan.web.jobs import JOB_ID
from cardscan.web.state import current, wants_json

bp = Blueprint("workshops", __name__)


def de_date(value: str | None) -> str:
    """2026-11-20 -> 20.11.2026 for display; anything else unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else str(value or "")


@bp.get("/")
def index():
    state = current()
    with state.lock:
        frame = state.corpus.workshops()
    rows = [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}  # NaN -> empty
            for row in (frame.to_dict("records") if len(frame) else [])]
    rows.sort(key=lambda r: r.get("id", 0), reverse=True)
    return render_template("index.html", workshops=rows)


@bp.route("/workshops/neu", methods=["GET", "POST"])
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
            state = current()
            with state.lock:
                wid = state.corpus.create_workshop(title[:200], question=form.get("question", "").strip()[:1000],
                                                   legend=legend, **metadata)
            flash("Workshop angelegt. Jetzt die Fotos der Pinnwände hochladen.")
            return redirect(url_for("workshops.workshop", wid=wid))
    return render_template("new.html", colours=colours, palette=PALETTE, errors=errors, form=form)


@bp.get("/w/<int:wid>")
def workshop(wid: int):
    state = current()
    ws = state.workshop(wid)
    return render_template("workshop.html", wid=wid, ws=ws, jobs=list(reversed(state.jobs.jobs_for(wid))),
                           n_cards=len(ws.cards), max_mb=uploads.MAX_FILE_BYTES // (1024 * 1024))


def _refuse_upload(wid: int, message: str):
    if wants_json():
        return jsonify(error=message), 400
    flash(message, "error")
    return redirect(url_for("workshops.workshop", wid=wid))


@bp.post("/w/<int:wid>/fotos")
def upload(wid: int):
    state = current()
    state.workshop(wid)
    files = [f for f in request.files.getlist("photos") if f and (f.filename or f.content_length)]
    if not files:
        return _refuse_upload(wid, "Bitte mindestens ein Foto auswählen.")
    if len(files) > uploads.MAX_FILES_PER_UPLOAD:
        return _refuse_upload(wid, f"Höchstens {uploads.MAX_FILES_PER_UPLOAD} Fotos auf einmal, bitte in mehreren "
                                   "Schritten hochladen.")
    folder = state.photo_dir(wid)
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
    job_id = state.jobs.submit(wid, photos)
    target = url_for("workshops.job_page", wid=wid, job_id=job_id)
    if wants_json():
        return jsonify(job=job_id, url=target, status_url=url_for("workshops.job_status", job_id=job_id))
    return redirect(target)


def job_or_404(job_id: str, wid: int | None = None) -> dict[str, Any]:
    """The job's saved state; 404 for a malformed id, an unknown job or another workshop's job."""
    if not JOB_ID.match(job_id):
        abort(404)
    try:
        job = current().jobs.get(job_id)
    except KeyError:
        abort(404, description="Diesen Lesevorgang gibt es nicht.")
    if wid is not None and job["workshop_id"] != wid:
        abort(404)
    return job


@bp.get("/w/<int:wid>/lesen/<job_id>")
def job_page(wid: int, job_id: str):
    ws = current().workshop(wid)
    return render_template("job.html", wid=wid, ws=ws, job=job_or_404(job_id, wid))


@bp.get("/api/jobs/<job_id>")
def job_status(job_id: str):
    job = job_or_404(job_id)
    done = sum(p["status"] in ("done", "failed") for p in job["photos"])
    return jsonify({**job, "done": done, "total": len(job["photos"])})
