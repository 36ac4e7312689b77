"""The board view (issue 17 part 4): the photo with outlines, clusters and headings; moving, renaming, merging."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("flask")

from cardscan.workshop import Card, Cluster, Heading, Scan, Workshop  # noqa: E402
from tests.test_web import add_hand_workshop, env  # noqa: E402,F401  (env: the same fixture as test_web)


def test_board_draws_every_card_outline_over_the_photo(env):
    wid = add_hand_workshop(env)
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert f'src="/w/{wid}/foto/foto01.jpg"' in page
    assert 'viewBox="0 0 1240 720"' in page
    outlines = re.findall(r'<a href="#karte-([^"]+)" class="card-outline g(\d+)"[^>]*>\s*<polygon points="([^"]+)">',
                          page)
    assert {cid: pts for cid, _, pts in outlines} == {
        "foto01-01": "80,80 560,80 560,300 80,300", "foto01-02": "680,80 1160,80 1160,300 680,300",
        "foto01-03": "80,420 560,420 560,640 80,640"}
    colour = {cid: g for cid, g, _ in outlines}
    assert colour["foto01-02"] == colour["foto01-03"] != colour["foto01-01"]  # one colour per theme
    columns = re.findall(r'<span class="column-name">([^<]+)</span> <span class="count">(\d+)</span>', page)
    assert columns == [("Prozess", "2"), ("Beteiligung", "1"), ("(ohne Thema)", "0")]  # the last one to drag out to
    assert 'id="karte-foto01-01"' in page and 'name="theme" class="move"' in page
    assert f'href="/w/{wid}/tafel"' in env.client.get(f"/w/{wid}/durchsicht").get_data(as_text=True)


def test_moving_a_card_to_another_theme_without_javascript(env):
    wid = add_hand_workshop(env)
    r = env.client.post(f"/w/{wid}/karten/foto01-01", data={"csrf": env.token, "theme": "Prozess",
                                                              "zurueck": "tafel", "nach": "thema"})
    assert r.status_code == 302 and f"/w/{wid}/tafel?nach=thema#karte-foto01-01" in r.headers["Location"]
    assert env.corpus.get(wid).card("foto01-01").theme == "Prozess"
    md = env.client.get(f"/w/{wid}/download/protokoll.md").get_data(as_text=True)
    assert "### Prozess (3)" in md


def test_board_escapes_card_text_in_the_overlay(env):
    wid = add_hand_workshop(env, texts=("<script>alert(1)</script>", "a", "b"))
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_workshop_board_is_a_404(env):
    assert env.client.get("/w/999/tafel").status_code == 404


# ---- clusters: the structure stage's fields, stored in the real corpus (schema 2) ---------------------------
def add_clustered_workshop(env) -> int:
    """The hand workshop after the structure stage: two clusters, dots on one card, a heading on the board."""
    from pathlib import Path

    from tests.test_web import board_bytes, hand_workshop

    texts = ("Bürgerhaushalt", "Prozess früher einleiten", "Netzwerk stabil")
    ws = hand_workshop(texts)
    scan = ws.scans[0]
    scan.cards[0].cluster, scan.cards[0].votes, scan.cards[1].cluster = "Geld", 3, "Zeit"
    scan.headings = [Heading("foto01-h01", [(80, 20), (400, 20), (400, 70), (80, 70)], "Geld")]
    scan.clusters = [Cluster("Geld", "foto01-h01"), Cluster("Zeit")]
    wid = env.corpus.add(ws)
    Path(env.corpus.photo_dir(wid)).mkdir(parents=True, exist_ok=True)
    (Path(env.corpus.photo_dir(wid)) / "foto01.jpg").write_bytes(board_bytes(texts))
    return wid


# A wall as participants leave it: three marker headings, two cards under each, dots on two cards.
WALL = {"Finanzierung": ("Bürgerhaushalt", "Stadtteilfonds"), "Zeitplan": ("Früher einleiten", "Ein Jahr Vorlauf"),
        "Netzwerk": ("Netzwerk stabil", "Träger einbinden")}
WALL_SIZE = (1240, 720)


def _wall_boxes():
    """(heading box, [card boxes]) per column: headings on top, cards below, in the wall's reading order."""
    for col, name in enumerate(WALL):
        x0 = 60 + col * 400
        yield name, (x0, 30, x0 + 320, 90), [(x0, 130 + row * 280, x0 + 320, 350 + row * 280) for row in range(2)]


