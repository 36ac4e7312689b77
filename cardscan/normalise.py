"""Turn what OCR read off a card into text for the minutes, and say what was changed.

Why so cautious: a card is a participant's own words. A wrong "correction" is worse than a
typo, because the reader cannot see it; so every change is an `Edit` (with its offset in
the raw text) that the review page and the JSON show, and anything we are not sure of is left
alone. Concretely:

- layout: OCR keeps the card's line breaks; the minutes want one line. Lines are joined with
  single spaces, words broken across lines ("Verstetig-/ung") are joined, real hyphens
  ("Kita-/Plätze", "Q-/Rat") and suspended hyphens ("Kinder-/und Jugendarbeit") are kept;
- symbols: "=>", "->", "-->", "⇒" become "→"; "+" and "€" get spaces around them. "+" is never
  turned into "und": that would put words on the card its author did not write;
- abbreviations from `models/abbreviations.tsv` (QR → Quartiersrat) are written out, each as an
  "abbreviation" edit, so `cardscan.minutes.unexpand` can put the card's own form back;
  "z.B.", "bzw." … only get one spelling;
- OCR confusions (rn/m, ii/ü, u/ü, o/ö, a/ä, B/ß, 1/l/I, 0/O): a word we do not know that is one
  such confusion away from exactly one word we do know is replaced; known words never change;
- cards written in block capitals get the lexicon's capitalisation for the words it knows;
- a facilitator's corrections are learned (`learn_correction`) into a YAML user lexicon that a
  `Normaliser(user_lexicon=...)` applies.

Pure Python, tables loaded once per `Normaliser`; `normalise()` reuses a cached instance.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from cardscan.workshop import Edit

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_ABBREVIATIONS = MODELS_DIR / "abbreviations.tsv"
DEFAULT_LEXICON = MODELS_DIR / "lexicon.txt"

MIN_FIX_LENGTH = 3  # shorter tokens ("ob", "QR", "5a") are too ambiguous to correct
MIN_COMPOUND_PART = 3
LEARN_MIN_SIMILARITY = 60  # rapidfuzz ratio; below it a correction is a rewrite, not a spelling fix

# --- layout ---------------------------------------------------------------------------------------
# A hyphen at a line end between two word characters: a broken word or a real hyphen.
_LAYOUT = re.compile(r"(?P<hyph>(?<=[^\W_])-[ \t]*(?:\r\n|\r|\n)\s*(?=[^\W_]))|(?P<ws>\s+)")
_WORD_AT = re.compile(r"[^\W_]+")
# "Kinder-\nund Jugendarbeit": the hyphen stands for a left-out word part and stays.
_SUSPENDED_HYPHEN_NEXT = frozenset({"und", "oder", "bzw", "sowie", "bis", "als", "wie", "u", "o"})
_PUNCT_NO_SPACE_BEFORE = ",;:!?."

# --- tokens ---------------------------------------------------------------------------------------
_ARROWS = {"<-->": "↔", "<->": "↔", "<=>": "↔", "⇔": "↔", "↔": "↔",
           "-->": "→", "->": "→", "==>": "→", "=>": "→", "⇒": "→", "⟹": "→", "⟶": "→", "—>": "→", "–>": "→",
           "→": "→", "<--": "←", "<-": "←", "⇐": "←", "←": "←"}
_ARROW_PATTERN = "|".join(re.escape(a) for a in sorted(_ARROWS, key=len, reverse=True))
_OPENING = set("([{„“\"'‚/")
_CLOSING = set(")]}“”\"'‘%/")
_PUNCT = set(",.;:!?")
_SENTENCE_END = set(".:!?-–•*")

# --- OCR confusions: (what OCR wrote, what was meant) --------------------------------------------
# One direction only where OCR errs one way (it drops umlaut dots, it reads ß as B, not back).
_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("rn", "m"), ("m", "rn"),
    ("ii", "ü"), ("u", "ü"), ("o", "ö"), ("a", "ä"), ("U", "Ü"), ("O", "Ö"), ("A", "Ä"),
    ("B", "ß"),
    ("1", "l"), ("1", "I"), ("l", "I"), ("I", "l"),
    ("0", "O"), ("0", "o"), ("O", "0"),
    ("c", "e"),  # Tesseract on marker strokes: "Transparcnz"
)
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

_lexicon_file_lock = threading.Lock()


@dataclass
class Normalised:
    """The text of one card before and after normalisation, and every change in between."""

    raw: str
    text: str
    edits: list[Edit] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Abbreviation:
    short: str  # as written on cards, e.g. "QR", "z.B."
    expansion: str  # "" means: never written out, only its spelling is unified
    note: str = ""


# --- loading ---------------------------------------------------------------------------------------
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


# --- layout stage (works on the raw string, keeps a map back to raw offsets) ----------------------
def _layout(raw: str) -> tuple[str, list[int], list[Edit]]:
    """Join lines and broken words, collapse whitespace. Returns text, text→raw offset map, edits."""
    out: list[str] = []
    offsets: list[int] = []
    edits: list[Edit] = []
    pos = 0
    n = len(raw)

    def emit(s: str, at: int) -> None:
        out.append(s)
        offsets.extend([at] * len(s))

    for m in _LAYOUT.finditer(raw):
        for i in range(pos, m.start()):  # unchanged text
            out.append(raw[i])
            offsets.append(i)
        pos = m.end()
        if m.group("hyph") is not None:
            nxt = _WORD_AT.match(raw, m.end())
            next_word = nxt.group(0) if nxt else ""
            word_start = m.start()
            while word_start > 0 and (raw[word_start - 1].isalnum()):
                word_start -= 1
            if next_word[:1].islower() and next_word.lower() not in _SUSPENDED_HYPHEN_NEXT:
                joined = ""  # "Verstetig-\nung": a word broken at the line end
            elif next_word.lower() in _SUSPENDED_HYPHEN_NEXT:
                joined = "- "  # "Kinder-\nund Jugend"
            else:
                joined = "-"  # "Kita-\nPlätze", "2019-\n2020"
            emit(joined, m.start())
            end = nxt.end() if nxt else m.end()
            edits.append(Edit(raw[word_start:end], raw[word_start:m.start()] + joined + next_word,
                              "hyphenation" if joined != "- " else "whitespace", word_start))
            continue
        run = m.group("ws")
        if m.start() == 0 or m.end() == n:
            replacement = ""
        elif ("\n" not in run and "\r" not in run and raw[m.end()] in _PUNCT_NO_SPACE_BEFORE
              and raw[m.start() - 1].isalnum()
              and (m.end() + 1 == n or raw[m.end() + 1].isspace())
              and not raw.startswith("..", m.end())):
            replacement = ""  # "Transparenz !" → "Transparenz!"
        else:
            replacement = " "
        if replacement != run:
            edits.append(Edit(run, replacement, "whitespace", m.start()))
        emit(replacement, m.start())
    for i in range(pos, n):
        out.append(raw[i])
        offsets.append(i)
    offsets.append(n)
    return "".join(out), offsets, edits


# --- the normaliser ---------------------------------------------------------------------------------
class Normaliser:
    """Holds the loaded tables (abbreviations, lexicon, learned user lexicon) for a batch of cards.

    Building one reads the files once; `normalise` is then pure string work. Pass
    `user_lexicon=<data>/lexikon.yaml` to apply what facilitators taught via `learn_correction`.
    """

    def __init__(self, *, abbreviations: str | Path | None = DEFAULT_ABBREVIATIONS,
                 lexicon: str | Path | None = DEFAULT_LEXICON, user_lexicon: str | Path | None = None,
                 words: Iterable[str] = ()):
        self.abbreviations: list[Abbreviation] = load_abbreviations(abbreviations) if abbreviations else []
        base_words = load_word_list(lexicon) if lexicon else []
        self.user_lexicon_path = Path(user_lexicon) if user_lexicon else None
        user = load_user_lexicon(user_lexicon) if user_lexicon else {"replacements": {}, "words": []}
        self.replacements: dict[str, str] = dict(user["replacements"])
        self.user_words: list[str] = list(user["words"])

        all_words = [*base_words, *self.user_words, *words]
        # Words of the expansions ("Senatsverwaltung", "Quartiersrat") are known words too.
        for abbr in self.abbreviations:
            all_words.extend(_WORD_AT.findall(abbr.expansion))
        all_words.extend(self.replacements.values())
        self.words: set[str] = set(all_words)
        self._forms: dict[str, set[str]] = {}
        for w in self.words:
            self._forms.setdefault(w.lower(), set()).add(w)
        self._abbr_words = {a.short: a for a in self.abbreviations if "." not in a.short}
        self._abbr_lower = {a.short.lower(): a for a in self.abbreviations
                            if "." not in a.short and a.short.islower()}
        dotted = sorted((a for a in self.abbreviations if "." in a.short), key=lambda a: len(a.short), reverse=True)
        self._dotted: dict[str, Abbreviation] = {}
        patterns = []
        for a in dotted:
            key = _dotted_key(a.short)
            self._dotted[key] = a
            parts = [re.escape(p) for p in a.short.split(".") if p]
            if a.short.islower():  # "hauptamtl." also at the start of a card: "Hauptamtl."
                self._dotted[key[:1].upper() + key[1:]] = a
                parts[0] = f"[{parts[0][0]}{parts[0][0].upper()}]{parts[0][1:]}"
            patterns.append(r"\s?\.\s?".join(parts) + r"\.")
        dotted_re = "|".join(patterns) if patterns else r"(?!x)x"
        self._token_re = re.compile(
            rf"(?P<dotted>(?<![^\W_])(?:{dotted_re})(?![^\W_]))"
            rf"|(?P<arrow>{_ARROW_PATTERN})"
            r"|(?P<word>[^\W_]+)"
            r"|(?P<plus>\+)"
            r"|(?P<euro>€)"
            r"|(?P<ws>\s+)"
            r"|(?P<other>.)", re.DOTALL)
        self._known_cache: dict[str, bool] = {}
        self._compound_cache: dict[str, list[str] | None] = {}
        self._fix_cache: dict[tuple[str, bool], str | None] = {}

    # -- public helpers --------------------------------------------------------------------------
    def known(self, word: str) -> bool:
        """True when the word is in the lexicon (any case), a learned word, or a compound of known words."""
        low = word.lower()
        hit = self._known_cache.get(low)
        if hit is None:
            hit = low in self._forms or self._compound(low) is not None
            self._known_cache[low] = hit
        return hit

    def normalise(self, text: str, *, expand_abbreviations: bool = True) -> Normalised:
        raw = "" if text is None else text if isinstance(text, str) else str(text)
        clean, offsets, edits = _layout(raw)
        tokens = [(m.lastgroup, m.group(), m.start()) for m in self._token_re.finditer(clean)]
        block_caps = self._is_block_caps(tokens)
        out: list[str] = []
        first_word = True
        sentence_start = True  # a capitalised word here may be a lower-case word ("Fur alle" → "Für alle")
        for i, (kind, tok, start) in enumerate(tokens):
            at = offsets[start]
            if kind == "word":
                in_compound = (clean[start - 1:start] == "-" and start >= 2 and clean[start - 2].isalnum()) or \
                              (clean[start + len(tok):start + len(tok) + 1] == "-"
                               and clean[start + len(tok) + 1:start + len(tok) + 2].isalnum())
                new, reason = self._word(tok, expand_abbreviations, in_compound, sentence_start)
                if reason is not None:
                    edits.append(Edit(tok, new, reason, at))
                if block_caps and reason in (None, "ocr-confusion"):
                    cased, why = self._case(new, first_word)
                    if why is not None:
                        edits.append(Edit(new, cased, why, at))
                        new = cased
                out.append(new)
                first_word = sentence_start = False
            elif kind == "dotted":
                a = self._dotted[_dotted_key(tok)]
                canonical = a.short if not a.short.islower() or tok[:1].islower() else a.short[:1].upper() + a.short[1:]
                if expand_abbreviations and a.expansion:
                    new = a.expansion if tok[:1].islower() or not a.short.islower() else a.expansion[:1].upper() + a.expansion[1:]
                    edits.append(Edit(tok, new, "abbreviation", at))
                else:
                    new = canonical
                    if new != tok:
                        edits.append(Edit(tok, new, "whitespace", at))
                out.append(new)
                first_word = sentence_start = False
            elif kind in ("arrow", "plus", "euro"):
                symbol = _ARROWS.get(tok, tok)
                prev_kind, prev_tok = _neighbour(tokens, i, -1)
                next_kind, next_tok = _neighbour(tokens, i, +1)
                if kind == "plus":
                    p_kind, p_tok = _neighbour(tokens, i, -2) if prev_kind == "ws" else (prev_kind, prev_tok)
                    n_kind, n_tok = _neighbour(tokens, i, +2) if next_kind == "ws" else (next_kind, next_tok)
                    between_words = (p_kind in ("word", "euro", "dotted") or p_tok in _CLOSING) and \
                                    (n_kind in ("word", "euro", "dotted") or n_tok in _OPENING)
                    before = between_words and prev_kind != "ws"
                    after = between_words and next_kind != "ws"
                elif kind == "euro":
                    before = prev_kind == "word"  # "500€" → "500 €"
                    after = next_kind in ("word", "dotted")  # arrows and "+" bring their own space
                else:
                    before = prev_kind not in (None, "ws") and prev_tok not in _OPENING
                    after = next_kind not in (None, "ws") and next_tok not in _CLOSING and next_tok not in _PUNCT
                new = (" " if before else "") + symbol + (" " if after else "")
                if new != tok:
                    edits.append(Edit(tok, new, "symbol", at))
                out.append(new)
                sentence_start = sentence_start or kind == "arrow"
            else:
                out.append(tok)
                if kind == "other" and tok in _SENTENCE_END and (
                        tok in ".:!?" or _neighbour(tokens, i, -1)[0] in (None, "ws")):
                    sentence_start = True  # after a full stop, or a bullet dash (not a compound hyphen)
        return Normalised(raw=raw, text="".join(out), edits=sorted(edits, key=lambda e: e.start))

    __call__ = normalise

    # -- words -----------------------------------------------------------------------------------
    def _word(self, tok: str, expand: bool, in_compound: bool = False,
              sentence_start: bool = False) -> tuple[str, str | None]:
        """One word token: learned replacement, abbreviation, or OCR fix; (tok, None) when unchanged.

        In a hyphen compound only one-word expansions are written out: "KIZ-Fonds" → "Kiez-Fonds",
        but "ESF-Fördermittel" stays (not "Europäischer Sozialfonds-Fördermittel").
        """
        if tok in self.replacements:
            return self.replacements[tok], "spelling"
        abbr = self._abbr_words.get(tok)
        if abbr is None and tok[:1].isupper() and tok[1:].islower():
            abbr = self._abbr_lower.get(tok.lower())
        if abbr is not None:
            if expand and abbr.expansion and not (in_compound and " " in abbr.expansion):
                new = abbr.expansion
                if tok[:1].isupper() and abbr.short.islower():
                    new = new[:1].upper() + new[1:]
                return new, "abbreviation"
            return tok, None
        if len(tok) < MIN_FIX_LENGTH or self.known(tok):
            return tok, None
        key = (tok, sentence_start)
        fixed = self._fix_cache.get(key, "")
        if fixed == "":
            fixed = self._ocr_fix(tok, sentence_start)
            self._fix_cache[key] = fixed
        return (fixed, "ocr-confusion") if fixed else (tok, None)

    def _ocr_fix(self, tok: str, sentence_start: bool = False) -> str | None:
        """The one known word a single typical OCR confusion away from `tok`, else None."""
        digits = sum(c.isdigit() for c in tok)
        if digits == len(tok):
            return None
        if digits:
            as_number = tok.translate(_DIGIT_LOOKALIKES)
            if digits * 2 >= len(tok) and as_number.isdigit():
                return as_number  # "2O19" → "2019"
            if digits * 2 >= len(tok):
                return None
        if not any(c.isalpha() for c in tok):
            return None
        all_caps = tok.isupper()
        found: set[str] = set()
        for wrong, right in _CONFUSIONS:
            if all_caps and right in ("ß", "l", "m", "rn", "ü", "ö", "ä", "o"):
                continue  # block capitals: only upper-case confusions make sense
            start = tok.find(wrong)
            while start >= 0:
                cand = tok[:start] + right + tok[start + len(wrong):]
                if self._is_target(cand, all_caps, sentence_start):
                    found.add(cand)
                    if len(found) > 1:
                        return None  # two readings fit: not ours to choose
                start = tok.find(wrong, start + 1)
        return found.pop() if found else None

    def _is_target(self, cand: str, all_caps: bool, sentence_start: bool = False) -> bool:
        """A candidate counts when it is a known word written the way the lexicon writes it.

        Also counted: a noun written lower-case ("burgerhaushalt"), and at a sentence start a
        lower-case word written capitalised ("Fur alle"); elsewhere a capitalised word is a noun
        and must not become an adjective ("Alter" is not "älter").
        """
        if all_caps:
            return self.known(cand)
        forms = self._forms.get(cand.lower())
        if forms is not None:
            if cand in forms:
                return True
            if cand[:1].islower():
                return any(f[1:] == cand[1:] and f[:1].isupper() for f in forms)
            return sentence_start and any(f[1:] == cand[1:] for f in forms)
        return len(cand) >= 2 * MIN_COMPOUND_PART and self._compound(cand.lower()) is not None

    def _compound(self, low: str, depth: int = 0) -> list[str] | None:
        """Split a lower-case word into known parts (with Fugen-s/-n/-en/-es/-e), or None. Memoised."""
        if low in self._compound_cache:
            return self._compound_cache[low]
        self._compound_cache[low] = None  # guards against re-entry while splitting
        found = None
        for i in range(len(low) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            tail = low[i:]
            if tail in self._forms:
                rest = [tail]
            elif len(tail) >= 2 * MIN_COMPOUND_PART:
                rest = self._compound(tail)
                if rest is None:
                    continue
            else:
                continue
            head = low[:i]
            for link in ("", "s", "n", "en", "es", "e"):
                if link and not head.endswith(link):
                    continue
                stem = head[:len(head) - len(link)] if link else head
                if len(stem) >= MIN_COMPOUND_PART and stem in self._forms:
                    found = [stem, *rest]
                    break
            if found:
                break
        self._compound_cache[low] = found
        return found

    # -- block capitals ----------------------------------------------------------------------------
    @staticmethod
    def _is_block_caps(tokens: list[tuple[str, str, int]]) -> bool:
        words = [t for k, t, _ in tokens if k == "word" and any(c.isalpha() for c in t)]
        long_words = [w for w in words if len(w) >= 2]
        if not long_words:
            return False
        caps = sum(1 for w in long_words if w.isupper())
        return caps >= 1 and caps / len(long_words) >= 0.7 and (len(long_words) >= 2 or len(long_words[0]) >= 5)

    def _case(self, tok: str, first: bool) -> tuple[str, str | None]:
        """A block-capital word the lexicon knows, written as the lexicon writes it."""
        if not tok.isupper() or len(tok) < MIN_FIX_LENGTH:
            return tok, None
        low = tok.lower()
        forms = self._forms.get(low)
        if forms:
            capitalised = [f for f in forms if f[:1].isupper() and f[1:].islower()]
            lower = [f for f in forms if f.islower()]
            if not capitalised and not lower:
                return tok, None  # the lexicon spells it in capitals too
            new = capitalised[0] if capitalised else lower[0]
        else:
            parts = self._compound(low)
            if parts is None:
                return tok, None
            tail_forms = self._forms.get(parts[-1], set())
            new = low[:1].upper() + low[1:] if any(f[:1].isupper() for f in tail_forms) else low
        if first:
            new = new[:1].upper() + new[1:]
        return (new, "case") if new != tok else (tok, None)


def _dotted_key(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _neighbour(tokens: list[tuple[str, str, int]], i: int, step: int) -> tuple[str | None, str]:
    j = i + step
    if 0 <= j < len(tokens):
        return tokens[j][0], tokens[j][1]
    return None, ""


# --- module-level API -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def default_normaliser() -> Normaliser:
    """The shared instance with the bundled tables (no user lexicon)."""
    return Normaliser()


@lru_cache(maxsize=8)
def _normaliser_for(path: str, mtime_ns: int, size: int) -> Normaliser:
    return Normaliser(user_lexicon=path)


def _resolve(lexicon: Normaliser | str | Path | None) -> Normaliser:
    if lexicon is None:
        return default_normaliser()
    if isinstance(lexicon, Normaliser):
        return lexicon
    path = Path(lexicon).resolve()
    try:
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        key = (0, -1)
    return _normaliser_for(str(path), *key)  # re-read when the file changed (a correction was learned)


def normalise(text: str, *, expand_abbreviations: bool = True,
              lexicon: Normaliser | str | Path | None = None) -> Normalised:
    """Normalise one card's text. `lexicon`: a learned user lexicon (YAML path) or a ready Normaliser."""
    return _resolve(lexicon).normalise(text, expand_abbreviations=expand_abbreviations)


