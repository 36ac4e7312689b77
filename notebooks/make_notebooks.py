"""Write the example notebooks from this one script, so they stay reviewable as code and empty of outputs.

    .venv/bin/python notebooks/make_notebooks.py

tests/test_notebooks.py runs both notebooks with nbclient and checks what they print. Each notebook's
last cell prints one line ``ERGEBNIS {json}`` with the key figures the test reads.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import json
import os
import sys
from pathlib import Path

# The repository root: the notebooks live in notebooks/, the sample photos in samples/.
ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
sys.path.insert(0, str(ROOT))
print(sys.executable)'''

FACILITATOR = [
    new_markdown_cell("""\
# Vom Pinnwand-Foto zum Protokoll

Dieses Notebook zeigt Schritt für Schritt, was `cardscan` mit den Fotos eines Workshops macht:
Fotos lesen, jede Karte einer Arbeitsgruppe (nach Kartenfarbe) und einem Thema zuordnen, und daraus
ein Protokoll in Markdown sowie Tabellen (CSV, JSON) schreiben.

Wer nicht programmieren möchte, bekommt dasselbe mit einem Befehl:

```bash
cardscan minutes samples/ -o out --legend "dunkelgrün=Gruppe 1,hellblau=Gruppe 2,…"
```"""),
    new_code_cell(SETUP),
    new_markdown_cell("""\
## 1. Die Fotos

Im Ordner `samples/` liegen drei Beispielfotos von Pinnwänden (erzeugt mit `samples/generate.py`,
damit wir wissen, was auf den Karten steht). Hier das erste, verkleinert:"""),
    new_code_cell('''\
from PIL import Image

SAMPLES = ROOT / "samples"
photos = sorted(SAMPLES.glob("pinnwand-*.jpg"))
print([p.name for p in photos])
preview = Image.open(photos[0])
preview.thumbnail((900, 900))
preview'''),
    new_markdown_cell("""\
## 2. Titel, Leitfrage und Farblegende

Welche Kartenfarbe zu welcher Arbeitsgruppe gehört, weiß nur die Moderation. Für die Beispiele
steht es in `samples/workshop.txt` (Zeilen `title: …`, `question: …`, `legend: …`)."""),
    new_code_cell('''\
info = {}
for line in (SAMPLES / "workshop.txt").read_text(encoding="utf-8").splitlines():
    if ":" in line:
        key, value = line.split(":", 1)
        info[key.strip()] = value.strip()
info'''),
    new_markdown_cell("""\
## 3. Fotos lesen

`cardscan.read_workshop` findet die Karten auf jedem Foto, liest sie (Tesseract, Deutsch), korrigiert
typische Lesefehler und Abkürzungen (QR → Quartiersrat) und ordnet jeder Karte ein Thema zu.
Die Fotos werden parallel auf allen Kernen gelesen; das dauert pro Foto ein paar Sekunden.
Für die Themen nutzen wir das Sprachmodell `minilm` (Standard; es kommt mit dem Paket, nichts wird
heruntergeladen)."""),
    new_code_cell('''\
import cardscan

ws = cardscan.read_workshop(photos, title=info["title"], question=info["question"], legend=info["legend"],
                            embedder="minilm")
print(f"{len(ws.scans)} Fotos, {len(ws.cards)} Karten, {len(ws.problems)} Probleme")'''),
    new_markdown_cell("""\
## 4. Alle Karten als Tabelle

Eine Zeile je Karte: Foto, Farbe, Gruppe, gelesener Text (`raw_text`), bereinigter Text (`text`),
Sicherheit der Texterkennung (`confidence`, 0 bis 1) und Thema. Mit pandas lässt sich weiter zählen
und filtern."""),
    new_code_cell('''\
frame = ws.cards_frame()
frame[["id", "colour", "group", "text", "confidence", "theme"]].head(12)'''),
    new_code_cell('''\
frame.groupby("group")["id"].count().rename("Karten")'''),
    new_markdown_cell("""\
## 5. Das Protokoll

`to_markdown()` schreibt das Protokoll so, wie man es von Hand zusammenfassen würde: nach Themen,
mit der Gruppe hinter jeder Karte, und am Ende eine Liste „Bitte prüfen“ mit unsicher gelesenen Karten."""),
    new_code_cell('''\
from IPython.display import Markdown

minutes = ws.to_markdown()
Markdown(minutes)'''),
    new_markdown_cell("""\
