"""Checking and correcting: the review page, saving a card, renaming and merging themes, crops and photos."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for

from cardscan.web import uploads
from cardscan.web.jobs import crop_file, ensure_crops
from cardscan.web.learning import learn_text, learn_theme
from cardscan.web.state import current, json_body, wants_json

log = logging.getLogger("cardscan.web")

bp = Blueprint("cards", __name__)

FIELD_LIMITS = (("text", 2000), ("group", 120), ("theme", 120), ("cluster", 120))


@bp.get("/w/<int:wid>/durchsicht")
def review(wid: int):
    from cardscan.minutes import board_clusters, group_label, needs_check

    state = current()
    ws = state.workshop(wid)
    corrected = state.corrected_cards(wid)
    rows = []
    for order, card in enumerate(ws.cards):
        why = None if card.id in corrected else needs_check(card, ws.legend)
        rows.append({"card": card, "why": why, "order": order, "label": group_label(card),
                     "corrected": card.id in corrected})
    rows.sort(key=lambda r: (r["why"] is None, r["card"].confidence if r["why"] else 0, r["order"]))
    jobs = state.jobs.jobs_for(wid)
    originals = {p["stored"]: p["original"] for job in jobs for p in job["photos"] if p["stored"]}
    running = [j for j in jobs if j["status"] != "done"]
    return render_template("review.html", wid=wid, ws=ws, rows=rows, n_flagged=sum(r["why"] is not None for r in rows),
                           themes=theme_counts(ws), groups=group_names(ws), originals=originals,
                           problems=state.jobs.problems_for(wid), running=running,
                           clusters=list(dict.fromkeys(c.name for c in board_clusters(ws))))


def theme_counts(ws) -> list[tuple[str, int]]:
    """(theme, number of cards), biggest first: the order of the themes panel and its selects."""
    counts: dict[str, int] = {}
    for card in ws.cards:
        if card.theme:
            counts[card.theme] = counts.get(card.theme, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))


def group_names(ws) -> list[str]:
    return sorted(set(ws.legend.values()) | {c.group for c in ws.cards if c.group})


@bp.post("/w/<int:wid>/karten/<card_id>")
def update_card(wid: int, card_id: str):
    state = current()
    ws = state.workshop(wid)
    try:
        card = ws.card(card_id)
    except KeyError:
        abort(404, description="Diese Karte gibt es nicht (mehr).")
    body = json_body()
    values = body or request.form
    changes: dict[str, str] = {}
    for field, limit in FIELD_LIMITS:
        if field in values and values[field] is not None:
            new = " ".join(str(values[field]).split()) if field != "text" else str(values[field]).strip()
            new = new[:limit]
            if new != (getattr(card, field) or ""):
                changes[field] = new
    if "votes" in values and str(values["votes"] or "").strip() != str(card.votes):
        changes["votes"] = str(values["votes"] or "").strip()  # the corpus checks it is a count
    confirm = str(values.get("confirm", "")) in ("1", "true", "True")
    if confirm and "text" not in changes:
        changes["text"] = card.text  # "Stimmt so": recorded like a correction, so the card is checked
    learned: dict[str, bool] = {}
    if changes:
        try:
            with state.lock:
                updated = state.corpus.update_card(wid, card_id, **changes)
        except ValueError as exc:  # a field this corpus cannot store (yet): the corpus says which, in German
            abort(400, description=str(exc))
        if "text" in changes:
            learned["text"] = learn_text(card.raw_text, changes["text"], state.lexicon_path)
        if "theme" in changes and changes["theme"]:
            learned["theme"] = learn_theme(changes.get("text", card.text), changes["theme"], state.theme_store, wid)
        card = updated if updated is not None else card
    if body or wants_json():
        return jsonify(saved=True, changed=sorted(changes), learned=learned,
                       card={"id": card.id, "text": card.text, "group": card.group, "theme": card.theme,
                             "cluster": card.cluster, "votes": card.votes})
    flash("Als geprüft gespeichert." if confirm else "Gespeichert." if changes else "Keine Änderung.")
    if values.get("zurueck") == "tafel":
        return redirect(url_for("board.board", wid=wid, nach=values.get("nach") or None) + f"#karte-{card_id}")
    return redirect(url_for("cards.review", wid=wid) + f"#karte-{card_id}")


def teach_theme_move(ws, old: str, new: str, state, wid: int) -> None:
    """Every card that had theme `old` now has `new`: the themes stage learns it as the facilitator's
    decision for each of them (a rename and a merge teach the same thing)."""
    for card in ws.cards:
        if card.theme == old:
            learn_theme(card.text, new, state.theme_store, wid)


@bp.post("/w/<int:wid>/themen/umbenennen")
def rename_theme(wid: int):
    state = current()
    ws = state.workshop(wid)
    old = request.form.get("old", "")
    new = " ".join(request.form.get("new", "").split())[:120]
    existing = {c.theme for c in ws.cards if c.theme}
    if old not in existing:
        flash("Dieses Thema gibt es nicht (mehr).", "error")
    elif not new:
        flash("Bitte einen neuen Namen angeben.", "error")
    elif new != old:
        with state.lock:
            if new in existing:
                state.corpus.merge_themes(wid, old, new)
            else:
                state.corpus.rename_theme(wid, old, new)
        teach_theme_move(ws, old, new, state, wid)
        flash(f"Thema „{old}“ heißt jetzt „{new}“.")
    return redirect(url_for("cards.review", wid=wid) + "#themen")


@bp.post("/w/<int:wid>/themen/zusammenfuehren")
def merge_themes(wid: int):
    state = current()
    ws = state.workshop(wid)
    source, target = request.form.get("source", ""), request.form.get("target", "")
    existing = {c.theme for c in ws.cards if c.theme}
    if source not in existing or target not in existing:
        flash("Bitte zwei vorhandene Themen auswählen.", "error")
    elif source == target:
        flash("Bitte zwei verschiedene Themen auswählen.", "error")
    else:
        with state.lock:
            state.corpus.merge_themes(wid, source, target)
        teach_theme_move(ws, source, target, state, wid)
        flash(f"„{source}“ ist jetzt Teil von „{target}“.")
    return redirect(url_for("cards.review", wid=wid) + "#themen")


@bp.post("/w/<int:wid>/themen/neu-bilden")
def rebuild_themes(wid: int):
    """A full new theming pass on request (after uploads only the new cards are themed)."""
    state = current()
    state.workshop(wid)
    job_id = state.jobs.submit_rebuild(wid)
    target = url_for("workshops.job_page", wid=wid, job_id=job_id)
    if wants_json():
        return jsonify(job=job_id, url=target, status_url=url_for("workshops.job_status", job_id=job_id))
    return redirect(target)


@bp.get("/w/<int:wid>/ausschnitt/<card_id>.jpg")
def crop(wid: int, card_id: str):
    state = current()
    ws = state.workshop(wid)
    try:
        card = ws.card(card_id)
    except KeyError:
        abort(404)
    scan = next(s for s in ws.scans if any(c.id == card_id for c in s.cards))
    folder = state.photo_dir(wid)
    target = crop_file(folder / ".crops", card.id)
    if not target.exists():
        try:
            ensure_crops(folder / Path(scan.image).name, scan.cards, folder / ".crops")
        except Exception:
            log.exception("Ausschnitt für %s nicht möglich", card_id)
            abort(404)
    return send_file(target, mimetype="image/jpeg", max_age=3600)


@bp.get("/w/<int:wid>/foto/<name>")
def photo(wid: int, name: str):
    state = current()
    ws = state.workshop(wid)
    if name not in {s.image for s in ws.scans} or not uploads.STORED_NAME.match(name):
        abort(404)
    return send_file(state.photo_dir(wid) / name, max_age=3600)
