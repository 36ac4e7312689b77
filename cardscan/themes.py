"""Give every card a theme: first the themes of the field (a catalogue), then new ones found in the rest.

Why a catalogue first: workshops in neighbourhood development keep coming back to the same topics
(Finanzierung, Rolle des Quartiersrats, Verstetigung …) and minute writers want those names, not
"cluster 3". A card goes to the catalogue theme it is most similar to: the cosine similarity of its
embedding to the theme's description and keywords, plus a bonus for each keyword stem found in the
text (substring match, so "Anschlussfinanzierung" counts for "Finanzierung"). Cards that fit no theme
well enough are clustered among themselves (scikit-learn, number of clusters by silhouette) into new
themes named by their most distinctive words (class-based TF-IDF); whatever is left is "Sonstiges".

Facilitators' decisions (``record_correction``) are kept in a JSON file; a ThemeModel given that
file treats every corrected card as an example of its theme and blends in a LogisticRegression
trained on them, so a similar new card follows the person's decision.

Everything is deterministic for the same input: no sampling, ties broken by catalogue order.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from cardscan._files import write_text_atomic
from cardscan.embed import DEFAULT, get_embedder  # also sets OpenMP's wait policy before scikit-learn loads
from cardscan.exceptions import BadConfig, BadInputFile

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "models" / "themes.yaml"
OTHER = "Sonstiges"

# Thresholds on the combined score (similarity + keyword bonus). The backends' scales differ: MiniLM
# (an English model) puts any two German texts at 0.2–0.4, char-n-gram TF-IDF puts unrelated ones
# near 0.05. Chosen on hand-labelled cards (in-catalogue paraphrases, the corpus' group summary,
# off-catalogue topics): higher thresholds reject more off-topic cards but push right ones to
# "Sonstiges" faster than they gain, since most cards of a workshop are on catalogue themes.
# e5+compounds etc.: chosen on the DEV workshop of bench/data/themes-labelled.csv (bench/themes_eval.py):
# the lowest-scoring 0–5 % of cards there; off-catalogue cards rarely score lower than terse on-topic ones.
MIN_SIMILARITY = {"tfidf": 0.20, "minilm": 0.40, "e5+compounds": 0.42, "e5+lemmas": 0.42, "e5": 0.83, "use": 0.18,
                  "use+compounds": 0.09}
MIN_SIMILARITY_OTHER_MODELS = 0.40
COMMON_SHARE = 0.15  # keywords found on more than this share of a workshop's cards count for less

# Function words and workshop filler; never a theme name. Lower case, umlauts kept.
STOP_WORDS = frozenset("""
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus
bei beim bin bis bisher bitte bleibt da dabei dadurch dafür dagegen daher damit dann dar daran darauf daraus
darin darum das dass dasselbe dazu dein deine dem den denn der deren des dessen deshalb die dies diese diesem
diesen dieser dieses doch dort du durch eher ein eine einem einen einer eines einig einige einmal er es etwa
etwas euch euer eure für gab gar geben gegen gehen geht gibt gut gute guten hab habe haben hat hatte hätte
her hier hin hinter ich ihm ihn ihnen ihr ihre im immer in ins ist ja je jede jedem jeden jeder jedes jetzt
kann kein keine keinem keinen keiner können könnte man manche mehr mein meine mit muss müssen möglich nach
nicht nichts noch nun nur ob oder ohne per schon sehr sein seine sich sie sind so soll sollen sollte sondern
sowie statt über um und uns unser unsere unter usw viel viele vom von vor wann war waren warum was weil
weiter welche welchem welchen welcher welches wenig wenn wer werden wie wieder will wir wird wo wollen
wurde würde zu zum zur zwar zwei zwischen ganz genau neu neue neuen neuer klar stärker wichtig besser
bzw ggf evtl zb sollten wäre gibt's gehört machen mal
""".split())

_WORD = re.compile(r"\w+|€")
_LETTERS = re.compile(r"[^\W\d_]{3,}")


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
            keywords = [k for k in re.split(r"[,;]", keywords)]
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


class _Keyword:
    """A keyword stem and how it may match: long stems anywhere (compounds), four or five letters at a
    word's start or end ("geld" in "Fördergelder", "info" in "Infoabend"), three letters only at the
    start ("bsp." but not "ort" in "sofort"), two letters (QR, BA, €) only as a word of their own."""

    def __init__(self, keyword: str):
        words = _WORD.findall(keyword.casefold())
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
    tokens = _WORD.findall(text.casefold())
    joined = " ".join(tokens)
    return [k for k in theme.keywords if _Keyword(k).matches(tokens, joined)]


# ---- corrections ---------------------------------------------------------------------------------
# One JSON file holds a facilitator's decisions in the order they were made:
#   {"text": …, "theme": …}                        this card belongs to this theme
#   {"kind": "rename", "from": old, "to": new}     a theme is called differently from now on
#   {"kind": "merge", "from": [a, b], "to": c}     two (or more) themes are one
# Renames and merges apply to the card decisions before and after them and to the catalogue's names.
_CORRECTIONS_LOCK = threading.Lock()


def _read_items(path: Path) -> list[dict]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadConfig(f"{path}: Themenkorrekturen nicht lesbar ({type(error).__name__})") from None
    items = raw.get("corrections") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise BadConfig(f"{path}: Themenkorrekturen haben ein unbekanntes Format")
    return [item for item in items if isinstance(item, dict)]


def _is_card(item: dict) -> bool:
    return (item.get("kind", "card") == "card" and isinstance(item.get("text"), str)
            and isinstance(item.get("theme"), str) and bool(item["text"].strip()) and bool(item["theme"].strip()))


def _read_corrections(path: Path) -> list[dict]:
    return [item for item in _read_items(path) if _is_card(item)]


def theme_changes(path: str | Path) -> dict[str, str]:
    """Old theme name → current name, from the renames and merges in the file (chains resolved)."""
    mapping: dict[str, str] = {}
    for item in _read_items(Path(path)):
        if item.get("kind") not in ("rename", "merge") or not isinstance(item.get("to"), str):
            continue
        sources = item.get("from")
        sources = [sources] if isinstance(sources, str) else sources if isinstance(sources, list) else []
        target = item["to"].strip()
        for source in sources:
            if isinstance(source, str) and source.strip() and source.strip() != target:
                mapping[source.strip()] = target
    for old in list(mapping):  # A→B, B→C: A→C; a cycle stops where it started
        seen, new = {old}, mapping[old]
        while new in mapping and new not in seen:
            seen.add(new)
            new = mapping[new]
        mapping[old] = new
    return {old: new for old, new in mapping.items() if old != new}


def load_corrections(path: str | Path) -> list[tuple[str, str]]:
    """(text, theme) pairs a person decided, the latest decision per text, oldest first, themes under
    their current names (renames and merges applied)."""
    path = Path(path)
    latest: dict[str, tuple[str, str]] = {}
    for item in _read_corrections(path):
        key = " ".join(item["text"].split()).casefold()
        latest.pop(key, None)  # re-insert so the order follows the latest decision
        latest[key] = (item["text"].strip(), item["theme"].strip())
    changes = theme_changes(path)
    return [(text, changes.get(theme, theme)) for text, theme in latest.values()]


def _append(path: str | Path, item: dict) -> None:
    """Add one decision to the file: written to a temporary file and renamed, so a crash never leaves
    half a file; a file that cannot be read is left alone (BadConfig) rather than overwritten."""
    path = Path(path)
    with _CORRECTIONS_LOCK:
        items = _read_items(path)
        items.append({**item, "time": time.strftime("%Y-%m-%dT%H:%M:%S")})
        write_text_atomic(path, json.dumps({"version": 1, "corrections": items}, ensure_ascii=False, indent=1))


def check_settings(embedder=None, catalogue: Sequence[Theme] | str | Path | None = None) -> None:
    """Raise BadConfig for a broken catalogue or a model that is not here, before any photo is read:
    finding out after an hour of reading would lose that hour."""
    if catalogue is not None and isinstance(catalogue, (str, Path)):
        load_catalogue(catalogue)
    get_embedder(embedder).check()


def record_correction(path: str | Path, text: str, theme: str) -> None:
    """Append a facilitator's theme decision for one card to the JSON file at ``path`` (created if missing)."""
    if not text or not text.strip() or not theme or not theme.strip():
        raise BadConfig(f"{path}: Themenkorrektur braucht Text und Thema")
    _append(path, {"text": text.strip(), "theme": theme.strip()})


