"""The normaliser's tables: abbreviations, the domain lexicon, and the lexicon learned from facilitators.

Why a module of its own: these are the files users edit or that grow while cardscan is used
(`models/abbreviations.tsv`, `models/lexicon.txt`, a workshop's `lexikon.yaml`); reading them
with clear errors and writing the learned one safely is separate from the string work in
`cardscan.normalise`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardscan._files import write_text_atomic

if TYPE_CHECKING:
    from cardscan.normalise import Normaliser

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_ABBREVIATIONS = MODELS_DIR / "abbreviations.tsv"
DEFAULT_LEXICON = MODELS_DIR / "lexicon.txt"
LEARN_MIN_SIMILARITY = 60  # rapidfuzz ratio; below it a correction is a rewrite, not a spelling fix

_lexicon_file_lock = threading.Lock()


@dataclass(frozen=True)
class Abbreviation:
    short: str  # as written on cards, e.g. "QR", "z.B."
    expansion: str  # "" means: never written out, only its spelling is unified
    note: str = ""


def load_abbreviations(path: str | Path) -> list[Abbreviation]:
    """Read the tab-separated table: abbreviation, expansion (empty: keep), note. '#' starts a comment."""
    from cardscan.exceptions import BadConfig

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: Abkürzungstabelle nicht lesbar ({exc.__class__.__name__})") from exc
    table: list[Abbreviation] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.rstrip("\r").split("\t")
        short = cols[0].strip()
        if not short or len(cols) < 2 or " " in short:
            raise BadConfig(f"{path}: Zeile {number} braucht 'Abkürzung<TAB>Ausschreibung<TAB>Anmerkung'")
        if short.lower() == "abbreviation" and number == 1:  # header row
            continue
        table.append(Abbreviation(short, cols[1].strip(), cols[2].strip() if len(cols) > 2 else ""))
    return table


def load_word_list(path: str | Path) -> list[str]:
    """One word per line, exactly as it is spelled (case matters: 'Forderung' ≠ 'fordern'); '#' comments."""
    from cardscan.exceptions import BadConfig

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfig(f"{path}: Wortliste nicht lesbar ({exc.__class__.__name__})") from exc
    words = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


def load_user_lexicon(path: str | Path) -> dict[str, Any]:
    """The learned lexicon: {"replacements": {wrong: right}, "words": [...]}; a missing file is empty."""
    import yaml

    from cardscan.exceptions import BadConfig

    path = Path(path)
    if not path.exists():
        return {"replacements": {}, "words": []}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BadConfig(f"{path}: gelerntes Lexikon nicht lesbar ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise BadConfig(f"{path}: gelerntes Lexikon muss 'replacements' und 'words' enthalten")
    replacements = data.get("replacements") or {}
    words = data.get("words") or []
    if not isinstance(replacements, dict) or not isinstance(words, list):
        raise BadConfig(f"{path}: 'replacements' muss eine Zuordnung, 'words' eine Liste sein")
    data["replacements"] = {str(k): str(v) for k, v in replacements.items()}
    data["words"] = [str(w) for w in words]
    return data


# --- learning from facilitators' corrections ---------------------------------------------------------
def _words(text: str) -> list[str]:
    from cardscan.normalise import _WORD_AT, _layout

    clean, _, _ = _layout(text)
    return _WORD_AT.findall(clean)


def learn_correction(raw: str, corrected: str, path: str | Path) -> dict[str, Any]:
    """Record what a facilitator fixed on a card in the user lexicon at `path` (YAML), atomically.

    Word pairs that differ like a misreading ("Burgerhaushalt" → "Bürgerhaushalt") become
    replacements; words of the corrected text we did not know become known words. Not learned,
    because they would change other cards wrongly: rewrites (dissimilar words), abbreviations,
    and raw words that are themselves correct German ("Forderung" → "Förderung" is context).
    Returns what was newly learned.
    """
    import yaml

    from cardscan.normalise import MIN_FIX_LENGTH, Normaliser

    path = Path(path)
    with _lexicon_file_lock:
        data = load_user_lexicon(path)
        judge = Normaliser(user_lexicon=None, words=data["words"])
        raw_words, new_words = _words(raw), _words(corrected)
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
                    and w not in judge._abbr_words and w not in data["words"]:
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

    from cardscan.normalise import MIN_FIX_LENGTH

    if a == b or len(a) < MIN_FIX_LENGTH or a.isdigit() or b.isdigit():
        return False
    if a in judge._abbr_words or b in judge._abbr_words or a.lower() in judge._abbr_lower:
        return False
    if judge.in_lexicon(a) or (judge.dictionary is not None and judge._dict_word(a, compounds=False)):
        return False  # a real word ("Forderung"): changing it was context, not a misreading
    return fuzz.ratio(a.lower(), b.lower()) >= LEARN_MIN_SIMILARITY
