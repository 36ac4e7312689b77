"""What researchers ask of a corpus: how themes are shared out, and what one workshop has that another lacks.

Plain functions on frames and Workshops (the Corpus fetches them), so they are easy to test and reuse.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cardscan.exceptions import UnknownColumn
from cardscan.workshop import Card, Workshop

if TYPE_CHECKING:
    import pandas as pd


def theme_shares(cards: "pd.DataFrame", by: str = "city") -> "pd.DataFrame":
    """Share of cards per theme (columns) for each value of `by` (rows); each row sums to 1.

    cards: ``Corpus.cards()``; by: any of its columns (city, date, workshop_id, group, …). Cards without a theme, or
    without a value for `by`, are left out. Themes are ordered by how many cards they have, then by name.
    """
    import pandas as pd

    frame = cards
    if by not in frame.columns:
        raise UnknownColumn(by, frame.columns)
    frame = frame[frame["theme"].notna() & frame[by].notna()]
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name=by), columns=pd.Index([], name="theme"), dtype=float)
    counts = frame["theme"].value_counts()
    order = sorted(counts.index, key=lambda t: (-counts[t], str(t).casefold()))  # most cards first
    shares = pd.crosstab(frame[by], frame["theme"], normalize="index")[order]
    shares.columns.name = "theme"
    return shares.astype(float)


def compare(first: Workshop, second: Workshop, a: int, b: int) -> "pd.DataFrame":
    """Themes one workshop has and the other has not, with how many cards and an example text.

    `a` and `b` are their ids. Theme names are compared ignoring case and spacing. Columns: theme, only_in (workshop id),
    title, n_cards, example (the longest card text of that theme).
    """
    import pandas as pd

    def themes(ws: Workshop) -> dict[str, list[Card]]:
        out: dict[str, list[Card]] = {}
        for card in ws.cards:
            if card.theme:
                out.setdefault(" ".join(card.theme.split()).casefold(), []).append(card)
        return out

    ta, tb = themes(first), themes(second)
    rows = []
    for wid, ws, mine, other in ((a, first, ta, tb), (b, second, tb, ta)):
        for key, cards in sorted(mine.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if key not in other:
                example = max(cards, key=lambda c: len(c.text.strip()))
                rows.append({"theme": cards[0].theme, "only_in": int(wid), "title": ws.title,
                             "n_cards": len(cards), "example": example.text})
    return pd.DataFrame(rows, columns=["theme", "only_in", "title", "n_cards", "example"])
