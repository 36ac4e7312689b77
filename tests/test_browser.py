"""End to end in a real browser: Debian's chromium driven by Playwright against `cardscan.web.serve`.

What a facilitator does: create a workshop, drop photos, watch them being read, correct a card,
download the minutes — and after a server crash everything is still there. Screenshots go to
tests/artifacts/ (gitignored) so a person can look at the pages.

Never `playwright install`: the browser is /usr/bin/chromium (apt-get install chromium).
"""
from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READ_TIMEOUT_MS = 300_000  # OCR and the theme model on a shared 2-core machine


class Server:
    """`cardscan.web.serve` in its own process, so a test can kill it like a crash and start it again."""

    def __init__(self, data: Path):
        self.data = data
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data.parent / f"server-{self.port}.log"

    def start(self) -> "Server":
        code = f"from cardscan.web import serve; serve({str(self.data)!r}, port={self.port})"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                         env={**os.environ, "CARDSCAN_PASSWORD": ""})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.proc.poll() is not None:
                    raise RuntimeError(self.log.read_text())
                time.sleep(0.2)
        raise RuntimeError("Server startet nicht:\n" + self.log.read_text())

    def crash(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path / "daten").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def create_workshop(page, base: str, title: str) -> None:
    page.goto(base + "/")
    page.click("text=Neuer Workshop")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=question]", "Wie sollte ein optimaler Verstetigungsprozess aussehen?")
    page.fill("input[name=city]", "Berlin")
    page.fill("input[name=date]", "2026-11-20")
    for i, group in ((1, "Gruppe 4"), (2, "Gruppe 3"), (6, "Gruppe 2"), (8, "Gruppe 5")):  # gelb orange hellblau hellgrün
        page.fill(f"input[name=legend-{i}]", group)
    page.click("text=Workshop anlegen")
    page.wait_for_selector("#dropzone")


