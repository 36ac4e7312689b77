"""The corpus: many workshops in one SQLite file, for the web app and for researchers alike.

The facilitators' web page saves every read photo and every correction here the moment it happens,
and a researcher opens the same file in Jupyter::

    from cardscan import Corpus
    corpus = Corpus("daten/corpus.db")
    corpus.cards()                      # pandas, one row per card across all workshops
    corpus.theme_shares(by="city")      # share of cards per theme, one row per city
    corpus.corrections("text")          # what people corrected, to learn from later

The package: ``schema`` (tables, the rules of a stored workshop), ``store`` (storing and reading,
one transaction per method), ``bundle`` (one workshop as a JSON file; cards as CSV/Parquet),
``analysis`` (theme shares, comparing workshops) and ``plots``. `Corpus` puts them behind one object.

Heavy libraries (SQLAlchemy, pandas, matplotlib) are imported only when a corpus is opened or a
frame or figure is built, so ``import cardscan`` stays fast.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cardscan.corpus import analysis, bundle, plots
from cardscan.corpus.bundle import BUNDLE_FORMAT, BUNDLE_VERSION
from cardscan.corpus.schema import (CARD_COLUMNS, CARD_FIELDS, CORRECTION_ACTIONS, CORRECTION_COLUMNS, SCHEMA_VERSION,
                                    STANDARD_METADATA)
from cardscan.corpus.store import Store

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


class Corpus(Store):
    """Workshops, cards and people's corrections in one SQLite file (created if missing), with the
    sharing, analysis and plots researchers use. Storing and reading: see `cardscan.corpus.store.Store`."""

    # ---- sharing --------------------------------------------------------------------------------
    def export_bundle(self, wid: int, path: str | Path, *, photos: bool = False) -> Path:
        """One workshop with its corrections to one JSON file; see `cardscan.corpus.bundle.export_bundle`."""
        return bundle.export_bundle(self, wid, path, photos=photos)

    def import_bundle(self, path: str | Path) -> int:
        """Add a workshop from an ``export_bundle`` file as a new workshop; returns its id."""
        return bundle.import_bundle(self, path)

    def export_cards(self, path: str | Path) -> Path:
        """All cards to .csv (neutralised, quoted) or .parquet; see `cardscan.corpus.bundle.export_cards`."""
        return bundle.export_cards(self, path)

    # ---- analysis -------------------------------------------------------------------------------
    def theme_shares(self, by: str = "city") -> "pd.DataFrame":
        """Share of cards per theme (columns) for each value of `by` (rows); each row sums to 1.

        by: any column of ``cards()`` (city, date, workshop_id, group, …). Cards without a theme, or
        without a value for `by`, are left out. Themes are ordered by how many cards they have, then by name.
        """
        return analysis.theme_shares(self.cards(), by)

    def compare(self, a: int, b: int) -> "pd.DataFrame":
        """Themes one workshop has and the other has not, with how many cards and an example text.

        Columns: theme, only_in (workshop id), title, n_cards, example (the longest card text of that theme).
        """
        a, b = int(a), int(b)  # numpy integers from a DataFrame would not match in SQL
        return analysis.compare(self.get(a), self.get(b), a, b)

    def plot_theme_heatmap(self, by: str = "city") -> "Figure":
        """Heat map of ``theme_shares(by)``: rows are the `by` values, columns the themes."""
        return plots.theme_heatmap(self.theme_shares(by), by)

    def plot_group_shares(self, wid: int) -> "Figure":
        """Horizontal bars: the share of a workshop's cards each working group wrote, in card colours."""
        return plots.group_shares(self.get(int(wid)))


__all__ = ["Corpus", "Store", "SCHEMA_VERSION", "BUNDLE_FORMAT", "BUNDLE_VERSION", "STANDARD_METADATA", "CARD_FIELDS",
           "CORRECTION_ACTIONS", "CARD_COLUMNS", "CORRECTION_COLUMNS"]
