"""The plain data every stage passes on: a `Card`, the `Scan` of one photo, a `Workshop`.

Stages never hand each other dicts of dicts; they fill in these dataclasses. Export to
Markdown, CSV, JSON and pandas lives in `cardscan.minutes`; the methods here only delegate,
so that a researcher in Jupyter finds everything on the object they hold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is heavy; import it only where a frame is built
    import pandas as pd

Point = tuple[int, int]


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
        )


@dataclass
class Scan:
    """Everything read from one photo; serialises to the stable scan JSON."""

    image: str  # file name
    width: int
    height: int
    cards: list[Card] = field(default_factory=list)
    path: Path | None = None  # full path, when known (not part of the JSON)
    mode: str = "cards"  # "cards" or "whiteboard"

    def to_dict(self) -> dict[str, Any]:
        return {"image": self.image, "width": self.width, "height": self.height, "mode": self.mode,
                "cards": [c.to_dict() for c in self.cards]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Scan":
        return cls(image=d["image"], width=int(d["width"]), height=int(d["height"]),
                   cards=[Card.from_dict(c, photo=d["image"]) for c in d.get("cards", [])],
                   mode=d.get("mode", "cards"))


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

    def to_markdown(self, expanded: bool = True) -> str:
        from cardscan import minutes
        return minutes.to_markdown(self, expanded=expanded)

    def to_json(self) -> str:
        from cardscan import minutes
        return minutes.to_json(self)

    def to_csv(self, path: str | Path | None = None) -> str:
        from cardscan import minutes
        return minutes.to_csv(self, path)

    @classmethod
    def from_json(cls, text: str) -> "Workshop":
        from cardscan import minutes
        return minutes.from_json(text)
