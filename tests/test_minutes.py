import csv
import io
import json
import re

import pytest

from cardscan.exceptions import BadConfig
from cardscan.minutes import FOLD_MIN_CARDS, code_span, escape_markdown, safe_cell, to_csv, to_markdown, write_outputs
from cardscan.workshop import Card, Cluster, Edit, Heading, Problem, Scan, Workshop


def workshop() -> Workshop:
    cards = [
        Card("b1-01", "b1.jpg", [(0, 0), (10, 0), (10, 5), (0, 5)], "gelb", "Gruppe 4", "auf den QR zugehen",
             "auf den Quartiersrat zugehen", 0.91, "Rolle des Quartiersrats",
             [Edit("QR", "Quartiersrat", "abbreviation", 12)]),
        Card("b1-02", "b1.jpg", [(20, 0), (30, 0), (30, 5), (20, 5)], "dunkelgrün", "Gruppe 1", "Fahrplan",
             "Fahrplan", 0.95, "Prozess & Zeitplan"),
        Card("b1-03", "b1.jpg", [(0, 20), (10, 20), (10, 25), (0, 25)], "gelb", "Gruppe 4", "mehr Transparcnz",
             "mehr Transparenz", 0.42, "Transparenz & Information"),
        Card("b2-01", "b2.jpg", [(0, 0), (10, 0), (10, 5), (0, 5)], "orange", None, "=SUMME(A1)", "=SUMME(A1)",
             0.9, "Finanzierung"),
        Card("b2-02", "b2.jpg", [(0, 9), (10, 9), (10, 15), (0, 15)], "dunkelgrün", "Gruppe 1", "Anker *Ort*",
             "Anker *Ort*", 0.9, "Ankerorte"),
    ]
    scans = [Scan("b1.jpg", 100, 80, cards[:3]), Scan("b2.jpg", 100, 80, cards[3:])]
    return Workshop(title="Thema: Verstetigung", question="Wie sollte Verstetigung aussehen?",
                    legend={"gelb": "Gruppe 4", "dunkelgrün": "Gruppe 1"}, scans=scans,
                    problems=[Problem("/x/kaputt.jpg", "Bild ist beschädigt")])


def section(md: str, heading: str) -> str:
    start = md.index(heading)
    rest = md[start + len(heading):]
    nxt = rest.find("\n## ")
    return rest if nxt < 0 else rest[:nxt]


def test_minutes_have_title_question_and_one_section_per_group_in_order():
    md = to_markdown(workshop())
    assert md.startswith("# Thema: Verstetigung\n\nWie sollte Verstetigung aussehen?")
    g1, g4 = md.index("## Gruppe 1 (dunkelgrün)"), md.index("## Gruppe 4 (gelb)")
    assert g1 < g4 < md.index("## Karten orange")  # legend groups first, in natural order
    g4_body = section(md, "## Gruppe 4 (gelb)")
    assert g4_body.index("b1-01") < g4_body.index("b1-03")  # reading order
    assert "auf den Quartiersrat zugehen `b1-01`" in g4_body


def test_minutes_can_show_original_abbreviations():
    md = to_markdown(workshop(), expanded=False)
    assert "auf den QR zugehen `b1-01`" in md


def test_theme_sections_name_the_groups_that_raised_them():
    md = to_markdown(workshop())
    themes = section(md, "## Themen")
    assert "### Rolle des Quartiersrats (1)" in themes
    assert "Genannt von: Gruppe 4 (gelb)" in themes


def test_check_list_has_low_confidence_and_out_of_legend_cards_only():
    checks = section(to_markdown(workshop()), "## Bitte prüfen")
    assert "`b1-03` „mehr Transparcnz“ – unsicher gelesen (42 %)" in checks
    assert "`b2-01`" in checks and "nicht in der Legende" in checks
    assert "b1-01" not in checks and "b1-02" not in checks


def test_problems_and_photo_index_are_listed():
    md = to_markdown(workshop())
    assert "kaputt.jpg: Bild ist beschädigt" in md
    assert "b1.jpg: 3 Karten, `b1-01` bis `b1-03`" in md


