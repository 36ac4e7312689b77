"""The corpus's tables and the rules every stored workshop obeys (unique photos and card ids).

Kept apart from the store so the bundle format and the store share one definition of a column.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from cardscan.exceptions import BadCorrection, DuplicateCardId, DuplicatePhoto
from cardscan.workshop import Card, Scan

SCHEMA_VERSION = 2  # 2: board structure (cards: cluster, votes, vote_colours; scans: headings, clusters)
# Metadata every workshop frame shows as columns, even when no workshop has them yet, so that
# `theme_shares(by="city")` and friends work on a young corpus too. Other keys follow as they come.
STANDARD_METADATA = ("city", "date", "venue", "topic")
CARD_FIELDS = ("text", "group", "theme", "colour", "cluster", "votes")  # what a person may correct with update_card
MAX_VOTES = 99  # dots one card can carry as a person counts them; more is a typing slip
CORRECTION_ACTIONS = ("edit", "confirm", "rename", "merge")
CARD_COLUMNS = ["id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon", "kind",
                "cluster", "votes", "vote_colours"]
CORRECTION_COLUMNS = ["id", "workshop_id", "card_id", "field", "action", "old", "new", "raw_text", "text", "time"]


@lru_cache(maxsize=1)
def define_tables():
    """The tables, built on first use (SQLAlchemy is imported here, not when cardscan is).

    workshops 1─n scans 1─n cards 1─n edits; problems, metadata (key/value, free-form) and
    corrections hang off the workshop. Corrections keep the card id as text, not a foreign key:
    they are the record of what people did and outlive a re-read card.
    """
    import sqlalchemy as sa

    md = sa.MetaData()
    fk = {"ondelete": "CASCADE"}
    tables = {
        "meta": sa.Table("meta", md, sa.Column("key", sa.String, primary_key=True),
                         sa.Column("value", sa.String, nullable=False)),
        "workshops": sa.Table("workshops", md,
                              sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                              sa.Column("title", sa.String, nullable=False),
                              sa.Column("question", sa.Text, nullable=False, default=""),
                              sa.Column("legend", sa.JSON, nullable=False),  # colour -> group, in order
                              sa.Column("created", sa.DateTime, nullable=False),  # UTC
                              sqlite_autoincrement=True),  # ids never reused: a stale photo folder stays unclaimed
        "metadata": sa.Table("workshop_metadata", md,
                             sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), primary_key=True),
                             sa.Column("key", sa.String, primary_key=True),
                             sa.Column("value", sa.String, nullable=False),
                             sa.Column("position", sa.Integer, nullable=False)),
        "scans": sa.Table("scans", md,
                          sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                          sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), nullable=False, index=True),
                          sa.Column("position", sa.Integer, nullable=False),
                          sa.Column("image", sa.String, nullable=False),
                          sa.Column("width", sa.Integer, nullable=False), sa.Column("height", sa.Integer, nullable=False),
                          sa.Column("mode", sa.String, nullable=False, default="cards"),
                          *board_columns(sa, "scans"),
                          sa.UniqueConstraint("workshop_id", "image")),
        "cards": sa.Table("cards", md,
                          sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
                          sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), nullable=False),
                          sa.Column("scan_id", sa.ForeignKey("scans.id", **fk), nullable=False, index=True),
                          sa.Column("position", sa.Integer, nullable=False),
                          sa.Column("card_id", sa.String, nullable=False),
                          sa.Column("photo", sa.String, nullable=False),
                          sa.Column("polygon", sa.JSON, nullable=False),
                          sa.Column("colour", sa.String), sa.Column("group", sa.String),
                          sa.Column("raw_text", sa.Text, nullable=False, default=""),
                          sa.Column("text", sa.Text, nullable=False, default=""),
                          sa.Column("confidence", sa.Float, nullable=False, default=0.0),
                          sa.Column("theme", sa.String, index=True),
                          sa.Column("kind", sa.String, nullable=False, default="card"),
                          *board_columns(sa, "cards"),
                          sa.UniqueConstraint("workshop_id", "card_id")),
        "edits": sa.Table("edits", md,
                          sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                          sa.Column("card_pk", sa.ForeignKey("cards.pk", **fk), nullable=False, index=True),
                          sa.Column("position", sa.Integer, nullable=False),
                          sa.Column("original", sa.Text, nullable=False),
                          sa.Column("replacement", sa.Text, nullable=False),
                          sa.Column("reason", sa.String, nullable=False),
                          sa.Column("start", sa.Integer, nullable=False)),
        "problems": sa.Table("problems", md,
                             sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                             sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), nullable=False, index=True),
                             sa.Column("position", sa.Integer, nullable=False),
                             sa.Column("path", sa.String, nullable=False),
                             sa.Column("message", sa.Text, nullable=False)),
        "corrections": sa.Table("corrections", md,
                                sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                                sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), nullable=False,
                                          index=True),
                                sa.Column("card_id", sa.String, nullable=False),
                                sa.Column("field", sa.String, nullable=False),  # text, group, theme, colour, cluster, votes
                                sa.Column("action", sa.String, nullable=False),  # edit, confirm, rename, merge
                                sa.Column("old", sa.Text),
                                sa.Column("new", sa.Text),
                                sa.Column("raw_text", sa.Text, nullable=False, default=""),  # what OCR read
                                sa.Column("text", sa.Text, nullable=False, default=""),  # card text afterwards
                                sa.Column("time", sa.DateTime, nullable=False)),  # UTC
    }
    return md, tables


def board_columns(sa, table: str) -> list:
    """The board structure's columns (schema 2): headings and cluster order per photo, cluster and dots per card."""
    if table == "scans":
        return [sa.Column("headings", sa.JSON, nullable=False, default=list),  # Heading dicts
                sa.Column("clusters", sa.JSON, nullable=False, default=list)]  # Cluster dicts, wall order
    return [sa.Column("cluster", sa.String), sa.Column("votes", sa.Integer, nullable=False, default=0),
            sa.Column("vote_colours", sa.JSON, nullable=False, default=list)]


