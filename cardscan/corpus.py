"""The corpus: many workshops in one SQLite file, for the web app and for researchers alike.

The facilitators' web page saves every read photo and every correction here the moment it happens,
and a researcher opens the same file in Jupyter::

    from cardscan import Corpus
    corpus = Corpus("daten/corpus.db")
    corpus.cards()                      # pandas, one row per card across all workshops
    corpus.theme_shares(by="city")      # share of cards per theme, one row per city
    corpus.corrections("text")          # what people corrected, to learn from later

Why SQLite through SQLAlchemy Core: one file that can be copied and opened anywhere, queried with
SQL when pandas is not at hand, and no hand-written SQL strings to get wrong. Each public method is
one transaction that is committed before it returns, so an edit survives a crash of the web server
the next instant. Photos live in a folder next to the database file (``corpus.db`` →
``corpus-photos/<workshop id>/``), because images do not belong in a database a researcher copies.

Heavy libraries (SQLAlchemy, pandas, matplotlib) are imported only when a corpus is opened or a
frame or figure is built, so ``import cardscan`` stays fast.
"""
from __future__ import annotations

import base64
import csv
import json
import logging
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardscan._files import replace_together, write_bytes_atomic, write_text_atomic
from cardscan.exceptions import (BadCorrection, BadExportFormat, BadInputFile, DuplicateCardId, DuplicatePhoto,
                                 UnknownCard, UnknownColumn, UnknownWorkshop)
from cardscan.workshop import Card, Edit, Problem, Scan, Workshop

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

log = logging.getLogger("cardscan.corpus")

SCHEMA_VERSION = 1
BUNDLE_FORMAT = "cardscan-workshop"
BUNDLE_VERSION = 1
# Metadata every workshop frame shows as columns, even when no workshop has them yet, so that
# `theme_shares(by="city")` and friends work on a young corpus too. Other keys follow as they come.
STANDARD_METADATA = ("city", "date", "venue", "topic")
CARD_FIELDS = ("text", "group", "theme", "colour")  # what a person may correct with update_card
CORRECTION_ACTIONS = ("edit", "confirm", "rename", "merge")
CARD_COLUMNS = ["id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon", "kind"]
CORRECTION_COLUMNS = ["id", "workshop_id", "card_id", "field", "action", "old", "new", "raw_text", "text", "time"]


@lru_cache(maxsize=1)
def _schema():
    """The tables, built on first use (SQLAlchemy is imported here, not when cardscan is).

    workshops 1─n scans 1─n cards 1─n edits; problems, metadata (key/value, free-form) and
    corrections hang off the workshop. Corrections keep the card id as text, not a foreign key:
    they are the record of what people did and outlive a re-read card.
    """
    import sqlalchemy as sa

    md = sa.MetaData()
    fk = {"ondelete": "CASCADE"}
    tables = {
        "meta": sa.Table("meta", md,
                         sa.Column("key", sa.String, primary_key=True),
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
                          sa.Column("width", sa.Integer, nullable=False),
                          sa.Column("height", sa.Integer, nullable=False),
                          sa.Column("mode", sa.String, nullable=False, default="cards"),
                          sa.UniqueConstraint("workshop_id", "image")),
        "cards": sa.Table("cards", md,
                          sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
                          sa.Column("workshop_id", sa.ForeignKey("workshops.id", **fk), nullable=False),
                          sa.Column("scan_id", sa.ForeignKey("scans.id", **fk), nullable=False, index=True),
                          sa.Column("position", sa.Integer, nullable=False),
                          sa.Column("card_id", sa.String, nullable=False),
                          sa.Column("photo", sa.String, nullable=False),
                          sa.Column("polygon", sa.JSON, nullable=False),
                          sa.Column("colour", sa.String),
                          sa.Column("group", sa.String),
                          sa.Column("raw_text", sa.Text, nullable=False, default=""),
                          sa.Column("text", sa.Text, nullable=False, default=""),
                          sa.Column("confidence", sa.Float, nullable=False, default=0.0),
                          sa.Column("theme", sa.String, index=True),
                          sa.Column("kind", sa.String, nullable=False, default="card"),
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
                                sa.Column("field", sa.String, nullable=False),  # text, group, theme, colour
                                sa.Column("action", sa.String, nullable=False),  # edit, confirm, rename, merge
                                sa.Column("old", sa.Text),
                                sa.Column("new", sa.Text),
                                sa.Column("raw_text", sa.Text, nullable=False, default=""),  # what OCR read
                                sa.Column("text", sa.Text, nullable=False, default=""),  # card text afterwards
                                sa.Column("time", sa.DateTime, nullable=False)),  # UTC
    }
    return md, tables