def record_rename(path: str | Path, old: str, new: str) -> None:
    """A theme is renamed: its cards, earlier decisions and catalogue entry go by ``new`` from now on."""
    if not old or not old.strip() or not new or not new.strip():
        raise BadConfig(f"{path}: Umbenennung braucht alten und neuen Namen")
    _append(path, {"kind": "rename", "from": old.strip(), "to": new.strip()})


def record_merge(path: str | Path, themes: Sequence[str], into: str | None = None) -> None:
    """Two or more themes become one, called ``into`` (default: the first of them)."""
    names = [t.strip() for t in themes if isinstance(t, str) and t.strip()]
    if len(names) < 2:
        raise BadConfig(f"{path}: Zusammenführen braucht mindestens zwei Themen")
    target = (into or names[0]).strip()
    _append(path, {"kind": "merge", "from": names, "to": target})


# ---- what was learnt from corrections: a small, versioned scikit-learn classifier -----------------
DEFAULT_LEARNED_DIR = Path(__file__).resolve().parent.parent / "models" / "learned"
_VERSION_FILE = re.compile(r"^themes-v(\d+)\.joblib$")


class _ModelFeatures:
    """scikit-learn transformer: the vectors of a named embedding backend (e5, use, minilm).

    Only the name is pickled, not the model, so a saved classifier stays a few hundred kB and loads
    the model from its PyPI package like everything else.
    """

    def __init__(self, name: str = "e5"):
        self.name = name

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        return get_embedder(self.name).encode(list(texts))

    def get_params(self, deep=True):
        return {"name": self.name}

    def set_params(self, **params):
        self.name = params.get("name", self.name)
        return self


