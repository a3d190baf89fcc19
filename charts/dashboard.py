"""The dashboard: small multiples, one tile per indicator, coloured by status, readable on a phone.

Plain data in, PNG bytes out. Each tile shows the indicator's recent history as a sparkline (no axes:
the numbers are written on the tile and, for screen readers, in the message text), its latest value
with a trend arrow, and its status as a coloured band and a word (colour is never the only cue).
Titles wrap onto two lines rather than being cut; no text is smaller than 10 pt, for phones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from charts._png import palette_png
from charts._text import draw_stamp, fit_text, normalise, stamp_width

# Okabe-Ito, safe for the common colour-vision deficiencies.
STATUS_COLOURS = {"ok": "#009E73", "warning": "#E69F00", "alert": "#D55E00", "none": "#999999"}
_LINE = "#0072B2"
_TEXT = "#222222"
_GREY = "#666666"
_TILE_W_IN, _TILE_H_IN = 3.0, 1.55
_HEADER_IN = 0.55  # the title's band, on one line; each more line of title adds _HEADER_LINE_IN
_HEADER_LINE_IN = 0.27
_HEADER_TOP_IN = 0.13  # from the top edge to the title's first line
_EMPTY_IN = 1.2
_PAD_PX = 8.0


@dataclass(frozen=True)
class Tile:
    """One indicator on the dashboard; every string is already formatted for the reader's language."""

    title: str  # "frc — Résolution au premier contact"
    value_text: str  # "67,96 %"
    status: str  # ok, warning, alert or none
    status_text: str  # "vigilance"
    values: Sequence[float]  # oldest first; the sparkline
    trend: str = ""  # "↗", "↘", "→" or ""
    is_bool: bool = False  # a yes/no indicator: values are 0 or 1, the sparkline is a step


def render_dashboard(
    tiles: Sequence[Tile],
    *,
    title: str,
    columns: int = 3,
    dpi: int = 100,
    empty_text: str = "",
    stamp: str = "",
) -> bytes:
    """A grid of tiles as a palette PNG (at most `columns` tiles across, so it stays legible on a phone)."""
    figure = Figure(figsize=(1, 1), dpi=dpi, facecolor="white")
    _draw(figure, tiles, title=title, columns=columns, empty_text=empty_text, stamp=stamp)
    return palette_png(figure)


def _draw(
    figure: Figure, tiles: Sequence[Tile], *, title: str, columns: int, empty_text: str, stamp: str = ""
) -> None:
    columns = max(1, min(columns, len(tiles) or 1))
    rows = max(1, math.ceil(len(tiles) / columns))
    # Without tiles, room for the message on two tiles' width rather than squeezed into one.
    width_in = columns * _TILE_W_IN if tiles else 2 * _TILE_W_IN
    figure.set_size_inches(width_in, 1.0)
    heading = figure.text(
        0, 0, title, fontsize=14, fontweight="bold", color=_TEXT, va="top", parse_math=False
    )
    room = (
        figure.bbox.width - 2 * _PAD_PX - (stamp_width(figure, stamp) + 2 * _PAD_PX if stamp.strip() else 0)
    )
    fit_text(heading, room, max_lines=2)
    header_in = _HEADER_IN + _HEADER_LINE_IN * heading.get_text().count("\n")
    body_in = rows * _TILE_H_IN if tiles else _EMPTY_IN
    height = body_in + header_in
    figure.set_size_inches(width_in, height)
    heading.set_position((_PAD_PX / figure.bbox.width, 1 - _HEADER_TOP_IN / height))
    draw_stamp(figure, stamp)
    if not tiles:
        message = figure.text(
            0.5,
            (body_in / 2) / height,
            empty_text,
            ha="center",
            va="center",
            fontsize=12,
            color=_GREY,
            parse_math=False,
        )
        fit_text(message, figure.bbox.width - 4 * _PAD_PX, max_lines=4)
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
    room = (left + width - x0) * figure.bbox.width - _PAD_PX  # up to the tile's right edge
    name = figure.text(
        x0, bottom + height * 0.95, tile.title, fontsize=10.5, color=_TEXT, va="top", parse_math=False
    )
    fit_text(name, room, max_lines=2)
    # A yes/no has no direction worth an arrow: "oui ↗" would read as better than yes.
    value = normalise(tile.value_text if tile.is_bool else f"{tile.value_text} {tile.trend}")
    shown = figure.text(
        x0,
        bottom + height * 0.50,
        value,
        fontsize=15,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    fit_text(shown, room, max_lines=1)
    figure.text(
        x0,
        bottom + height * 0.22,
        tile.status_text,
        fontsize=10,
        color=colour,
        fontweight="bold",
        va="center",
        parse_math=False,
    )
    values = [v for v in tile.values if math.isfinite(v)]
    if len(values) >= 2:
        spark = figure.add_axes((left + width * 0.55, bottom + height * 0.16, width * 0.40, height * 0.50))
        spark.set_axis_off()
        xs = np.arange(len(values))
        if tile.is_bool:
            # As its own chart draws it: a level held until the next reading, on 0 (no) and 1 (yes).
            ys = np.array([1.0 if v else 0.0 for v in values])
            spark.step(xs, ys, where="post", color=_LINE, linewidth=1.6)
            low, high = 0.0, 1.0
        else:
            ys = np.asarray(values, dtype=float)
            spark.plot(xs, ys, color=_LINE, linewidth=1.6)
            low, high = float(ys.min()), float(ys.max())
        spark.plot([xs[-1]], [ys[-1]], marker="o", markersize=4, color=colour)
        span = (high - low) or max(abs(high), 1.0)
        spark.set_ylim(low - span * 0.15, high + span * 0.15)


def _rect(colour: str) -> Rectangle:
    return Rectangle((0, 0), 1, 1, color=colour)