def normalise_lines(lines: Iterable[str], *, expand_abbreviations: bool = True,
                    lexicon: Normaliser | str | Path | None = None) -> Iterator[Normalised]:
    """Each line on its own (typed-up notes: one card per line); lazily, so stdin can stream."""
    normaliser = _resolve(lexicon)
    for line in lines:
        yield normaliser.normalise(line, expand_abbreviations=expand_abbreviations)


# --- learning from facilitators' corrections --------------------------------------------------------
def _words(text: str) -> list[str]:
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
        _write_atomic(path, yaml.safe_dump(out, allow_unicode=True, sort_keys=False))
    return {"replacements": learned_replacements, "words": learned_words}


def _learnable(a: str, b: str, judge: Normaliser) -> bool:
    from rapidfuzz import fuzz

    if a == b or len(a) < MIN_FIX_LENGTH or a.isdigit() or b.isdigit():
        return False
    if a in judge._abbr_words or b in judge._abbr_words or a.lower() in judge._abbr_lower:
        return False
    if judge.known(a):
        return False
    return fuzz.ratio(a.lower(), b.lower()) >= LEARN_MIN_SIMILARITY


def _write_atomic(path: Path, text: str) -> None:
    """Write next to the target and rename over it: a crash never leaves half a lexicon."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
