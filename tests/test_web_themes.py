"""Theming in the web app (issue 19 part 7): after an upload only the new cards are themed, against the
themes the workshop already has; a full pass only on request ("Themen neu bilden")."""
from __future__ import annotations

import io
import types

import pytest

pytest.importorskip("flask")

from cardscan.workshop import Card, Scan, Workshop  # noqa: E402
from tests.test_web import add_hand_workshop, board_bytes, make_app, token_of, upload  # noqa: E402


class CountingAssign:
    """A whole-workshop theming that names every card after the how-manieth pass it is."""

    def __init__(self):
        self.calls = 0

    def __call__(self, workshop, workshop_id=None):
        self.calls += 1
        for card in workshop.cards:
            card.theme = f"Durchgang {self.calls}"


@pytest.fixture
def env(tmp_path):
    assign = CountingAssign()
    app = make_app(tmp_path / "daten", assign=assign)
    client = app.test_client()
    ext = app.extensions["cardscan"]
    return types.SimpleNamespace(app=app, client=client, corpus=ext["corpus"], jobs=ext["jobs"], assign=assign,
                                 data=tmp_path / "daten", token=token_of(client))


def themes_by_photo(env, wid) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for card in env.corpus.get(wid).cards:
        out.setdefault(card.photo, set()).add(card.theme)
    return out


def test_a_new_upload_themes_only_its_own_cards(env):
    wid = env.corpus.create_workshop("Schritt für Schritt")
    for name in ("eins.jpg", "zwei.jpg", "drei.jpg"):
        upload(env, wid, [(io.BytesIO(board_bytes()), name)])
        assert env.jobs.wait(60)
    # the old whole-workshop pass renamed every earlier card after each upload ("Durchgang 3" everywhere)
    assert themes_by_photo(env, wid) == {"foto01.jpg": {"Durchgang 1"}, "foto02.jpg": {"Durchgang 2"},
                                         "foto03.jpg": {"Durchgang 3"}}


def test_rebuild_is_a_full_pass_that_keeps_what_people_decided(env):
    wid = env.corpus.create_workshop("Neu bilden")
    for name in ("eins.jpg", "zwei.jpg"):
        upload(env, wid, [(io.BytesIO(board_bytes()), name)])
        assert env.jobs.wait(60)
    env.client.post(f"/w/{wid}/karten/foto01-01", json={"theme": "Von Hand"}, headers={"X-CSRF-Token": env.token})
    r = env.client.post(f"/w/{wid}/themen/neu-bilden", data={"csrf": env.token})
    assert r.status_code == 302 and "/lesen/" in r.headers["Location"]
    assert env.jobs.wait(60)
    page = env.client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Themen zuordnen" in page and "Fertig" in page
    themes = {c.id: c.theme for c in env.corpus.get(wid).cards}
    assert themes.pop("foto01-01") == "Von Hand"
    assert set(themes.values()) == {"Durchgang 3"}


def test_rebuild_answers_json_and_needs_the_csrf_token(env):
    wid = add_hand_workshop(env)
    assert env.client.post(f"/w/{wid}/themen/neu-bilden").status_code == 403
    r = env.client.post(f"/w/{wid}/themen/neu-bilden", headers={"X-CSRF-Token": env.token,
                                                                 "Accept": "application/json"})
    assert r.status_code == 200
    assert env.jobs.wait(60)
    status = env.client.get(r.get_json()["status_url"]).get_json()
    assert status["status"] == "done" and status["themes"] == "done" and status["total"] == 0
    assert env.client.post("/w/999/themen/neu-bilden", data={"csrf": env.token}).status_code == 404
    assert "Themen neu bilden" in env.client.get(f"/w/{wid}/durchsicht").get_data(as_text=True)


def _card(cid: str, text: str, theme: str | None = None) -> Card:
    return Card(id=cid, photo=cid.split("-")[0] + ".jpg", polygon=None, colour="gelb", group=None,
                raw_text=text, text=text, confidence=0.9, theme=theme)


@pytest.mark.slow
def test_incremental_themes_keep_old_cards_and_join_a_close_existing_theme():
    """The real model: a new card that says what an old one says joins that card's (non-catalogue) theme."""
    from cardscan.themes import OTHER
    from cardscan.web.theming import IncrementalThemes

    old = [_card("foto01-01", "Bolzplatz hinter der Schule wieder öffnen", "Bolzplatz"),
           _card("foto01-02", "Bolzplatz an der Schule öffnen", "Bolzplatz"),
           _card("foto01-03", "Finanzierung durch Stiftungen sichern", "Finanzierung")]
    new = [_card("foto02-01", "Bolzplatz hinter der Schule öffnen"),
           _card("foto02-02", "Anschlussfinanzierung für das Quartiersbüro klären")]
    workshop = Workshop(title="t", question="", legend={}, metadata={},
                        scans=[Scan(image="foto01.jpg", width=1, height=1, cards=old),
                               Scan(image="foto02.jpg", width=1, height=1, cards=new)])
    themer = IncrementalThemes()
    themer.warm_up()  # what a server does at start
    result = themer(workshop, 1, {"foto02-01", "foto02-02"})
    assert set(result) == {"foto02-01", "foto02-02"}  # old cards are not touched
    assert result["foto02-01"] == "Bolzplatz"
    assert result["foto02-02"] not in (None, OTHER, "Bolzplatz")
    again = themer(workshop, 1, {"foto02-02"})  # the same model serves the next upload
    assert again == {"foto02-02": result["foto02-02"]}


def test_warm_up_failure_is_logged_not_raised(monkeypatch, caplog):
    """A server warms the themes model up in the background; a broken model must not kill that thread
    loudly (the first upload then reports the problem on its job)."""
    import cardscan.themes
    from cardscan.web.theming import IncrementalThemes

    def broken(*a, **kw):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(cardscan.themes, "ThemeModel", broken)
    IncrementalThemes().warm_up()
    assert "nicht vorab geladen" in caplog.text
