"""The `cardscan` command. Thin: parse arguments, call cardscan.api, print one line per problem.

Exit status: 0 all inputs worked, 1 some inputs failed (each named, the rest written),
2 usage error, 3 missing Tesseract, 4 bad configuration, 5 a file or folder cannot be written or read
(no permission, disk full). User errors never show a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cardscan import __version__
from cardscan.exceptions import CardscanError, ExitCode


def _add_embedder_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--embedder", default=None,
                   help="Einbettungsmodell für Themen (Standard: e5+compounds, gemessen mit bench/themes_eval.py; "
                        "auch minilm, tfidf, oder Pfad zu einem sentence-transformers-Modell)")


def _add_theme_options(p: argparse.ArgumentParser, minutes: bool = False) -> None:
    """--catalogue, --learned and --max-themes: what the themes of `minutes` and `themes` are made from.
    In `minutes`, --max-themes is how many themes the minutes show (cards.csv/json keep every card's theme)."""
    p.add_argument("--catalogue", help="eigener Themenkatalog (YAML)")
    p.add_argument("--learned", metavar="DATEI_ODER_ORDNER", nargs="?", const="",
                   help="was Korrekturen früherer Workshops gelehrt haben (von 'cardscan learn'; Ordner = neueste Version; "
                        "ohne Angabe: der Ordner learned im Datenordner, siehe 'cardscan learn --data')")
    if minutes:
        p.add_argument("--max-themes", default="auto", metavar="ZAHL",
                       help="höchstens so viele Themen im Protokoll; Karten der übrigen und der Themen mit einer Karte "
                            "stehen unter „Weitere Nennungen“, jede mit ihrem Thema (auto: nach Kartenzahl, 40 Karten → 8, "
                            "Standard; 0: alle); cards.csv und cards.json behalten das Thema jeder Karte")
    else:
        _add_max_themes_option(p)


def _add_max_themes_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-themes", default="0", metavar="ZAHL",
                   help="höchstens so viele Themen; Karten der Themen mit einer Karte und der übrigen bekommen "
                        "das Thema „Weitere Nennungen“ (auto: nach Kartenzahl, 40 Karten → 8; 0: alle, Standard)")


def _max_themes(args: argparse.Namespace):
    """auto, or a whole number of 0 or more (BadConfig otherwise, from cardscan.themes)."""
    value = args.max_themes.strip().lower()
    return int(value) if value.isdigit() else value


def _add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, metavar="ORDNER",
                   help="Datenordner (Standard: $CARDSCAN_DATA, sonst ~/.local/share/cardscan bzw. der Ordner "
                        "des Betriebssystems für Benutzerdaten)")


def _learned(args: argparse.Namespace):
    """--learned without a value: the learned folder of the user's data folder (cardscan.resources)."""
    if args.learned == "":
        from cardscan.resources import learned_dir

        return learned_dir()
    return args.learned


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--legend", help='Farbe=Gruppe, durch Komma getrennt, z. B. "gelb=Gruppe 4,orange=Gruppe 3"')
    p.add_argument("--mode", choices=["auto", "cards", "whiteboard"], default="auto",
                   help="Karten an der Pinnwand, Whiteboard-Zeilen, oder automatisch (Standard)")
    _add_ocr_option(p)


