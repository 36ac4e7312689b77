"""The plain data every stage passes on: a `Card`, the `Scan` of one photo, a `Workshop`.

Stages never hand each other dicts of dicts; they fill in these dataclasses. The scan JSON is
the stable exchange format, so it is written and read here, next to the fields it describes.
Markdown, CSV and pandas live in `cardscan.minutes`; the methods here only delegate, so that a
researcher in Jupyter finds everything on the object they hold. (`minutes` imports this module
for type hints only, so the two never import each other at run time.)

Scan JSON, schema 2 (``SCHEMA_VERSION``; files without ``schema`` are schema 1 and read fine)::

    {"schema": 2, "image": "board1.jpg", "width": 4000, "height": 3000, "mode": "cards",
     "cards": [{"id": "board1-01", "raw_text": …, "text": …, "colour": "gelb", "group": "Gruppe 4",
                "polygon": [[x, y] × 4], "confidence": 0.93, "theme": …, "edits": […], "kind": "card",
                "cluster": "Finanzierung", "votes": 3, "vote_colours": ["rot", "rot", "grün"]}],
     "headings": [{"id": "board1-h01", "kind": "heading", "source": "marker", "text": "Finanzierung",
                   "raw_text": …, "polygon": [[x, y] × 4], "confidence": 0.88, "colour": null}],
     "clusters": [{"name": "Finanzierung", "heading": "board1-h01"}, {"name": "Cluster 2", "heading": null}]}

Schema 2 added `cluster`, `votes`, `vote_colours` on cards and `headings`, `clusters` on the scan
(the board's own structure: what participants wrote above their cards, how they grouped them,
where they put their sticky dots). `clusters` lists the clusters in the order the wall reads;
which card belongs to which is only on the card (`cluster`), so moving or renaming has one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is heavy; import it only where a frame is built
    import pandas as pd

Point = tuple[int, int]
SCHEMA_VERSION = 2


@dataclass
class Edit:
    """One change the normalisation made, so a reviewer can see (and undo) it."""

    original: str
    replacement: str
    reason: str  # ocr-confusion, spelling, abbreviation, symbol, hyphenation, case, whitespace
    start: int = -1  # offset of `original` in the raw text, -1 when not tied to one place

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.original, "to": self.replacement, "reason": self.reason, "start": self.start}


@dataclass
class Card:
    """One moderation card (or one whiteboard line): where it is, what it says, whose it is."""

    id: str  # "<photo stem>-<two-digit reading-order number>", e.g. "board1-07"
    photo: str  # file name of the photo it was found on
    polygon: list[Point]  # 4 corners in original-image pixels (after EXIF rotation), clockwise from top-left
    colour: str | None = None  # a name from cardscan.colour.PALETTE, None when it fits none
    group: str | None = None  # from the colour legend, e.g. "Gruppe 4"
    raw_text: str = ""  # exactly what OCR read
    text: str = ""  # normalised text for the minutes
    confidence: float = 0.0  # mean OCR word confidence, 0..1
    theme: str | None = None
    edits: list[Edit] = field(default_factory=list)
    kind: str = "card"  # "card" or "whiteboard-line"
    cluster: str | None = None  # name of the board cluster it sits in (heading text, else "Cluster 2"), None: none found
    votes: int = 0  # sticky dots on it (Punktabfrage)
    vote_colours: list[str] = field(default_factory=list)  # one colour name per dot, as seen

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "raw_text": self.raw_text,
            "text": self.text,
            "colour": self.colour,
            "group": self.group,
            "polygon": [[int(x), int(y)] for x, y in self.polygon],
            "confidence": round(float(self.confidence), 3),
            "theme": self.theme,
            "edits": [e.to_dict() for e in self.edits],
            "kind": self.kind,
            "cluster": self.cluster,
            "votes": int(self.votes),
            "vote_colours": list(self.vote_colours),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], photo: str = "") -> "Card":
        return cls(
            id=d["id"],
            photo=d.get("photo", photo),
            polygon=[(int(x), int(y)) for x, y in d.get("polygon", [])],
            colour=d.get("colour"),
            group=d.get("group"),
            raw_text=d.get("raw_text", ""),
            text=d.get("text", d.get("raw_text", "")),
            confidence=float(d.get("confidence", 0.0)),
            theme=d.get("theme"),
            edits=[Edit(e["from"], e["to"], e["reason"], e.get("start", -1)) for e in d.get("edits", [])],
            kind=d.get("kind", "card"),
            cluster=d.get("cluster"),
            votes=int(d.get("votes") or 0),
            vote_colours=[str(c) for c in d.get("vote_colours") or []],
        )


@dataclass
class Heading:
    """Writing on the board that names a cluster rather than adding an idea: marker text on the
    board itself, or a heading card (a Metaplan "Wolke", a long strip, the legend's heading colour).

    Kept apart from `Card` so that themes, votes and the per-group lists never count a heading as
    a participant's contribution; its id keeps the photo's numbering so it can be traced.
    """

    id: str  # "<photo stem>-h01" for marker text; a heading card, or a row label read as a card, keeps its card id
    polygon: list[Point]  # 4 corners in original-image pixels, clockwise from top-left
    text: str = ""  # normalised text, the cluster's name
    raw_text: str = ""  # what OCR read
    source: str = "marker"  # "marker" (written on the board) or "card" (a heading card)
    confidence: float = 0.0
    colour: str | None = None  # a heading card's colour, None for marker text

    kind = "heading"  # board item kind in the JSON; cards are "card" (class constant, not a field)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "source": self.source, "text": self.text,
                "raw_text": self.raw_text, "polygon": [[int(x), int(y)] for x, y in self.polygon],
                "confidence": round(float(self.confidence), 3), "colour": self.colour}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Heading":
        return cls(id=str(d["id"]), polygon=[(int(x), int(y)) for x, y in d.get("polygon", [])],
                   text=d.get("text", d.get("raw_text", "")), raw_text=d.get("raw_text", d.get("text", "")),
                   source=d.get("source", "marker"), confidence=float(d.get("confidence", 0.0)),
                   colour=d.get("colour"))


@dataclass
class Cluster:
    """One cluster of cards on the board, as the participants made it (under a heading, a column,
    a drawn outline). Scans list them in the order the wall reads, which is the minutes' order."""

    name: str  # the heading's text, or "Cluster <n>" when nothing names it; cards name it in `Card.cluster`
    heading: str | None = None  # id of the Heading that names it

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "heading": self.heading}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Cluster":
        return cls(name=str(d["name"]), heading=d.get("heading"))