def test_card_text_cannot_inject_markdown():
    assert escape_markdown("Anker *Ort* <script>") == r"Anker \*Ort\* \<script\>"
    assert r"Anker \*Ort\*" in to_markdown(workshop())


def test_csv_guards_against_formula_injection_and_keeps_polygons():
    rows = list(csv.DictReader(io.StringIO(to_csv(workshop()))))
    assert len(rows) == 5
    formula = next(r for r in rows if r["id"] == "b2-01")
    assert formula["text"] == "'=SUMME(A1)"
    assert json.loads(rows[0]["polygon"]) == [[0, 0], [10, 0], [10, 5], [0, 5]]
    assert safe_cell("+ mehr Geld") == "'+ mehr Geld" and safe_cell("Geld") == "Geld"


def test_json_round_trip_is_lossless():
    w = workshop()
    again = Workshop.from_json(w.to_json())
    assert [c.to_dict() for c in again.cards] == [c.to_dict() for c in w.cards]
    assert again.legend == w.legend and again.problems == w.problems and again.question == w.question


def test_cards_frame_has_one_row_per_card_with_documented_columns():
    frame = workshop().cards_frame()
    assert list(frame.columns)[:9] == ["id", "photo", "colour", "group", "raw_text", "text", "confidence", "theme", "polygon"]
    assert list(frame.columns)[-3:] == ["cluster", "votes", "vote_colours"]
    assert len(frame) == 5 and frame.loc[2, "confidence"] == 0.42
    frame = board_workshop().cards_frame()
    assert frame.loc[1, "cluster"] == "Sicherheit" and frame.loc[1, "votes"] == 5


def board_workshop(extra_cards: int = 0) -> Workshop:
    """One wall: two headed clusters read left to right, a one-card cluster, dot votes."""
    def card(n, x, y, text, cluster, votes=0, colour="gelb"):
        return Card(f"w-{n:02d}", "w.jpg", [(x, y), (x + 10, y), (x + 10, y + 5), (x, y + 5)], colour,
                    {"gelb": "Gruppe 1", "rosa": "Gruppe 2"}[colour], text, text, 0.95, cluster=cluster, votes=votes,
                    vote_colours=["rot"] * votes)

    cards = [card(1, 0, 10, "Mehr Geld", "Finanzierung", 2), card(2, 50, 10, "Lärm nachts", "Sicherheit", 5, "rosa"),
             card(3, 0, 20, "Fonds", "Finanzierung"), card(4, 50, 20, "Licht im Park", "Sicherheit", 1),
             card(5, 90, 10, "Kita", "Bildung")]
    cards += [card(10 + k, 0, 30 + k, f"Idee {k}", "Finanzierung") for k in range(extra_cards)]
    scan = Scan("w.jpg", 100, 100, cards, headings=[Heading("w-h01", [(0, 0), (9, 0), (9, 4), (0, 4)], "Finanzierung"),
                                                     Heading("w-h02", [(50, 0), (59, 0), (59, 4), (50, 4)], "Sicherheit"),
                                                     Heading("w-h03", [(90, 0), (99, 0), (99, 4), (90, 4)], "Bildung")],
                clusters=[Cluster("Finanzierung", "w-h01"), Cluster("Sicherheit", "w-h02"), Cluster("Bildung", "w-h03")])
    return Workshop(title="Wand", legend={"gelb": "Gruppe 1", "rosa": "Gruppe 2"}, scans=[scan])


def test_minutes_follow_the_walls_clusters_with_votes_and_keep_groups_as_a_view():
    md = to_markdown(board_workshop())
    assert md.index("## Finanzierung") < md.index("## Sicherheit") < md.index("## Bildung") < md.index("## Priorisierung")
    fin = section(md, "## Finanzierung")
    assert "- Mehr Geld (2 Punkte) `w-01`" in fin and "- Fonds `w-03`" in fin and "w-02" not in fin
    assert md.index("## Priorisierung") < md.index("## Gruppen") < md.index("### Gruppe 1 (gelb)")
    assert "- Lärm nachts (5 Punkte) `w-02`" in md.split("### Gruppe 2 (rosa)")[1]
    assert "## Weitere Nennungen" not in md  # five cards: every cluster keeps its section


