"""Theme catalogue module: the default catalogue's content rules, and that reading it stays light.

Reading, errors and keyword matching are also tested through cardscan.themes in test_themes.py.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import cardscan.themes
from cardscan.themes import catalogue as theme_catalogue
from cardscan.themes.catalogue import Theme, keyword_hits, load_catalogue

ROOT = Path(__file__).resolve().parent.parent


def _folded(text: str) -> str:
    return " ".join(text.replace("|", " ").split()).casefold().strip(" ?!.")


def test_names_are_the_same_objects_through_cardscan_themes():
    for name in ("Theme", "load_catalogue", "keyword_hits", "DEFAULT_CATALOGUE"):
        assert getattr(cardscan.themes, name) is getattr(theme_catalogue, name), name


def test_default_catalogue_covers_the_fields_handlungsfelder():
    names = {t.name for t in load_catalogue()}
    assert {"Wohnen & Mieten", "Bildung & Sprache", "Gesundheit & Sport", "Nachbarschaftshilfe",
            "Integration & Vielfalt", "Soziale Beratung", "Lokale Ökonomie", "Ziele & Evaluation"} <= names


def test_no_keyword_belongs_to_two_themes():
    """A word on two themes would add the same bonus to both and decide nothing."""
    owner: dict[str, str] = {}
    for theme in load_catalogue():
        for keyword in theme.keywords:
            assert owner.setdefault(keyword.casefold(), theme.name) == theme.name, (keyword, theme.name)


def test_examples_are_not_copied_from_the_sample_or_labelled_cards():
    """The catalogue is written from domain knowledge; the cards of bench/data are what it is measured on."""
    cards = {_folded(line) for line in (ROOT / "samples" / "card_texts.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    with open(ROOT / "bench" / "data" / "themes-labelled.csv", encoding="utf-8", newline="") as handle:
        cards |= {_folded(row["text"]) for row in csv.DictReader(r for r in handle if not r.startswith("#"))}
    copied = [(t.name, e) for t in load_catalogue() for e in t.examples if _folded(e) in cards]
    assert not copied and len(cards) > 200


def test_generic_words_are_not_keywords_that_match_everywhere():
    """Keywords that looked useful but matched inside unrelated words were taken out: "Garten" hit
    "Kindergarten", "Hilfe" hit "Jugendhilfe", "bleiben" any card with "bleibt", "Wohnen" "Bewohner"."""
    themes = {t.name: t for t in load_catalogue()}
    assert keyword_hits("Kindergarten im Kiez", themes["Wohnumfeld"]) == []
    assert keyword_hits("Jugendhilfe vor Ort", themes["Nachbarschaftshilfe"]) == []
    assert keyword_hits("Der Quartiersrat bleibt", themes["Verstetigung"]) == []
    # substrings of everyday compounds: Be*wohn*er, *Stadt*teil, Zusammen*arbeit*, Stadt*teil*, Aus*bildung*
    assert keyword_hits("Bewohner fragen", themes["Wohnen & Mieten"]) == []
    assert keyword_hits("Stadtteilzentrum", themes["Verwaltung & Politik"]) == []
    assert keyword_hits("Zusammenarbeit der Träger", themes["Lokale Ökonomie"]) == []
    assert keyword_hits("Stadtteilfest", themes["Nachbarschaftshilfe"]) == []
    assert keyword_hits("Fortbildung für Ehrenamtliche", themes["Bildung & Sprache"]) == []
    assert keyword_hits("Sprachförderung", themes["Finanzierung"]) == []
    assert {"Finanzierung", "Fonds", "Verfügungsfonds"} <= set(
        keyword_hits("Anschlussfinanzierung aus dem Verfügungsfonds", themes["Finanzierung"]))


def test_document_names_the_theme_first():
    assert Theme("Geld", "Fördermittel", ("Fonds", "Budget")).document() == "Geld: Fördermittel Fonds, Budget"


def test_reading_the_catalogue_loads_no_heavy_library():
    code = ("import sys; from cardscan.themes.catalogue import load_catalogue; load_catalogue(); "
            "print(sorted(m for m in ('numpy', 'sklearn', 'torch', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