def as_text(value: Any) -> str | None:
    """A corrected value as the corrections table keeps it: text, so votes and names sit in one column."""
    return None if value is None else str(value)


def corrected_value(field: str, value: Any) -> Any:
    """A corrected field as the cards table stores it: text as given, a count for votes, else trimmed text
    with empty meaning none."""
    if field == "text":
        return "" if value is None else str(value)
    if field == "votes":
        return vote_count(value)
    return (str(value).strip() or None) if value is not None else None


def vote_count(value: Any) -> int:
    """A person's dot count as the cards table stores it; a web form sends it as text ("3", " 3 ", "")."""
    text = str(value).strip() if value is not None else ""
    try:
        votes = int(text) if text else 0
    except ValueError:
        raise BadCorrection(f"Punkte: „{text}“ ist keine ganze Zahl (erlaubt 0 bis {MAX_VOTES})") from None
    if not 0 <= votes <= MAX_VOTES:
        raise BadCorrection(f"Punkte: {votes} geht nicht (erlaubt 0 bis {MAX_VOTES})")
    return votes


def now() -> datetime:
    """UTC without tzinfo: SQLite has no time zones, the column docs say UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def clean_metadata(metadata: Mapping[str, Any]) -> dict[str, str]:
    """Metadata as the table stores it: text keys and values, None left out."""
    return {str(k): str(v) for k, v in metadata.items() if v is not None}


def check_unique_ids(scans: list[Scan], images: set[str], ids: set[str]) -> None:
    """Card ids name cards in corrections and URLs, so within a workshop they must be unique."""
    images, ids = set(images), set(ids)
    for scan in scans:
        if scan.image in images:
            raise DuplicatePhoto(scan.image)
        images.add(scan.image)
        for card in scan.cards:
            if card.id in ids:
                raise DuplicateCardId(card.id)
            ids.add(card.id)


def metadata_keys(meta: dict[int, dict[str, str]]) -> list[str]:
    """Columns of the metadata in frames: the standard ones always, then the others as they come."""
    keys = list(STANDARD_METADATA)
    for values in meta.values():
        keys.extend(k for k in values if k not in keys)
    return keys


# Columns later schemas added, as ALTER TABLE clauses (SQLite adds columns in place; old rows get the default).
ADDED_COLUMNS = {
    2: [("scans", "headings", "JSON NOT NULL DEFAULT '[]'"), ("scans", "clusters", "JSON NOT NULL DEFAULT '[]'"),
        ("cards", "cluster", "VARCHAR"), ("cards", "votes", "INTEGER NOT NULL DEFAULT 0"),
        ("cards", "vote_colours", "JSON NOT NULL DEFAULT '[]'")],
}


def migrate(conn, version: int) -> None:
    """Bring a corpus file of schema `version` up to SCHEMA_VERSION inside the open transaction.

    Adds each missing column (checked with PRAGMA table_info, so a half-migrated file is fine too)
    and records the new version; existing workshops simply have no board structure.
    """
    if version >= SCHEMA_VERSION:
        return
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for table, column, decl in ADDED_COLUMNS.get(step, []):
            present = {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')}
            if column not in present:
                conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {decl}')
    conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                         (str(SCHEMA_VERSION),))


def structure_of(scan: Scan) -> dict[str, Any]:
    """A scan's board structure as the scans table stores it (JSON columns)."""
    return {"headings": [h.to_dict() for h in scan.headings], "clusters": [c.to_dict() for c in scan.clusters]}


def card_structure(card: Card) -> dict[str, Any]:
    """A card's board structure as the cards table stores it."""
    return {"cluster": card.cluster, "votes": int(card.votes or 0),
            "vote_colours": [str(c) for c in card.vote_colours or []]}


def renamed_clusters(clusters: list[dict[str, Any]], old: str | None, new: str | None,
                     old_in_use: bool) -> list[dict[str, Any]]:
    """A scan's cluster list after a card moved from `old` to `new`: when the last card leaves `old` for a
    name the list lacks, that is a rename, and the cluster keeps its place on the wall (and its heading)."""
    names = [c.get("name") for c in clusters]
    if old is None or new is None or old_in_use or new in names or old not in names:
        return clusters
    return [{**c, "name": new} if c.get("name") == old else c for c in clusters]