def test_priorisierung_lists_most_voted_first_with_cluster():
    prio = section(to_markdown(board_workshop()), "## Priorisierung")
    lines = [line for line in prio.splitlines() if line.strip()]
    assert lines == ["1. Lärm nachts (5 Punkte) – Sicherheit `w-02`", "2. Mehr Geld (2 Punkte) – Finanzierung `w-01`",
                     "3. Licht im Park (1 Punkt) – Sicherheit `w-04`"]


def test_big_workshops_fold_one_card_clusters_and_themes_into_weitere_nennungen():
    w = board_workshop(extra_cards=FOLD_MIN_CARDS)
    for k, card in enumerate(w.cards):
        card.theme = "Geld" if k % 2 else f"Thema {k}"
    md = to_markdown(w)
    assert "## Bildung" not in md
    assert "- Kita – Bildung `w-05`" in section(md, "## Weitere Nennungen")
    themes = md.split("## Themen")[1]
    assert "### Geld (" in themes and "### Thema 0 (1)" not in themes
    assert "- Mehr Geld (2 Punkte) – Thema 0 `w-01`" in themes.split("### Weitere Nennungen (")[1]


def test_unclustered_board_keeps_group_sections_and_old_json_reads():
    md = to_markdown(workshop())
    assert "## Gruppen" not in md and "## Priorisierung" not in md and "## Gruppe 1 (dunkelgrün)" in md


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>.jpg", "[x](javascript:alert(1)).jpg", "*fett*_.jpg"])
def test_photo_names_and_headings_cannot_inject_markdown_or_html(name):
    stem = name.rsplit(".", 1)[0]
    card = Card(f"{stem}-01", name, [(0, 0), (1, 0), (1, 1), (0, 1)], "gelb", raw_text="x", text="x",
                cluster="<b>Kopf</b>")
    w = Workshop(scans=[Scan(name, 10, 10, [card])], problems=[Problem(f"/x/{name}", "kaputt")])
    md = to_markdown(w)
    prose = re.sub(r"(`+) .*? \1|`[^`]*`", "", md)  # code spans show their text as it is: safe
    assert "<img" not in prose.replace("\\<img", "") and "<b>" not in prose.replace("\\<b\\>", "")
    assert "](" not in prose.replace("\\](", "")
    assert "## \\<b\\>Kopf\\</b\\>" in md
    assert code_span("a`b-01") == "`` a`b-01 ``"


def test_card_text_cannot_start_lists_headings_or_entities():
    assert escape_markdown("- mehr Geld") == "\\- mehr Geld" and escape_markdown("1. Platz") == "1\\. Platz"
    assert escape_markdown("# Titel") == "\\# Titel" and escape_markdown("&lt;b&gt;") == "\\&lt;b\\&gt;"
    assert escape_markdown("Geld & Zeit") == "Geld & Zeit" and escape_markdown("a_b") == "a\\_b"


def test_csv_neutralises_every_column_and_survives_semicolon_splitting():
    card = Card("=cmd-01", "=cmd.jpg", [(0, 0), (1, 0), (1, 1), (0, 1)], "@gelb", "+Gruppe", "Hallo;=1+1;x",
                "-Hallo, du", 0.5, "\tThema", cluster="=HYPERLINK(1)", votes=2, vote_colours=["rot", "grün"])
    text = to_csv(Workshop(scans=[Scan("=cmd.jpg", 10, 10, [card])]))
    row = next(csv.DictReader(io.StringIO(text)))
    for column in ("id", "photo", "colour", "group", "text", "theme", "cluster"):
        assert row[column].startswith("'"), column
    assert row["raw_text"] == "Hallo;'=1+1;x" and row["votes"] == "2" and row["vote_colours"] == "rot,grün"
    line = text.splitlines()[1]
    assert '"Hallo;\'=1+1;x"' in line and '"-Hallo, du"' not in line  # quoted, and neutralised after each ";"
    cells = next(csv.reader(io.StringIO(line), delimiter=";"))  # what German Excel does with it
    assert len(cells) == 3 and not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in cells)
    assert safe_cell("  =1+1") == "'  =1+1" and safe_cell(None) == ""


