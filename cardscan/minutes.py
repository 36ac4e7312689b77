"""Export a Workshop the way people use it: Markdown minutes, CSV, JSON, a pandas DataFrame.

The Markdown follows how people transcribe pinboards by hand (see shared/corpus): topic,
question, then the wall as the participants left it: one section per cluster in the order the
wall reads (left to right, top to bottom), named after its heading, each card with its dot votes;
the most-voted cards in "Priorisierung"; then the working groups (one list per card colour, in
reading order) and the themes across groups as views beside it, then what a human should check.
A board without clusters keeps the groups as its main sections. Every bullet carries its card id
(photo name + number), so any line can be traced back to the photo.

Why "Weitere Nennungen": in a big workshop a one-card cluster or theme is a heading over a single
line, and the sample workshop had ten such themes among 19. From FOLD_MIN_CARDS cards on, one-card
clusters and the themes `cardscan.themes.fold_themes` folds (one-card themes, and those beyond its
card-count rule: about 40 cards, 8 themes) go together into one list, each card with its cluster or
theme name, "Sonstiges" last; smaller workshops keep every section, since there a single card is a
good share of what was said. ``max_themes`` overrides the rule (``cardscan minutes --max-themes``): a number caps the
themes at any size of workshop, 0 shows every theme. Folding was measured against merging the
closest themes by meaning and against moving folded cards to a near kept theme: folding kept the
person's themes best on every labelled workshop (bench/themes_merging.py).

Which theme a card has: CSV, JSON, the DataFrame and the corpus carry each card's own theme
(``Card.theme``), never "Weitere Nennungen" for a theme that was only folded for reading. The
minutes show that same name: as the section the card is listed in, or, under "Weitere Nennungen",
beside the card. So every card is under its own theme's name in both, and a spreadsheet can fold
or regroup the themes again without losing what the themes stage decided. (A card's theme is
"Weitere Nennungen" itself only when the themes stage was asked to fold, ``ThemeModel(max_themes=…)``.)

Everything here is user content (card text, photo names, headings, legend): it is escaped for
Markdown, and every CSV cell is neutralised against spreadsheet formulas and quoted so that a
spreadsheet splitting on ";" (German Excel) cannot split a cell either.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cardscan._files import write_files_atomic, write_text_atomic

if TYPE_CHECKING:  # type hints only: workshop delegates to this module, so no run-time import back
    import pandas as pd

    from cardscan.workshop import Card, Workshop

LOW_CONFIDENCE = 0.70
FOLD_MIN_CARDS = 20  # from this many cards on, one-card clusters and folded themes go to "Weitere Nennungen"
PRIORITY_MAX = 10  # cards listed under "Priorisierung"
FRAME_COLUMNS = ["id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon", "kind",
                 "cluster", "votes", "vote_colours"]
CSV_QUOTING = csv.QUOTE_NONNUMERIC  # every text cell in quotes: survives splitting on ";" as well as ","
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_SEMICOLON_FORMULA = re.compile(r";([ ]*)(?=[=+\-@\t\r])")


def escape_markdown(text: str) -> str:
    """User content must never turn into emphasis, links, HTML, entities, headings or list items."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_ORDERED.sub(r"\1\\\2", text)
    return _MD_LINE_START.sub(r"\1\\\2", text)


def code_span(text: str) -> str:
    """`text` as inline code, also when it holds backticks itself (a photo named a`b.jpg)."""
    text = one_line(str(text))
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall(r"`+", text)) + 1)
    return f"{fence} {text} {fence}"


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


def votes_label(votes: int) -> str:
    return "1 Punkt" if votes == 1 else f"{votes} Punkte"


@dataclass
class BoardCluster:
    """One cluster of the wall as the minutes show it: its name, and its cards in reading order."""

    name: str
    cards: list = field(default_factory=list)
    photo: str = ""  # the photo it is on; shown when unnamed clusters of several photos could be confused
    named: bool = True  # named by a heading (or a person), not "Cluster <n>"