def _add_ocr_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ocr", default=None, choices=["ppocr", "tesseract"],
                   help="Texterkennung (Standard: ppocr; tesseract braucht das Debian-Paket tesseract-ocr-deu)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cardscan", description="Fotos von Moderationskarten und Whiteboards → Protokoll.")
    parser.add_argument("--version", action="version", version=f"cardscan {__version__}")
    parser.add_argument("--debug", action="store_true", help="bei internen Fehlern den ganzen Traceback zeigen")
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")
    sub.required = True

    p = sub.add_parser("minutes", help="Fotos eines Workshops lesen und Protokoll schreiben (minutes.md, cards.csv, cards.json)")
    p.add_argument("inputs", nargs="+", metavar="FOTO_ODER_ORDNER")
    p.add_argument("-o", "--out", required=True, metavar="ORDNER", help="Ausgabeordner")
    p.add_argument("--title", default="Workshop", help="Thema/Titel des Workshops")
    p.add_argument("--question", default="", help="Leitfrage des Workshops")
    _add_reading_options(p)
    _add_embedder_option(p)
    _add_theme_options(p, minutes=True)
    p.add_argument("--no-themes", action="store_true", help="keine Themen bilden")
    p.add_argument("--original-abbreviations", action="store_true", help="Abkürzungen (QR, QM …) im Protokoll nicht ausschreiben")
    p.add_argument("--workers", type=int, default=None, help="parallele Prozesse (Standard: alle Kerne)")
    p.set_defaults(func=cmd_minutes)

    p = sub.add_parser("scan", help="ein Foto lesen und das Ergebnis ausgeben")
    p.add_argument("photo", metavar="FOTO")
    p.add_argument("--json", action="store_true", help="Ergebnis als JSON (stabiles Format)")
    _add_reading_options(p)
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("normalise", help="Text zeilenweise normalisieren (Datei oder Standardeingabe)")
    p.add_argument("file", nargs="?", default="-", metavar="DATEI")
    p.add_argument("--keep-abbreviations", action="store_true", help="Abkürzungen nicht ausschreiben")
    p.add_argument("--edits", action="store_true", help="Änderungen als JSON-Zeilen ausgeben")
    p.set_defaults(func=cmd_normalise)

    p = sub.add_parser("themes", help="Texte (Zeilen einer Datei oder eine CSV-Spalte) Themen zuordnen")
    p.add_argument("file", metavar="DATEI")
    p.add_argument("--column", help="Spalte mit dem Text (bei CSV)")
    _add_theme_options(p)
    _add_embedder_option(p)
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("learn", help="aus Themenkorrekturen (themen-korrekturen.json) lernen, für spätere Workshops")
    p.add_argument("corrections", metavar="KORREKTUREN_JSON",
                   help="Datei mit Themenentscheidungen, z. B. cardscan-daten/themen-korrekturen.json")
    p.add_argument("-o", "--out", default=None, metavar="ORDNER",
                   help="Ordner für die Versionen themes-v<N>.joblib (Standard: learned im Datenordner)")
    _add_data_option(p)
    p.add_argument("--model", default="e5", choices=["e5", "none"],
                   help="Merkmale des Klassifikators: Buchstabenfolgen und e5-Vektoren (Standard) oder nur Buchstabenfolgen")
    p.set_defaults(func=cmd_learn)

    p = sub.add_parser("eval", help="Erkennung gegen Ground Truth bewerten (Karten, Farbe, CER/WER; Cluster, Punkte)")
    p.add_argument("inputs", nargs="+", metavar="SCAN_JSON_ODER_FOTO", help="Scan-JSON-Dateien oder Fotos (werden gelesen)")
    p.add_argument("--truth", required=True, metavar="ORDNER", help="Ordner mit <foto>.truth.json")
    p.add_argument("--json", metavar="DATEI", help="Bericht zusätzlich als JSON schreiben")
    p.add_argument("--workers", type=int, default=None)
    p.set_defaults(func=cmd_eval)

    _add_batch_and_serve(sub)
    return parser


def _add_batch_and_serve(sub) -> None:
    """The two commands for many workshops: `batch` into a corpus, `serve` the web page (keeps build_parser short)."""
    p = sub.add_parser("batch", help="viele Workshops (je ein Ordner mit workshop.yaml) in einen Korpus lesen; "
                                     "schon gelesene werden übersprungen")
    p.add_argument("tree", metavar="ORDNER", help="Ordner mit einem Unterordner je Workshop (Fotos + workshop.yaml)")
    p.add_argument("--corpus", required=True, metavar="DATEI", help="Korpus-Datei (SQLite), wird angelegt wenn nötig")
    p.add_argument("--workers", type=int, default=None, help="parallele Prozesse (Standard: alle Kerne)")
    p.add_argument("--scheduler", metavar="ADRESSE",
                   help='Dask statt lokaler Prozesse: "local" oder eine Adresse wie tcp://rechner:8786')
    _add_ocr_option(p)
    _add_embedder_option(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("serve", help="die Web-Seite für Moderatorinnen starten: Fotos hochladen, prüfen, "
                                     "korrigieren, Protokoll herunterladen")
    p.add_argument("--data", default="cardscan-daten", metavar="ORDNER",
                   help="Ordner für Korpus, Fotos und Korrekturen (Standard: ./cardscan-daten)")
    p.add_argument("--port", type=int, default=8765, help="Port (Standard: 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="Adresse (Standard: nur dieser Rechner); andere Adressen brauchen --password")
    p.add_argument("--password", default=None, help="Passwort für die Seite (auch über CARDSCAN_PASSWORD)")
    p.add_argument("--behind-proxy", action="store_true",
                   help="hinter einem Reverse-Proxy mit HTTPS betreiben (siehe docs/web.md); braucht --password")
    p.set_defaults(func=cmd_serve)


def say(message: object) -> None:
    """One line on stderr, always: a file name may hold a line break (it is shown as \\n)."""
    from cardscan._files import readable_path

    text = readable_path(str(message)).replace("\r", "\\r").replace("\n", "\\n")
    print(f"cardscan: {text}", file=sys.stderr)


def _progress_enabled() -> bool:
    return sys.stderr.isatty()


def cmd_minutes(args: argparse.Namespace) -> int:
    from cardscan.api import read_workshop
    from cardscan.minutes import write_outputs
    from cardscan.themes.folding import check_max_themes

    max_themes = check_max_themes(_max_themes(args))  # before reading: a typo must not cost the reading
    workshop = read_workshop(args.inputs, title=args.title, question=args.question, legend=args.legend,
                             progress=_progress_enabled(), themes=not args.no_themes, embedder=args.embedder,
                             catalogue=args.catalogue, mode=args.mode, ocr=args.ocr, workers=args.workers,
                             learned=_learned(args), on_problem=say)
    if not workshop.scans:
        print("cardscan: kein Foto konnte gelesen werden; nichts geschrieben", file=sys.stderr)
        return ExitCode.some_inputs_failed
    paths = write_outputs(workshop, args.out, expanded=not args.original_abbreviations, max_themes=max_themes)
    n_cards = len(workshop.cards)
    n_photos = len(workshop.scans)
    print(f"{n_cards} {'Karte' if n_cards == 1 else 'Karten'} aus {n_photos} {'Foto' if n_photos == 1 else 'Fotos'}"
          f" → {', '.join(str(p) for p in paths.values())}")
    return ExitCode.some_inputs_failed if workshop.problems else ExitCode.ok


def cmd_scan(args: argparse.Namespace) -> int:
    from cardscan.api import read_photo

    reading = read_photo(args.photo, legend=args.legend, mode=args.mode, ocr=args.ocr)
    for problem in reading.problems:  # e.g. a greyscale photo: colours cannot be known
        say(problem)
    scan = reading.scan
    if args.json:
        print(json.dumps(scan.to_dict(), ensure_ascii=False, indent=2))
    else:
        for card in scan.cards:
            print(f"{card.id}\t{card.colour or '?'}\t{round(card.confidence * 100):3d} %\t{' '.join(card.text.split())}")
    return ExitCode.ok


# What one call can take: `normalise` streams line by line; `themes` compares every text with every
# other (1,000 cards take ~17 s, bench/themes_speed.py), so it takes a few workshops, not a corpus.
NORMALISE_MAX_LINES = 200_000
THEMES_MAX_LINES = 5_000


def cmd_normalise(args: argparse.Namespace) -> int:
    from cardscan.load import decode_line
    from cardscan.normalise import normalise_lines

    if args.file == "-":  # bytes, decoded per line: a Latin-1 pipe must not stop the stream
        lines = (decode_line(raw.rstrip(b"\r\n")) for raw in sys.stdin.buffer)
    else:
        lines = iter(_read_text_input(args.file, NORMALISE_MAX_LINES).lines)
    for result in normalise_lines(lines, expand_abbreviations=not args.keep_abbreviations):
        if args.edits:
            print(json.dumps({"text": result.text, "edits": [e.to_dict() for e in result.edits]}, ensure_ascii=False))
        else:
            print(result.text)
    return ExitCode.ok


def cmd_themes(args: argparse.Namespace) -> int:
    from cardscan.themes import assign_file

    _read_text_input(args.file, THEMES_MAX_LINES, what="Zeilen für Themen")  # binary or huge: one line, at once
    for text, theme in assign_file(args.file, column=args.column, catalogue=args.catalogue, embedder=args.embedder,
                                   learned=_learned(args), max_themes=_max_themes(args)):
        print(f"{theme}\t{text}")
    return ExitCode.ok


def cmd_learn(args: argparse.Namespace) -> int:
    from cardscan.exceptions import BadInputFile
    from cardscan.themes import train_from_corrections

    if not Path(args.corrections).is_file():
        raise BadInputFile(args.corrections, "Datei nicht gefunden")
    saved = train_from_corrections(args.corrections, args.out, data=args.data,
                                   model=None if args.model == "none" else args.model)
    info = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
    print(f"{info['n_examples']} Entscheidungen zu {len(info['themes'])} Themen gelernt → {saved} "
          f"(mit --learned {saved.parent} nutzen)")
    return ExitCode.ok


def cmd_eval(args: argparse.Namespace) -> int:
    from cardscan.api import read_workshop
    from cardscan.evaluate import Evaluation, format_table, load_truths
    from cardscan.exceptions import BadInputFile
    from cardscan.workshop import Scan

    truths = load_truths(args.truth)
    if not truths:
        raise BadInputFile(args.truth, "enthält keine *.truth.json-Dateien")
    scans: list[Scan] = []
    photos = []
    for item in args.inputs:
        path = Path(item)
        if path.suffix == ".json":
            try:
                scans.append(Scan.from_dict(json.loads(_read_text_input(item).text)))
            except (ValueError, KeyError, TypeError) as exc:
                raise BadInputFile(path, f"ist keine Scan-JSON-Datei von 'cardscan scan --json' ({exc})") from None
        else:
            photos.append(path)
    if photos:
        workshop = read_workshop(photos, themes=False, progress=_progress_enabled(), workers=args.workers,
                                 on_problem=say)
        scans.extend(workshop.scans)
    evaluation = Evaluation()
    for scan in scans:
        if scan.image in truths:
            evaluation.add_photo(scan, truths[scan.image])
        else:
            say(f"{scan.image}: keine Ground Truth gefunden, übersprungen")
    read = {scan.image for scan in scans}
    for photo in photos:  # a photo that failed to read still counts: all its cards were missed
        if photo.name in truths and photo.name not in read:
            evaluation.add_photo(Scan(photo.name, 0, 0, []), truths[photo.name])
    report = evaluation.report()
    print(format_table(report))
    from cardscan.evaluate import format_structure_table, structure_report  # headings, clusters, votes (issue 17)
    if structure := structure_report(scans, truths):
        report["structure"] = structure
        print("\n" + format_structure_table(structure))
    if args.json:
        from cardscan._files import write_text_atomic

        write_text_atomic(args.json, json.dumps(report, indent=2, ensure_ascii=False))
    return ExitCode.ok


def cmd_batch(args: argparse.Namespace) -> int:
    from cardscan.batch import run_batch

    summary = run_batch(args.tree, args.corpus, workers=args.workers, scheduler=args.scheduler,
                        progress=_progress_enabled(), embedder=args.embedder, ocr=args.ocr,
                        on_problem=say)
    print(f"{summary} → {args.corpus}")
    return ExitCode.some_inputs_failed if summary.problems else ExitCode.ok


def _read_text_input(path: str, max_lines: int | None = None, what: str = "Zeilen"):
    """The whole text file, checked (encoding, binary, size, lines); a non-UTF-8 file gets a note."""
    from cardscan.load import read_text

    text = read_text(path, max_lines=max_lines, what=what)
    if text.note:
        say(f"{text.path}: {text.note}")
    return text


def cmd_serve(args: argparse.Namespace) -> int:
    from cardscan.web import serve

    try:
        serve(args.data, host=args.host, port=args.port, password=args.password, behind_proxy=args.behind_proxy)
    except KeyboardInterrupt:
        pass
    return ExitCode.ok


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CardscanError as exc:
        say(exc)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("cardscan: abgebrochen", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `cardscan scan … | head`: the reader has what it wanted; not our bug
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except OSError as exc:
        if not exc.filename:  # no file named: not the user's file system, our bug
            return _internal_error(exc, args.debug)
        from cardscan.exceptions import FileAccessError

        error = FileAccessError(exc)
        say(error)
        return int(error.exit_code)
    except Exception as exc:  # our bug: one line, unless --debug
        return _internal_error(exc, args.debug)


def _internal_error(exc: Exception, debug: bool) -> int:
    if debug:
        raise exc
    say(f"interner Fehler ({type(exc).__name__}: {exc}); mit --debug erneut ausführen und melden")
    return int(ExitCode.internal)
