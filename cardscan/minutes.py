"""Export a Workshop the way people use it: Markdown minutes, CSV, JSON, a pandas DataFrame.

The Markdown follows how people transcribe pinboards by hand (see shared/corpus): topic,
question, one bullet list per working group named with its card colour, in reading order;
then the themes across groups, then what a human should check. Every bullet carries its
card id (photo name + number), so any line can be traced back to the photo.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from cardscan.workshop import Card, Problem, Scan, Workshop

if TYPE_CHECKING:
    import pandas as pd

LOW_CONFIDENCE = 0.70
FRAME_COLUMNS = ["id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon", "kind"]
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: str) -> str:
    """Card text is user content: it must never turn into emphasis, links or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([#>])", r"\1\\\2", text)


def one_line(text: str) -> str:
    return " ".join(text.split())


def group_label(card: Card) -> str:
    if card.group and card.colour:
        return f"{card.group} ({card.colour})"
    if card.group:
        return card.group
    if card.colour:
        return f"Karten {card.colour}"
    return "Ohne Farbzuordnung"


def _group_order(workshop: Workshop) -> list[str]:
    """Groups from the legend first, in natural order ("Gruppe 2" before "Gruppe 10"), then the rest as found."""
    def natural(label: str):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", label)]

    labels = OrderedDict((group_label(c), None) for c in workshop.cards)
    legend_labels = sorted({group_label(c) for c in workshop.cards if c.group}, key=natural)
    rest = [label for label in labels if label not in legend_labels]
    return legend_labels + rest


def needs_check(card: Card, legend: dict[str, str]) -> str | None:
    """Why a human should look at this card, or None."""
    if not card.raw_text.strip():
        return "kein Text erkannt"
    if card.kind == "card" and card.colour is None:
        return "Kartenfarbe unbekannt"
    if card.kind == "card" and legend and card.colour not in legend:
        return f"Farbe {card.colour} steht nicht in der Legende"
    if card.confidence < LOW_CONFIDENCE:
        return f"unsicher gelesen ({round(card.confidence * 100)} %)"
    return None


def card_text(card: Card, expanded: bool = True) -> str:
    text = card.text if card.text.strip() else card.raw_text
    if not expanded:
        text = unexpand(text, card.edits)
    return one_line(text) or "(leer)"


def unexpand(text: str, edits) -> str:
    """Put written abbreviations back (Quartiersrat → QR) for minutes that keep the card's own words."""
    for edit in edits:
        if edit.reason == "abbreviation" and edit.replacement:
            text = re.sub(rf"(?<!\w){re.escape(edit.replacement)}(?!\w)", lambda _m, e=edit: e.original, text, count=1)
    return text


def to_markdown(workshop: Workshop, expanded: bool = True) -> str:
    out: list[str] = []
    title = workshop.title or "Workshop"
    out.append(f"# {escape_markdown(title)}\n")
    if workshop.question:
        out.append(f"{escape_markdown(workshop.question)}\n")
    meta = [f"{k}: {v}" for k, v in workshop.metadata.items() if v]
    if meta:
        out.append(escape_markdown(" · ".join(meta)) + "\n")
    cards = workshop.cards
    for label in _group_order(workshop):
        out.append(f"## {escape_markdown(label)}\n")
        for card in cards:
            if group_label(card) == label:
                out.append(f"- {escape_markdown(card_text(card, expanded))} `{card.id}`")
        out.append("")
    themed = [c for c in cards if c.theme]
    if themed:
        out.append("## Themen\n")
        themes = OrderedDict()
        for card in sorted(themed, key=lambda c: c.theme or ""):
            themes.setdefault(card.theme, []).append(card)
        for theme, members in sorted(themes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            groups = list(OrderedDict((group_label(c), None) for c in members))
            out.append(f"### {escape_markdown(theme)} ({len(members)})\n")
            out.append(f"Genannt von: {escape_markdown(', '.join(groups))}\n")
            for card in members:
                out.append(f"- {escape_markdown(card_text(card, expanded))} `{card.id}`")
            out.append("")
    checks = [(c, why) for c in cards if (why := needs_check(c, workshop.legend))]
    if checks:
        out.append("## Bitte prüfen\n")
        for card, why in checks:
            raw = escape_markdown(one_line(card.raw_text)) or "(leer)"
            out.append(f"- `{card.id}` „{raw}“ – {why}")
        out.append("")
    if workshop.problems:
        out.append("## Nicht gelesene Fotos\n")
        for problem in workshop.problems:
            out.append(f"- {escape_markdown(Path(problem.path).name)}: {escape_markdown(problem.message)}")
        out.append("")
    if workshop.scans:
        out.append("## Fotos\n")
        for scan in workshop.scans:
            ids = [c.id for c in scan.cards]
            span = f"`{ids[0]}` bis `{ids[-1]}`" if ids else "keine Karten"
            out.append(f"- {escape_markdown(scan.image)}: {len(ids)} {'Zeilen' if scan.mode == 'whiteboard' else 'Karten'}, {span}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _frame_rows(workshop: Workshop) -> list[dict]:
    return [{"id": c.id, "photo": c.photo, "colour": c.colour, "group": c.group, "raw_text": c.raw_text,
             "text": c.text, "confidence": round(c.confidence, 3), "theme": c.theme,
             "polygon": [list(p) for p in c.polygon], "kind": c.kind} for c in workshop.cards]


def cards_frame(workshop: Workshop) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(_frame_rows(workshop), columns=FRAME_COLUMNS)


def safe_cell(value) -> str:
    """Stop spreadsheets from running card text as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def to_csv(workshop: Workshop, path: str | Path | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FRAME_COLUMNS)
    for row in _frame_rows(workshop):
        row["polygon"] = json.dumps(row["polygon"])
        writer.writerow([safe_cell(row[col]) if col in ("raw_text", "text", "theme", "group") else row[col]
                         for col in FRAME_COLUMNS])
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def to_dict(workshop: Workshop) -> dict:
    return {"title": workshop.title, "question": workshop.question, "legend": workshop.legend,
            "metadata": workshop.metadata, "photos": [s.to_dict() for s in workshop.scans],
            "problems": [{"path": p.path, "message": p.message} for p in workshop.problems]}


def to_json(workshop: Workshop) -> str:
    return json.dumps(to_dict(workshop), ensure_ascii=False, indent=2)


def from_json(text: str) -> Workshop:
    d = json.loads(text)
    return Workshop(title=d.get("title", "Workshop"), question=d.get("question", ""), legend=d.get("legend", {}),
                    metadata=d.get("metadata", {}), scans=[Scan.from_dict(s) for s in d.get("photos", [])],
                    problems=[Problem(p["path"], p["message"]) for p in d.get("problems", [])])


def write_outputs(workshop: Workshop, out_dir: str | Path, expanded: bool = True) -> dict[str, Path]:
    """Write minutes.md, cards.csv and cards.json as one set (all or nothing); return their paths."""
    from cardscan._files import write_files_atomic

    out = Path(out_dir)
    paths = {"markdown": out / "minutes.md", "csv": out / "cards.csv", "json": out / "cards.json"}
    write_files_atomic({paths["markdown"]: to_markdown(workshop, expanded=expanded), paths["csv"]: to_csv(workshop),
                        paths["json"]: to_json(workshop)})
    return paths
