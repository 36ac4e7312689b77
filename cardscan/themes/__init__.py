"""Themes: which of the field's themes each card is about, new themes for the rest, and what people taught.

Modules (each with one job; their public names are importable from here):
- ``model``      ThemeModel: catalogue scores, the threshold, discovery of new themes (the assignment);
- ``catalogue``  the themes a field knows (models/themes.yaml or the user's own YAML) and keyword matching;
- ``learning``   facilitators' decisions on file (corrections, renames, merges) and the classifier
                 trained on them (``cardscan learn``);
- ``naming``     names for discovered themes (class-based TF-IDF over their words);
- ``folding``    how many themes minutes show (by the number of cards) and "Weitere Nennungen" (FOLDED);
- ``scoring``    how well themes match a person's labels, also folded as minutes show them (benches, tests);
- ``files``      themes for the lines or a column of a text/CSV file (``cardscan themes``).

Embeddings come from ``cardscan.embed``; the minutes read the themes as ``Card.theme``.
The model and the file reader are imported on first use (numpy, the embedders): recording a decision
(the web page does, on every correction) must stay light.
"""
from __future__ import annotations

from cardscan.themes.catalogue import DEFAULT_CATALOGUE, Keyword, Theme, keyword_hits, load_catalogue
from cardscan.themes.learning import (LearnedThemes, ModelFeatures, load_corrections, read_corrections,
                                      read_corrections_of, record_correction, record_merge, record_rename,
                                      theme_changes, train_from_corrections)

# Classifiers saved before the themes package pickled their features as cardscan.themes._ModelFeatures.
_ModelFeatures = ModelFeatures

from cardscan.themes.folding import FOLDED, fold_themes, max_themes_for

_LAZY = {"ThemeModel": "cardscan.themes.model", "assign": "cardscan.themes.model",
         "check_settings": "cardscan.themes.model", "OTHER": "cardscan.themes.model",
         "assign_file": "cardscan.themes.files", "theme_accuracy": "cardscan.themes.scoring",
         "folding_scores": "cardscan.themes.scoring", "FoldingScores": "cardscan.themes.scoring"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cardscan.themes' has no attribute {name!r}")

__all__ = ["Theme", "ThemeModel", "LearnedThemes", "load_catalogue", "assign", "assign_file", "record_correction",
           "record_rename", "record_merge", "load_corrections", "read_corrections", "read_corrections_of",
           "theme_changes", "train_from_corrections", "keyword_hits", "check_settings", "OTHER", "DEFAULT_CATALOGUE",
           "Keyword", "ModelFeatures", "FOLDED", "fold_themes", "max_themes_for",
           "theme_accuracy", "folding_scores", "FoldingScores"]