def board_clusters(workshop: Workshop) -> list[BoardCluster]:
    """The clusters of all photos in the order the wall reads: photo by photo, each photo's clusters as
    listed on its scan (the structure stage ordered them), then any a person added. Clusters with the
    same heading on several photos (one wall photographed in parts) are one cluster."""
    out: OrderedDict = OrderedDict()
    for scan in workshop.scans:
        headed = {c.name for c in scan.clusters if c.heading}
        names = [c.name for c in scan.clusters] + [c.cluster for c in scan.cards if c.cluster]
        for name in OrderedDict.fromkeys(names):
            members = [c for c in scan.cards if c.cluster == name]
            if not members:
                continue
            named = name in headed or not re.fullmatch(r"Cluster \d+", name)
            key = name if named else (scan.image, name)
            out.setdefault(key, BoardCluster(name, photo=scan.image, named=named)).cards.extend(members)
    return list(out.values())


def _card_line(card: Card, expanded: bool, note: str = "") -> str:
    votes = f" ({votes_label(card.votes)})" if card.votes else ""
    note = f" – {escape_markdown(note)}" if note else ""
    return f"- {escape_markdown(card_text(card, expanded))}{votes}{note} {code_span(card.id)}"


def _cluster_sections(workshop: Workshop, expanded: bool, fold: bool) -> list[str]:
    out: list[str] = []
    clusters = board_clusters(workshop)
    several_photos = len({c.photo for c in clusters}) > 1
    singles = []
    for cluster in clusters:
        title = cluster.name if cluster.named or not several_photos else f"{cluster.name} ({cluster.photo})"
        if fold and len(cluster.cards) == 1:
            singles.append((cluster.cards[0], title))
            continue
        out.append(f"## {escape_markdown(title)}\n")
        out.extend(_card_line(card, expanded) for card in cluster.cards)
        out.append("")
    loose = [c for c in workshop.cards if not c.cluster]
    if singles or loose:
        out.append("## Weitere Nennungen\n")
        out.extend(_card_line(card, expanded, title) for card, title in singles)
        out.extend(_card_line(card, expanded) for card in loose)
        out.append("")
    return out


def _priority_section(workshop: Workshop, expanded: bool) -> list[str]:
    """The dot vote's result: most-voted first, ties in the wall's order."""
    voted = [c for c in workshop.cards if c.votes > 0]
    if not voted:
        return []
    order = {id(card): k for k, card in enumerate(c for cl in board_clusters(workshop) for c in cl.cards)}
    voted.sort(key=lambda c: (-c.votes, order.get(id(c), len(order))))
    out = ["## Priorisierung\n"]
    for rank, card in enumerate(voted[:PRIORITY_MAX], start=1):
        where = f" – {escape_markdown(card.cluster)}" if card.cluster else ""
        out.append(f"{rank}. {escape_markdown(card_text(card, expanded))} ({votes_label(card.votes)}){where} "
                   f"{code_span(card.id)}")
    if len(voted) > PRIORITY_MAX:
        out.append(f"\n{len(voted) - PRIORITY_MAX} weitere Karten mit Punkten")
    out.append("")
    return out


def _group_sections(workshop: Workshop, expanded: bool, level: str) -> list[str]:
    out: list[str] = []
    for label in _group_order(workshop):
        out.append(f"{level} {escape_markdown(label)}\n")
        out.extend(_card_line(card, expanded) for card in workshop.cards if group_label(card) == label)
        out.append("")
    return out