def drop_files(page, files: list[tuple[str, bytes]]) -> None:
    """Drag and drop as a person does it: a DataTransfer with File objects dropped on the zone."""
    page.evaluate(
        """(files) => {
            const dt = new DataTransfer();
            for (const [name, b64] of files) {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                dt.items.add(new File([bytes], name, {type: 'image/jpeg'}));
            }
            const zone = document.getElementById('dropzone');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        [[name, base64.b64encode(data).decode()] for name, data in files])


def wait_until_read(page) -> None:
    page.wait_for_selector("#job-next:not([hidden])", timeout=READ_TIMEOUT_MS)


def test_facilitator_uploads_corrects_downloads_and_nothing_is_lost(server, page, board_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo, truth = board_factory(seed=11, tier="easy")
    create_workshop(page, server.url, "Thema: Verstetigungsprozess")

    drop_files(page, [("Pinnwand Gruppe 4.jpg", photo.read_bytes())])
    assert page.inner_text("#chosen").startswith("Pinnwand Gruppe 4.jpg")
    page.click("#upload-button")
    page.wait_for_selector("#job")
    wait_until_read(page)
    assert page.inner_text("#job-count") == "1 von 1 Fotos"
    assert "Karten gelesen" in page.inner_text("#job-photos li[data-index='0']")
    page.screenshot(path=str(ARTIFACTS / "progress.png"), full_page=True)

    page.click("#to-review")
    page.wait_for_selector("article.card")
    page.wait_for_load_state("networkidle")
    cards = page.locator("article.card")
    assert cards.count() >= len(truth["cards"]) // 2
    first = cards.first
    # the crop beside the editable text, really loaded
    assert first.locator(".crop img").evaluate("img => img.complete && img.naturalWidth > 20")
    assert first.locator("textarea[name=text]").is_editable()
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "review-top.png"))

    card_id = first.get_attribute("data-card-id")
    first.locator("textarea[name=text]").fill("Korrigiert: Bürgerhaushalt & Stadtteilfonds")
    first.locator("textarea[name=text]").press("Tab")
    page.wait_for_function(
        "id => document.querySelector(`[data-card-id='${id}'] .save-state`).textContent.includes('gespeichert')",
        arg=card_id)
    first.locator("input[name=theme]").fill("Finanzierung vor Ort")
    first.locator("input[name=theme]").press("Tab")
    page.wait_for_function(
        "id => document.querySelector(`[data-card-id='${id}'] .save-state`).textContent.includes('gespeichert')",
        arg=card_id)

    with page.expect_download() as info:
        page.click("#dl-minutes")
    download = info.value
    assert download.suggested_filename == "thema-verstetigungsprozess-protokoll.md"
    minutes = Path(download.path()).read_text(encoding="utf-8")
    ARTIFACTS.joinpath("protokoll.md").write_text(minutes, encoding="utf-8")
    assert f"- Korrigiert: Bürgerhaushalt & Stadtteilfonds `{card_id}`" in minutes
    assert "### Finanzierung vor Ort (1)" in minutes
    with page.expect_download() as info:
        page.click("#dl-csv")
    assert "Korrigiert: Bürgerhaushalt & Stadtteilfonds" in Path(info.value.path()).read_text(encoding="utf-8-sig")

    # A crash (SIGKILL, no clean shutdown) and a restart keep every edit.
    server.crash()
    server.start()
    page.reload()
    again = page.locator(f"article[data-card-id='{card_id}']")
    assert again.locator("textarea[name=text]").input_value() == "Korrigiert: Bürgerhaushalt & Stadtteilfonds"
    assert again.locator("input[name=theme]").input_value() == "Finanzierung vor Ort"
    assert "korrigiert" in again.inner_text()


def test_corrupt_file_and_non_image_get_clear_messages(server, page, board_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo, _ = board_factory(seed=12, tier="easy")
    create_workshop(page, server.url, "Fehlerhafte Dateien")
    bad_dir = Path(server.data).parent
    corrupt = bad_dir / "Pinnwand kaputt.jpg"
    corrupt.write_bytes(photo.read_bytes()[:6000])  # a JPEG cut off mid-transfer
    text = bad_dir / "Einladung.jpg"
    text.write_text("Einladung zur Stadtteilkonferenz am 20.11.\n", encoding="utf-8")
    page.set_input_files("#photos", [str(corrupt), str(text), str(photo)])
    page.click("#upload-button")
    page.wait_for_selector("#job")
    wait_until_read(page)
    rows = page.locator("#job-photos li[data-index]")
    assert rows.nth(0).inner_text().startswith("Pinnwand kaputt.jpg")
    assert "nicht lesbar: Bild ist beschädigt oder unvollständig" in rows.nth(0).inner_text()
    assert "nicht lesbar: ist kein Foto (erlaubt: JPEG, PNG, WebP, TIFF, HEIC)" in rows.nth(1).inner_text()
    assert "Karten gelesen" in rows.nth(2).inner_text()  # the good photo still comes out
    page.screenshot(path=str(ARTIFACTS / "upload-errors.png"), full_page=True)
    page.click("#to-review")
    assert "Einladung.jpg" in page.inner_text("#problems")
    assert page.locator("article.card").count() > 0


def test_everything_works_without_javascript(server, browser, board_factory):
    """Some offices lock JavaScript down: forms, progress (page refresh) and saving still work."""
    photo, _ = board_factory(seed=13, tier="easy")
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        create_workshop(page, server.url, "Ohne JavaScript")
        page.set_input_files("#photos", [str(photo)])
        page.click("#upload-button")
        wait_until_read(page)  # the page reloads itself every 3 s until done
        page.click("#to-review")
        first = page.locator("article.card").first
        card_id = first.get_attribute("data-card-id")
        first.locator("textarea[name=text]").fill("ohne Skript gespeichert")
        first.locator("button.save").first.click()
        assert "Gespeichert." in page.inner_text("main")
        assert page.locator(f"article[data-card-id='{card_id}'] textarea").input_value() == "ohne Skript gespeichert"
    finally:
        context.close()


def test_board_view_drag_a_card_to_another_group_and_it_is_in_the_minutes(tmp_path, page):
    """The board view: outlines over the photo; a card dragged to another column (and one moved with the
    keyboard's select) lands there in the downloaded minutes. Groups are clusters once the structure
    stage has run, themes before."""
    from cardscan.corpus import Corpus
    from cardscan.web.app import corpus_path
    from tests.test_web import board_bytes, hand_workshop

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "daten"
    data.mkdir()
    texts = ("Bürgerhaushalt", "Prozess früher einleiten", "Netzwerk stabil")
    corpus = Corpus(corpus_path(data))
    wid = corpus.add(hand_workshop(texts))
    folder = Path(corpus.photo_dir(wid))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "foto01.jpg").write_bytes(board_bytes(texts))
    del corpus
    server = Server(data).start()
    try:
        page.goto(f"{server.url}/w/{wid}/durchsicht")
        page.click("#to-board")
        page.wait_for_selector("svg.overlay")
        assert page.locator("svg.overlay a.card-outline polygon").count() == 3
        page.wait_for_function("() => { const i = document.querySelector('figure.board img'); "
                               "return i.complete && i.naturalWidth > 0; }")
        assert page.locator("figure.board img").evaluate("img => img.naturalWidth") == 1240
        page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

        # click a card on the photo: its editor below opens
        page.locator("a.card-outline[data-card-id='foto01-01']").click()
        assert page.locator("#karte-foto01-01").get_attribute("class").split().count("active") == 1
        assert page.evaluate("document.activeElement.closest('li.chip').id") == "karte-foto01-01"

        target = page.locator("section.column").filter(has=page.locator(".column-name", has_text="Prozess"))
        target_name = target.get_attribute("data-group")
        # grab the card by its head (as a person would; the text field below is for typing)
        page.locator("#karte-foto01-01").drag_to(target.locator("ul.column-cards"), source_position={"x": 12, "y": 10})
        page.wait_for_function(
            "() => document.querySelector('#karte-foto01-01 .save-state').textContent.includes('gespeichert ✓')")
        assert target.locator("#karte-foto01-01").count() == 1
        assert target.locator(".count").inner_text() == "3"

        # the keyboard way: the select in the card's form ("Verschieben nach"), saved on change
        source_name = "Beteiligung"
        page.locator("#karte-foto01-02 select.move").select_option(source_name)
        page.wait_for_function(
            "() => document.querySelector('#karte-foto01-02 .save-state').textContent.includes('gespeichert ✓')")
        source = page.locator(f"section.column[data-group='{source_name}']")
        assert source.locator("#karte-foto01-02").count() == 1 and target.locator(".count").inner_text() == "2"
        page.screenshot(path=str(ARTIFACTS / "board-moved.png"), full_page=True)

        with page.expect_download() as info:
            page.click("#dl-minutes")
        minutes = Path(info.value.path()).read_text(encoding="utf-8")
        ARTIFACTS.joinpath("protokoll-tafel.md").write_text(minutes, encoding="utf-8")
        section = minutes.split(f"### {target_name} (2)")[1].split("##")[0]
        assert "Bürgerhaushalt" in section and "Netzwerk stabil" in section
        assert "Prozess früher einleiten" in minutes.split(f"### {source_name} (1)")[1].split("##")[0]
    finally:
        server.stop()


def minutes_section(minutes: str, heading: str) -> str:
    """The lines under a `## heading` of the minutes, up to the next heading."""
    assert f"\n## {heading}\n" in minutes, minutes
    return minutes.split(f"\n## {heading}\n")[1].split("\n#")[0]


def download_minutes(page, name: str) -> str:
    with page.expect_download() as info:
        page.click("#dl-minutes")
    minutes = Path(info.value.path()).read_text(encoding="utf-8")
    ARTIFACTS.joinpath(name).write_text(minutes, encoding="utf-8")
    return minutes


def wait_saved(page, card_id: str) -> None:
    page.wait_for_function(
        "id => document.querySelector(`#karte-${id} .save-state`).textContent.includes('gespeichert ✓')", arg=card_id)


def column_of(page, name: str):
    return page.locator(f"section.column[data-group='{name}']")


def test_board_clusters_drag_keyboard_rename_and_merge_end_up_in_the_minutes(tmp_path, page):
    """Issue 17: a wall with three headed clusters. A card dragged into another cluster, one moved with
    the keyboard, a cluster renamed and two merged: each lands in the downloaded minutes."""
    from cardscan.corpus import Corpus
    from cardscan.web.app import corpus_path
    from tests.test_web_board import wall_workshop

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "daten"
    data.mkdir()
    ws, photo = wall_workshop()
    corpus = Corpus(corpus_path(data))
    wid = corpus.add(ws)
    Path(corpus.photo_dir(wid)).mkdir(parents=True, exist_ok=True)
    (Path(corpus.photo_dir(wid)) / "foto01.jpg").write_bytes(photo)
    del corpus
    server = Server(data).start()
    try:
        page.goto(f"{server.url}/w/{wid}/tafel")
        page.wait_for_selector("svg.overlay")
        assert page.locator("svg.overlay a.card-outline").count() == 6
        assert page.locator("svg.overlay .heading-box").count() == 3
        boxes = page.locator("svg.overlay .cluster-box")
        assert [boxes.nth(i).get_attribute("data-cluster") for i in range(3)] == ["Finanzierung", "Zeitplan", "Netzwerk"]
        assert boxes.locator("text").count() == 0  # each box holds its heading, which names it already
        assert page.locator(".column-name").all_inner_texts() == ["Finanzierung", "Zeitplan", "Netzwerk", "(ohne Cluster)"]
        page.screenshot(path=str(ARTIFACTS / "board-clusters.png"), full_page=True)

        # the photo by keyboard: Tab reaches a card's outline, Enter opens its editor
        page.locator("a.card-outline[data-card-id='foto01-02']").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.closest('li.chip').id") == "karte-foto01-02"

        # drag "Bürgerhaushalt" (3 dots) from Finanzierung into Zeitplan
        zeitplan = column_of(page, "Zeitplan")
        page.locator("#karte-foto01-01").drag_to(zeitplan.locator("ul.column-cards"), source_position={"x": 12, "y": 10})
        wait_saved(page, "foto01-01")
        assert zeitplan.locator("#karte-foto01-01").count() == 1 and zeitplan.locator(".count").inner_text() == "3"
        assert column_of(page, "Finanzierung").locator(".count").inner_text() == "1"
        colour = [k for k in zeitplan.get_attribute("class").split() if k.startswith("g")][0]
        assert colour in page.locator("a.card-outline[data-card-id='foto01-01']").get_attribute("class").split()
        # the photo follows: the moved card gets its own Zeitplan box, named; no Finanzierung box covers it
        # (so Finanzierung's heading and its remaining card, below the moved one, are boxed apart)
        page.wait_for_function("() => document.querySelectorAll(\"svg.overlay .cluster-box[data-cluster='Zeitplan']\")"
                               ".length === 2")
        assert sorted(page.locator("svg.overlay .cluster-box text").all_text_contents()) == ["Finanzierung", "Zeitplan"]

        # the keyboard way: Tab to the card's "Verschieben nach" and pick Netzwerk with the arrow keys
        page.locator("#karte-foto01-04 textarea").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "cluster"
        page.keyboard.press("ArrowUp")  # Finanzierung: each choice is saved and the card moves along
        page.wait_for_function("() => document.querySelector(\"section.column[data-group='Finanzierung'] #karte-foto01-04\")")
        page.keyboard.press("ArrowDown")  # back through Zeitplan ...
        page.keyboard.press("ArrowDown")  # ... to Netzwerk, the keyboard still in the card's field
        wait_saved(page, "foto01-04")
        page.wait_for_function("() => document.querySelector(\"section.column[data-group='Netzwerk'] #karte-foto01-04\")")
        assert page.evaluate("document.activeElement.closest('li.chip').id") == "karte-foto01-04"
        assert page.evaluate("document.activeElement.value") == "Netzwerk"
        # the dot finder saw one dot on "Ein Jahr Vorlauf"; the facilitator counts four on the wall
        votes = page.locator("#karte-foto01-04 input[name=votes]")
        assert votes.input_value() == "1"
        votes.fill("4")
        page.keyboard.press("Tab")  # leaving the field saves it; the badge follows once the server has it
        page.wait_for_function("() => document.querySelector('#karte-foto01-04 .card-head .votes')"
                               ".textContent === '● 4'")
        page.screenshot(path=str(ARTIFACTS / "board-clusters-moved.png"), full_page=True)

        minutes = download_minutes(page, "protokoll-cluster.md")
        assert "Bürgerhaushalt (3 Punkte)" in minutes_section(minutes, "Zeitplan")
        assert "Bürgerhaushalt" not in minutes_section(minutes, "Finanzierung")
        assert "Ein Jahr Vorlauf (4 Punkte)" in minutes_section(minutes, "Netzwerk")
        assert minutes_section(minutes, "Priorisierung").strip().startswith("1. Ein Jahr Vorlauf (4 Punkte)")
        assert minutes.index("## Finanzierung") < minutes.index("## Zeitplan") < minutes.index("## Netzwerk")

        # rename Netzwerk; merge Finanzierung into Zeitplan (each column has its own forms)
        netzwerk = column_of(page, "Netzwerk")
        page.locator("svg.overlay a.heading-box[data-cluster='Netzwerk']").click()  # the heading on the photo
        assert page.evaluate("document.activeElement.closest('section.column').dataset.group") == "Netzwerk"
        page.keyboard.type("Netzwerk und Träger")  # the old name is selected: typing replaces it
        netzwerk.locator("form.rename-cluster button").click()
        page.wait_for_selector("text=heißt jetzt")
        finanzierung = column_of(page, "Finanzierung")
        finanzierung.locator("summary").click()
        finanzierung.locator("form.merge-cluster select[name=target]").select_option("Zeitplan")
        finanzierung.locator("form.merge-cluster button").click()
        page.wait_for_selector("text=ist jetzt Teil von")
        assert page.locator(".column-name").all_inner_texts() == ["Zeitplan", "Netzwerk und Träger", "(ohne Cluster)"]
        page.screenshot(path=str(ARTIFACTS / "board-clusters-merged.png"), full_page=True)

        minutes = download_minutes(page, "protokoll-cluster-zusammen.md")
        assert "\n## Finanzierung\n" not in minutes and "\n## Netzwerk\n" not in minutes
        merged = minutes_section(minutes, "Zeitplan")
        assert all(text in merged for text in ("Bürgerhaushalt", "Stadtteilfonds", "Früher einleiten"))
        assert all(text in minutes_section(minutes, "Netzwerk und Träger")
                   for text in ("Ein Jahr Vorlauf", "Netzwerk stabil", "Träger einbinden"))
        assert minutes.index("## Zeitplan") < minutes.index("## Netzwerk und Träger")
    finally:
        server.stop()