def _classifier(model: str | None, random_state: int):
    """Character n-grams (spelling, compounds, OCR slips) and, if given, a pretrained model's vectors,
    into a LogisticRegression. Small: trained in well under a second on a few hundred cards."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    parts = [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True))]
    if model:
        parts.append(("model", _ModelFeatures(model)))
    return Pipeline([("features", FeatureUnion(parts)),
                     ("classify", LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced",
                                                     random_state=random_state))])


class LearnedThemes:
    """The classifier trained on corrected cards, with the cards themselves (for nearest-example scores).

    Saved as ``themes-v<N>.joblib`` plus ``themes-v<N>.json`` (version, date, examples per theme,
    the corrections file's hash) so a minute writer can tell which decisions a result rests on.
    """

    def __init__(self, texts: Sequence[str], labels: Sequence[str], classifier=None, changes: dict | None = None,
                 meta: dict | None = None):
        self.texts, self.labels = list(texts), list(labels)
        self.classifier = classifier
        self.changes = dict(changes or {})
        self.meta = dict(meta or {})

    @property
    def themes(self) -> list[str]:
        return sorted(set(self.labels))

    def proba(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """(theme names, cards × themes probabilities); one theme only: probability 1."""
        if self.classifier is None:
            return self.themes, np.ones((len(texts), len(self.themes)))
        return list(self.classifier.classes_), self.classifier.predict_proba(list(texts))

    @classmethod
    def fit(cls, pairs: Sequence[tuple[str, str]], model: str | None = "e5", random_state: int = 0,
            changes: dict | None = None) -> "LearnedThemes":
        texts = [t for t, _ in pairs]
        labels = [theme for _, theme in pairs]
        classifier = None
        if len(set(labels)) >= 2:
            classifier = _classifier(model, random_state).fit(texts, labels)
        return cls(texts, labels, classifier, changes, {"model": model})

    def save(self, out_dir: str | Path, **meta) -> Path:
        import joblib
        import sklearn

        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        versions = [int(m.group(1)) for f in out_dir.iterdir() if (m := _VERSION_FILE.match(f.name))]
        version = max(versions, default=0) + 1
        path = out_dir / f"themes-v{version}.joblib"
        info = {"version": version, "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "n_examples": len(self.texts),
                "themes": {t: self.labels.count(t) for t in self.themes}, "renamed": self.changes,
                "features": ["char 3-5-grams"] + ([self.meta["model"]] if self.meta.get("model") else []),
                "sklearn": sklearn.__version__, **self.meta, **meta}
        tmp = path.with_suffix(".part")
        joblib.dump({"format": 1, "texts": self.texts, "labels": self.labels, "classifier": self.classifier,
                     "changes": self.changes, "meta": info}, tmp, compress=3)
        os.replace(tmp, path)
        path.with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.meta = info
        return path

    @classmethod
    def load(cls, path: str | Path) -> "LearnedThemes":
        """A saved classifier: a ``themes-v<N>.joblib`` file or a folder (its highest version)."""
        import joblib

        path = Path(path)
        if path.is_dir():
            found = sorted(((int(m.group(1)), f) for f in path.iterdir() if (m := _VERSION_FILE.match(f.name))))
            if not found:
                raise BadConfig(f"{path}: kein gelerntes Themenmodell (themes-v<N>.joblib) im Ordner")
            path = found[-1][1]
        try:
            data = joblib.load(path)
        except FileNotFoundError:
            raise BadConfig(f"{path}: gelerntes Themenmodell nicht gefunden") from None
        except Exception as error:  # pickle, zlib, EOF: a broken or foreign file
            raise BadConfig(f"{path}: gelerntes Themenmodell nicht lesbar ({type(error).__name__})") from None
        if not isinstance(data, dict) or data.get("format") != 1:
            raise BadConfig(f"{path}: kein gelerntes Themenmodell von cardscan")
        return cls(data["texts"], data["labels"], data["classifier"], data.get("changes"), data.get("meta"))


def train_from_corrections(corrections_path: str | Path, out_dir: str | Path = DEFAULT_LEARNED_DIR,
                           model: str | None = "e5", random_state: int = 0) -> Path:
    """Train the classifier on every decided card (renames and merges applied) and save the next version.

    Returns the path of ``themes-v<N>.joblib``; its ``.json`` twin says what it was trained on.
    """
    corrections_path = Path(corrections_path)
    pairs = load_corrections(corrections_path)
    if not pairs:
        raise BadConfig(f"{corrections_path}: keine Themenkorrekturen zum Lernen")
    import hashlib

    digest = hashlib.sha256(corrections_path.read_bytes()).hexdigest()[:16]
    learned = LearnedThemes.fit(pairs, model=model, random_state=random_state,
                                changes=theme_changes(corrections_path))
    return learned.save(out_dir, corrections=corrections_path.name, corrections_sha256=digest)


# ---- the model -------------------------------------------------------------------------------------
class ThemeModel:
    """Catalogue themes first, discovered themes for the rest, "Sonstiges" for what is left.

    Parameters (scikit-learn style, nothing happens before ``fit_assign``):
      catalogue       list of Theme, a YAML path, or None for models/themes.yaml
      embedder        a backend name (cardscan.embed: "e5+compounds" default, "e5", "tfidf", …) or an Embedder
      min_similarity  combined score a card needs for a catalogue theme; None = measured default
      keyword_weight  bonus for the first keyword found (1.5× for two or more); 0 switches keywords off
      correction_weight  how much the learnt classifier's probability adds to a theme's score
      corrections     JSON file written by ``record_correction``: its decisions are learnt on the fly,
                      its renames and merges change the names
      learned         a classifier saved by ``train_from_corrections`` (file, or folder = latest version)
      min_new_theme   fewest unassigned cards before new themes are searched (and cards per new theme: 2)
      max_new_themes  most new themes
      random_state    passed to the classifier; the clustering draws no random numbers
    After fitting: ``themes_`` (names, score columns), ``scores_`` (cards × themes), ``new_themes_``.
    """

    def __init__(self, catalogue: Sequence[Theme] | str | Path | None = None, embedder=None,
                 min_similarity: float | None = None, keyword_weight: float = 0.15,
                 corrections: str | Path | None = None, correction_weight: float = 0.4,
                 learned: str | Path | None = None,
                 min_new_theme: int = 4, max_new_themes: int = 6, min_silhouette: float = 0.05,
                 random_state: int = 0):
        self.catalogue = catalogue
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.keyword_weight = keyword_weight
        self.corrections = corrections
        self.correction_weight = correction_weight
        self.learned = learned
        self.min_new_theme = min_new_theme
        self.max_new_themes = max_new_themes
        self.min_silhouette = min_silhouette
        self.random_state = random_state
        self._embedder = None
        self._catalogue: list[Theme] | None = None
        self._theme_vectors = None
        self._learned: LearnedThemes | None = None

    # -- parts, built once per model ------------------------------------------------------------------
    def _get_catalogue(self) -> list[Theme]:
        if self._catalogue is None:
            if self.catalogue is None or isinstance(self.catalogue, (str, Path)):
                self._catalogue = load_catalogue(self.catalogue)
            else:
                self._catalogue = list(self.catalogue)
                if not self._catalogue:
                    raise BadConfig("Themenkatalog ist leer")
        return self._catalogue

    def _get_embedder(self):
        if self._embedder is None:
            words = [w for t in self._get_catalogue() for k in t.keywords for w in _WORD.findall(k)]
            self._embedder = get_embedder(self.embedder or DEFAULT, extra_words=words)
        return self._embedder

    def _get_learned(self) -> LearnedThemes | None:
        if self._learned is None and self.learned is not None:
            self._learned = LearnedThemes.load(self.learned)
        return self._learned

    def threshold(self) -> float:
        if self.min_similarity is not None:
            return float(self.min_similarity)
        name = getattr(self._get_embedder(), "name", "")
        return MIN_SIMILARITY.get(name, MIN_SIMILARITY_OTHER_MODELS)

    # -- scoring --------------------------------------------------------------------------------------
    def _catalogue_scores(self, texts: list[str], vectors: np.ndarray, themes: list[Theme], embedder) -> np.ndarray:
        if self._theme_vectors is None or embedder.fitted_on_corpus:
            docs = embedder.encode([t.document() for t in themes])
            # exemplars: each keyword and each example card on its own, so one close phrase counts
            exemplars = [e for t in themes for e in t.keywords + t.examples]
            owner = np.array([j for j, t in enumerate(themes) for _ in t.keywords + t.examples])
            self._theme_vectors = (docs, embedder.encode(exemplars), owner)
        docs, exemplar_vectors, owner = self._theme_vectors
        to_doc = vectors @ docs.T
        to_exemplars = vectors @ exemplar_vectors.T
        nearest = np.full_like(to_doc, -1.0)
        for j in range(len(themes)):
            nearest[:, j] = to_exemplars[:, owner == j].max(axis=1)
        semantic = 0.5 * to_doc + 0.5 * nearest
        if not self.keyword_weight:
            return semantic
        bonus = np.zeros_like(semantic)
        matchers = [[_Keyword(k) for k in t.keywords] for t in themes]
        split = [(tokens, " ".join(tokens)) for tokens in (_WORD.findall(text.casefold()) for text in texts)]
        for j, theme_matchers in enumerate(matchers):
            found = np.array([[m.matches(tokens, joined) for m in theme_matchers] for tokens, joined in split],
                             dtype=float).reshape(len(texts), len(theme_matchers))
            # A keyword on a large share of the cards is the workshop's own topic ("Verstetigung" at a
            # workshop about Verstetigung), not a sign of one theme: it counts for less.
            share = found.mean(axis=0)
            if len(texts) >= 8:
                found *= np.where(share > COMMON_SHARE, COMMON_SHARE / np.maximum(share, 1e-9), 1.0)
            weight = np.minimum(found.sum(axis=1), 3.0)
            bonus[:, j] = np.where(weight > 0, self.keyword_weight * (2.0 - 2.0 * 0.5 ** weight), 0.0)
        return semantic + bonus

    def _learned_scores(self, texts: list[str], vectors: np.ndarray, learned: LearnedThemes,
                        example_vectors: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per theme: similarity to its nearest corrected example, and the classifier's probability."""
        classes, proba = learned.proba(texts)
        similarity = vectors @ example_vectors.T
        labels = np.array(learned.labels)
        scores = np.full((len(vectors), len(names)), -1.0, dtype=np.float32)
        belief = np.zeros((len(vectors), len(names)), dtype=np.float32)
        for k, c in enumerate(classes):
            nearest = similarity[:, labels == c].max(axis=1)
            scores[:, names.index(c)] = nearest
            belief[:, names.index(c)] = proba[:, k]
        return scores, belief

    # -- the public step ------------------------------------------------------------------------------
    def fit_assign(self, texts: Sequence[str]) -> list[str | None]:
        """One theme per text (None for blank texts), looking at all texts together."""
        themes = self._get_catalogue()
        embedder = self._get_embedder()
        keep = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        clean = [" ".join(texts[i].split()) for i in keep]
        result: list[str | None] = [None] * len(texts)
        changes: dict[str, str] = {}
        learners: list[LearnedThemes] = []
        saved = self._get_learned()
        if saved is not None:
            learners.append(saved)
            changes.update(saved.changes)
        if self.corrections:
            changes.update(theme_changes(self.corrections))
            decided = load_corrections(self.corrections)
            if decided:
                learners.append(LearnedThemes.fit(decided, model=None, random_state=self.random_state))
        if not clean:
            self.themes_, self.scores_, self.new_themes_ = [t.name for t in themes], np.zeros((0, len(themes))), []
            return result
        if embedder.fitted_on_corpus:
            embedder.fit(clean + [t.document() for t in themes] + [e for t in themes for e in t.keywords + t.examples]
                         + [text for learner in learners for text in learner.texts])
        vectors = embedder.encode(clean)
        names = [t.name for t in themes]
        scores = self._catalogue_scores(clean, vectors, themes, embedder)
        for learner in learners:
            names += sorted(set(learner.labels) - set(names))
            n_old = scores.shape[1]
            scores = np.hstack([scores, np.full((len(clean), len(names) - n_old), -1.0, dtype=scores.dtype)])
            nearest, belief = self._learned_scores(clean, vectors, learner, embedder.encode(learner.texts), names)
            # Catalogue score plus the classifier's belief (measured better than taking the maximum of
            # the two: bench/themes_eval.py); a theme only people named starts from its nearest example.
            base = scores.copy()
            base[:, n_old:] = nearest[:, n_old:]
            exact = nearest >= 0.999  # a card a person already decided keeps that decision
            scores = base + self.correction_weight * belief + exact * 10.0
        best = scores.argmax(axis=1)  # first maximum: ties go to the earlier catalogue theme
        threshold = self.threshold()
        assigned: list[str | None] = [names[j] if scores[i, j] >= threshold else None for i, j in enumerate(best)]
        if changes:  # renamed and merged themes go by their current names
            assigned = [changes.get(a, a) if a is not None else None for a in assigned]
            names = [changes.get(n, n) for n in names]
        self.themes_, self.scores_ = names, scores
        self.new_themes_ = self._discover(clean, vectors, assigned, taken=set(names))
        for i, theme in zip(keep, assigned):
            result[i] = theme
        return result

    # -- new themes from the rest ---------------------------------------------------------------------
    def _discover(self, texts: list[str], vectors: np.ndarray, assigned: list[str | None],
                  taken: set[str]) -> list[str]:
        """Cluster the unassigned texts; fill ``assigned`` in place with new names or "Sonstiges"."""
        rest = [i for i, a in enumerate(assigned) if a is None]
        for i in rest:
            assigned[i] = OTHER
        if len(rest) < max(self.min_new_theme, 3):
            return []
        labels = self._cluster(vectors[rest])
        if labels is None:
            return []
        groups: dict[int, list[int]] = {}
        for i, label in zip(rest, labels):
            groups.setdefault(int(label), []).append(i)
        unassigned = set(rest)
        background = Counter(w for i in range(len(texts)) if i not in unassigned for w in _words(texts[i]))
        clusters = [members for members in sorted(groups.values(), key=lambda m: m[0]) if len(members) >= 2]
        counts = [Counter(w for i in members for w in _words(texts[i])) for members in clusters]
        new_names: list[str] = []
        taken = {n.casefold() for n in taken} | {OTHER.casefold()}
        for members, name in zip(clusters, _ctfidf_names(counts, texts, clusters, background)):
            if not name:
                continue
            unique, n = name, 2
            while unique.casefold() in taken:
                unique, n = f"{name} ({n})", n + 1
            taken.add(unique.casefold())
            new_names.append(unique)
            for i in members:
                assigned[i] = unique
        return new_names

    def _cluster(self, vectors: np.ndarray):
        """Agglomerative clustering (cosine, average linkage); k from 2 up by the best silhouette."""
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.metrics import silhouette_score

        distinct = len(np.unique(np.round(vectors, 5), axis=0))
        if distinct < 3 or not np.all(np.linalg.norm(vectors, axis=1) > 0):
            return None
        best_score, best_labels = -1.0, None
        for k in range(2, min(self.max_new_themes + 1, distinct - 1, len(vectors) - 1) + 1):
            labels = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(vectors)
            if len(set(labels)) < 2:
                continue
            score = float(silhouette_score(vectors, labels, metric="cosine"))
            if score > best_score + 1e-9:
                best_score, best_labels = score, labels
        if best_labels is None or best_score < self.min_silhouette:
            return None
        return best_labels


def _words(text: str) -> list[str]:
    return [w for w in _LETTERS.findall(text) if w.casefold() not in STOP_WORDS]


def _ctfidf_names(counts: list[Counter], texts: list[str], clusters: list[list[int]],
                  background: Counter) -> list[str | None]:
    """Name each cluster by its most distinctive words: class-based TF-IDF (as in BERTopic).

    Weight of word w in class c = tf(w, c) / |c| · log(1 + A / f(w)), where A is the average class size
    in words and f(w) the word's frequency over all classes (the assigned cards form one more class).
    A name needs a word shared by two cards of the cluster, else the cluster is left to "Sonstiges".
    """
    folded = [Counter() for _ in counts]
    surface: dict[str, Counter] = {}
    for c, counter in enumerate(counts):
        for word, n in counter.items():
            folded[c][word.casefold()] += n
            surface.setdefault(word.casefold(), Counter())[word] += n
    background_folded = Counter()
    for word, n in background.items():
        background_folded[word.casefold()] += n
    classes = folded + ([background_folded] if background_folded else [])
    total = Counter()
    for counter in classes:
        total.update(counter)
    sizes = [sum(c.values()) for c in classes]
    average = (sum(sizes) / len(sizes)) if sizes else 1.0
    names: list[str | None] = []
    for c, counter in enumerate(folded):
        if not counter:
            names.append(None)
            continue
        size = sum(counter.values())
        docs = Counter(w for i in clusters[c] for w in {x.casefold() for x in _words(texts[i])})
        weight = {w: n / size * math.log(1 + average / total[w]) for w, n in counter.items()}
        shared = sorted((w for w in weight if docs[w] >= 2), key=lambda w: (-weight[w], w))
        if not shared:
            names.append(None)
            continue
        words = shared[:1] + [w for w in shared[1:2] if weight[w] >= 0.5 * weight[shared[0]]]
        display = [_display(w, surface[w]) for w in words]
        name = " & ".join(display)
        names.append(name[0].upper() + name[1:])
    return names


def _display(word: str, forms: Counter) -> str:
    """The spelling most cards used (German nouns keep their capital), ties to the capitalised one."""
    return sorted(forms.items(), key=lambda kv: (-kv[1], not kv[0][:1].isupper(), kv[0]))[0][0]


# ---- convenience ---------------------------------------------------------------------------------
def assign(texts: Sequence[str], catalogue: Sequence[Theme] | str | Path | None = None,
           embedder=None) -> list[str | None]:
    """Themes for a list of texts (None only for blank texts)."""
    return ThemeModel(catalogue=catalogue, embedder=embedder).fit_assign(list(texts))


_TEXT_COLUMNS = ("text", "karte", "kartentext", "inhalt", "beitrag", "raw_text")


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputFile(path, f"nicht lesbar ({error.strerror or error})") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")  # Excel on German Windows
    sample = content[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    rows = [row for row in csv.reader(content.splitlines(), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        raise BadInputFile(path, "die Tabelle ist leer")
    return [h.strip() for h in rows[0]], rows[1:]


def _text_column(path: Path, header: list[str], rows: list[list[str]], column: str | None) -> int:
    if column is not None:
        for j, name in enumerate(header):
            if name == column:
                return j
        for j, name in enumerate(header):
            if name.casefold() == column.strip().casefold():
                return j
        raise BadInputFile(path, f"keine Spalte „{column}“ (vorhanden: {', '.join(header)})")
    for wanted in _TEXT_COLUMNS:
        for j, name in enumerate(header):
            if name.casefold() == wanted:
                return j
    best, best_words = None, 0.0
    for j in range(len(header)):
        values = [r[j].strip() for r in rows if j < len(r) and r[j].strip()]
        lettered = [v for v in values if re.search(r"[^\W\d_]", v)]
        if not values or len(lettered) < len(values) / 2:
            continue
        words = sum(len(v.split()) for v in lettered) / len(lettered)
        if words >= 2:
            return j  # the first column that reads like sentences
        if words > best_words:
            best, best_words = j, words
    if best is None:
        raise BadInputFile(path, "keine Spalte mit Text gefunden (mit --column angeben)")
    return best


def assign_file(path: str | Path, column: str | None = None, catalogue: Sequence[Theme] | str | Path | None = None,
                embedder=None) -> list[tuple[str, str | None]]:
    """(text, theme) for each non-empty line of a .txt file or each row of a .csv/.tsv file.

    In a table the text is taken from ``column`` (by name), else from a column called text/Karte/…,
    else from the first column whose cells read like sentences. The file is read completely first,
    so a missing column is reported before any model is loaded.
    """
    path = Path(path)
    if not path.is_file():
        raise BadInputFile(path, "Datei nicht gefunden")
    if path.suffix.lower() in (".csv", ".tsv"):
        header, rows = _read_table(path)
        j = _text_column(path, header, rows, column)
        texts = [" ".join(r[j].split()) for r in rows if j < len(r) and r[j].strip()]
    else:
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            content = path.read_bytes().decode("cp1252", errors="replace")
        except OSError as error:
            raise BadInputFile(path, f"nicht lesbar ({error.strerror or error})") from None
        texts = [" ".join(line.split()) for line in content.splitlines() if line.strip()]
    if not texts:
        return []
    themes = ThemeModel(catalogue=catalogue, embedder=embedder).fit_assign(texts)
    return list(zip(texts, themes))


__all__ = ["Theme", "ThemeModel", "LearnedThemes", "load_catalogue", "assign", "assign_file", "record_correction",
           "record_rename", "record_merge", "load_corrections", "theme_changes", "train_from_corrections",
           "keyword_hits", "OTHER"]
