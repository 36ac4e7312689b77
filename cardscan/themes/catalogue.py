"""The theme catalogue: which themes a field knows, and how their keywords are found in card texts.

Why a file of its own: facilitators edit the catalogue (models/themes.yaml, or their own with
--catalogue), and the messages for their typos belong next to the reading of that file. Keyword
matching lives here too because it is defined by the catalogue's own rules (stems, compounds,
short words), which the YAML's header explains to the people who write it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from cardscan.exceptions import BadConfig
from cardscan.resources import bundled_file

# The bundled catalogue (models/themes.yaml; cardscan/models/ inside an installed wheel).
DEFAULT_CATALOGUE = bundled_file("themes.yaml")
# A word of a card or keyword as the catalogue's rules count it (letters/digits, or the euro sign).
WORD = re.compile(r"\w+|€")

# ---- the catalogue -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    """One theme of the field: its name as it appears in minutes, what it covers, words that signal it."""

    name: str
    description: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    examples: tuple[str, ...] = field(default_factory=tuple)  # typical card texts, optional

    def document(self) -> str:
        """The text embedded for this theme: name, description and keywords in one sentence."""
        return f"{self.name}: {self.description} {', '.join(self.keywords)}".strip()


def load_catalogue(path: str | Path | None = None) -> list[Theme]:
    """Read a theme catalogue (YAML: ``themes: [{name, description, keywords, examples?}, …]``).

    Raises BadConfig naming the file for anything a person could have mistyped: missing file,
    broken YAML, a theme without name or keywords, a name used twice.
    """
    import yaml

    path = Path(path) if path else DEFAULT_CATALOGUE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadConfig(f"{path}: Themenkatalog nicht gefunden") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadConfig(f"{path}: Themenkatalog nicht lesbar ({error})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" in Zeile {mark.line + 1}" if mark is not None else ""
        raise BadConfig(f"{path}: kein gültiges YAML{where}") from None
    items = raw.get("themes") if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        raise BadConfig(f"{path}: keine Themen gefunden (erwartet: 'themes:' mit einer Liste aus name, "
                        f"description, keywords)")
    themes: list[Theme] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise BadConfig(f"{path}: Thema {number} ist kein Eintrag mit name, description, keywords")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BadConfig(f"{path}: Thema {number} hat keinen Namen (name)")
        name = name.strip()
        label = f"Thema {number} ({name})"
        description = item.get("description", "")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise BadConfig(f"{path}: {label}: description muss ein Text sein")
        keywords = item.get("keywords")
        if isinstance(keywords, str):
            keywords = re.split(r"[,;]", keywords)
        if not isinstance(keywords, list) or not [k for k in keywords if str(k).strip()]:
            raise BadConfig(f"{path}: {label} hat keine Schlüsselwörter (keywords)")
        if any(not isinstance(k, (str, int, float)) for k in keywords):
            raise BadConfig(f"{path}: {label}: keywords muss eine Liste von Wörtern sein")
        examples = item.get("examples") or []
        if not isinstance(examples, list) or any(not isinstance(e, str) for e in examples):
            raise BadConfig(f"{path}: {label}: examples muss eine Liste von Kartentexten sein")
        if name.casefold() in seen:
            raise BadConfig(f"{path}: {label}: der Name kommt zweimal vor")
        seen.add(name.casefold())
        themes.append(Theme(name, " ".join(description.split()),
                            tuple(str(k).strip() for k in keywords if str(k).strip()),
                            tuple(" ".join(e.split()) for e in examples if e.strip())))
    return themes


# ---- keywords: German compounds by substring -----------------------------------------------------
def _stem(word: str) -> str:
    """Strip one inflection ending so "Fördermittel"/"Finanzen"/"Infos" also match their relatives.

    Deliberately light: -er is kept (Träger, Kümmerer, Bürger are nouns, not comparatives).
    """
    word = word.casefold()
    for ending in ("en", "e", "s", "n"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


class Keyword:
    """A keyword stem and how it may match: long stems anywhere (compounds), four or five letters at a
    word's start or end ("geld" in "Fördergelder", "info" in "Infoabend"), three letters only at the
    start ("bsp." but not "ort" in "sofort"), two letters (QR, BA, €) only as a word of their own."""

    def __init__(self, keyword: str):
        words = WORD.findall(keyword.casefold())
        self.phrase = " ".join(_stem(w) for w in words) if len(words) > 1 else None
        self.stem = _stem(words[0]) if len(words) == 1 else ""
        self.kind = "phrase" if self.phrase else ("word" if len(self.stem) <= 2 else "start" if len(self.stem) == 3
                                                  else "edge" if len(self.stem) <= 5 else "anywhere")

    def matches(self, tokens: Sequence[str], joined: str) -> bool:
        if self.kind == "phrase":
            return self.phrase in joined
        if self.kind == "anywhere":
            return self.stem in joined
        if self.kind == "word":
            return self.stem in tokens
        stem = self.stem
        for token in tokens:
            if token.startswith(stem):
                return True
            if self.kind == "start":
                continue
            at = token.rfind(stem)
            if at > 0 and len(token) - at - len(stem) <= 3:
                return True
        return False


def keyword_hits(text: str, theme: Theme) -> list[str]:
    """The keywords of ``theme`` found in ``text`` (for explanations and tests)."""
    tokens = WORD.findall(text.casefold())
    joined = " ".join(tokens)
    return [k for k in theme.keywords if Keyword(k).matches(tokens, joined)]


__all__ = ["Theme", "Keyword", "load_catalogue", "keyword_hits", "DEFAULT_CATALOGUE", "WORD"]