def shown_themes(workshop: Workshop, max_themes: int | str | None = None) -> list[str]:
    """The themes the minutes give a section, largest first ("Weitere Nennungen" never is one).

    ``max_themes`` None or "auto": the card-count rule (cardscan.themes.max_themes_for) from
    FOLD_MIN_CARDS cards on, every theme below; 0: every theme; a number: at most that many themes of
    two cards or more. Cards of the other themes are listed under "Weitere Nennungen" with their theme,
    and so, when themes are folded, are the "Sonstiges" cards: cards no theme was found for are single
    mentions too, and a "Sonstiges" section beside "Weitere Nennungen" would be a ninth theme of eight.
    """
    from cardscan.themes import FOLDED, OTHER, fold_themes
    from cardscan.themes.folding import check_max_themes

    limit = check_max_themes(max_themes if max_themes is not None else "auto")
    labels = [c.theme for c in workshop.cards if c.theme]
    sizes = Counter(labels)
    ranked = sorted(sizes, key=lambda theme: (-sizes[theme], theme))
    if limit == 0 or (limit is None and len(workshop.cards) < FOLD_MIN_CARDS):
        kept = set(ranked)
    else:
        kept = set(fold_themes(labels, limit, exempt=(OTHER,)).kept)
    return [theme for theme in ranked if theme in kept and theme != FOLDED]


def _theme_sections(workshop: Workshop, expanded: bool, max_themes: int | str | None) -> list[str]:
    """Themes across groups, largest first (``shown_themes``); the cards of the other themes are listed
    together under "Weitere Nennungen", each with its own theme."""
    from cardscan.themes import FOLDED, OTHER

    themed = [c for c in workshop.cards if c.theme]
    if not themed:
        return []
    out = ["## Themen\n"]
    themes: OrderedDict = OrderedDict()
    for card in sorted(themed, key=lambda c: c.theme or ""):
        themes.setdefault(card.theme, []).append(card)
    ranked = sorted(themes, key=lambda theme: (-len(themes[theme]), theme))
    kept = shown_themes(workshop, max_themes)
    for theme in kept:
        members = themes[theme]
        groups = list(OrderedDict((group_label(c), None) for c in members))
        out.append(f"### {escape_markdown(theme)} ({len(members)})\n")
        out.append(f"Genannt von: {escape_markdown(', '.join(groups))}\n")
        out.extend(_card_line(card, expanded) for card in members)
        out.append("")
    rest = [theme for theme in ranked if theme not in kept]
    rest.sort(key=lambda theme: theme == OTHER)  # cards no theme was found for come last
    singles = [(card, theme) for theme in rest for card in themes[theme]]
    if singles:
        out.append(f"### {FOLDED} ({len(singles)})\n")
        out.extend(_card_line(card, expanded, "" if theme == FOLDED else theme) for card, theme in singles)
        out.append("")
    return out