## 6. Dateien schreiben

Wie beim Befehl `cardscan minutes`: `minutes.md`, `cards.csv` und `cards.json` im Ordner `out/`."""),
    new_code_cell('''\
from cardscan.minutes import write_outputs

OUT = Path(os.environ.get("CARDSCAN_NOTEBOOK_OUT", ROOT / "out"))
paths = write_outputs(ws, OUT)
for kind, path in paths.items():
    print(f"{kind:9} {path} ({path.stat().st_size} Bytes)")'''),
    new_markdown_cell("""\
## 7. Eine Karte genauer ansehen

Wenn ein Text seltsam aussieht, hilft der Blick auf die Karte selbst: `cardscan.card_crop` schneidet
sie gerade gerückt aus dem Foto. Hier die beschriftete Karte, die am unsichersten gelesen wurde."""),
    new_code_cell('''\
card = min((c for c in ws.cards if c.text.strip()), key=lambda c: c.confidence)
print(f"{card.id}: {card.raw_text!r} → {card.text!r} (Sicherheit {card.confidence:.0%}, {card.group})")
crop = cardscan.card_crop(SAMPLES / card.photo, card.polygon)
crop'''),
    new_code_cell('''\
# Kurzfassung für den automatischen Test (tests/test_notebooks.py)
assert len(ws.scans) == len(photos) and not ws.problems
assert minutes.startswith("# ") and all(p.is_file() for p in paths.values())
print("ERGEBNIS " + json.dumps({"photos": len(ws.scans), "cards": len(ws.cards), "problems": len(ws.problems),
                               "themed": sum(c.theme is not None for c in ws.cards),
                               "files": sorted(p.name for p in paths.values()), "out": str(OUT),
                               "crop": list(crop.size)}))'''),
]

RESEARCHER = [
    new_markdown_cell("""\
# Workshops aus drei Städten vergleichen

Für Forschende: viele Workshops in einem **Korpus** (eine SQLite-Datei), dann mit pandas vergleichen,
welche Themen wo wie oft vorkommen.

Echte Daten liegen als Ordnerbaum vor, ein Ordner je Workshop mit den Fotos und einer kleinen Datei
`workshop.yaml`:

```yaml
title: "Thema: Verstetigungsprozess"
question: Wie sollte ein optimaler Verstetigungsprozess aussehen?
city: Leipzig
date: 2026-03-14
venue: Nachbarschaftshaus
topic: Quartiersmanagement
legend: gelb=Gruppe 4,orange=Gruppe 3
```

Auf der Kommandozeile: `cardscan batch fotos/ --corpus korpus.db`. Ein abgebrochener Lauf kann einfach
neu gestartet werden; schon gespeicherte Workshops werden übersprungen.

**Hinweis:** Damit das Notebook in wenigen Sekunden durchläuft (auch im automatischen Test), nutzen wir
für die Themen `embedder="tfidf"` (Wortstatistik). Für echte Auswertungen `EMBEDDER = "minilm"` setzen:
das Sprachmodell erkennt auch Karten mit anderen Worten für dasselbe Thema."""),
    new_code_cell(SETUP + '''

import tempfile

EMBEDDER = "tfidf"  # für echte Auswertungen: "minilm"
WORK = Path(tempfile.mkdtemp(prefix="cardscan-notebook-"))
TREE, DB = WORK / "fotos", WORK / "korpus.db"'''),
    new_markdown_cell("""\
## 1. Beispiel-Workshops erzeugen

Statt echter Fotos erzeugen wir drei kleine Workshops (Leipzig, Bremen, Kassel) mit je zwei
Pinnwand-Fotos. Jede Stadt bekommt andere Kartentexte, damit sich die Themen unterscheiden."""),
    new_code_cell('''\
from samples.generate import card_texts, write_board

CITIES = [("Leipzig", "2026-03-14", ["gelb", "orange"]),
          ("Bremen", "2026-05-09", ["hellblau", "gelb"]),
          ("Kassel", "2026-06-20", ["orange", "hellgrün"])]
pool = card_texts()
for i, (city, date, colours) in enumerate(CITIES):
    folder = TREE / f"{date[:7]}-{city.lower()}"
    for k in range(2):
        write_board(folder, f"pinnwand-{k + 1}", seed=500 + 10 * i + k, tier="easy", size=(2000, 1500),
                    n_cards=6, colours=colours, texts=pool[i::3])
    (folder / "workshop.yaml").write_text(
        f'title: "Verstetigung in {city}"\\n'
        "question: Wie sollte ein optimaler Verstetigungsprozess aussehen?\\n"
        f"city: {city}\\ndate: {date}\\nvenue: Stadtteilzentrum\\ntopic: Quartiersmanagement\\n"
        f"legend: {colours[0]}=Gruppe 4,{colours[1]}=Gruppe 3\\n", encoding="utf-8")
sorted(str(p.relative_to(TREE)) for p in TREE.rglob("*") if p.suffix in (".jpg", ".yaml"))'''),
    new_markdown_cell("""\
