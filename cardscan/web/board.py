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
LABEL_CHARS = 28  # cluster names on the photo longer than this are cut (the column shows them whole)
N_COLOURS = 12  # outline colours cycle through style.css' .g0 … .g11
NO_GROUP = "(ohne)"  # the column of cards without a cluster (theme); shown as NO_GROUP_LABEL
NO_GROUP_LABEL = {"cluster": "(ohne Cluster)", "thema": "(ohne Thema)"}


@dataclass
class Outline:
    """One thing drawn on the photo: an SVG points string, its colour class, a label and where it goes."""

    points: str
    colour: int
    label: str
    card_id: str | None = None
    x: float = 0.0
    y: float = 0.0
    shown: bool = True  # a cluster box's name is written on the photo (not when its heading already says it)
    anchor: str = "start"  # SVG text-anchor of that name: "end" near the photo's right edge
    cluster: str | None = None  # the cluster a heading names: clicking it opens that cluster's rename form
    votes: int = 0  # a card's dots as counted, shown at its top right corner so a wrong count is seen

    @property
    def short(self) -> str:
        """The label as written on the photo: long names (a whole sentence read as heading) cut."""
        return self.label if len(self.label) <= LABEL_CHARS else self.label[:LABEL_CHARS - 1].rstrip() + "…"


@dataclass
class PhotoView:
    image: str
    width: int
    height: int
    cards: list[Outline] = field(default_factory=list)
    headings: list[Outline] = field(default_factory=list)
    clusters: list[Outline] = field(default_factory=list)
    font: int = 30  # cluster labels' size in photo pixels, so they read the same on any photo size


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


Box = tuple[float, float, float, float]


def _box(polygons, margin: float = 0.0) -> Box:
    xs = [float(x) for poly in polygons for x, _ in poly]
    ys = [float(y) for poly in polygons for _, y in poly]
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def _gap(a: Box, b: Box) -> float:
    return max(a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3], 0.0)


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _covers(box: Box, other: Box) -> bool:
    """Whether `box` covers more than a tenth of `other` (a card of another cluster)."""
    w = min(box[2], other[2]) - max(box[0], other[0])
    h = min(box[3], other[3]) - max(box[1], other[1])
    return w > 0 and h > 0 and w * h > 0.1 * (other[2] - other[0]) * (other[3] - other[1])


def pieces(boxes: list[Box], others: list[Box]) -> list[Box]:
    """One cluster's boxes joined, nearest first, into as few rectangles as cover no card of `others`.

    Why: one rectangle around all of a cluster's cards is right for the wall as the participants left
    it, but a card moved into a cluster on the other side of the wall would stretch that rectangle
    over the cards between them; this way the moved card gets its own small box instead.
    """
    groups = list(boxes)
    while len(groups) > 1:
        pairs = [(_gap(a, b), i, j) for i, a in enumerate(groups) for j, b in enumerate(groups[i + 1:], start=i + 1)
                 if not any(_covers(_union(a, b), o) for o in others)]
        if not pairs:
            break
        _, i, j = min(pairs)
        groups[i] = _union(groups[i], groups.pop(j))
    return groups


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
    groups.setdefault(NO_GROUP, Column(name=NO_GROUP, colour=0))  # always there: drag a card out of every group
    ordered = list(groups.values())
    if attribute == "theme":
        ordered.sort(key=lambda col: (col.name == NO_GROUP, -len(col.cards), col.name.lower()))
    else:  # clusters in the order the wall reads, as the minutes list them
        from cardscan.minutes import board_clusters

        wall = list(dict.fromkeys(c.name for c in board_clusters(ws)))
        ordered.sort(key=lambda col: (col.name == NO_GROUP, wall.index(col.name) if col.name in wall else len(wall)))
    for i, col in enumerate(ordered):
        col.colour = i % N_COLOURS
    return ordered


def _heading_view(heading, colour: int | None, cluster: str | None) -> Outline:
    x0, y0, _, _ = _box([heading.polygon])
    text = heading.text or heading.raw_text
    label = f"Überschrift: {text}" + (f" → Cluster „{cluster}“" if cluster and cluster != text else "")
    return Outline(points(heading.polygon), -1 if colour is None else colour, label, None, x0, y0, cluster=cluster)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _cluster_views(scan, members: dict[str, list[Box]], colour_of: dict[str, int], view: PhotoView) -> None:
    """Dashed boxes around each cluster's cards and its heading. A cluster's name is written once, under
    its biggest box that does not hold the heading saying it (a renamed cluster, one without a heading,
    a card moved away from it), unless it would cover another name."""
    margin = 0.01 * max(view.width, view.height)
    headed = {c.heading: c.name for c in getattr(scan, "clusters", None) or [] if c.heading and c.name in members}
    named_by: dict[str, list[Box]] = {}
    for heading in getattr(scan, "headings", None) or []:
        if heading.polygon:
            name = headed.get(heading.id)
            view.headings.append(_heading_view(heading, colour_of.get(name) if name else None, name))
            if name:
                members[name].append(_box([heading.polygon]))
                if _same_name(heading.text or heading.raw_text, name):
                    named_by.setdefault(name, []).append(members[name][-1])
    wanting: list[tuple[float, Outline]] = []
    for name, boxes in members.items():
        if name == NO_GROUP:
            continue
        others = [b for other, theirs in members.items() if other != name for b in theirs]
        for x0, y0, x1, y1 in pieces(boxes, others):
            x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin
            corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
            label_y = min(y1 + view.font, view.height - 0.25 * view.font)  # below the box, inside the photo
            right = x0 > 0.6 * view.width  # on the right half the name ends at the box's right edge
            box = Outline(points(corners), colour_of.get(name, 0), name, None, x1 if right else x0, label_y,
                          shown=False, anchor="end" if right else "start")
            view.clusters.append(box)
            if not any(_covers((x0, y0, x1, y1), h) for h in named_by.get(name, [])):
                wanting.append(((x1 - x0) * (y1 - y0), box))
    biggest = {box.label: box for _, box in sorted(wanting, key=lambda w: w[0])}  # one name per cluster is enough
    _place_labels(view.font, [box for _, box in sorted(wanting, key=lambda w: -w[0]) if biggest[box.label] is box])


def _place_labels(font: int, boxes: list[Outline]) -> None:
    """Write the names under the boxes, biggest box first, leaving out any that would overlap one
    already written: on a crowded wall a pile of names helps nobody; the box's colour still says it."""
    placed: list[Box] = []
    for box in boxes:
        width = 0.6 * font * len(box.short)
        x0 = box.x - width if box.anchor == "end" else box.x
        rect = (x0, box.y - font, x0 + width, box.y + 0.2 * font)
        if any(min(rect[2], p[2]) > max(rect[0], p[0]) and min(rect[3], p[3]) > max(rect[1], p[1]) for p in placed):
            continue
        placed.append(rect)
        box.shown = True


def photo_views(ws, attribute: str, colour_of: dict[str, int]) -> list[PhotoView]:
    views = []
    for scan in ws.scans:
        view = PhotoView(image=scan.image, width=int(scan.width or 1), height=int(scan.height or 1))
        view.font = round(0.02 * max(view.width, view.height))
        members: dict[str, list[Box]] = {}
        for card in scan.cards:
            if not card.polygon or is_heading(card):
                continue
            name = getattr(card, attribute, None) or NO_GROUP
            votes = int(getattr(card, "votes", 0) or 0)
            label = card.text + (f" ({votes} {'Punkt' if votes == 1 else 'Punkte'})" if votes else "")
            _, y0, x1, _ = _box([card.polygon])
            view.cards.append(Outline(points(card.polygon), colour_of.get(name, 0), label, card.id, x1, y0,
                                      votes=votes))
            if attribute == "cluster":  # cards without a cluster too: no cluster's box may cover them
                members.setdefault(name, []).append(_box([card.polygon]))
        if attribute == "cluster":
            _cluster_views(scan, members, colour_of, view)
        else:
            view.headings = [_heading_view(h, None, None) for h in getattr(scan, "headings", None) or [] if h.polygon]
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
                           originals=originals, no_group=NO_GROUP,
                           no_group_label=NO_GROUP_LABEL[by])


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
    return redirect(url_for("board.board", wid=wid, nach="cluster"))


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
    return redirect(url_for("board.board", wid=wid, nach="cluster"))