def test_outputs_replace_earlier_ones_whole(tmp_path):
    paths = write_outputs(workshop(), tmp_path)
    assert paths["markdown"].read_text(encoding="utf-8").startswith("# Thema: Verstetigung")
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["schema"] == 2
    assert not list(tmp_path.glob(".*.tmp"))


def test_themes_follow_the_card_count_rule_of_fold_themes():
    w = board_workshop(extra_cards=40)
    for k, card in enumerate(w.cards):
        card.theme = f"Thema {k % 12:02d}"  # 12 themes of 3-4 cards: about 45 cards allow 9
    themes = to_markdown(w).split("## Themen")[1]
    assert themes.count("\n### ") == 10  # nine kept themes and "Weitere Nennungen"
    assert "### Thema 00 (4)" in themes and "### Weitere Nennungen (" in themes


def _theme_of_each_line(themes_part: str) -> dict[str, str]:
    """Card id → the theme name the minutes list it under (its section, or the name beside it under
    "Weitere Nennungen")."""
    out, heading = {}, None
    for line in themes_part.splitlines():
        if line.startswith("### "):
            heading = re.sub(r" \(\d+\)$", "", line[4:])
        elif line.startswith("- "):
            card_id = re.search(r"`([^`]+)`$", line).group(1)
            beside = re.search(r" – (.+) `[^`]+`$", line)
            out[card_id] = beside.group(1) if heading == "Weitere Nennungen" and beside else heading
    return out


@pytest.mark.parametrize("max_themes", [None, "auto", 0, 3])
def test_every_card_is_listed_under_its_csv_theme(max_themes, tmp_path):
    w = board_workshop(extra_cards=40)
    for k, card in enumerate(w.cards):
        card.theme = f"Thema {k % 12:02d}" if k % 7 else f"Einzeln {k}"  # a few single-card themes
    w.cards[1].theme = w.cards[2].theme = "Sonstiges"  # no theme found for these two
    paths = write_outputs(w, tmp_path, max_themes=max_themes)
    shown = _theme_of_each_line(section(paths["markdown"].read_text(encoding="utf-8"), "## Themen"))
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"))))
    assert shown == {row["id"]: row["theme"] for row in rows}  # CSV keeps each card's own theme, as the minutes name it
    saved = Workshop.from_json(paths["json"].read_text(encoding="utf-8"))
    assert {card.id: card.theme for card in saved.cards} == shown
    folds = max_themes != 0
    assert ("### Sonstiges (2)" in paths["markdown"].read_text(encoding="utf-8")) is not folds  # folded: single mentions


def test_max_themes_overrides_the_card_count_rule():
    w = board_workshop(extra_cards=40)
    for k, card in enumerate(w.cards):
        card.theme = f"Thema {k % 12:02d}"  # 12 themes of 3-4 cards; the rule allows 9
    def sections(md: str) -> list[str]:
        return [line for line in section(md, "## Themen").splitlines() if line.startswith("### ")]

    assert len(sections(to_markdown(w, max_themes=0))) == 12  # 0: every theme, nothing folded
    assert sections(to_markdown(w, max_themes=3))[-1].startswith("### Weitere Nennungen (")
    assert len(sections(to_markdown(w, max_themes=3))) == 4 and w.to_markdown(max_themes=3) == to_markdown(w, max_themes=3)
    small = workshop()  # 5 cards: below FOLD_MIN_CARDS every theme stays, unless a number is given
    assert len(sections(to_markdown(small))) == 5 and "Weitere Nennungen" not in to_markdown(small)
    assert "### Weitere Nennungen (5)" in to_markdown(small, max_themes=2)  # single-card themes only
    with pytest.raises(BadConfig, match="Höchstzahl der Themen"):
        to_markdown(w, max_themes="viele")


def test_minutes_command_checks_max_themes_before_reading(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    photo = tmp_path / "wand.jpg"
    photo.write_bytes(b"not read")
    env = {**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = subprocess.run([sys.executable, "-m", "cardscan", "minutes", str(photo), "-o", str(tmp_path / "out"),
                          "--max-themes", "viele"], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert run.returncode == 4 and "Höchstzahl der Themen" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
