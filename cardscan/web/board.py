"""The board view: each photo with every card's outline, the clusters and headings drawn over it.

Why a board view beside the review list: the wall itself holds the participants' analysis (which
card stands under which heading, issue 17), and a facilitator corrects a cluster by looking at the
wall, not at a list. The photo gets an SVG overlay (outlines, cluster boxes, headings); clicking a
card opens its editor; cards move between clusters or themes by drag and drop or, with the
keyboard (or without JavaScript), by the "Verschieben nach" select in each card's form. Clusters
can be renamed and merged. Every change is saved at once through the same card endpoint as the
review page, so corrections are recorded and learnt the same way.

Clusters, votes and headings come from the board-structure stage when it has run (``Card.cluster``,
``Card.votes``, ``Scan.headings``, ``Card.kind == "heading"``); without them the page groups by theme.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, render_template, request, url_for

from cardscan.web.state import current

bp = Blueprint("board", __name__)

# What the columns below the photos sort by: the card field, and its German name on the page.
DIMENSIONS = {"cluster": ("cluster", "Cluster"), "thema": ("theme", "Thema")}
ANOTHER = {"cluster": "einen anderen Cluster", "thema": "ein anderes Thema"}
N_COLOURS = 12  # outline colours cycle through style.css' .g0 … .g11
NO_GROUP = "(ohne)"


@dataclass
class Outline:
    """One thing drawn on the photo: an SVG points string, its colour class, a label and where it goes."""

    points: str
    colour: int
    label: str
    card_id: str | None = None
    x: float = 0.0
    y: float = 0.0


@dataclass
class PhotoView:
    image: str
    width: int
    height: int
    cards: list[Outline] = field(default_factory=list)
    headings: list[Outline] = field(default_factory=list)
    clusters: list[Outline] = field(default_factory=list)


@dataclass
class Column:
    name: str
    colour: int
    cards: list = field(default_factory=list)


def is_heading(card) -> bool:
    return getattr(card, "kind", "card") == "heading"


def has_clusters(ws) -> bool:
    return any(getattr(c, "cluster", None) for c in ws.cards)


def points(polygon) -> str:
    return " ".join(f"{float(x):.0f},{float(y):.0f}" for x, y in polygon)


def _box(polygons, margin: float) -> tuple[float, float, float, float]:
    xs = [float(x) for poly in polygons for x, _ in poly]
    ys = [float(y) for poly in polygons for _, y in poly]
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def columns(ws, attribute: str) -> list[Column]:
    """The cards grouped by `attribute` (cluster or theme): clusters in the board's order, themes biggest first."""
    groups: dict[str, Column] = {}
    for card in ws.cards:
        if is_heading(card):
            continue
        name = getattr(card, attribute, None) or NO_GROUP
        if name not in groups:
            groups[name] = Column(name=name, colour=0)
        groups[name].cards.append(card)
    ordered = list(groups.values())
    if attribute == "theme":
        ordered.sort(key=lambda col: (col.name == NO_GROUP, -len(col.cards), col.name.lower()))
    else:  # clusters come in the order the wall reads (the structure stage lists cards that way)
        ordered.sort(key=lambda col: col.name == NO_GROUP)
    for i, col in enumerate(ordered):
        col.colour = i % N_COLOURS
    return ordered


def photo_views(ws, attribute: str, colour_of: dict[str, int]) -> list[PhotoView]:
    views = []
    for scan in ws.scans:
        view = PhotoView(image=scan.image, width=int(scan.width or 1), height=int(scan.height or 1))
        margin = 0.01 * max(view.width, view.height)
        members: dict[str, list] = {}
        for card in scan.cards:
            if not card.polygon:
                continue
            if is_heading(card):
                x0, y0, _, _ = _box([card.polygon], 0)
                view.headings.append(Outline(points(card.polygon), 0, card.text, card.id, x0, y0))
                continue
            name = getattr(card, attribute, None) or NO_GROUP
            votes = int(getattr(card, "votes", 0) or 0)
            label = card.text + (f" ({votes} Punkte)" if votes else "")
            view.cards.append(Outline(points(card.polygon), colour_of.get(name, 0), label, card.id))
            if attribute == "cluster" and name != NO_GROUP:
                members.setdefault(name, []).append(card.polygon)
        for heading in getattr(scan, "headings", None) or []:
            polygon = getattr(heading, "polygon", None)
            if polygon:
                x0, y0, _, _ = _box([polygon], 0)
                text = getattr(heading, "text", None) or getattr(heading, "raw_text", "")
                view.headings.append(Outline(points(polygon), 0, text, None, x0, y0))
        for name, polygons in members.items():
            x0, y0, x1, y1 = _box(polygons, margin)
            view.clusters.append(Outline(points([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), colour_of.get(name, 0),
                                         name, None, x0, y0))
        views.append(view)
    return views


@bp.get("/w/<int:wid>/tafel")
def board(wid: int):
    state = current()
    ws = state.workshop(wid)
    clustered = has_clusters(ws)
    by = request.args.get("nach") or ("cluster" if clustered else "thema")
    if by not in DIMENSIONS or (by == "cluster" and not clustered):
        by = "thema"
    attribute, label = DIMENSIONS[by]
    cols = columns(ws, attribute)
    colour_of = {col.name: col.colour for col in cols}
    jobs = state.jobs.jobs_for(wid)
    originals = {p["stored"]: p["original"] for job in jobs for p in job["photos"] if p["stored"]}
    names = [col.name for col in cols if col.name != NO_GROUP]
    return render_template("board.html", wid=wid, ws=ws, by=by, attribute=attribute, label=label, another=ANOTHER[by],
                           clustered=clustered, columns=cols, names=names, photos=photo_views(ws, attribute, colour_of),
                           originals=originals, no_group=NO_GROUP)


def _move_cluster(wid: int, old: str, new: str) -> int:
    """Every card of cluster `old` goes to `new` (a rename, or a merge when `new` exists); recorded per card."""
    state = current()
    ws = state.workshop(wid)
    moved = 0
    with state.lock:
        for card in ws.cards:
            if getattr(card, "cluster", None) == old:
                state.corpus.update_card(wid, card.id, cluster=new)
                moved += 1
    return moved


def _cluster_names(wid: int) -> set[str]:
    return {c.cluster for c in current().workshop(wid).cards if getattr(c, "cluster", None)}


@bp.post("/w/<int:wid>/cluster/umbenennen")
def rename_cluster(wid: int):
    old = request.form.get("old", "")
    new = " ".join(request.form.get("new", "").split())[:120]
    existing = _cluster_names(wid)
    if old not in existing:
        flash("Diesen Cluster gibt es nicht (mehr).", "error")
    elif not new:
        flash("Bitte einen neuen Namen angeben.", "error")
    elif new != old:
        _move_cluster(wid, old, new)
        flash(f"Cluster „{old}“ heißt jetzt „{new}“.")
    return redirect(url_for("board.board", wid=wid, nach="cluster") + "#cluster")


@bp.post("/w/<int:wid>/cluster/zusammenfuehren")
def merge_clusters(wid: int):
    source, target = request.form.get("source", ""), request.form.get("target", "")
    existing = _cluster_names(wid)
    if source not in existing or target not in existing:
        flash("Bitte zwei vorhandene Cluster auswählen.", "error")
    elif source == target:
        flash("Bitte zwei verschiedene Cluster auswählen.", "error")
    else:
        _move_cluster(wid, source, target)
        flash(f"„{source}“ ist jetzt Teil von „{target}“.")
    return redirect(url_for("board.board", wid=wid, nach="cluster") + "#cluster")

