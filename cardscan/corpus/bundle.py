"""Sharing: one workshop as a JSON bundle (another machine imports it exactly), all cards as CSV/Parquet.

Why a bundle format of its own: a facilitator sends one workshop, with the corrections people
made, to a researcher who keeps another corpus; ids are given anew on import, everything else is kept.
Every file is written all or nothing (``cardscan._files``).
"""
from __future__ import annotations

import base64
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from cardscan._files import replace_together, write_bytes_atomic, write_text_atomic
from cardscan.corpus.schema import check_unique_ids, clean_metadata
from cardscan.corpus.store import Store
from cardscan.exceptions import BadExportFormat, BadInputFile
from cardscan.workshop import Problem, Scan, Workshop

log = logging.getLogger("cardscan.corpus")

BUNDLE_FORMAT = "cardscan-workshop"
BUNDLE_VERSION = 1


def export_bundle(store: Store, wid: int, path: str | Path, *, photos: bool = False) -> Path:
    """Write one workshop, with its people's corrections, to one JSON file (UTF-8).

    Everything ``get`` returns is kept exactly (confidence unrounded, each card's photo), plus
    the creation time and the corrections, so ``import_bundle`` on another machine gives the
    same workshop. photos=True also embeds the photo files (base64; the file gets big).
    """
    wid = int(wid)  # numpy integers from a DataFrame would not match in SQL
    import sqlalchemy as sa

    workshop = store.get(wid)
    w, k = store.tables["workshops"], store.tables["corrections"]
    with store.transaction() as conn:
        created = conn.execute(sa.select(w.c.created).where(w.c.id == wid)).scalar_one()
        rows = conn.execute(sa.select(k).where(k.c.workshop_id == wid).order_by(k.c.id)).mappings()
        corrections = [{key: (value.isoformat() if key == "time" else value) for key, value in r.items()
                        if key not in ("id", "workshop_id")} for r in rows]
    data = {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "created": created.isoformat(),
        "workshop": {"title": workshop.title, "question": workshop.question, "legend": workshop.legend,
                     "metadata": workshop.metadata,
                     "photos": [scan_dict(scan) for scan in workshop.scans],
                     "problems": [{"path": p.path, "message": p.message} for p in workshop.problems]},
        "corrections": corrections,
    }
    if photos:
        folder = store.photo_dir(wid)
        data["photo_files"] = {scan.image: base64.b64encode((folder / scan.image).read_bytes()).decode("ascii")
                               for scan in workshop.scans if (folder / scan.image).is_file()}
    path = Path(path)
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
    return path

def import_bundle(store: Store, path: str | Path) -> int:
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
        check_unique_ids(workshop.scans, set(), set())
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInputFile(path, f"ist unvollständig oder beschädigt ({type(exc).__name__}: {exc})") from exc
    with store.transaction(write=True) as conn:  # all or nothing
        wid = store.insert_workshop(conn, workshop, clean_metadata(workshop.metadata), created)
        if corrections:
            conn.execute(store.tables["corrections"].insert(), [{**k, "workshop_id": wid} for k in corrections])
    images = {scan.image for scan in workshop.scans}
    for name, blob in files.items():
        if name not in images or Path(name).name != name or name.startswith("."):  # a photo's name, never a path
            log.warning("Foto %r im Export übersprungen: gehört zu keinem Scan", name)
            continue
        folder = store.photo_dir(wid)
        folder.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(folder / name, blob)
    return wid

def export_cards(store: Store, path: str | Path) -> Path:
    """All cards (``cards()``) to .csv (UTF-8, polygon as JSON) or .parquet (exact, with lists).

    The CSV guards every text cell (card ids and photo names too) against spreadsheet formulas like
    the minutes' CSV does (a leading ``=``, ``+``, ``-`` or ``@`` gets a ``'``) and quotes it;
    Parquet keeps every value as it is. Written all or nothing (``_files.replace_together``).
    """
    path = Path(path)
    frame = store.cards()
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame["polygon"] = [[list(map(int, p)) for p in poly] for poly in frame["polygon"]]
        with replace_together(path) as (tmp,):
            frame.to_parquet(tmp, engine="pyarrow", index=False)
    elif suffix == ".csv":
        import pandas as pd

        from cardscan.minutes import CSV_QUOTING, safe_cell

        frame["polygon"] = [json.dumps(poly) for poly in frame["polygon"]]
        frame["vote_colours"] = [json.dumps(list(v), ensure_ascii=False) for v in frame["vote_colours"]]
        for column in frame.columns:  # every text column: ids and photo names come from file names
            if column not in ("polygon", "vote_colours") and not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = [None if v is None or _isna(v) else safe_cell(v) for v in frame[column]]
        # The minutes' rule (one place, cardscan.minutes): text cells quoted and neutralised, also after ';'.
        write_text_atomic(path, frame.to_csv(index=False, quoting=CSV_QUOTING))
    else:
        raise BadExportFormat(path)
    return path


def scan_dict(scan: Scan) -> dict[str, Any]:
    """Scan JSON plus what it leaves out: each card's photo and the unrounded confidence."""
    d = scan.to_dict()
    for card, cd in zip(scan.cards, d["cards"]):
        cd["photo"] = card.photo
        cd["confidence"] = float(card.confidence)
    return d


def _isna(value: Any) -> bool:
    return isinstance(value, float) and value != value