@dataclass
class Scan:
    """Everything read from one photo; serialises to the stable scan JSON (see module doc)."""

    image: str  # file name
    width: int
    height: int
    cards: list[Card] = field(default_factory=list)
    path: Path | None = None  # full path, when known (not part of the JSON)
    mode: str = "cards"  # "cards" or "whiteboard"
    headings: list[Heading] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)  # in the order the wall reads

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "image": self.image, "width": self.width, "height": self.height,
                "mode": self.mode, "cards": [c.to_dict() for c in self.cards],
                "headings": [h.to_dict() for h in self.headings],
                "clusters": [c.to_dict() for c in self.clusters]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Scan":
        """Reads every schema up to SCHEMA_VERSION; older files simply have no structure."""
        return cls(image=d["image"], width=int(d["width"]), height=int(d["height"]),
                   cards=[Card.from_dict(c, photo=d["image"]) for c in d.get("cards", [])],
                   mode=d.get("mode", "cards"),
                   headings=[Heading.from_dict(h) for h in d.get("headings") or []],
                   clusters=[Cluster.from_dict(c) for c in d.get("clusters") or []])


@dataclass
class Problem:
    """A photo that could not be read, and why; the rest of the batch still comes out."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Workshop:
    """One workshop: its question, its photos' scans, and what went wrong on the way."""

    title: str = "Workshop"
    question: str = ""
    legend: dict[str, str] = field(default_factory=dict)  # colour -> group
    scans: list[Scan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # city, date, venue … (free-form)

    @property
    def cards(self) -> list[Card]:
        return [card for scan in self.scans for card in scan.cards]

    def card(self, card_id: str) -> Card:
        for card in self.cards:
            if card.id == card_id:
                return card
        raise KeyError(card_id)

    def cards_frame(self) -> "pd.DataFrame":
        from cardscan import minutes
        return minutes.cards_frame(self)

    def to_markdown(self, expanded: bool = True, max_themes: int | str | None = None) -> str:
        """The minutes; ``max_themes``: how many themes get a section (None: by the number of cards)."""
        from cardscan import minutes
        return minutes.to_markdown(self, expanded=expanded, max_themes=max_themes)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "title": self.title, "question": self.question, "legend": self.legend,
                "metadata": self.metadata, "photos": [s.to_dict() for s in self.scans],
                "problems": [{"path": p.path, "message": p.message} for p in self.problems]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Workshop":
        return cls(title=d.get("title", "Workshop"), question=d.get("question", ""), legend=d.get("legend", {}),
                   metadata=d.get("metadata", {}), scans=[Scan.from_dict(s) for s in d.get("photos", [])],
                   problems=[Problem(p["path"], p["message"]) for p in d.get("problems", [])])

    def to_json(self) -> str:
        """The workshop JSON (cards.json): title, question, legend, metadata, photos (scan JSON), problems."""
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_csv(self, path: str | Path | None = None) -> str:
        from cardscan import minutes
        return minutes.to_csv(self, path)

    @classmethod
    def from_json(cls, text: str) -> "Workshop":
        import json

        return cls.from_dict(json.loads(text))
