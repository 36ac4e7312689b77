"""The minutes as files: Markdown, CSV (for Excel) and JSON, with people's corrections and unread photos."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort

from cardscan.web.state import current

bp = Blueprint("downloads", __name__)

DOWNLOADS = {"protokoll.md": "markdown", "karten.csv": "csv", "karten.json": "json"}


def slug(text: str) -> str:
    """A file-name-safe stem from a workshop title (umlauts spelled out)."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    return re.sub(r"[^A-Za-z0-9]+", "-", text.translate(table)).strip("-").lower()[:60]


def minutes_workshop(wid: int):
    """The workshop as the minutes should show it: corrected cards checked, unread photos listed."""
    from cardscan.workshop import Problem

    state = current()
    ws = state.workshop(wid)
    corrected = state.corrected_cards(wid)
    for card in ws.cards:  # a person read and fixed it: it no longer needs checking
        if card.id in corrected:
            card.confidence = max(card.confidence, 1.0)
    known = {Path(p.path).name for p in ws.problems}
    for original, message in state.jobs.problems_for(wid):
        if original not in known:
            ws.problems.append(Problem(original, message))
    return ws


@bp.get("/w/<int:wid>/download/<name>")
def download(wid: int, name: str):
    if name not in DOWNLOADS:
        abort(404)
    ws = minutes_workshop(wid)
    kind = DOWNLOADS[name]
    stem = slug(ws.title) or f"workshop-{wid}"
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
