"""Learning from facilitators: their theme decisions on file, and a small classifier trained on them.

Why apart from the assignment (cardscan.themes.model): the decisions are written by the web page and
the CLI while nothing is being themed, and the classifier is trained and versioned on its own
(``train_from_corrections`` → <data folder>/learned/themes-v<N>.joblib, see cardscan.resources); ThemeModel only reads both.

Everything is deterministic for the same input (random_state is passed to the classifier).
"""
from __future__ import annotations

import json
import re
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cardscan._files import replace_together, write_text_atomic
from cardscan.exceptions import BadConfig
from cardscan.resources import learned_dir

if TYPE_CHECKING:  # numpy, scikit-learn and the embedders load when a classifier is trained or used
    import numpy as np

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


def theme_changes(path: str | Path) -> dict[str, str]:
    """Old theme name → current name, from the renames and merges in the file (chains resolved)."""
    return _changes(_read_items(Path(path)))


def _changes(items: list[dict]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
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
    return read_corrections(path)[0]


def read_corrections(path: str | Path) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """``load_corrections`` and ``theme_changes`` from one reading of the file (the web page may be
    writing it meanwhile: both must describe the same decisions)."""
    latest, changes = _latest(_read_items(Path(path)))
    return [(text, theme) for text, theme, _ in latest], changes


def read_corrections_of(path: str | Path, workshop: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]],
                                                                   dict[str, str]]:
    """(this workshop's decisions, other workshops' decisions, theme changes) from one reading.

    Why apart: measured across workshops, decisions from another workshop guide well only for cards
    that say the same thing (bench/themes_eval.py --choose-learning), while this workshop's own
    decisions also teach its similar cards. A decision recorded without a workshop counts as another's.
    """
    latest, changes = _latest(_read_items(Path(path)))
    own = [(text, theme) for text, theme, where in latest if where == str(workshop)]
    other = [(text, theme) for text, theme, where in latest if where != str(workshop)]
    return own, other, changes


def _latest(items: list[dict]) -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
    """The latest decision per text (text, current theme name, workshop), oldest first; the changes."""
    latest: dict[str, tuple[str, str, str | None]] = {}
    for item in filter(_is_card, items):
        key = " ".join(item["text"].split()).casefold()
        latest.pop(key, None)  # re-insert so the order follows the latest decision
        where = item.get("workshop")
        latest[key] = (item["text"].strip(), item["theme"].strip(), str(where) if where is not None else None)
    changes = _changes(items)
    return [(text, changes.get(theme, theme), where) for text, theme, where in latest.values()], changes


def _append(path: str | Path, item: dict) -> None:
    """Add one decision to the file: written to a temporary file and renamed, so a crash never leaves
    half a file; a file that cannot be read is left alone (BadConfig) rather than overwritten."""
    path = Path(path)
    with _CORRECTIONS_LOCK:
        items = _read_items(path)
        items.append({**item, "time": time.strftime("%Y-%m-%dT%H:%M:%S")})
        write_text_atomic(path, json.dumps({"version": 1, "corrections": items}, ensure_ascii=False, indent=1))


def record_correction(path: str | Path, text: str, theme: str, workshop: str | int | None = None) -> None:
    """Append a facilitator's theme decision for one card to the JSON file at ``path`` (created if missing).

    ``workshop``: which workshop the card belongs to, when one file collects the decisions of many
    (the web page's): ThemeModel(workshop=…) then tells its own decisions from earlier ones.
    """
    if not text or not text.strip() or not theme or not theme.strip():
        raise BadConfig(f"{path}: Themenkorrektur braucht Text und Thema")
    item = {"text": text.strip(), "theme": theme.strip()}
    if workshop is not None:
        item["workshop"] = str(workshop)
    _append(path, item)


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
_VERSION_FILE = re.compile(r"^themes-v(\d+)\.joblib$")


class ModelFeatures:
    """scikit-learn transformer: the vectors of a named embedding backend (e5, use, minilm).

    Only the name is pickled, not the model, so a saved classifier stays a few hundred kB and loads
    the model from its PyPI package like everything else.
    """

    def __init__(self, name: str = "e5"):
        self.name = name

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        from cardscan.embed import get_embedder

        return get_embedder(self.name).encode(list(texts))

    def get_params(self, deep=True):
        return {"name": self.name}

    def set_params(self, **params):
        self.name = params.get("name", self.name)
        return self


# Classifiers saved by earlier versions pickled this class as cardscan.themes._ModelFeatures or
# cardscan.theme_learning._ModelFeatures: the old name stays, and LearnedThemes.load maps the old module.
_ModelFeatures = ModelFeatures
_OLD_MODULES = ("cardscan.theme_learning",)


def _classifier(model: str | None, random_state: int):
    """Character n-grams (spelling, compounds, OCR slips) and, if given, a pretrained model's vectors,
    into a LogisticRegression. Small: trained in well under a second on a few hundred cards."""
    from cardscan.embed import prefer_passive_openmp

    prefer_passive_openmp()  # before scikit-learn (and its OpenMP) loads
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    parts = [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True))]
    if model:
        parts.append(("model", ModelFeatures(model)))
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
        import numpy as np

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
        with replace_together(path, path.with_suffix(".json")) as (tmp, tmp_info):  # the model and its card together
            joblib.dump({"format": 1, "texts": self.texts, "labels": self.labels, "classifier": self.classifier,
                         "changes": self.changes, "meta": info}, tmp, compress=3)
            tmp_info.write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
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
            with _old_module_names():
                data = joblib.load(path)
        except FileNotFoundError:
            raise BadConfig(f"{path}: gelerntes Themenmodell nicht gefunden") from None
        except Exception as error:  # pickle, zlib, EOF: a broken or foreign file
            raise BadConfig(f"{path}: gelerntes Themenmodell nicht lesbar ({type(error).__name__})") from None
        if not isinstance(data, dict) or data.get("format") != 1:
            raise BadConfig(f"{path}: kein gelerntes Themenmodell von cardscan")
        return cls(data["texts"], data["labels"], data["classifier"], data.get("changes"), data.get("meta"))


@contextmanager
def _old_module_names():
    """While unpickling, the module names of earlier versions point at this module."""
    added = [name for name in _OLD_MODULES if name not in sys.modules]
    for name in added:
        sys.modules[name] = sys.modules[__name__]
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)


def train_from_corrections(corrections_path: str | Path, out_dir: str | Path | None = None,
                           model: str | None = "e5", random_state: int = 0,
                           data: str | Path | None = None) -> Path:
    """Train the classifier on every decided card (renames and merges applied) and save the next version.

    ``out_dir`` None: the ``learned`` folder of the user's data folder (``data``, ``$CARDSCAN_DATA`` or the
    platform's per-user folder: cardscan.resources.learned_dir), never the installed package. Returns the path of ``themes-v<N>.joblib``; its ``.json`` twin says what it was trained on.
    """
    corrections_path = Path(corrections_path)
    pairs, changes = read_corrections(corrections_path)
    if not pairs:
        raise BadConfig(f"{corrections_path}: keine Themenkorrekturen zum Lernen")
    import hashlib

    digest = hashlib.sha256(corrections_path.read_bytes()).hexdigest()[:16]
    learned = LearnedThemes.fit(pairs, model=model, random_state=random_state,
                                changes=changes)
    return learned.save(out_dir if out_dir is not None else learned_dir(data), corrections=corrections_path.name, corrections_sha256=digest)


__all__ = ["LearnedThemes", "record_correction", "record_rename", "record_merge", "load_corrections",
           "read_corrections", "read_corrections_of", "theme_changes", "train_from_corrections",
           "ModelFeatures"]
