"""Storing and reading workshops: one SQLite file, one committed transaction per method.

Why SQLite through SQLAlchemy Core: one file that can be copied and opened anywhere, queried with
SQL when pandas is not at hand, and no hand-written SQL strings to get wrong. Each public method is
one transaction that is committed before it returns, so an edit survives a crash of the web server
the next instant. Photos live in a folder next to the database file (``corpus.db`` →
``corpus-photos/<workshop id>/``), because images do not belong in a database a researcher copies.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardscan._files import replace_together
from cardscan.corpus.schema import (CARD_COLUMNS, CARD_FIELDS, CORRECTION_ACTIONS, CORRECTION_COLUMNS, SCHEMA_VERSION,
                                    as_text, card_structure, check_unique_ids, clean_metadata, corrected_value,
                                    define_tables, metadata_keys, migrate, now, renamed_clusters, structure_of)
from cardscan.exceptions import BadCorrection, BadInputFile, UnknownCard, UnknownWorkshop
from cardscan.workshop import Card, Cluster, Edit, Heading, Problem, Scan, Workshop

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("cardscan.corpus")


class Store:
    """Workshops, cards and people's corrections in one SQLite file (created if missing).

    `cardscan.corpus.Corpus` adds sharing, analysis and plots on top of this.

    Every method is one committed transaction, so it is safe to call from a web server's threads
    (the connection is not tied to a thread) and from a second process at the same time (SQLite
    locks the file; a writer waits up to `timeout` seconds).
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        import sqlalchemy as sa
        from sqlalchemy import event

        self.path = Path(path).expanduser().resolve()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._md, self._t = define_tables()
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
    @property
    def tables(self) -> dict[str, Any]:
        """The SQLAlchemy tables by name (workshops, scans, cards, edits, problems, metadata, corrections, meta)."""
        return self._t

    def transaction(self, write: bool = False):
        """One transaction as a context manager yielding the connection (for the bundle format,
        which writes a workshop and its corrections all or nothing)."""
        return self._tx(write)

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
                if version < 1:
                    raise BadInputFile(self.path, f"hat eine unbekannte Schema-Version {version}")
                migrate(conn, version)  # an older corpus file gets the columns it lacks (no-op when current)
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

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def _check_workshop(self, conn, wid: int) -> None:
        import sqlalchemy as sa

        w = self._t["workshops"]
        if conn.execute(sa.select(w.c.id).where(w.c.id == int(wid))).first() is None:
            raise UnknownWorkshop(wid, self.path)

    def photo_dir(self, wid: int) -> Path:
        """The folder with this workshop's photos: ``<db stem>-photos/<id>/`` next to the database."""
        return self.path.with_name(f"{self.path.stem}-photos") / str(int(wid))  # int(): numpy ids too

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
        meta = clean_metadata({**workshop.metadata, **metadata})
        check_unique_ids(workshop.scans, set(), set())
        with self._tx(write=True) as conn:
            wid = self.insert_workshop(conn, workshop, meta)
        self._copy_photos(wid, workshop.scans)
        return wid

    def insert_workshop(self, conn, workshop: Workshop, meta: dict[str, str], created: datetime | None = None) -> int:
        """Insert a whole workshop inside the open transaction `conn`; returns its id (see `add`)."""
        wid = conn.execute(self._t["workshops"].insert().values(
            title=str(workshop.title), question=str(workshop.question or ""), legend=dict(workshop.legend),
            created=created or now())).inserted_primary_key[0]
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
            check_unique_ids([scan], images, ids)
            position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(s.c.position) + 1, 0))
                                    .where(s.c.workshop_id == wid)).scalar_one()
            self._insert_scan(conn, wid, position, scan)
        self._copy_photos(wid, [scan])

    def _insert_scan(self, conn, wid: int, position: int, scan: Scan) -> None:
        scan_id = conn.execute(self._t["scans"].insert().values(
            workshop_id=wid, position=position, image=scan.image, width=int(scan.width), height=int(scan.height),
            mode=scan.mode, **structure_of(scan))).inserted_primary_key[0]
        for i, card in enumerate(scan.cards):
            pk = conn.execute(self._t["cards"].insert().values(
                workshop_id=wid, scan_id=scan_id, position=i, card_id=card.id, photo=card.photo or scan.image,
                polygon=[[int(x), int(y)] for x, y in card.polygon], colour=card.colour, group=card.group,
                raw_text=card.raw_text, text=card.text, confidence=float(card.confidence), theme=card.theme,
                kind=card.kind, **card_structure(card))).inserted_primary_key[0]
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
        """A person's correction: change text, group, theme, colour, cluster or votes, record it, return the new Card.

        Every field passed is recorded in the corrections table (workshop, card, field, old, new,
        the raw OCR text, time), even when unchanged: that is a person confirming it ("Stimmt so").
        ``confirmed=True`` records such a confirmation of the text without passing it. Empty group,
        theme, colour or cluster mean none. ``votes``: the dots a person counted (the dot finder misses some
        under glare, and "Priorisierung" ranks by them); the seen dot colours are kept up to that count.
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
            values = {field: corrected_value(field, value) for field, value in changes.items()}
            if confirmed and "text" not in values:
                values["text"] = row["text"]
            if values:
                stored = dict(values)
                if "votes" in values:
                    stored["vote_colours"] = list(row["vote_colours"] or [])[:values["votes"]]
                conn.execute(c.update().where(c.c.pk == row["pk"]).values(**stored))
                text_after = values.get("text", row["text"])
                when = now()
                conn.execute(self._t["corrections"].insert(), [
                    {"workshop_id": wid, "card_id": card_id, "field": field, "old": as_text(row[field]), "new": as_text(new),
                     "action": "confirm" if new == row[field] else "edit", "raw_text": row["raw_text"],
                     "text": text_after, "time": when} for field, new in values.items()])
                if "cluster" in values and values["cluster"] != row["cluster"]:
                    self._follow_cluster(conn, row["scan_id"], row["cluster"], values["cluster"])
            return self._cards(conn, wid, pk=row["pk"])[0]

    def _follow_cluster(self, conn, scan_id: int, old: str | None, new: str | None) -> None:
        import sqlalchemy as sa

        s, c = self._t["scans"], self._t["cards"]
        in_use = conn.execute(sa.select(sa.func.count()).where(c.c.scan_id == scan_id, c.c.cluster == old)).scalar()
        clusters = renamed_clusters(conn.execute(sa.select(s.c.clusters).where(s.c.id == scan_id)).scalar_one() or [],
                                    old, new, bool(in_use))
        conn.execute(s.update().where(s.c.id == scan_id).values(clusters=clusters))

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
            when = now()
            conn.execute(self._t["corrections"].insert(), [
                {"workshop_id": wid, "card_id": r.card_id, "field": "theme", "action": action, "old": old,
                 "new": new, "raw_text": r.raw_text, "text": r.text, "time": when} for r in rows])
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
                            path=path if path.is_file() else None,
                            headings=[Heading.from_dict(h) for h in r["headings"] or []],
                            clusters=[Cluster.from_dict(c) for c in r["clusters"] or []])
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
                        confidence=r["confidence"], theme=r["theme"], edits=edits.get(r["pk"], []), kind=r["kind"],
                        cluster=r["cluster"], votes=int(r["votes"] or 0), vote_colours=list(r["vote_colours"] or []))
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
        keys = metadata_keys(meta)
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

        Columns: workshop_id, title, the workshop metadata (city, date, venue, topic, …), then the card
        columns of ``Workshop.cards_frame()`` (CARD_COLUMNS), n_edits and corrected (a person corrected or confirmed it).
        """
        import pandas as pd
        import sqlalchemy as sa

        t = self._t
        c, s, w, e, k = t["cards"], t["scans"], t["workshops"], t["edits"], t["corrections"]
        n_edits = sa.select(sa.func.count()).select_from(e).where(e.c.card_pk == c.c.pk).scalar_subquery()
        corrected = sa.exists().where(k.c.workshop_id == c.c.workshop_id, k.c.card_id == c.c.card_id)
        query = (sa.select(c.c.workshop_id, w.c.title, c.c.card_id.label("id"), c.c.photo, c.c.colour, c.c.group,
                           c.c.raw_text, c.c.text, c.c.confidence, c.c.theme, c.c.polygon, c.c.kind,
                           c.c.cluster, c.c.votes, c.c.vote_colours,
                           n_edits.label("n_edits"), corrected.label("corrected"))
                 .join(s, s.c.id == c.c.scan_id).join(w, w.c.id == c.c.workshop_id)
                 .order_by(c.c.workshop_id, s.c.position, c.c.position))
        with self._tx() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            meta = self._metadata(conn)
        keys = metadata_keys(meta)
        for r in rows:
            r.update(meta.get(r["workshop_id"], {}))
            r["corrected"] = bool(r["corrected"])
        columns = ["workshop_id", "title", *keys, *CARD_COLUMNS, "n_edits", "corrected"]
        return pd.DataFrame(rows, columns=columns)

    def corrections(self, kind: str | None = None, wid: int | None = None) -> "pd.DataFrame":
        """What people corrected, oldest first: one row per card and field.

        Columns: id, workshop_id, card_id, field (text, group, theme, colour, cluster), action (edit, confirm,
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
