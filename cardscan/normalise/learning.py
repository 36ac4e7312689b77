"""Learning from facilitators' corrections: a YAML user lexicon that a `Normaliser(user_lexicon=...)` applies.

Why here and not in `cardscan.lexicon`: deciding what a correction teaches needs the normaliser's
judgement (is the raw word itself German?), and `cardscan.lexicon` must stay a leaf that only reads
tables, so the two never import each other. The file goes where the caller says (the web page: its
data folder); by default to `cardscan.lexicon.user_lexicon_file()`, in the user's data folder, never
into the installed package.
"""
from __future__ import annotations

import threading
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from cardscan._files import write_text_atomic
from cardscan.lexicon import load_user_lexicon, user_lexicon_file
from cardscan.normalise.casing import MIN_FIX_LENGTH
from cardscan.normalise.layout import layout_words
from cardscan.normalise.normaliser import Normaliser

__all__ = ["learn_correction", "LEARN_MIN_SIMILARITY"]

LEARN_MIN_SIMILARITY = 60  # rapidfuzz ratio; below it a correction is a rewrite, not a spelling fix

_lexicon_file_lock = threading.Lock()


def learn_correction(raw: str, corrected: str, path: str | Path | None = None) -> dict[str, Any]:
    """Record what a facilitator fixed on a card in the user lexicon at `path` (YAML), atomically.

    Word pairs that differ like a misreading ("Burgerhaushalt" → "Bürgerhaushalt") become
    replacements; words of the corrected text we did not know become known words. Not learned,
    because they would change other cards wrongly: rewrites (dissimilar words), abbreviations,
    and raw words that are themselves correct German ("Forderung" → "Förderung" is context).
    Returns what was newly learned. `path` None: `lexikon.yaml` in the user's data folder.
    """
    import yaml

    path = Path(path) if path is not None else user_lexicon_file()
    with _lexicon_file_lock:
        data = load_user_lexicon(path)
        judge = Normaliser(user_lexicon=None, words=data["words"])
        raw_words, new_words = layout_words(raw), layout_words(corrected)
        learned_replacements: dict[str, str] = {}
        matcher = SequenceMatcher(None, raw_words, new_words, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "replace" or i2 - i1 != j2 - j1:
                continue
            for a, b in zip(raw_words[i1:i2], new_words[j1:j2]):
                if _learnable(a, b, judge):
                    learned_replacements[a] = b
        learned_words = []
        for w in dict.fromkeys(new_words):
            if len(w) >= MIN_FIX_LENGTH and w.isalpha() and not judge.known(w) \
                    and not judge.abbreviation_table.is_abbreviation(w) and w not in data["words"]:
                learned_words.append(w)
        replacements = dict(data["replacements"])
        replacements.update(learned_replacements)
        for w in new_words:  # a word a human just wrote is right: never replace it again
            replacements.pop(w, None)
        words = [w for w in data["words"] if w not in learned_replacements] + learned_words
        if replacements == data["replacements"] and words == data["words"]:
            return {"replacements": {}, "words": []}
        out = {k: v for k, v in data.items() if k not in ("replacements", "words")}
        out["replacements"] = dict(sorted(replacements.items()))
        out["words"] = sorted(set(words))
        write_text_atomic(path, yaml.safe_dump(out, allow_unicode=True, sort_keys=False))
    return {"replacements": learned_replacements, "words": learned_words}


def _learnable(a: str, b: str, judge: Normaliser) -> bool:
    from rapidfuzz import fuzz

    if a == b or len(a) < MIN_FIX_LENGTH or a.isdigit() or b.isdigit():
        return False
    table = judge.abbreviation_table
    if table.is_abbreviation(a) or table.is_abbreviation(b) or table.is_lower_abbreviation(a):
        return False
    if judge.in_lexicon(a) or (judge.dictionary is not None and judge.vocabulary.dict_word(a, compounds=False)):
        return False  # a real word ("Forderung"): changing it was context, not a misreading
    return fuzz.ratio(a.lower(), b.lower()) >= LEARN_MIN_SIMILARITY