def wall_workshop() -> tuple[Workshop, bytes]:
    """The clustered wall after the structure stage, and its photo (drawn: cork, marker headings, cards)."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.test_web import FONT, PAPERS

    rng = np.random.default_rng(5)
    w, h = WALL_SIZE
    base = np.full((h, w, 3), (150, 110, 70), dtype=int) + rng.integers(-15, 15, (h, w, 1))
    img = Image.fromarray(np.clip(base, 0, 255).astype("uint8"))
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(FONT, 28)
    cards, headings, clusters = [], [], []
    for col, (name, (hx0, hy0, hx1, hy1), boxes) in enumerate(_wall_boxes()):
        draw.text((hx0 + 10, hy0 + 10), name, font=font, fill=(10, 10, 10))
        hid = f"foto01-h{col + 1:02d}"
        headings.append(Heading(hid, [(hx0, hy0), (hx1, hy0), (hx1, hy1), (hx0, hy1)], name, name))
        clusters.append(Cluster(name, hid))
        for (x0, y0, x1, y1), text in zip(boxes, WALL[name]):
            draw.rectangle([x0, y0, x1, y1], fill=PAPERS[col])
            draw.text((x0 + 16, y0 + 90), text, font=font, fill=(20, 20, 30))
            cards.append(Card(id=f"foto01-{len(cards) + 1:02d}", photo="foto01.jpg",
                              polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], colour="gelb", group="Gruppe 4",
                              raw_text=text, text=text, confidence=0.95, theme=name, cluster=name))
    cards[0].votes, cards[3].votes = 3, 1
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    ws = Workshop(title="Wand", question="Was braucht Verstetigung?", legend={"gelb": "Gruppe 4"},
                  scans=[Scan(image="foto01.jpg", width=w, height=h, cards=cards, headings=headings, clusters=clusters)])
    return ws, out.getvalue()


def clusters_of(env, wid) -> dict:
    return {c.id: c.cluster for c in env.corpus.get(wid).cards if c.cluster}


@pytest.fixture
def clustered(env):
    env.wid = add_clustered_workshop(env)
    return env


def test_board_draws_clusters_headings_and_votes(clustered):
    env, wid = clustered, clustered.wid
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert re.findall(r'class="cluster-box g\d+" data-cluster="([^"]+)"', page) == ["Geld", "Zeit"]
    assert '<polygon points="80,20 400,20 400,70 80,70"><title>Überschrift: Geld (anklicken: umbenennen)</title>' in page
    assert "3 Punkte" in page and "● 3" in page
    assert re.findall(r'<span class="column-name">([^<]+)</span>', page) == ["Geld", "Zeit", "(ohne Cluster)"]
    assert 'name="cluster" class="move"' in page
    by_theme = env.client.get(f"/w/{wid}/tafel?nach=thema").get_data(as_text=True)
    assert 'name="theme" class="move"' in by_theme


def test_move_rename_and_merge_clusters(clustered):
    env, wid = clustered, clustered.wid
    r = env.client.post(f"/w/{wid}/karten/foto01-01", json={"cluster": "Zeit"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 200 and r.get_json()["changed"] == ["cluster"]
    assert clusters_of(env, wid)["foto01-01"] == "Zeit"
    row = env.corpus.corrections("cluster").iloc[-1]
    assert (row["card_id"], row["old"], row["new"]) == ("foto01-01", "Geld", "Zeit")
    r = env.client.post(f"/w/{wid}/cluster/umbenennen", data={"csrf": env.token, "old": "Zeit", "new": "Zeitplan"},
                        follow_redirects=True)
    assert "heißt jetzt" in r.get_data(as_text=True)
    assert clusters_of(env, wid) == {"foto01-01": "Zeitplan", "foto01-02": "Zeitplan"}
    env.corpus.update_card(wid, "foto01-02", cluster="Rest")
    env.client.post(f"/w/{wid}/cluster/zusammenfuehren", data={"csrf": env.token, "source": "Rest",
                                                               "target": "Zeitplan"})
    assert set(clusters_of(env, wid).values()) == {"Zeitplan"}
    r = env.client.post(f"/w/{wid}/cluster/zusammenfuehren", data={"csrf": env.token, "source": "X", "target": "Y"},
                        follow_redirects=True)
    assert "zwei vorhandene Cluster" in r.get_data(as_text=True)


def test_cluster_field_is_stored_by_the_corpus_even_before_the_structure_stage_ran(env):
    wid = add_hand_workshop(env)
    r = env.client.post(f"/w/{wid}/karten/foto01-01", json={"cluster": "Geld"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 200 and r.get_json()["changed"] == ["cluster"]
    assert env.corpus.get(wid).card("foto01-01").cluster == "Geld"
    assert env.corpus.corrections("cluster")["new"].tolist() == ["Geld"]


def add_wall(env) -> int:
    ws, photo = wall_workshop()
    wid = env.corpus.add(ws)
    folder = Path(env.corpus.photo_dir(wid))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "foto01.jpg").write_bytes(photo)
    return wid


def cluster_boxes(page: str) -> list[tuple[str, tuple[float, float, float, float], str | None]]:
    """(cluster, box, name written under it or None) for every dashed cluster box on the board page."""
    out = []
    for name, pts, rest in re.findall(r'<g class="cluster-box g\d+" data-cluster="([^"]+)">\s*<polygon points="([^"]+)">'
                                      r'</polygon>\s*(.*?)</g>', page, flags=re.S):
        xy = [tuple(map(float, p.split(","))) for p in pts.split()]
        label = re.search(r"<text[^>]*>([^<]*)</text>", rest)
        out.append((name, (xy[0][0], xy[0][1], xy[2][0], xy[2][1]), label.group(1) if label else None))
    return out


def inside(box, poly) -> bool:
    cx, cy = sum(x for x, _ in poly) / len(poly), sum(y for _, y in poly) / len(poly)
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def test_each_cluster_box_holds_its_heading_which_names_it(env):
    wid = add_wall(env)
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    boxes = cluster_boxes(page)
    assert [name for name, _, _ in boxes] == list(WALL)
    assert all(label is None for _, _, label in boxes)  # the heading inside says the name; no second label
    colours = re.findall(r'<a href="#spalte-\d" class="heading-box (g\d+)" data-cluster="\w+"[^>]*><polygon points="[^"]+">'
                         r'<title>Überschrift: (\w+) \(anklicken: umbenennen\)</title>', page)
    boxes_colour = dict(re.findall(r'<g class="cluster-box (g\d+)" data-cluster="(\w+)"', page))
    assert [name for _, name in colours] == list(WALL)
    assert {name: g for g, name in colours} == {name: g for g, name in boxes_colour.items()}
    ws = env.corpus.get(wid)
    for name, box, _ in boxes:
        assert {c.text for c in ws.cards if inside(box, c.polygon)} == set(WALL[name])


def test_a_card_moved_across_the_wall_gets_its_own_named_box(env):
    """One rectangle around Netzwerk's cards would now span the whole wall and cover the others."""
    wid = add_wall(env)
    r = env.client.post(f"/w/{wid}/karten/foto01-01", json={"cluster": "Netzwerk"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 200
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    ws = env.corpus.get(wid)
    boxes = cluster_boxes(page)
    for name, box, _ in boxes:  # no box covers another cluster's card
        assert all(c.cluster == name for c in ws.cards if inside(box, c.polygon)), (name, box)
    netzwerk = [(box, label) for name, box, label in boxes if name == "Netzwerk"]
    assert len(netzwerk) == 2 and sorted(str(label) for _, label in netzwerk) == ["Netzwerk", "None"]
    assert "Bürgerhaushalt (3 Punkte)" in page
    assert re.findall(r'<text class="dots" x="(\d+)\.0" y="(\d+)\.0"[^>]*>●(\d)</text>', page) == [
        ("380", "130", "3"), ("780", "410", "1")]  # at the cards' top right corners


def test_renamed_cluster_is_named_on_the_photo_and_its_heading_says_where_it_went(env):
    wid = add_wall(env)
    env.client.post(f"/w/{wid}/cluster/umbenennen", data={"csrf": env.token, "old": "Zeitplan", "new": "Wann"})
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert [(name, label) for name, _, label in cluster_boxes(page)] == [
        ("Finanzierung", None), ("Wann", "Wann"), ("Netzwerk", None)]
    assert "<title>Überschrift: Zeitplan → Cluster „Wann“ (anklicken: umbenennen)</title>" in page
    assert re.findall(r'<span class="column-name">([^<]+)</span>', page) == ["Finanzierung", "Wann", "Netzwerk",
                                                                             "(ohne Cluster)"]


def test_pieces_join_nearest_boxes_unless_that_covers_someone_else():
    from cardscan.web.board import pieces

    column = [(0, 0, 10, 10), (0, 20, 10, 30), (0, 40, 10, 50)]
    assert pieces(column, others=[]) == [(0, 0, 10, 50)]
    assert sorted(pieces([column[0], column[2]], others=[column[1]])) == [column[0], column[2]]
    far = [(0, 0, 10, 10), (100, 0, 110, 10)]
    assert pieces(far, others=[(50, 0, 60, 10)]) == far
    assert pieces(far, others=[(50, 20, 60, 30)]) == [(0, 0, 110, 10)]


def test_review_list_shows_and_saves_the_cluster_and_the_dots(env):
    wid = add_wall(env)
    page = env.client.get(f"/w/{wid}/durchsicht").get_data(as_text=True)
    assert re.findall(r'<datalist id="clusters">(.*?)</datalist>', page) == [
        "".join(f'<option value="{n}">' for n in WALL)]
    assert '<input name="cluster" list="clusters" maxlength="120" value="Finanzierung">' in page
    assert "● 3 Punkte" in page and "● 1 Punkt<" in page
    r = env.client.post(f"/w/{wid}/karten/foto01-02", data={"csrf": env.token, "text": "Stadtteilfonds",
                                                              "group": "Gruppe 4", "theme": "Finanzierung",
                                                              "cluster": "Netzwerk"})
    assert r.status_code == 302 and clusters_of(env, wid)["foto01-02"] == "Netzwerk"
    md = env.client.get(f"/w/{wid}/download/protokoll.md").get_data(as_text=True)
    assert "Stadtteilfonds `foto01-02`" in md.split("\n## Netzwerk\n")[1].split("\n## ")[0]


def test_a_corrected_dot_count_reorders_the_priorisierung_of_the_minutes(env):
    wid = add_wall(env)
    board = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert board.count('name="votes" type="number"') == len(env.corpus.get(wid).cards)
    r = env.client.post(f"/w/{wid}/karten/foto01-02", json={"votes": "5"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 200 and r.get_json()["changed"] == ["votes"] and r.get_json()["card"]["votes"] == 5
    md = env.client.get(f"/w/{wid}/download/protokoll.md").get_data(as_text=True)
    ranking = md.split("\n## Priorisierung\n")[1].split("\n## ")[0]
    assert ranking.strip().splitlines()[0].startswith("1. ") and "`foto01-02`" in ranking.strip().splitlines()[0]
    assert "(5 Punkte)" in ranking
    r = env.client.post(f"/w/{wid}/karten/foto01-02", json={"votes": "viele"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 400 and "Punkte" in r.get_json()["error"]
    assert {c.id: c.votes for c in env.corpus.get(wid).cards}["foto01-02"] == 5


def test_review_list_without_clusters_has_no_cluster_field(env):
    wid = add_hand_workshop(env)
    page = env.client.get(f"/w/{wid}/durchsicht").get_data(as_text=True)
    assert 'name="cluster"' not in page and 'class="two"' in page


def test_names_on_the_photo_are_cut_and_never_written_over_each_other():
    from cardscan.web.board import Outline, PhotoView, photo_views

    long = "Kanäle der Verwaltung: Telefon, E-Mail, Post und Bürgeramt"
    cards = [Card(id=f"f-{i}", photo="f.jpg", polygon=[(x, y), (x + 90, y), (x + 90, y + 90), (x, y + 90)],
                  text=str(i), cluster=name)
             for i, (x, y, name) in enumerate([(0, 0, long), (0, 200, "B"), (100, 0, "B"), (100, 200, long)])]
    ws = Workshop(title="t", scans=[Scan(image="f.jpg", width=1000, height=400, cards=cards)])
    (view,) = photo_views(ws, "cluster", {long: 0, "B": 1})
    assert isinstance(view, PhotoView) and len(view.clusters) == 4  # checkerboard: every card its own box
    shown = [box for box in view.clusters if box.shown]
    assert sorted(box.label for box in shown) == sorted({long, "B"})  # each name once
    assert [box.short for box in shown if box.label == long] == ["Kanäle der Verwaltung: Tele…"]
    assert Outline("", 0, "kurz").short == "kurz"