def _now() -> datetime:
    """UTC without tzinfo: SQLite has no time zones, the column docs say UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _clean_metadata(metadata: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in metadata.items() if v is not None}


class Corpus:
    """Workshops, cards and people's corrections in one SQLite file (created if missing).

    Every method is one committed transaction, so it is safe to call from a web server's threads
    (the connection is not tied to a thread) and from a second process at the same time (SQLite
    locks the file; a writer waits up to `timeout` seconds).
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        import sqlalchemy as sa
        from sqlalchemy import event

        self.path = Path(path).expanduser().resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._md, self._t = _schema()
        url = sa.engine.URL.create("sqlite", database=str(self.path))
        self._engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": timeout})

        @event.listens_for(self._engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # We issue BEGIN ourselves (see _tx): the sqlite3 module's implicit transactions would let
            # the reads of a read-modify-write run outside the transaction.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")  # committed means on disk
            cursor.close()

        self._open_schema()

    # ---- plumbing -------------------------------------------------------------------------------
    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Any]:
        """One transaction, committed on leaving the block, rolled back on any error.

        Writers take the write lock at the start (BEGIN IMMEDIATE) so two processes never both read,
        then both fail to upgrade; readers get one consistent snapshot across their SELECTs.
        """
        with self._engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.commit()

    def _open_schema(self) -> None:
        import sqlalchemy as sa

        try:
            with self._tx(write=True) as conn:
                names = set(sa.inspect(conn).get_table_names())
                if "meta" not in names:
                    if names:
                        raise BadInputFile(self.path, "ist keine cardscan-Korpusdatei (andere Tabellen, keine "
                                                      "Schema-Version)")
                    self._md.create_all(conn)
                    conn.execute(self._t["meta"].insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}])
                    return
                row = conn.execute(sa.select(self._t["meta"].c.value)
                                   .where(self._t["meta"].c.key == "schema_version")).first()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise BadInputFile(self.path, f"stammt von einer neueren cardscan-Version (Schema {version}, "
                                                  f"diese kennt {SCHEMA_VERSION}); bitte cardscan aktualisieren")
                if version < SCHEMA_VERSION:  # no older schema has ever been released; migrations go here
                    raise BadInputFile(self.path, f"hat eine unbekannte Schema-Version {version}")
        except sa.exc.DatabaseError as exc:
            self._engine.dispose()
            reason = str(getattr(exc, "orig", exc))
            if "not a database" in reason or "malformed" in reason:
                problem = "ist keine lesbare SQLite-Datenbank (keine cardscan-Korpusdatei)"
            elif "locked" in reason:
                problem = "ist gerade von einem anderen Programm gesperrt; bitte gleich noch einmal versuchen"
            else:
                problem = f"lässt sich nicht öffnen ({reason})"
            raise BadInputFile(self.path, problem) from exc
        except BadInputFile:
            self._engine.dispose()
            raise

    @property
    def schema_version(self) -> int:
        import sqlalchemy as sa

        with self._tx() as conn:
            return int(conn.execute(sa.select(self._t["meta"].c.value)
                                    .where(self._t["meta"].c.key == "schema_version")).scalar_one())

    def close(self) -> None:
        """Release the file (open connections); the corpus can be opened again any time."""
        self._engine.dispose()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    def _check_workshop(self, conn, wid: int) -> None:
        import sqlalchemy as sa

        w = self._t["workshops"]
        if conn.execute(sa.select(w.c.id).where(w.c.id == int(wid))).first() is None:
            raise UnknownWorkshop(wid, self.path)

    def photo_dir(self, wid: int) -> Path:
        """The folder with this workshop's photos: ``<db stem>-photos/<id>/`` next to the database."""
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        return self.path.with_name(f"{self.path.stem}-photos") / str(int(wid))

    # ---- writing --------------------------------------------------------------------------------
    def create_workshop(self, title: str, question: str = "", legend: str | Mapping[str, str] | None = None,
                        **metadata: Any) -> int:
        """A new, empty workshop; returns its id. legend: {colour: group} or "gelb=Gruppe 4,…".

        metadata: free-form (city, date, venue, topic …); stored as text, None is left out.
        """
        if isinstance(legend, str):
            from cardscan.colour import parse_legend

            legend = parse_legend(legend)
        return self.add(Workshop(title=title, question=question, legend=dict(legend or {})), **metadata)

    def add(self, workshop: Workshop, **metadata: Any) -> int:
        """Store a whole Workshop (scans, cards, edits, problems); returns its new id.

        metadata is merged over ``workshop.metadata``. Photos whose ``scan.path`` exists are copied
        into the workshop's photo folder, so the web page can show them and crop cards.
        """
        meta = _clean_metadata({**workshop.metadata, **metadata})
        _check_unique_ids(workshop.scans, set(), set())
        with self._tx(write=True) as conn:
            wid = self._insert_workshop(conn, workshop, meta)
        self._copy_photos(wid, workshop.scans)
        return wid

    def _insert_workshop(self, conn, workshop: Workshop, meta: dict[str, str], created: datetime | None = None) -> int:
        wid = conn.execute(self._t["workshops"].insert().values(
            title=str(workshop.title), question=str(workshop.question or ""), legend=dict(workshop.legend),
            created=created or _now())).inserted_primary_key[0]
        if meta:
            conn.execute(self._t["metadata"].insert(), [
                {"workshop_id": wid, "key": k, "value": v, "position": i} for i, (k, v) in enumerate(meta.items())])
        for position, scan in enumerate(workshop.scans):
            self._insert_scan(conn, wid, position, scan)
        if workshop.problems:
            conn.execute(self._t["problems"].insert(), [
                {"workshop_id": wid, "position": i, "path": str(p.path), "message": str(p.message)}
                for i, p in enumerate(workshop.problems)])
        return int(wid)

    def add_scan(self, wid: int, scan: Scan) -> None:
        """Append one read photo to a workshop (the web app calls this after every photo)."""
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        import sqlalchemy as sa

        s, c = self._t["scans"], self._t["cards"]
        with self._tx(write=True) as conn:
            self._check_workshop(conn, wid)
            images = set(conn.execute(sa.select(s.c.image).where(s.c.workshop_id == wid)).scalars())
            ids = set(conn.execute(sa.select(c.c.card_id).where(c.c.workshop_id == wid)).scalars())
            _check_unique_ids([scan], images, ids)
            position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(s.c.position) + 1, 0))
                                    .where(s.c.workshop_id == wid)).scalar_one()
            self._insert_scan(conn, wid, position, scan)
        self._copy_photos(wid, [scan])

    def _insert_scan(self, conn, wid: int, position: int, scan: Scan) -> None:
        scan_id = conn.execute(self._t["scans"].insert().values(
            workshop_id=wid, position=position, image=scan.image, width=int(scan.width), height=int(scan.height),
            mode=scan.mode)).inserted_primary_key[0]
        for i, card in enumerate(scan.cards):
            pk = conn.execute(self._t["cards"].insert().values(
                workshop_id=wid, scan_id=scan_id, position=i, card_id=card.id, photo=card.photo or scan.image,
                polygon=[[int(x), int(y)] for x, y in card.polygon], colour=card.colour, group=card.group,
                raw_text=card.raw_text, text=card.text, confidence=float(card.confidence), theme=card.theme,
                kind=card.kind)).inserted_primary_key[0]
            if card.edits:
                conn.execute(self._t["edits"].insert(), [
                    {"card_pk": pk, "position": j, "original": e.original, "replacement": e.replacement,
                     "reason": e.reason, "start": int(e.start)} for j, e in enumerate(card.edits)])

    def _copy_photos(self, wid: int, scans: list[Scan]) -> None:
        """Bring photos along when we know where they are; the cards are already safe if this fails."""
        for scan in scans:
            if scan.path is None or not Path(scan.path).is_file():
                continue
            target = self.photo_dir(wid) / scan.image
            try:
                if target.exists() and target.samefile(scan.path):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    with replace_together(target) as (tmp,):
                        shutil.copy2(scan.path, tmp)
            except OSError as exc:
                log.warning("Foto %s nicht in den Korpus kopiert: %s", scan.path, exc)

    def update_card(self, wid: int, card_id: str, **changes: Any) -> Card:
        """A person's correction: change text, group, theme or colour, record it, return the new Card.

        Every field passed is recorded in the corrections table (workshop, card, field, old, new,
        the raw OCR text, time), even when unchanged: that is a person confirming it ("Stimmt so").
        ``confirmed=True`` records such a confirmation of the text without passing it. Empty group,
        theme or colour mean none.
        """
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        import sqlalchemy as sa

        confirmed = bool(changes.pop("confirmed", False))
        unknown = set(changes) - set(CARD_FIELDS)
        if unknown:
            raise BadCorrection(f"Diese Felder lassen sich nicht korrigieren: {', '.join(sorted(unknown))} "
                             f"(erlaubt: {', '.join(CARD_FIELDS)}, confirmed)")
        c = self._t["cards"]
        with self._tx(write=True) as conn:
            row = conn.execute(sa.select(c).where(c.c.workshop_id == wid, c.c.card_id == card_id)).mappings().first()
            if row is None:
                self._check_workshop(conn, wid)
                raise UnknownCard(card_id, wid)
            values: dict[str, Any] = {}
            for field, value in changes.items():
                if field == "text":
                    values[field] = "" if value is None else str(value)
                else:
                    values[field] = (str(value).strip() or None) if value is not None else None
            if confirmed and "text" not in values:
                values["text"] = row["text"]
            if values:
                conn.execute(c.update().where(c.c.pk == row["pk"]).values(**values))
                text_after = values.get("text", row["text"])
                now = _now()
                conn.execute(self._t["corrections"].insert(), [
                    {"workshop_id": wid, "card_id": card_id, "field": field, "old": row[field], "new": new,
                     "action": "confirm" if new == row[field] else "edit", "raw_text": row["raw_text"],
                     "text": text_after, "time": now} for field, new in values.items()])
            return self._cards(conn, wid, pk=row["pk"])[0]

    def rename_theme(self, wid: int, old: str, new: str) -> int:
        """Give a theme a new name on every card of the workshop; returns how many cards changed.

        Each card is recorded as a correction (field theme, action rename), so a learner sees which
        texts people file under the new name. Renaming onto an existing theme merges the two.
        """
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        return self._move_theme(wid, old, new, "rename")

    def merge_themes(self, wid: int, source: str, target: str) -> int:
        """Put every card of theme `source` into `target`; returns how many cards changed."""
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        return self._move_theme(wid, source, target, "merge")

    def _move_theme(self, wid: int, old: str, new: str, action: str) -> int:
        import sqlalchemy as sa

        new = " ".join(str(new or "").split())
        if not new:
            raise BadCorrection("Bitte einen Namen für das Thema angeben")
        c = self._t["cards"]
        with self._tx(write=True) as conn:
            self._check_workshop(conn, wid)
            if new == old:
                return 0
            rows = conn.execute(sa.select(c.c.pk, c.c.card_id, c.c.raw_text, c.c.text)
                                .where(c.c.workshop_id == wid, c.c.theme == old)).all()
            if not rows:
                return 0
            conn.execute(c.update().where(c.c.workshop_id == wid, c.c.theme == old).values(theme=new))
            now = _now()
            conn.execute(self._t["corrections"].insert(), [
                {"workshop_id": wid, "card_id": r.card_id, "field": "theme", "action": action, "old": old,
                 "new": new, "raw_text": r.raw_text, "text": r.text, "time": now} for r in rows])
            return len(rows)

    def set_themes(self, wid: int, mapping: Mapping[str, str | None]) -> int:
        """Set the themes the machine chose ({card id: theme}); not recorded as corrections.

        All or nothing: an unknown card id raises UnknownCard (a KeyError) and changes no card. Returns how many
        cards got a different theme.
        """
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        import sqlalchemy as sa

        c = self._t["cards"]
        with self._tx(write=True) as conn:
            self._check_workshop(conn, wid)
            current = dict(conn.execute(sa.select(c.c.card_id, c.c.theme).where(c.c.workshop_id == wid)).all())
            missing = [cid for cid in mapping if cid not in current]
            if missing:
                raise UnknownCard(', '.join(map(str, missing[:5])), wid)
            changed = 0
            for cid, theme in mapping.items():
                theme = (str(theme).strip() or None) if theme is not None else None
                if theme != current[cid]:
                    conn.execute(c.update().where(c.c.workshop_id == wid, c.c.card_id == cid).values(theme=theme))
                    changed += 1
            return changed

    # ---- reading --------------------------------------------------------------------------------
    def get(self, wid: int) -> Workshop:
        """The whole workshop as the dataclasses every stage uses; UnknownWorkshop (a KeyError) when there is none."""
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        import sqlalchemy as sa

        w, m, s, p = self._t["workshops"], self._t["metadata"], self._t["scans"], self._t["problems"]
        with self._tx() as conn:
            row = conn.execute(sa.select(w).where(w.c.id == int(wid))).mappings().first()
            if row is None:
                raise UnknownWorkshop(wid, self.path)
            meta = dict(conn.execute(sa.select(m.c.key, m.c.value).where(m.c.workshop_id == wid)
                                     .order_by(m.c.position)).all())
            folder = self.photo_dir(wid)
            scans, by_id = [], {}
            for r in conn.execute(sa.select(s).where(s.c.workshop_id == wid).order_by(s.c.position)).mappings():
                path = folder / r["image"]
                scan = Scan(image=r["image"], width=r["width"], height=r["height"], mode=r["mode"],
                            path=path if path.is_file() else None)
                scans.append(scan)
                by_id[r["id"]] = scan
            for scan_id, card in self._cards(conn, wid, with_scan=True):
                by_id[scan_id].cards.append(card)
            problems = [Problem(r.path, r.message) for r in conn.execute(
                sa.select(p.c.path, p.c.message).where(p.c.workshop_id == wid).order_by(p.c.position))]
        return Workshop(title=row["title"], question=row["question"], legend=dict(row["legend"] or {}),
                        scans=scans, problems=problems, metadata=meta)

    def _cards(self, conn, wid: int, pk: int | None = None, with_scan: bool = False) -> list:
        """Cards of a workshop in reading order (or the one with `pk`), with their edits."""
        import sqlalchemy as sa

        c, s, e = self._t["cards"], self._t["scans"], self._t["edits"]
        query = (sa.select(c).join(s, s.c.id == c.c.scan_id).where(c.c.workshop_id == wid)
                 .order_by(s.c.position, c.c.position))
        edit_query = (sa.select(e).join(c, c.c.pk == e.c.card_pk).where(c.c.workshop_id == wid)
                      .order_by(e.c.card_pk, e.c.position))
        if pk is not None:
            query, edit_query = query.where(c.c.pk == pk), edit_query.where(c.c.pk == pk)
        edits: dict[int, list[Edit]] = {}
        for r in conn.execute(edit_query).mappings():
            edits.setdefault(r["card_pk"], []).append(Edit(r["original"], r["replacement"], r["reason"], r["start"]))
        out = []
        for r in conn.execute(query).mappings():
            card = Card(id=r["card_id"], photo=r["photo"], polygon=[(int(x), int(y)) for x, y in r["polygon"]],
                        colour=r["colour"], group=r["group"], raw_text=r["raw_text"], text=r["text"],
                        confidence=r["confidence"], theme=r["theme"], edits=edits.get(r["pk"], []), kind=r["kind"])
            out.append((r["scan_id"], card) if with_scan else card)
        return out

    def workshops(self) -> "pd.DataFrame":
        """One row per workshop: id, title, question, city, date, venue, topic (and any other
        metadata), legend, n_photos, n_cards, n_problems, n_corrections, created (UTC)."""
        import pandas as pd
        import sqlalchemy as sa

        t = self._t
        w = t["workshops"]

        def count(table, column="workshop_id"):
            return (sa.select(sa.func.count()).select_from(table).where(table.c[column] == w.c.id)
                    .scalar_subquery())

        query = sa.select(w, count(t["scans"]).label("n_photos"), count(t["cards"]).label("n_cards"),
                          count(t["problems"]).label("n_problems"),
                          count(t["corrections"]).label("n_corrections")).order_by(w.c.id)
        with self._tx() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            meta = self._metadata(conn)
        keys = _metadata_keys(meta)
        for r in rows:
            r.update(meta.get(r["id"], {}))
        columns = ["id", "title", "question", *keys, "legend", "n_photos", "n_cards", "n_problems",
                   "n_corrections", "created"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["created"] = pd.to_datetime(frame["created"], utc=True)
        return frame

    def _metadata(self, conn) -> dict[int, dict[str, str]]:
        import sqlalchemy as sa

        m = self._t["metadata"]
        out: dict[int, dict[str, str]] = {}
        for r in conn.execute(sa.select(m).order_by(m.c.workshop_id, m.c.position)):
            out.setdefault(r.workshop_id, {})[r.key] = r.value
        return out

    def cards(self) -> "pd.DataFrame":
        """One row per card across all workshops, in reading order.

        Columns: workshop_id, title, the workshop metadata (city, date, venue, topic, …), then the
        card columns of ``Workshop.cards_frame()`` (id, photo, colour, group, raw_text, text,
        confidence, theme, polygon, kind), n_edits and corrected (a person corrected or confirmed it).
        """
        import pandas as pd
        import sqlalchemy as sa

        t = self._t
        c, s, w, e, k = t["cards"], t["scans"], t["workshops"], t["edits"], t["corrections"]
        n_edits = sa.select(sa.func.count()).select_from(e).where(e.c.card_pk == c.c.pk).scalar_subquery()
        corrected = sa.exists().where(k.c.workshop_id == c.c.workshop_id, k.c.card_id == c.c.card_id)
        query = (sa.select(c.c.workshop_id, w.c.title, c.c.card_id.label("id"), c.c.photo, c.c.colour, c.c.group,
                           c.c.raw_text, c.c.text, c.c.confidence, c.c.theme, c.c.polygon, c.c.kind,
                           n_edits.label("n_edits"), corrected.label("corrected"))
                 .join(s, s.c.id == c.c.scan_id).join(w, w.c.id == c.c.workshop_id)
                 .order_by(c.c.workshop_id, s.c.position, c.c.position))
        with self._tx() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            meta = self._metadata(conn)
        keys = _metadata_keys(meta)
        for r in rows:
            r.update(meta.get(r["workshop_id"], {}))
            r["corrected"] = bool(r["corrected"])
        columns = ["workshop_id", "title", *keys, *CARD_COLUMNS, "n_edits", "corrected"]
        return pd.DataFrame(rows, columns=columns)

    def corrections(self, kind: str | None = None, wid: int | None = None) -> "pd.DataFrame":
        """What people corrected, oldest first: one row per card and field.

        Columns: id, workshop_id, card_id, field (text, group, theme, colour), action (edit, confirm,
        rename, merge), old, new, raw_text (what OCR read), text (the card text afterwards), time (UTC).
        kind: a field or an action to keep only those rows, e.g. ``corrections("text")`` to replay
        text corrections into the normalisation lexicon. wid: only this workshop.
        """
        import pandas as pd
        import sqlalchemy as sa

        k = self._t["corrections"]
        query = sa.select(k).order_by(k.c.id)
        if kind is not None:
            if kind not in CARD_FIELDS and kind not in CORRECTION_ACTIONS:
                raise BadCorrection(f"Unbekannte Art von Korrektur {kind!r}: erlaubt sind "
                                 f"{', '.join(CARD_FIELDS + CORRECTION_ACTIONS)}")
            query = query.where(k.c.field == kind if kind in CARD_FIELDS else k.c.action == kind)
        if wid is not None:
            query = query.where(k.c.workshop_id == int(wid))
        with self._tx() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        frame = pd.DataFrame(rows, columns=CORRECTION_COLUMNS)
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
        return frame

    # ---- sharing --------------------------------------------------------------------------------
    def export_bundle(self, wid: int, path: str | Path, *, photos: bool = False) -> Path:
        """Write one workshop, with its people's corrections, to one JSON file (UTF-8).

        Everything ``get`` returns is kept exactly (confidence unrounded, each card's photo), plus
        the creation time and the corrections, so ``import_bundle`` on another machine gives the
        same workshop. photos=True also embeds the photo files (base64; the file gets big).
        """
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        import sqlalchemy as sa

        workshop = self.get(wid)
        w, k = self._t["workshops"], self._t["corrections"]
        with self._tx() as conn:
            created = conn.execute(sa.select(w.c.created).where(w.c.id == wid)).scalar_one()
            rows = conn.execute(sa.select(k).where(k.c.workshop_id == wid).order_by(k.c.id)).mappings()
            corrections = [{key: (value.isoformat() if key == "time" else value) for key, value in r.items()
                            if key not in ("id", "workshop_id")} for r in rows]
        data = {
            "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "created": created.isoformat(),
            "workshop": {"title": workshop.title, "question": workshop.question, "legend": workshop.legend,
                         "metadata": workshop.metadata,
                         "photos": [_scan_dict(scan) for scan in workshop.scans],
                         "problems": [{"path": p.path, "message": p.message} for p in workshop.problems]},
            "corrections": corrections,
        }
        if photos:
            folder = self.photo_dir(wid)
            data["photo_files"] = {scan.image: base64.b64encode((folder / scan.image).read_bytes()).decode("ascii")
                                   for scan in workshop.scans if (folder / scan.image).is_file()}
        path = Path(path)
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
        return path

    def import_bundle(self, path: str | Path) -> int:
        """Add a workshop from an ``export_bundle`` file as a new workshop; returns its id."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise BadInputFile(path, f"ist keine lesbare JSON-Datei ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
            raise BadInputFile(path, "ist kein cardscan-Workshop-Export (export_bundle)")
        if int(data.get("version", 0)) > BUNDLE_VERSION:
            raise BadInputFile(path, f"stammt von einer neueren cardscan-Version (Format {data['version']})")
        try:
            d = data["workshop"]
            workshop = Workshop(title=d["title"], question=d.get("question", ""), legend=dict(d.get("legend", {})),
                                metadata=dict(d.get("metadata", {})),
                                scans=[Scan.from_dict(s) for s in d.get("photos", [])],
                                problems=[Problem(p["path"], p["message"]) for p in d.get("problems", [])])
            corrections = [{"card_id": str(k["card_id"]), "field": str(k["field"]), "action": str(k["action"]),
                            "old": k.get("old"), "new": k.get("new"), "raw_text": str(k.get("raw_text") or ""),
                            "text": str(k.get("text") or ""), "time": datetime.fromisoformat(k["time"])}
                           for k in data.get("corrections", [])]
            created = datetime.fromisoformat(data["created"]) if data.get("created") else None
            files = {name: base64.b64decode(blob) for name, blob in data.get("photo_files", {}).items()}
            _check_unique_ids(workshop.scans, set(), set())
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadInputFile(path, f"ist unvollständig oder beschädigt ({type(exc).__name__}: {exc})") from exc
        with self._tx(write=True) as conn:  # all or nothing
            wid = self._insert_workshop(conn, workshop, _clean_metadata(workshop.metadata), created)
            if corrections:
                conn.execute(self._t["corrections"].insert(), [{**k, "workshop_id": wid} for k in corrections])
        images = {scan.image for scan in workshop.scans}
        for name, blob in files.items():
            if name not in images or Path(name).name != name or name.startswith("."):  # a photo's name, never a path
                log.warning("Foto %r im Export übersprungen: gehört zu keinem Scan", name)
                continue
            folder = self.photo_dir(wid)
            folder.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(folder / name, blob)
        return wid

    def export_cards(self, path: str | Path) -> Path:
        """All cards (``cards()``) to .csv (UTF-8, polygon as JSON) or .parquet (exact, with lists).

        The CSV guards every text cell (card ids and photo names too) against spreadsheet formulas like
        the minutes' CSV does (a leading ``=``, ``+``, ``-`` or ``@`` gets a ``'``) and quotes it;
        Parquet keeps every value as it is. Written all or nothing (``_files.replace_together``).
        """
        path = Path(path)
        frame = self.cards()
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            frame["polygon"] = [[list(map(int, p)) for p in poly] for poly in frame["polygon"]]
            with replace_together(path) as (tmp,):
                frame.to_parquet(tmp, engine="pyarrow", index=False)
        elif suffix == ".csv":
            import pandas as pd

            from cardscan.minutes import safe_cell

            frame["polygon"] = [json.dumps(poly) for poly in frame["polygon"]]
            for column in frame.columns:  # every text column: ids and photo names come from file names
                if column != "polygon" and not pd.api.types.is_numeric_dtype(frame[column]):
                    frame[column] = [None if v is None or _isna(v) else safe_cell(v) for v in frame[column]]
            # Quoted text cells: a German spreadsheet that splits on ';' keeps "Hallo;=1+1;x" in one cell.
            write_text_atomic(path, frame.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC))
        else:
            raise BadExportFormat(path)
        return path

    # ---- analysis -------------------------------------------------------------------------------
    def theme_shares(self, by: str = "city") -> "pd.DataFrame":
        """Share of cards per theme (columns) for each value of `by` (rows); each row sums to 1.

        by: any column of ``cards()`` (city, date, workshop_id, group, …). Cards without a theme, or
        without a value for `by`, are left out. Themes are ordered by how many cards they have, then by name.
        """
        import pandas as pd

        frame = self.cards()
        if by not in frame.columns:
            raise UnknownColumn(by, frame.columns)
        frame = frame[frame["theme"].notna() & frame[by].notna()]
        if frame.empty:
            return pd.DataFrame(index=pd.Index([], name=by), columns=pd.Index([], name="theme"), dtype=float)
        counts = frame["theme"].value_counts()
        order = sorted(counts.index, key=lambda t: (-counts[t], str(t).casefold()))  # most cards first
        shares = pd.crosstab(frame[by], frame["theme"], normalize="index")[order]
        shares.columns.name = "theme"
        return shares.astype(float)

    def compare(self, a: int, b: int) -> "pd.DataFrame":
        """Themes one workshop has and the other has not, with how many cards and an example text.

        Theme names are compared ignoring case and spacing. Columns: theme, only_in (workshop id),
        title, n_cards, example (the longest card text of that theme).
        """
        a, b = int(a), int(b)  # numpy integers from a DataFrame would not match in SQL
        import pandas as pd

        first, second = self.get(a), self.get(b)

        def themes(ws: Workshop) -> dict[str, list[Card]]:
            out: dict[str, list[Card]] = {}
            for card in ws.cards:
                if card.theme:
                    out.setdefault(" ".join(card.theme.split()).casefold(), []).append(card)
            return out

        ta, tb = themes(first), themes(second)
        rows = []
        for wid, ws, mine, other in ((a, first, ta, tb), (b, second, tb, ta)):
            for key, cards in sorted(mine.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                if key not in other:
                    example = max(cards, key=lambda c: len(c.text.strip()))
                    rows.append({"theme": cards[0].theme, "only_in": int(wid), "title": ws.title,
                                 "n_cards": len(cards), "example": example.text})
        return pd.DataFrame(rows, columns=["theme", "only_in", "title", "n_cards", "example"])

    def plot_theme_heatmap(self, by: str = "city") -> "Figure":
        """Heat map of ``theme_shares(by)``: rows are the `by` values, columns the themes."""
        shares = self.theme_shares(by)
        fig = _figure((max(6.0, 1.0 + 0.7 * shares.shape[1]), max(3.0, 1.8 + 0.5 * shares.shape[0])))
        ax = fig.add_subplot()
        if shares.empty:
            ax.text(0.5, 0.5, "Noch keine Karten mit Thema", ha="center", va="center")
            ax.set_axis_off()
            return fig
        image = ax.imshow(shares.to_numpy(), cmap="YlOrRd", vmin=0.0, vmax=max(float(shares.to_numpy().max()), 1e-9),
                          aspect="auto")
        ax.set_xticks(range(shares.shape[1]), [str(t) for t in shares.columns], rotation=40, ha="right")
        ax.set_yticks(range(shares.shape[0]), [str(v) for v in shares.index])
        peak = float(shares.to_numpy().max())
        for i in range(shares.shape[0]):
            for j in range(shares.shape[1]):
                value = float(shares.iat[i, j])
                ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if value > 0.6 * peak else "black")
        fig.colorbar(image, ax=ax, label="Anteil der Karten")
        ax.set_title(f"Themen nach {by}")
        fig.tight_layout()
        return fig

    def plot_group_shares(self, wid: int) -> "Figure":
        """Horizontal bars: the share of a workshop's cards each working group wrote, in card colours."""
        wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
        from cardscan.colour import PALETTE

        ws = self.get(wid)
        counts: dict[str, int] = {}
        colours: dict[str, str | None] = {}
        for card in ws.cards:
            label = card.group or "ohne Gruppe"
            counts[label] = counts.get(label, 0) + 1
            colours.setdefault(label, card.colour)
        fig = _figure((7.0, max(2.5, 1.2 + 0.45 * len(counts))))
        ax = fig.add_subplot()
        ax.set_title(ws.title)
        if not counts:
            ax.text(0.5, 0.5, "Noch keine Karten", ha="center", va="center")
            ax.set_axis_off()
            return fig
        total = sum(counts.values())
        labels = sorted(counts, key=_natural_key)
        shares = [counts[g] / total for g in labels]
        group_colour = {group: colour for colour, group in ws.legend.items()}
        faces = []
        for label in labels:
            name = group_colour.get(label) or colours.get(label)
            rgb = PALETTE.get(name) if name else None
            faces.append(tuple(v / 255 for v in rgb) if rgb else (0.75, 0.75, 0.75))
        y = range(len(labels))
        ax.barh(list(y), shares, color=faces, edgecolor="black", linewidth=0.5)
        ax.set_yticks(list(y), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(shares) * 1.2)
        ax.set_xlabel("Anteil der Karten")
        for i, label in enumerate(labels):
            ax.text(shares[i], i, f" {shares[i]:.0%} ({counts[label]})", va="center", fontsize=9)
        fig.tight_layout()
        return fig


# ---- helpers ----------------------------------------------------------------------------------------
def _check_unique_ids(scans: list[Scan], images: set[str], ids: set[str]) -> None:
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


def _metadata_keys(meta: dict[int, dict[str, str]]) -> list[str]:
    keys = list(STANDARD_METADATA)
    for values in meta.values():
        keys.extend(k for k in values if k not in keys)
    return keys


def _scan_dict(scan: Scan) -> dict[str, Any]:
    """Scan JSON plus what it leaves out: each card's photo and the unrounded confidence."""
    d = scan.to_dict()
    for card, cd in zip(scan.cards, d["cards"]):
        cd["photo"] = card.photo
        cd["confidence"] = float(card.confidence)
    return d


def _isna(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _natural_key(label: str):
    import re

    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", label)]


def _figure(size: tuple[float, float]) -> "Figure":
    """A Figure drawn by Agg without touching pyplot's global backend (safe in threads and Jupyter)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig
