"""The Python entry points, for Jupyter and for the CLI: photos in, `Scan` / `Workshop` out.

`scan_photo` reads one photo (detect → ocr → normalise); `read_workshop` does a batch over
both cores and then themes all cards together, since themes only make sense across a
workshop. Bad photos become `Problem`s on the Workshop; they never stop the batch.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cardscan._files import readable_path
from cardscan.colour import parse_legend
from cardscan.exceptions import BadInputFile, CardscanError, MissingDependency, NoCardsFound
from cardscan.load import expand_inputs, load_photo
from cardscan.workshop import Card, Problem, Scan, Workshop

GREYSCALE_PROBLEM = ("Foto ist schwarzweiß: Kartenfarben und damit Gruppen lassen sich nicht erkennen "
                     "(bitte ein Farbfoto verwenden)")


@dataclass
class PhotoReading:
    """What reading one photo gave: its Scan (None when it could not be read) and what people should
    know about it: why it failed, or why part of it cannot be trusted (a greyscale photo's colours)."""

    path: Path
    scan: Scan | None
    problems: list[Problem] = field(default_factory=list)


def scan_photo(path: str | Path, *, legend: str | dict[str, str] | None = None, mode: str = "auto",
               ocr: str | None = None, expand_abbreviations: bool = True,
               lexicon: str | Path | None = None) -> Scan:
    """Read one photo into a Scan (no themes). Raises BadInputFile / NoCardsFound for unusable photos.

    mode: "cards" (pinboard), "whiteboard" (lines of marker text) or "auto" (cards, else whiteboard).
    ocr: the engine for cards, "ppocr" (default) or "tesseract" (cardscan.ocr.get_reader).
    lexicon: a learned lexicon file (facilitators' corrections, see normalise.learn_correction).
    A greyscale photo's cards get no colour and no group (see `read_photo` for the note saying so).
    """
    return read_photo(path, legend=legend, mode=mode, ocr=ocr, expand_abbreviations=expand_abbreviations,
                      lexicon=lexicon).scan


def read_photo(path: str | Path, *, legend: str | dict[str, str] | None = None, mode: str = "auto",
               ocr: str | None = None, expand_abbreviations: bool = True,
               lexicon: str | Path | None = None) -> PhotoReading:
    """`scan_photo` with its notes: a greyscale photo of cards is read, but says that its colours
    (and so groups) cannot be known, instead of calling every card "weiß". Raises like scan_photo."""
    from cardscan.detect import CardDetector
    from cardscan.normalise import board_language, normalise_board
    from cardscan.ocr import get_reader
    from cardscan.structure import find_dots, find_structure, mask_dots, read_board_page, reads_marker_headings

    photo = load_photo(path)
    legend = parse_legend(legend)
    reader = get_reader(ocr)
    cards: list[Card] = []
    used_mode = mode
    if mode in ("auto", "cards"):
        detected = CardDetector().detect(photo.rgb)
        # Sticky dots are counted first and painted out of the crops: read, a row of dots is "Q●●OO".
        dots = [find_dots(photo.rgb, d.polygon, d.colour) for d in detected]
        readings = reader.read([mask_dots(d.crop, found) for d, found in zip(detected, dots)])
        stem = photo.path.stem
        for i, (det, reading, found) in enumerate(zip(detected, readings, dots), start=1):
            cards.append(Card(id=f"{stem}-{i:02d}", photo=photo.name,
                              polygon=[(int(round(x)), int(round(y))) for x, y in det.polygon],
                              colour=det.colour, group=legend.get(det.colour) if det.colour else None,
                              raw_text=reading.text, confidence=reading.confidence,
                              votes=len(found), vote_colours=[dot.colour for dot in found]))
        used_mode = "cards"
    if not cards and mode in ("auto", "whiteboard"):
        from cardscan.whiteboard import read_whiteboard

        cards = read_whiteboard(photo, reader)
        used_mode = "whiteboard"
    if not cards:
        raise NoCardsFound(photo.path)
    problems: list[Problem] = []
    if used_mode == "cards" and photo.greyscale:
        for card in cards:
            card.colour = card.group = None
        problems.append(Problem(readable_path(photo.path), GREYSCALE_PROBLEM))
    # The board around the cards is read now, before the normaliser loads its tables: that page read is
    # the scan's memory peak, and the two together made a 12 MP photo peak ~400 MB higher.
    wants_page = used_mode == "cards" and reads_marker_headings(cards, reader)
    page = read_board_page(photo.rgb, cards, reader) if wants_page else None
    lexicon = lexicon if lexicon and Path(lexicon).is_file() else None  # nothing learnt yet: the plain tables
    language = board_language([c.raw_text for c in cards])  # once: the cards and the headings are normalised in it
    board = normalise_board([c.raw_text for c in cards], expand_abbreviations=expand_abbreviations, lexicon=lexicon,
                            language=language)
    for card, result in zip(cards, board):  # one language for the photo's cards (English boards keep theirs)
        card.text, card.edits = result.text, list(result.edits)
    scan = Scan(image=photo.name, width=photo.width, height=photo.height, cards=cards, path=photo.path, mode=used_mode)
    scan = find_structure(photo.rgb, scan, reader=reader, votes=False, page=page, language=language)  # headings
    return PhotoReading(photo.path, scan, problems)


def scan_or_problem(args: tuple[Path, dict[str, str], str, str | None]) -> PhotoReading:
    """One photo, maybe in a worker: a bad photo becomes a problem; a missing Tesseract stops the batch.

    Public because `read_workshop` and `batch.run_batch` both hand it to their pools.
    """
    path, legend, mode, ocr = args
    try:
        return read_photo(path, legend=legend, mode=mode, ocr=ocr)
    except MissingDependency as exc:
        raise MissingDependency(str(exc)) from None  # plain message: survives pickling back from the worker
    except CardscanError as exc:
        return PhotoReading(Path(path), None, [Problem(readable_path(path), getattr(exc, "problem", str(exc)))])
    except Exception as exc:  # noqa: BLE001 - a photo that trips a bug must not cost the other photos
        message = f"konnte nicht gelesen werden (interner Fehler {type(exc).__name__}: {exc})"
        return PhotoReading(Path(path), None, [Problem(readable_path(path), message)])


def unique_card_ids(scans: list[Scan]) -> None:
    """Give the cards of photos that share a stem (board1.jpg, board1.png) ids that differ.

    Card ids are "<photo stem>-<number>", so two such photos would both have board1-01; corrections,
    the corpus and the web page's URLs name cards by id. The first photo keeps its ids, a later one
    gets "<stem>-<suffix>" (board1-png-01), counted on if even that is taken. Changes cards in place.
    """
    seen: set[str] = set()
    for scan in scans:
        ids = [card.id for card in scan.cards]
        if any(i in seen for i in ids) or len(set(ids)) < len(ids):
            stem = Path(scan.image).stem
            base = f"{stem}-{Path(scan.image).suffix.lstrip('.').lower() or 'foto'}"
            prefix, n = base, 1
            while True:
                new = [f"{prefix}{i[len(stem):]}" if i.startswith(stem) else f"{prefix}-{i}" for i in ids]
                if not (set(new) & seen) and len(set(new)) == len(new):
                    break
                n += 1
                prefix = f"{base}{n}"
                if n > 1000:  # ids repeat within the photo itself: number them
                    new = [f"{base}-{k:02d}" for k in range(1, len(ids) + 1)]
                    break
            for card, card_id in zip(scan.cards, new):
                card.id = card_id
            ids = new
        seen.update(ids)


def read_workshop(paths: str | Path | Iterable[str | Path], *, title: str = "Workshop", question: str = "",
                  legend: str | dict[str, str] | None = None, progress: bool = False, themes: bool = True,
                  embedder: str | None = None, catalogue: str | Path | None = None, mode: str = "auto",
                  ocr: str | None = None, workers: int | None = None, learned: str | Path | None = None,
                  max_themes: int | str = 0, on_problem: Callable[[Problem], None] | None = None, **metadata: str) -> Workshop:
    """Photos or folders in, a themed Workshop out. Bad photos are listed in `workshop.problems`.

    learned: what earlier workshops' theme corrections taught (``cardscan learn``; file or folder).
    max_themes: 0 keeps every card's theme (minutes fold for display); a number or "auto" folds the themes
    themselves to "Weitere Nennungen" (cardscan.themes.folding).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    legend_map = parse_legend(legend)
    if themes:
        from cardscan.themes import check_settings

        check_settings(embedder, catalogue, learned, max_themes)
    photo_paths, missing = expand_inputs(list(paths))
    workshop = Workshop(title=title, question=question, legend=legend_map, metadata=dict(metadata))
    for err in missing:
        _report(workshop, Problem(err.path, err.problem), on_problem)
    jobs = [(p, legend_map, mode, ocr) for p in photo_paths]
    workers = worker_count(workers, len(jobs))
    results: Iterable[PhotoReading]
    if workers > 1:
        pool = start_pool(workers)
        results = pool.map(scan_or_problem, jobs)
    else:
        pool = None
        results = map(scan_or_problem, jobs)
    try:
        from tqdm import tqdm

        for result in tqdm(results, total=len(jobs), desc="Fotos lesen", unit="Foto", disable=not progress or None):
            for problem in result.problems:
                _report(workshop, problem, on_problem)
            if result.scan is not None:
                workshop.scans.append(result.scan)
    finally:
        if pool is not None:
            pool.shutdown()
    unique_card_ids(workshop.scans)
    if themes and workshop.cards:
        assign_themes(workshop, embedder=embedder, catalogue=catalogue, learned=learned, max_themes=max_themes)
    return workshop


def assign_themes(workshop: Workshop, *, embedder: str | None = None, catalogue: str | Path | None = None,
                  corrections: str | Path | None = None, learned: str | Path | None = None,
                  workshop_id: str | int | None = None, max_themes: int | str = 0) -> None:
    """Give every card a theme, looking at all cards of the workshop together.

    corrections: the facilitators' theme decisions (themes.record_correction), learnt on the fly.
    learned: a model saved by themes.train_from_corrections from earlier workshops (file or folder).
    workshop_id: this workshop's id in ``corrections``, so decisions made for others count as earlier ones.
    max_themes: see ThemeModel (cards of single-card themes and of themes beyond it: "Weitere Nennungen").
    """
    from cardscan.themes import ThemeModel

    cards = [c for c in workshop.cards if c.text.strip()]
    if not cards:
        return
    corrections = corrections if corrections and Path(corrections).is_file() else None
    model = ThemeModel(catalogue=catalogue, embedder=embedder, corrections=corrections, learned=learned,
                       workshop=None if workshop_id is None else str(workshop_id), max_themes=max_themes)
    for card, theme in zip(cards, model.fit_assign([c.text for c in cards])):
        card.theme = theme


def card_crop(photo_path: str | Path, polygon, max_height: int = 400):
    """The upright crop of one card as a PIL image, for review pages and notebooks."""
    from PIL import Image

    from cardscan.detect import rectify

    photo = load_photo(photo_path)
    crop = rectify(photo.rgb, np.asarray(polygon, dtype=np.float32), inset=0.0)
    image = Image.fromarray(crop)
    if image.height > max_height:
        image = image.resize((max(1, round(image.width * max_height / image.height)), max_height))
    return image


def _report(workshop: Workshop, problem: Problem, on_problem: Callable[[Problem], None] | None) -> None:
    workshop.problems.append(problem)
    if on_problem is not None:
        on_problem(problem)


def worker_count(requested: int | None, jobs: int) -> int:
    """How many processes read photos: as asked, else one per core we may use; never more than jobs."""
    if requested is None:
        requested = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(requested, jobs))


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers end when the process that started them dies.

    Why: after ``kill -9`` of a batch, its workers (about 1 GB each with the OCR models) kept running
    for minutes, since nobody was left to tell them to stop. Each worker watches its parent.
    """
    return ProcessPoolExecutor(max_workers=workers, initializer=watch_parent, initargs=(os.getpid(),))


def watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Pool initializer: a daemon thread ends this process as soon as `parent_pid` is gone.

    Polling rather than Linux's PR_SET_PDEATHSIG: that signal fires when the *thread* that forked us
    ends (the web page starts pools from job threads), and polling works on every platform.
    Both the parent at start (a fork server, if one sits between) and `parent_pid` are watched.
    """
    import threading
    import time

    direct = os.getppid()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch() -> None:
        while True:
            if os.getppid() != direct or not alive(parent_pid):
                os._exit(1)
            time.sleep(interval)

    if direct != parent_pid and direct == 1:  # the parent died before we even started
        os._exit(1)
    threading.Thread(target=watch, name="cardscan-watch-parent", daemon=True).start()


__all__ = ["scan_photo", "read_photo", "PhotoReading", "read_workshop", "assign_themes", "card_crop", "scan_or_problem", "unique_card_ids",
           "worker_count", "start_pool", "watch_parent", "BadInputFile", "NoCardsFound"]
