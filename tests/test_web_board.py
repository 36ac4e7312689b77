"""The board view (issue 17 part 4): the photo with outlines, clusters and headings; moving, renaming, merging."""
from __future__ import annotations

import dataclasses
import re
import types

import pytest

pytest.importorskip("flask")

from cardscan.workshop import Card  # noqa: E402
from tests.test_web import add_hand_workshop, make_app, token_of  # noqa: E402


@pytest.fixture
def env(tmp_path):
    app = make_app(tmp_path / "daten")
    client = app.test_client()
    ext = app.extensions["cardscan"]
    return types.SimpleNamespace(app=app, client=client, corpus=ext["corpus"], jobs=ext["jobs"],
                                 data=tmp_path / "daten", token=token_of(client))


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
    assert columns == [("Prozess", "2"), ("Beteiligung", "1")]
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


# ---- clusters: a corpus whose cards carry the structure stage's fields ------------------------------------
@dataclasses.dataclass
class StructuredCard(Card):
    cluster: str | None = None
    votes: int = 0


class StructuredCorpus:
    """The real corpus, plus cluster/votes/kind kept beside it: the web layer's view of the structure stage."""

    def __init__(self, corpus, clusters, votes=None, kinds=None):
        self._corpus, self.clusters, self.votes, self.kinds = corpus, dict(clusters), votes or {}, kinds or {}

    def __getattr__(self, name):
        return getattr(self._corpus, name)

    def get(self, wid):
        ws = self._corpus.get(wid)
        for scan in ws.scans:
            scan.cards = [StructuredCard(**{**dataclasses.asdict(c), "kind": self.kinds.get(c.id, c.kind)},
                                         cluster=self.clusters.get(c.id), votes=self.votes.get(c.id, 0))
                          for c in scan.cards]
        return ws

    def update_card(self, wid, card_id, **changes):
        if "cluster" in changes:
            self.clusters[card_id] = changes.pop("cluster") or None
        return self._corpus.update_card(wid, card_id, **changes) if changes else self.get(wid).card(card_id)


@pytest.fixture
def clustered(tmp_path):
    from cardscan.corpus import Corpus
    from cardscan.web.app import corpus_path

    data = tmp_path / "daten"
    data.mkdir()
    corpus = StructuredCorpus(Corpus(corpus_path(data)), {"foto01-01": "Geld", "foto01-02": "Zeit"},
                              votes={"foto01-01": 3}, kinds={"foto01-03": "heading"})
    app = make_app(data, corpus=corpus)
    client = app.test_client()
    env = types.SimpleNamespace(app=app, client=client, corpus=corpus, jobs=app.extensions["cardscan"]["jobs"],
                                data=data, token=token_of(client))
    env.wid = add_hand_workshop(env)
    return env


def test_board_draws_clusters_headings_and_votes(clustered):
    env, wid = clustered, clustered.wid
    page = env.client.get(f"/w/{wid}/tafel").get_data(as_text=True)
    assert re.findall(r'class="cluster-box g\d+" data-cluster="([^"]+)"', page) == ["Geld", "Zeit"]
    assert "Überschrift: Netzwerk stabil" in page  # a heading card is drawn as a heading, not as a card
    assert 'data-card-id="foto01-03"' not in page
    assert "3 Punkte" in page and "● 3" in page
    assert re.findall(r'<span class="column-name">([^<]+)</span>', page) == ["Geld", "Zeit"]
    assert 'name="cluster" class="move"' in page
    by_theme = env.client.get(f"/w/{wid}/tafel?nach=thema").get_data(as_text=True)
    assert 'name="theme" class="move"' in by_theme


def test_move_rename_and_merge_clusters(clustered):
    env, wid = clustered, clustered.wid
    r = env.client.post(f"/w/{wid}/karten/foto01-01", json={"cluster": "Zeit"}, headers={"X-CSRF-Token": env.token})
    assert r.status_code == 200 and r.get_json()["changed"] == ["cluster"]
    assert env.corpus.clusters["foto01-01"] == "Zeit"
    r = env.client.post(f"/w/{wid}/cluster/umbenennen", data={"csrf": env.token, "old": "Zeit", "new": "Zeitplan"},
                        follow_redirects=True)
    assert "heißt jetzt" in r.get_data(as_text=True)
    assert env.corpus.clusters == {"foto01-01": "Zeitplan", "foto01-02": "Zeitplan"}
    env.corpus.clusters["foto01-02"] = "Rest"
    env.client.post(f"/w/{wid}/cluster/zusammenfuehren", data={"csrf": env.token, "source": "Rest",
                                                               "target": "Zeitplan"})
    assert set(env.corpus.clusters.values()) == {"Zeitplan"}
    r = env.client.post(f"/w/{wid}/cluster/zusammenfuehren", data={"csrf": env.token, "source": "X", "target": "Y"},
                        follow_redirects=True)
    assert "zwei vorhandene Cluster" in r.get_data(as_text=True)


def test_cluster_field_on_a_corpus_that_cannot_store_it_is_a_german_400(env):
    wid = add_hand_workshop(env)
    r = env.client.post(f"/w/{wid}/karten/foto01-01", json={"cluster": "Geld"}, headers={"X-CSRF-Token": env.token})
    # cards without the structure stage's fields ignore it; nothing breaks
    assert r.status_code == 200 and r.get_json()["changed"] == []
