"""Theme only the cards a new upload brought, against the themes the workshop already has.

Why: the web page used to fit themes on the whole workshop after every upload, with a fresh
ThemeModel each time, so the catalogue's ~100 texts and every old card were embedded again:
ten one-photo uploads took 85 s against ~3.7 s per photo on the command line (issue 19). Now one
ThemeModel (and its embedder, whose vectors stay in memory) serves the app; after an upload only
the new cards are fitted, and a new card joins the theme of its nearest old card when the two say
the same in other words. The old cards keep their themes, so
nothing a facilitator already saw moves. "Themen neu bilden" still runs a full pass on request.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("cardscan.web")


class IncrementalThemes:
    """`themer(workshop, workshop_id, new_ids)` -> {card id: theme} for the new cards only.

    corrections: the facilitators' decisions (cardscan.themes.record_correction), read at every call.
    The model is built on first use and kept: its catalogue and the vectors it has seen stay loaded.
    """

    def __init__(self, corrections: Path | None = None):
        self.corrections = Path(corrections) if corrections else None
        self._model = None
        self._meaning = None
        self._lock = threading.Lock()

    def _parts(self):
        from cardscan.embed import DEFAULT, get_embedder, meaning_part
        from cardscan.themes import ThemeModel

        if self._model is None:
            self._model = ThemeModel()
            self._meaning = meaning_part(get_embedder(DEFAULT))
        return self._model, self._meaning

    def warm_up(self) -> None:
        """Load the model and embed the catalogue now (a server calls this at start, in the background),
        so the first upload does not wait for it: that took ~50 s of the first upload's time on a busy
        2-core machine (bench/web_upload_speed.py)."""
        try:
            with self._lock:
                model, meaning = self._parts()
                model.corrections, model.workshop = None, None
                model.fit_assign(["Finanzierung sichern"])
                meaning.encode(["Finanzierung sichern"])
        except Exception:  # the first real upload reports what is wrong, in German, on its job
            log.exception("Themenmodell konnte nicht vorab geladen werden")

    def __call__(self, workshop, workshop_id: int | None, new_ids: Iterable[str]) -> dict[str, str | None]:
        new_ids = set(new_ids)
        new = [c for c in workshop.cards if c.id in new_ids and c.text.strip()]
        if not new:
            return {}
        old = [c for c in workshop.cards if c.id not in new_ids and c.theme and c.text.strip()]
        with self._lock:  # one fit at a time: the model keeps state between calls
            model, meaning = self._parts()
            model.corrections = self.corrections if self.corrections and self.corrections.is_file() else None
            model.workshop = None if workshop_id is None else str(workshop_id)
            fresh = model.fit_assign([c.text for c in new])
            result = {c.id: theme for c, theme in zip(new, fresh)}
            # A new card that says what an old card says follows that card's theme, whatever the
            # catalogue would pick: the model's own measure of "the same idea in other words"
            # (ThemeModel.memory_similarity, cosine of meaning), as for cards a person decided.
            if old:
                similarity = meaning.encode([c.text for c in new]) @ meaning.encode([c.text for c in old]).T
                for row, card in zip(similarity, new):
                    best = int(row.argmax())
                    if row[best] >= model.memory_similarity:
                        result[card.id] = old[best].theme
        return result


def whole_workshop(assign: Callable) -> Callable:
    """An incremental themer from a whole-workshop `assign(workshop, workshop_id=…)` (tests, other backends):
    it themes everything and hands back only the new cards' themes."""
    def themer(workshop, workshop_id, new_ids):
        new_ids = set(new_ids)
        assign(workshop, workshop_id=workshop_id)
        return {c.id: c.theme for c in workshop.cards if c.id in new_ids}
    return themer
