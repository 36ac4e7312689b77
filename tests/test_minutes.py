import csv
import io
import json

from cardscan.minutes import escape_markdown, safe_cell, to_csv, to_markdown
from cardscan.workshop import Card, Edit, Problem, Scan, Workshop


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
    assert len(frame) == 5 and frame.loc[2, "confidence"] == 0.42
