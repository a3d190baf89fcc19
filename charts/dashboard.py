"""The dashboard: small multiples, one tile per indicator, coloured by status, readable on a phone.

Plain data in, PNG bytes out. Each tile shows the indicator's recent history as a sparkline (no axes:
the numbers are written on the tile and, for screen readers, in the message text), its latest value
with a trend arrow, and its status as a coloured band and a word (colour is never the only cue).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from charts._png import palette_png

# Okabe-Ito, safe for the common colour-vision deficiencies.
STATUS_COLOURS = {"ok": "#009E73", "warning": "#E69F00", "alert": "#D55E00", "none": "#999999"}
_LINE = "#0072B2"
_TEXT = "#222222"
_GREY = "#666666"
_TILE_W_IN, _TILE_H_IN = 3.0, 1.55


@dataclass(frozen=True)
class Tile:
    """One indicator on the dashboard; every string is already formatted for the reader's language."""

    title: str  # "frc — Résolution au premier contact"
    value_text: str  # "67,96 %"
    status: str  # ok, warning, alert or none
    status_text: str  # "vigilance"
    values: Sequence[float]  # oldest first; the sparkline
    trend: str = ""  # "↗", "↘", "→" or ""


def render_dashboard(
    tiles: Sequence[Tile], *, title: str, columns: int = 3, dpi: int = 100, empty_text: str = ""
) -> bytes:
    """A grid of tiles as a palette PNG (at most `columns` tiles across, so it stays legible on a phone)."""
    figure = Figure(figsize=(1, 1), dpi=dpi, facecolor="white")
    _draw(figure, tiles, title=title, columns=columns, empty_text=empty_text)
    return palette_png(figure)


def _draw(figure: Figure, tiles: Sequence[Tile], *, title: str, columns: int, empty_text: str) -> None:
    columns = max(1, min(columns, len(tiles) or 1))
    rows = max(1, math.ceil(len(tiles) / columns))
    header_in = 0.55
    figure.set_size_inches(columns * _TILE_W_IN, rows * _TILE_H_IN + header_in)
    height = rows * _TILE_H_IN + header_in
    figure.text(
        0.02,
        1 - 0.32 / height,
        title,
        fontsize=14,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    if not tiles:
        figure.text(
            0.5, 0.45, empty_text, ha="center", va="center", fontsize=12, color=_GREY, parse_math=False
        )
        return
    top = 1 - header_in / height
    tile_h = (1 - header_in / height) / rows
    for i, tile in enumerate(tiles):
        row, col = divmod(i, columns)
        left = col / columns
        bottom = top - (row + 1) * tile_h
        _draw_tile(figure, tile, left=left, bottom=bottom, width=1 / columns, height=tile_h)


def _draw_tile(
    figure: Figure, tile: Tile, *, left: float, bottom: float, width: float, height: float
) -> None:
    colour = STATUS_COLOURS.get(tile.status, STATUS_COLOURS["none"])
    pad_x, pad_y = width * 0.04, height * 0.06
    # Status band on the tile's left edge, and the status word: colour is not the only cue.
    band = figure.add_axes((left + pad_x, bottom + pad_y, width * 0.02, height - 2 * pad_y))
    band.set_axis_off()
    band.add_patch(_rect(colour))
    x0 = left + pad_x + width * 0.04
    figure.text(
        x0,
        bottom + height * 0.80,
        _clip(tile.title, 34),
        fontsize=9.5,
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    value = f"{tile.value_text} {tile.trend}".strip()
    figure.text(
        x0,
        bottom + height * 0.52,
        value,
        fontsize=15,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    figure.text(
        x0,
        bottom + height * 0.26,
        tile.status_text,
        fontsize=9,
        color=colour,
        fontweight="bold",
        va="center",
        parse_math=False,
    )
    values = [v for v in tile.values if math.isfinite(v)]
    if len(values) >= 2:
        spark = figure.add_axes((left + width * 0.55, bottom + height * 0.18, width * 0.40, height * 0.55))
        spark.set_axis_off()
        ys = np.asarray(values, dtype=float)
        spark.plot(np.arange(len(ys)), ys, color=_LINE, linewidth=1.6)
        spark.plot([len(ys) - 1], [ys[-1]], marker="o", markersize=4, color=colour)
        low, high = float(ys.min()), float(ys.max())
        span = (high - low) or max(abs(high), 1.0)
        spark.set_ylim(low - span * 0.15, high + span * 0.15)


def _rect(colour: str) -> Rectangle:
    return Rectangle((0, 0), 1, 1, color=colour)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