def to_markdown(workshop: Workshop, expanded: bool = True, max_themes: int | str | None = None) -> str:
    """The minutes. ``max_themes``: how many themes get a section (``shown_themes``; None: by card count)."""
    out: list[str] = []
    title = workshop.title or "Workshop"
    out.append(f"# {escape_markdown(title)}\n")
    if workshop.question:
        out.append(f"{escape_markdown(one_line(workshop.question))}\n")
    meta = [f"{k}: {v}" for k, v in workshop.metadata.items() if v]
    if meta:
        out.append(escape_markdown(one_line(" · ".join(meta))) + "\n")
    cards = workshop.cards
    fold = len(cards) >= FOLD_MIN_CARDS
    if any(c.cluster for c in cards):
        out.extend(_cluster_sections(workshop, expanded, fold))
        out.extend(_priority_section(workshop, expanded))
        out.append("## Gruppen\n")
        out.extend(_group_sections(workshop, expanded, "###"))
    else:
        out.extend(_group_sections(workshop, expanded, "##"))
        out.extend(_priority_section(workshop, expanded))
    out.extend(_theme_sections(workshop, expanded, max_themes))
    checks = [(c, why) for c in cards if (why := needs_check(c, workshop.legend))]
    if checks:
        out.append("## Bitte prüfen\n")
        for card, why in checks:
            raw = escape_markdown(one_line(card.raw_text)) or "(leer)"
            out.append(f"- {code_span(card.id)} „{raw}“ – {escape_markdown(why)}")
        out.append("")
    if workshop.problems:
        out.append("## Nicht gelesene Fotos\n")
        for problem in workshop.problems:
            out.append(f"- {escape_markdown(one_line(Path(problem.path).name))}: {escape_markdown(one_line(problem.message))}")
        out.append("")
    if workshop.scans:
        out.append("## Fotos\n")
        for scan in workshop.scans:
            ids = [c.id for c in scan.cards]
            span = f"{code_span(ids[0])} bis {code_span(ids[-1])}" if ids else "keine Karten"
            what = "Zeilen" if scan.mode == "whiteboard" else "Karten"
            out.append(f"- {escape_markdown(one_line(scan.image))}: {len(ids)} {what}, {span}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _frame_rows(workshop: Workshop) -> list[dict]:
    return [{"id": c.id, "photo": c.photo, "colour": c.colour, "group": c.group, "raw_text": c.raw_text,
             "text": c.text, "confidence": round(c.confidence, 3), "theme": c.theme,
             "polygon": [list(p) for p in c.polygon], "kind": c.kind, "cluster": c.cluster, "votes": int(c.votes),
             "vote_colours": list(c.vote_colours)} for c in workshop.cards]


def cards_frame(workshop: Workshop) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(_frame_rows(workshop), columns=FRAME_COLUMNS)


def safe_cell(value) -> str:
    """Stop spreadsheets from running a cell as a formula (CSV injection): a text starting with = + - @,
    a tab or a carriage return (also after spaces) gets a leading apostrophe, and so does such a start
    after a ";" inside the text: German spreadsheet programs split lines on ";" and, past the first
    quoted cell, no longer see the quotes. Used for every text column of every CSV cardscan writes
    (minutes here, corpus exports with ``quoting=CSV_QUOTING``)."""
    text = "" if value is None else str(value)
    text = _CSV_SEMICOLON_FORMULA.sub(r";\1'", text)  # what a spreadsheet splitting on ";" would start a cell with
    return "'" + text if text.lstrip(" ").startswith(_CSV_FORMULA_START) else text


def _csv_value(value):
    """Numbers stay numbers (unquoted with CSV_QUOTING); everything else is text and neutralised."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return safe_cell(value)
    return value


def to_csv(workshop: Workshop, path: str | Path | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=CSV_QUOTING)
    writer.writerow(FRAME_COLUMNS)
    for row in _frame_rows(workshop):
        row["polygon"] = json.dumps(row["polygon"])
        row["vote_colours"] = ",".join(row["vote_colours"])
        writer.writerow([_csv_value(row[col]) for col in FRAME_COLUMNS])
    text = buffer.getvalue()
    if path is not None:
        write_text_atomic(path, text)
    return text


def to_json(workshop: Workshop) -> str:
    """The workshop JSON; written by `Workshop.to_json` beside the dataclasses it describes."""
    return workshop.to_json()


def write_outputs(workshop: Workshop, out_dir: str | Path, expanded: bool = True,
                  max_themes: int | str | None = None) -> dict[str, Path]:
    """Write minutes.md, cards.csv and cards.json as one set (all or nothing); return their paths.
    ``max_themes``: see ``to_markdown``; the CSV and JSON keep every card's own theme either way.

    All three are made in memory first and written to temporary files; only then do they replace the
    old ones, so a failure leaves the earlier outputs as they were and never a set that disagrees."""
    out = Path(out_dir)
    paths = {"markdown": out / "minutes.md", "csv": out / "cards.csv", "json": out / "cards.json"}
    write_files_atomic({paths["markdown"]: to_markdown(workshop, expanded=expanded, max_themes=max_themes),
                        paths["csv"]: to_csv(workshop), paths["json"]: to_json(workshop)})
    return paths
