"""The scan JSON: schema 2 fields round-trip, older files still read, no structure means defaults."""
import json

from cardscan.workshop import SCHEMA_VERSION, Card, Cluster, Heading, Scan, Workshop

POLY = [(0, 0), (10, 0), (10, 5), (0, 5)]


def structured_scan() -> Scan:
    cards = [Card("b-01", "b.jpg", POLY, "gelb", raw_text="Geld", text="Geld", cluster="Finanzierung", votes=3,
                  vote_colours=["rot", "rot", "grün"]),
             Card("b-02", "b.jpg", POLY, "gelb", raw_text="Ort", text="Ort")]
    headings = [Heading("b-h01", [(0, -20), (30, -20), (30, -8), (0, -8)], "Finanzierung", "Finanzierunq",
                        source="marker", confidence=0.8)]
    return Scan("b.jpg", 100, 80, cards, headings=headings,
                clusters=[Cluster("Finanzierung", "b-h01"), Cluster("Cluster 2")])


def test_scan_json_carries_schema_structure_and_round_trips():
    scan = structured_scan()
    d = scan.to_dict()
    assert d["schema"] == SCHEMA_VERSION == 2
    assert d["cards"][0]["cluster"] == "Finanzierung" and d["cards"][0]["votes"] == 3
    assert d["cards"][0]["vote_colours"] == ["rot", "rot", "grün"]
    assert d["cards"][1]["cluster"] is None and d["cards"][1]["votes"] == 0
    assert d["headings"][0]["kind"] == "heading" and d["headings"][0]["source"] == "marker"
    assert d["clusters"] == [{"name": "Finanzierung", "heading": "b-h01"}, {"name": "Cluster 2", "heading": None}]
    again = Scan.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d
    assert again.headings[0].raw_text == "Finanzierunq" and again.cards[0].vote_colours == ["rot", "rot", "grün"]


def test_schema_1_json_reads_without_the_new_fields():
    old = {"image": "a.jpg", "width": 10, "height": 10, "mode": "cards",
           "cards": [{"id": "a-01", "raw_text": "x", "text": "x", "colour": "gelb", "group": None,
                      "polygon": [[0, 0], [1, 0], [1, 1], [0, 1]], "confidence": 0.5, "theme": None,
                      "edits": [], "kind": "card"}]}
    scan = Scan.from_dict(old)
    assert scan.headings == [] and scan.clusters == []
    card = scan.cards[0]
    assert card.cluster is None and card.votes == 0 and card.vote_colours == []
    workshop = Workshop.from_json(json.dumps({"title": "T", "photos": [old]}))
    assert workshop.cards[0].id == "a-01" and workshop.to_dict()["schema"] == SCHEMA_VERSION


def test_workshop_json_round_trip_keeps_structure():
    w = Workshop(title="T", scans=[structured_scan()])
    again = Workshop.from_json(w.to_json())
    assert again.to_dict() == w.to_dict()
    assert again.scans[0].clusters[0].heading == "b-h01"


def test_minutes_imports_workshop_for_type_hints_only():
    """minutes <-> workshop was an import cycle (issue 16); the JSON now lives with the dataclasses."""
    import ast
    import inspect

    import cardscan.minutes
    import cardscan.workshop

    def runtime_imports(module):
        tree = ast.parse(inspect.getsource(module))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                node.body = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
        return names

    assert "cardscan.workshop" not in runtime_imports(cardscan.minutes)
