"""Figures for a corpus, drawn by Agg without pyplot (safe in a web server's threads and in Jupyter)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cardscan.workshop import Workshop

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def theme_heatmap(shares: "pd.DataFrame", by: str = "city") -> "Figure":
    """Heat map of ``theme_shares``: rows are the `by` values, columns the themes."""
    fig = _figure((max(6.0, 1.0 + 0.7 * shares.shape[1]), max(3.0, 1.8 + 0.5 * shares.shape[0])))
    ax = fig.add_subplot()
    if shares.empty:
        ax.text(0.5, 0.5, "Noch keine Karten mit Thema", ha="center", va="center")
        ax.set_axis_off()
        return fig
    image = ax.imshow(shares.to_numpy(), cmap="YlOrRd", vmin=0.0, vmax=max(float(shares.to_numpy().max()), 1e-9),
                      aspect="auto")
    ax.set_xticks(range(shares.shape[1]), [str(t) for t in shares.columns], rotation=40, ha="right")
    ax.set_yticks(range(shares.shape[0]), [str(v) for v in shares.index])
    peak = float(shares.to_numpy().max())
    for i in range(shares.shape[0]):
        for j in range(shares.shape[1]):
            value = float(shares.iat[i, j])
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * peak else "black")
    fig.colorbar(image, ax=ax, label="Anteil der Karten")
    ax.set_title(f"Themen nach {by}")
    fig.tight_layout()
    return fig


def group_shares(ws: Workshop) -> "Figure":
    """Horizontal bars: the share of a workshop's cards each working group wrote, in card colours."""
    from cardscan.colour import PALETTE

    counts: dict[str, int] = {}
    colours: dict[str, str | None] = {}
    for card in ws.cards:
        label = card.group or "ohne Gruppe"
        counts[label] = counts.get(label, 0) + 1
        colours.setdefault(label, card.colour)
    fig = _figure((7.0, max(2.5, 1.2 + 0.45 * len(counts))))
    ax = fig.add_subplot()
    ax.set_title(ws.title)
    if not counts:
        ax.text(0.5, 0.5, "Noch keine Karten", ha="center", va="center")
        ax.set_axis_off()
        return fig
    total = sum(counts.values())
    labels = sorted(counts, key=_natural_key)
    shares = [counts[g] / total for g in labels]
    group_colour = {group: colour for colour, group in ws.legend.items()}
    faces = []
    for label in labels:
        name = group_colour.get(label) or colours.get(label)
        rgb = PALETTE.get(name) if name else None
        faces.append(tuple(v / 255 for v in rgb) if rgb else (0.75, 0.75, 0.75))
    y = range(len(labels))
    ax.barh(list(y), shares, color=faces, edgecolor="black", linewidth=0.5)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(shares) * 1.2)
    ax.set_xlabel("Anteil der Karten")
    for i, label in enumerate(labels):
        ax.text(shares[i], i, f" {shares[i]:.0%} ({counts[label]})", va="center", fontsize=9)
    fig.tight_layout()
    return fig


def _natural_key(label: str):
    import re

    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", label)]


def _figure(size: tuple[float, float]) -> "Figure":
    """A Figure drawn by Agg without touching pyplot's global backend (safe in threads and Jupyter)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig
