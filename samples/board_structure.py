"""The board's own structure for generated photos: clusters under headings, columns, dot votes.

At the end of a workshop the wall holds the participants' own analysis (issue 17): cards stand in
clusters or kanban-like columns under a heading written with marker on the board or on a heading
card (a long strip or a large oval, often in a colour of its own), and a dot vote (Punktabfrage) has
left small round stickers on the cards that matter most. `samples.generate.render_board` calls this
module when it is given ``structure=`` (a name of STRUCTURES or a `StructureSpec`):

* `plan_board` decides where every card goes, which cluster it belongs to, which cards are
  heading cards and how many dots each card gets (its own random stream, so boards without
  structure stay exactly as they were);
* `BoardPlan.draw` writes the marker headings and sticks the dots on the flat board;
* `BoardPlan.truth` moves heading cards from ``cards`` to ``headings``, adds the marker headings
  (their polygons in the photo), each card's ``cluster`` and ``votes`` (with ``vote_colours``).

Truth fields added: ``headings`` [{id, text, polygon, kind: "marker" | "card"}], ``clusters`` (names
in the order the wall reads), ``legend`` (e.g. "weiß=Überschrift" when heading cards have a colour of
their own), per card ``cluster``, ``votes``, ``vote_colours``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# What workshop participants write above their clusters (German Quartiersmanagement boards).
HEADING_TEXTS = (
    "Finanzierung", "Beteiligung", "Kommunikation", "Verstetigung", "Nächste Schritte", "Offene Fragen",
    "Rolle des QR", "Räume & Orte", "Netzwerk", "Zeitplan", "Ehrenamt", "Jugend", "Bildung", "Wohnen",
    "Sicherheit", "Verwaltung", "Kultur", "Gutachten", "Ideen", "Was fehlt?", "Nachbarschaft", "Umwelt",
)
# Sticky dots as sold for Punktabfragen (sRGB); names as in cardscan.structure.DOT_COLOURS.
DOT_RGB = {"rot": (214, 38, 46), "grün": (36, 160, 72), "blau": (32, 92, 196), "gelb": (248, 206, 20),
           "orange": (242, 128, 24)}
MARKER_INK = [(30, 30, 36), (28, 48, 130), (160, 30, 36), (24, 90, 50)]  # black, blue, red, green marker
STRUCTURES = ("columns", "clusters", "mixed", "outlines")


@dataclass(frozen=True)
class StructureSpec:
    """What kind of structure to put on a board.

    layout: "columns" (kanban-like, one heading above each column) or "clusters" (groups of cards
    spread over the wall, each with its heading above, gaps between them). headings: "marker",
    "card", "mixed" (per cluster) or "auto" (marker on a whiteboard, heading cards on pinboards);
    "none" leaves clusters unnamed. votes: share of cards that get dots. outlines: a marker line is
    drawn around each cluster (the "outlines" structure: clusters with no headings, only their loops).
    """

    layout: str = "columns"
    headings: str = "auto"
    votes: float = 0.4
    max_votes: int = 5
    outlines: bool = False

    @classmethod
    def named(cls, name: "str | StructureSpec") -> "StructureSpec":
        if isinstance(name, StructureSpec):
            return name
        if name == "columns":
            return cls("columns")
        if name == "clusters":
            return cls("clusters")
        if name == "mixed":
            return cls("clusters", headings="mixed")
        if name == "outlines":
            return cls("clusters", headings="none", outlines=True)
        raise ValueError(f"structure must be one of {STRUCTURES}, not {name!r}")


@dataclass
class Slot:
    """One card's place on the flat board (pixels), and what it is."""

    cx: float
    cy: float
    w: int
    h: int
    shape: str
    colour: str
    text: str
    cluster: int
    heading: bool = False
    votes: list[str] = field(default_factory=list)  # dot colours


@dataclass
class MarkerHeading:
    """A heading written with marker on the board itself."""

    text: str
    cx: float
    top: float
    size: int  # font size, px on the flat board (smaller when the text would not fit max_width)
    cluster: int
    max_width: float = 1e9
    box: list[tuple[float, float]] = field(default_factory=list)  # corners on the flat board once drawn


@dataclass
class BoardPlan:
    """Everything `render_board` needs to draw a structured board, and to write its truth."""

    slots: list[Slot]
    markers: list[MarkerHeading]
    cluster_names: list[str]  # in the order the wall reads
    heading_colour: str | None
    seed: list[int]
    dots: dict[int, list[tuple[float, float, float]]] = field(default_factory=dict)  # slot -> (x, y, r) plane
    loops: list[tuple[float, float, float, float]] = field(default_factory=list)  # per cluster, plane box

    @property
    def n(self) -> int:
        return len(self.slots)

    def slot(self, i: int) -> tuple[float, float, int, int, str, str, str]:
        s = self.slots[i]
        return s.cx, s.cy, s.w, s.h, s.shape, s.colour, s.text

    def draw(self, plane, cards: list[dict], fonts: list) -> None:
        """Marker headings and sticky dots onto the flat board (a PIL RGB(A) image), in place.

        cards: render_board's card records (their "plane" corners and "angle"); fonts: the
        generator's Font records to write marker headings with.
        """
        from PIL import ImageDraw, ImageFont

        rng = np.random.default_rng(self.seed + [1])
        draw = ImageDraw.Draw(plane, "RGBA")  # blend the dots' soft shadow
        hand = [f for f in fonts if f.style in ("marker", "hand", "caps")] or list(fonts)
        for marker in self.markers:
            font = hand[int(rng.integers(len(hand)))]
            text = marker.text.upper() if font.style == "caps" else marker.text
            size = marker.size
            f = ImageFont.truetype(font.path, size)
            while size > 12 and f.getlength(text) > marker.max_width:
                size = int(size * 0.9)
                f = ImageFont.truetype(font.path, size)
            ink = MARKER_INK[int(rng.integers(len(MARKER_INK)))]
            x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=f)
            left = marker.cx - (x1 - x0) / 2 - x0
            stroke = max(1, int(round(size * 0.03)))
            draw.text((left, marker.top - y0), text, font=f, fill=ink + (255,), stroke_width=stroke,
                      stroke_fill=ink + (255,))
            bx0, by0, bx1, by1 = draw.textbbox((left, marker.top - y0), text, font=f, stroke_width=stroke)
            marker.text = text
            marker.box = [(bx0, by0), (bx1, by0), (bx1, by1), (bx0, by1)]
        for i, (slot, card) in enumerate(zip(self.slots, cards)):
            if not slot.votes:
                continue
            self.dots[i] = _stick_dots(draw, rng, slot, card)
        for box in self.loops:  # (after the dots: boards without loops keep their random stream)
            ink = MARKER_INK[int(rng.integers(len(MARKER_INK)))]
            width = max(3, int(round(0.012 * min(box[2] - box[0], box[3] - box[1]))))
            draw.rounded_rectangle(box, radius=0.18 * min(box[2] - box[0], box[3] - box[1]), outline=ink + (255,),
                                   width=width)

    def truth(self, truth: dict, homography) -> dict:
        """The generator's truth with the structure added (see module doc); polygons in the photo."""
        import cv2

        def project(points):
            pts = cv2.perspectiveTransform(np.asarray(points, np.float32)[None], homography)[0]
            return [[round(float(x), 1), round(float(y), 1)] for x, y in pts]

        names = list(self.cluster_names)  # as written: a heading in block capitals names its cluster so
        headings = []
        for slot, card in zip(self.slots, truth["cards"]):
            if slot.heading:
                names[slot.cluster] = " ".join(card["text"].split())
                headings.append({"id": "", "text": names[slot.cluster], "polygon": card["polygon"], "kind": "card",
                                 "colour": card["colour"], "cluster": slot.cluster})
        for marker in self.markers:
            names[marker.cluster] = marker.text
            headings.append({"id": "", "text": marker.text, "polygon": project(marker.box), "kind": "marker",
                             "cluster": marker.cluster})
        headings.sort(key=lambda h: h["cluster"])
        for k, heading in enumerate(headings, start=1):
            heading.update(id=f"h{k}", cluster=names[heading["cluster"]])
        cards = [dict(card, cluster=names[slot.cluster], votes=len(slot.votes), vote_colours=list(slot.votes))
                 for slot, card in zip(self.slots, truth["cards"]) if not slot.heading]
        out = dict(truth, cards=cards, headings=headings, clusters=names,
                   votes={"total": sum(c["votes"] for c in cards)})
        if self.loops:
            out["outlines"] = [{"cluster": names[j], "polygon": project([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])}
                               for j, (x0, y0, x1, y1) in enumerate(self.loops)]
        if self.heading_colour:
            out["legend"] = f"{self.heading_colour}=Überschrift"
        return out


def plan_board(structure: "str | StructureSpec", seed: list[int], n: int, region: tuple[float, float, float, float],
               colours: list[str], texts: list[str], board: str, paper_names: list[str]) -> BoardPlan:
    """Lay out `n` cards in clusters with headings on the region (x0, y0, x1, y1) of the flat board.

    colours: the working groups' card colours (each cluster mixes them, as after a re-sort);
    texts: card texts to use, in order; paper_names: every paper colour (for a heading colour).
    """
    spec = StructureSpec.named(structure)
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = region
    rw, rh = x1 - x0, y1 - y0
    k = int(np.clip(round(n / rng.uniform(3.0, 5.0)), 2, 6))
    names = [str(t) for t in rng.choice(HEADING_TEXTS, size=k, replace=False)]
    kinds = _heading_kinds(spec, rng, k, board)
    sizes = _split_sizes(rng, max(k, n - kinds.count("card")), k)  # heading cards count among the n
    heading_colour = None
    if "card" in kinds:
        free = [c for c in paper_names if c not in colours]
        heading_colour = "weiß" if "weiß" in free else (free[0] if free else None)
    if spec.layout == "columns":
        areas = [(x0 + rw * j / k, y0, x0 + rw * (j + 1) / k, y1) for j in range(k)]
    else:
        grid_cols = math.ceil(math.sqrt(k * rw / rh / 1.4))
        grid_cols = int(np.clip(grid_cols, 1, k))
        grid_rows = math.ceil(k / grid_cols)
        aw, ah = rw / grid_cols, rh / grid_rows
        areas = []
        for j in range(k):
            r, c = divmod(j, grid_cols)
            areas.append((x0 + c * aw, y0 + r * ah, x0 + (c + 1) * aw, y0 + (r + 1) * ah))
    # card size: the same on the whole board, fitted to the fullest area
    card_w = min(_card_width(a, s, spec.layout) for a, s in zip(areas, sizes))
    card_h = card_w / 2.0
    slots: list[Slot] = []
    markers: list[MarkerHeading] = []
    text_i = 0
    for j, (area, size) in enumerate(zip(areas, sizes)):
        ax0, ay0, ax1, ay1 = area
        aw, ah = ax1 - ax0, ay1 - ay0
        pad = 0.06 * aw
        head_h = 0.75 * card_h
        cx_area = (ax0 + ax1) / 2
        if kinds[j] == "marker":
            markers.append(MarkerHeading(names[j], cx_area + rng.uniform(-0.05, 0.05) * aw,
                                         ay0 + 0.02 * ah, int(head_h * 0.62), j, max_width=0.8 * aw))
        elif kinds[j] == "card":
            hw = min(aw - 2 * pad, card_w * rng.uniform(1.5, 1.8))
            slots.append(Slot(cx_area, ay0 + head_h / 2 + 0.02 * ah, int(hw), int(hw / rng.uniform(3.6, 4.4)),
                              "rect", heading_colour or colours[0], names[j], j, heading=True))
        cols = max(1, min(size, int((aw - 2 * pad) // (card_w * 1.12))))
        if spec.layout == "columns":
            cols = 1 if size <= 5 or cols < 2 else 2
        top = ay0 + head_h + 0.06 * ah
        cell_w = (aw - 2 * pad) / cols
        rows = math.ceil(size / cols)
        cell_h = min(card_h * 1.35, (ay1 - top - 0.04 * ah) / max(rows, 1))
        for m in range(size):
            r, c = divmod(m, cols)
            cx = ax0 + pad + (c + 0.5) * cell_w
            cy = top + (r + 0.5) * cell_h
            w = int(min(card_w, cell_h * 1.9))
            colour = colours[int(rng.integers(len(colours)))]
            text = texts[text_i % len(texts)]
            text_i += 1
            slots.append(Slot(cx, cy, w, int(w / 2.0), "rect", colour, text, j))
    for slot in slots:
        if not slot.heading and rng.random() < spec.votes:
            count = int(min(spec.max_votes, rng.geometric(0.45)))
            allowed = [c for c in DOT_RGB if _visible(c, slot.colour)]
            slot.votes = [str(rng.choice(allowed)) for _ in range(count)]
    plan = BoardPlan(slots, markers, names, heading_colour, list(seed))
    if spec.outlines:
        plan.loops = [_loop_box([s for s in slots if s.cluster == j], area, card_h) for j, area in enumerate(areas)]
    return plan


def _loop_box(members: list[Slot], area, card_h: float) -> tuple[float, float, float, float]:
    """The box of a marker loop around a cluster's cards: a margin around them, inside its area."""
    ax0, ay0, ax1, ay1 = area
    inset = 0.015 * min(ax1 - ax0, ay1 - ay0)
    margin = 0.3 * card_h
    return (max(ax0 + inset, min(s.cx - s.w / 2 for s in members) - margin),
            max(ay0 + inset, min(s.cy - s.h / 2 for s in members) - margin),
            min(ax1 - inset, max(s.cx + s.w / 2 for s in members) + margin),
            min(ay1 - inset, max(s.cy + s.h / 2 for s in members) + margin))


def _split_sizes(rng, n: int, k: int) -> list[int]:
    """n cards into k clusters of uneven size (a one-card cluster now and then, as on real walls)."""
    weights = rng.uniform(0.5, 1.6, size=k)
    sizes = np.maximum(1, np.floor(weights / weights.sum() * n)).astype(int)
    while sizes.sum() < n:
        sizes[int(rng.integers(k))] += 1
    while sizes.sum() > n:
        sizes[int(np.argmax(sizes))] -= 1
    return [int(s) for s in sizes]


def _heading_kinds(spec: StructureSpec, rng, k: int, board: str) -> list[str]:
    if spec.headings == "auto":
        return ["marker" if board == "white" else "card"] * k
    if spec.headings == "mixed":
        return [str(rng.choice(["marker", "card"])) for _ in range(k)]
    return [spec.headings] * k


def _card_width(area, size: int, layout: str) -> float:
    """The largest card width (aspect 2) that fits `size` cards into the area below its heading."""
    ax0, ay0, ax1, ay1 = area
    aw, ah = (ax1 - ax0) * 0.88, (ay1 - ay0) * 0.80
    best = 0.0
    for cols in (1, 2) if layout == "columns" else range(1, size + 1):
        rows = math.ceil(size / cols)
        best = max(best, min(aw / cols / 1.12, ah / (rows + 0.8) / 1.35 * 2.0))
    return best


def _visible(dot: str, paper: str) -> bool:
    """Nobody sticks a yellow dot on a yellow card where it cannot be seen (and we could not count it)."""
    clashes = {"gelb": {"gelb", "orange"}, "orange": {"orange", "gelb", "rot"}, "rot": {"rot", "rosa", "orange"},
               "grün": {"hellgrün", "dunkelgrün"}, "blau": {"dunkelblau", "hellblau", "lila"}}
    return paper not in clashes.get(dot, set())


def _stick_dots(draw, rng, slot: Slot, card: dict) -> list[tuple[float, float, float]]:
    """Dots in a row along the card's lower edge, inside the card, away from the pin at the top."""
    (px0, py0), (px1, py1), _, (px3, py3) = card["plane"]
    ux, uy = (px1 - px0) / slot.w, (py1 - py0) / slot.w  # along the card's width
    vx, vy = (px3 - px0) / slot.h, (py3 - py0) / slot.h  # down the card
    r = 0.045 * slot.w
    n = len(slot.votes)
    span = slot.w - 2.6 * r
    step = min(2.5 * r, span / max(n - 1, 1)) if n > 1 else 0
    start = slot.w / 2 - step * (n - 1) / 2 + rng.uniform(-0.15, 0.15) * (span - step * (n - 1))
    down = slot.h - 1.3 * r - rng.uniform(0, 0.05) * slot.h
    out = []
    for k, colour in enumerate(slot.votes):
        along = start + k * step + rng.uniform(-0.1, 0.1) * r
        x = px0 + ux * along + vx * down
        y = py0 + uy * along + vy * down
        rgb = tuple(int(np.clip(c + rng.integers(-8, 9), 0, 255)) for c in DOT_RGB[colour])
        rim = tuple(int(c * 0.8) for c in rgb)
        draw.ellipse([x - r + 1, y - r + 2, x + r + 1, y + r + 2], fill=(0, 0, 0, 60))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rim + (255,))
        draw.ellipse([x - r * 0.9, y - r * 0.9, x + r * 0.9, y + r * 0.9], fill=rgb + (255,))
        out.append((float(x), float(y), float(r)))
    return out