## 2. Alle Workshops in den Korpus lesen

`run_batch` liest die Fotos aller Workshops parallel (alle Kerne; mit `scheduler="tcp://…"` auf einem
Dask-Cluster), bildet die Themen je Workshop und speichert jeden Workshop mit Stadt, Datum, Ort und
Thema. Fotos, die nicht lesbar sind, stehen danach als Probleme im Korpus."""),
    new_code_cell('''\
from cardscan import Corpus
from cardscan.batch import run_batch

summary = run_batch(TREE, DB, embedder=EMBEDDER)
print(summary)
print(run_batch(TREE, DB, embedder=EMBEDDER))  # ein zweiter Lauf überspringt alles'''),
    new_code_cell('''\
corpus = Corpus(DB)
workshops = corpus.workshops()
workshops[["id", "title", "city", "date", "n_photos", "n_cards", "n_problems"]]'''),
    new_markdown_cell("""\
## 3. Alle Karten, und Themenanteile je Stadt

`corpus.cards()` ist eine Zeile je Karte über alle Workshops, mit Stadt und Datum.
`theme_shares(by="city")` zeigt je Stadt, welcher Anteil der Karten zu welchem Thema gehört
(jede Zeile ergibt 1)."""),
    new_code_cell('''\
cards = corpus.cards()
cards[["city", "group", "text", "theme"]].head(10)'''),
    new_code_cell('''\
shares = corpus.theme_shares(by="city")
shares.round(2)'''),
    new_markdown_cell("""\
## 4. Zwei Workshops vergleichen

`compare(a, b)` listet die Themen, die nur in einem der beiden Workshops vorkommen, mit der Zahl der
Karten und einem Beispieltext."""),
    new_code_cell('''\
a, b = int(workshops["id"].iloc[0]), int(workshops["id"].iloc[1])  # int(): Korpus-Ids als Python-Zahlen
print(workshops.set_index("id").loc[[a, b], "city"].tolist())
difference = corpus.compare(a, b)
difference'''),
    new_markdown_cell("""\
## 5. Heatmap

Dieselben Anteile als Bild: dunkler = mehr Karten dieses Themas in dieser Stadt."""),
    new_code_cell('''\
from IPython.display import Image

# plot_theme_heatmap gibt eine matplotlib-Figure zurück (ohne pyplot): speichern und anzeigen
fig = corpus.plot_theme_heatmap(by="city")
fig.savefig(WORK / "themen-nach-stadt.png", dpi=120)
Image(filename=WORK / "themen-nach-stadt.png")'''),
    new_code_cell('''\
# Kurzfassung für den automatischen Test (tests/test_notebooks.py), dann aufräumen
import shutil

assert summary.added == len(CITIES) and len(workshops) == len(CITIES)
assert shares.shape[0] == len(CITIES) and abs(shares.sum(axis=1) - 1).max() < 1e-9
print("ERGEBNIS " + json.dumps({"workshops": len(workshops), "cities": sorted(workshops["city"]),
                               "cards": len(cards), "shares_shape": list(shares.shape),
                               "compare_columns": list(difference.columns),
                               "compare_rows": len(difference),
                               "heatmap_png": (WORK / "themen-nach-stadt.png").stat().st_size}))
corpus.close()
shutil.rmtree(WORK)'''),
]


def build(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating gives no diff
    return nb


NOTEBOOKS = {"01-facilitator-walkthrough.ipynb": FACILITATOR, "02-researcher-compare-cities.ipynb": RESEARCHER}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print(HERE / name)


if __name__ == "__main__":
    main()
