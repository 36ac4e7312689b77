"""Hand a person's correction on to the stage that can learn from it (normalisation, themes).

The correction itself is already safe in the corpus' corrections table when these run, so a missing
or failing learner only means it is learned later (replay ``Corpus.corrections("text")``): these
functions log and return False instead of failing the request.
"""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("cardscan.web")

_warned: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message)


def learn_text(raw: str, corrected: str, lexicon_path: Path) -> bool:
    """Feed a text correction to the normalisation stage; False when that stage cannot learn yet."""
    try:
        from cardscan.normalise import learn_correction
    except ImportError:
        _warn_once("normalise", "cardscan.normalise.learn_correction fehlt: Textkorrekturen werden nur im Korpus "
                                "gespeichert, nicht ins Lexikon gelernt.")
        return False
    try:
        learn_correction(raw, corrected, lexicon_path)
        return True
    except Exception:
        log.exception("Textkorrektur konnte nicht gelernt werden (sie ist im Korpus gespeichert)")
        return False


def learn_theme(text: str, theme: str, store_path: Path, workshop_id: int) -> bool:
    """Feed a theme decision (for this workshop's card) to the themes stage; False when it cannot learn yet."""
    try:
        from cardscan.themes import record_correction
    except ImportError:
        _warn_once("themes", "cardscan.themes.record_correction fehlt: Themenkorrekturen werden nur im Korpus "
                             "gespeichert, nicht gelernt.")
        return False
    try:
        record_correction(store_path, text, theme, workshop=workshop_id)
        return True
    except Exception:
        log.exception("Themenkorrektur konnte nicht gelernt werden (sie ist im Korpus gespeichert)")
        return False
