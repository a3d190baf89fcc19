"""The action plan at a glance: actions per engagement level and status, late ones, overall progress.

Pure renderer: plain data in, palette PNG bytes out, about 900 pixels wide so it reads on a phone.
One horizontal bar per level, split by status, on one axis of action counts; each segment carries its
count and each status its own pattern, so colour is never the only cue. Late actions are written next
to their level's bar ("⚠ 2"), and the legend says what the sign means. Thread-safe like the other
renderers: one Figure per call on its own Agg canvas, no pyplot, rcParams only read, mathtext off on
every caller string.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from charts._png import palette_png
from charts._text import draw_stamp, fit_text, normalise, renderer, stamp_width

__all__ = ["PlanData", "PlanLabels", "render_plan"]

Triple = tuple[int, int, int]


@dataclass(frozen=True)
class PlanLabels:
    """Every visible string of the chart, already translated and formatted by the caller."""

    title: str
    levels: tuple[str, str, str]  # réflexion, expérimentation, réalisation
    statuses: tuple[str, str, str]  # à faire, en cours, fini
    progress: str  # "Avancement moyen : 42 %"
    late: str  # "3 actions en retard"
    empty: str  # shown when there are no actions
    late_legend: str = ""  # what the "⚠ n" beside a bar means: "actions en retard"; no entry when empty
    progress_value: str = ""  # the share written on the progress bar, "42 %"; the bare number when empty
    axis: str = ""  # under the count axis: "nombre d'actions"; none when empty


@dataclass(frozen=True)
class PlanData:
    """Action counts of a plan: `counts[level][status]`, late actions per level, mean progress."""

    counts: tuple[Triple, Triple, Triple]
    late_by_level: Triple
    progress_pct: float  # 0..100


# Okabe-Ito, safe for the common colour-vision deficiencies; light to dark as work advances. Each
# status also has its own pattern: hatched to do, dotted in progress, solid done, so colour is never
# the only cue. Text colours keep at least 4.5:1 contrast on their segment (or on its backing chip).
_STATUS_STYLE: tuple[tuple[str, str, str], ...] = (
    ("#56B4E9", "//", "#111111"),  # sky blue, to do
    ("#0072B2", "..", "#FFFFFF"),  # blue, in progress
    ("#009E73", "", "#111111"),  # bluish green, done
)
_VERMILLION = "#D55E00"
_TEXT = "#222222"
_GREY = "#666666"
_WARNING_SIGN = "\u26a0"

_WIDTH_IN = 9.0
_PAD_IN = 0.18
_TITLE_IN = 0.5  # one line of title; each more line adds _TITLE_LINE_IN
_TITLE_LINE_IN = 0.3
_LEGEND_IN = 0.42
_LEVEL_IN = 0.86  # a level's name over its bar, and the gap to the next one
_BAR_IN = 0.42
_AXIS_IN = 0.34  # the count axis' tick labels under the bars
_AXIS_LABEL_IN = 0.26
_LATE_IN = 0.42
_PROGRESS_IN = 0.78
_EMPTY_IN = 1.6
_LEFT, _BARS_RIGHT, _RIGHT = 0.03, 0.87, 0.97  # figure fractions; late counts sit right of the bars
_SEGMENT_TEXT_PAD_PX = 8
_STAMP_GAP_PX = 16.0


def render_plan(data: PlanData, labels: PlanLabels, *, dpi: int = 100, stamp: str = "") -> bytes:
    """Stacked bars per engagement level on one count axis, late actions and mean progress, as a PNG."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    figure = Figure(figsize=(_WIDTH_IN, 1.0), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    _draw(figure, data, labels, stamp=stamp)
    return palette_png(figure)


def _draw(figure: Figure, data: PlanData, labels: PlanLabels, *, stamp: str = "") -> None:
    """Draw the plan chart onto a figure, setting its height (split out so tests can inspect it)."""
    counts = [[max(0, int(n)) for n in level] for level in data.counts]
    if len(counts) != 3 or any(len(level) != 3 for level in counts):
        raise ValueError("counts needs 3 levels of 3 statuses")
    if len(labels.levels) != 3 or len(labels.statuses) != 3 or len(data.late_by_level) != 3:
        raise ValueError("levels, statuses and late_by_level need 3 entries each")
    late = [max(0, int(n)) for n in data.late_by_level]
    empty = sum(map(sum, counts)) == 0

    figure.set_size_inches(_WIDTH_IN, 1.0)
    title = figure.text(
        _LEFT, 0, labels.title, fontsize=16, fontweight="bold", color=_TEXT, va="top", parse_math=False
    )
    room = figure.bbox.width * (1 - 2 * _LEFT)
    if stamp.strip():
        room -= stamp_width(figure, stamp) + _STAMP_GAP_PX
    fit_text(title, room, max_lines=2)
    title_in = _TITLE_IN + _TITLE_LINE_IN * title.get_text().count("\n")
    axis_in = _AXIS_IN + (_AXIS_LABEL_IN if labels.axis.strip() else 0.0)
    body = _EMPTY_IN if empty else _LEGEND_IN + 3 * _LEVEL_IN + axis_in + _LATE_IN + _PROGRESS_IN
    height = 2 * _PAD_IN + title_in + body
    figure.set_size_inches(_WIDTH_IN, height)
    draw_stamp(figure, stamp)

    def y(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    title.set_position((_LEFT, y(_PAD_IN + 0.1)))
    top = _PAD_IN + title_in
    if empty:
        message = figure.text(
            0.5,
            y(top + _EMPTY_IN / 2),
            labels.empty,
            ha="center",
            va="center",
            fontsize=14,
            color=_GREY,
            parse_math=False,
        )
        fit_text(message, figure.bbox.width * (1 - 2 * _LEFT), max_lines=2)
        return

    _draw_legend(figure, labels, y(top + _LEGEND_IN / 2), any_late=sum(late) > 0)
    top += _LEGEND_IN
    bars_in = 3 * _LEVEL_IN
    bars = figure.add_axes((_LEFT, y(top + bars_in), _BARS_RIGHT - _LEFT, bars_in / height))
    _draw_bars(bars, figure, counts, late, labels)
    top += bars_in + axis_in

    if labels.late.strip():
        any_late = sum(late) > 0
        note = figure.text(
            _LEFT,
            y(top + _LATE_IN / 2),
            f"{_WARNING_SIGN} {labels.late}" if any_late else labels.late,
            fontsize=12,
            fontweight="bold" if any_late else "normal",
            color=_VERMILLION if any_late else _GREY,
            va="center",
            parse_math=False,
        )
        fit_text(note, room, max_lines=1)
    top += _LATE_IN

    heading = figure.text(
        _LEFT,
        y(top + 0.2),
        labels.progress,
        fontsize=13,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    fit_text(heading, figure.bbox.width * (_RIGHT - _LEFT), max_lines=1)
    progress = figure.add_axes((_LEFT, y(top + 0.68), _RIGHT - _LEFT, 0.3 / height))
    _draw_progress(progress, figure, data.progress_pct, labels.progress_value)


class _SignHandler(HandlerBase):
    """Draws the late sign itself as the legend's sample, so the legend explains the mark it shows."""

    def legend_artist(self, legend: Any, orig_handle: Any, fontsize: float, handlebox: Any) -> Artist:
        sign = Text(
            handlebox.xdescent + handlebox.width / 2,
            handlebox.ydescent + handlebox.height / 2,
            _WARNING_SIGN,
            ha="center",
            va="center",
            fontsize=fontsize + 1,
            fontweight="bold",
            color=_VERMILLION,
            transform=handlebox.get_transform(),
        )
        handlebox.add_artist(sign)
        return sign


class _LateSign:
    """The legend's handle for the late sign (drawn by _SignHandler)."""


def _draw_legend(figure: Figure, labels: PlanLabels, y: float, *, any_late: bool) -> None:
    handles: list[Any] = [
        Patch(facecolor=colour, hatch=hatch, edgecolor="white", linewidth=0, label=name)
        for (colour, hatch, _), name in zip(_STATUS_STYLE, labels.statuses, strict=True)
    ]
    names = [normalise(name) for name in labels.statuses]
    if any_late and labels.late_legend.strip():
        handles.append(_LateSign())
        names.append(normalise(labels.late_legend))
    legend = figure.legend(
        handles,
        names,
        loc="center left",
        bbox_to_anchor=(_LEFT - 0.008, y),
        ncols=len(handles),
        frameon=False,
        fontsize=12,
        handlelength=2.2,
        handleheight=1.2,
        columnspacing=1.8,
        handler_map={_LateSign: _SignHandler()},
    )
    for text in legend.get_texts():
        text.set_parse_math(False)


def _draw_bars(
    ax: Axes, figure: Figure, counts: list[list[int]], late: list[int], labels: PlanLabels
) -> None:
    """One bar per level, first level on top, on one axis of action counts shared by all."""
    # Lengths are counts, not shares of the largest level: one action is half as long as two, and no
    # track behind a bar suggests a whole it would be part of.
    scale = max(sum(level) for level in counts)
    ax.set_xlim(0, scale)
    ax.set_ylim(-0.5 * _LEVEL_IN, 3 * _LEVEL_IN - 0.5 * _LEVEL_IN)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=1))
    ax.tick_params(axis="x", labelsize=11, colors=_GREY, length=3, color="#BBBBBB")
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.grid(True, axis="x", color="#E6E6E6", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#BBBBBB")
    ax.set_facecolor("none")
    if labels.axis.strip():
        ax.set_xlabel(normalise(labels.axis), fontsize=11, color=_GREY, loc="left", parse_math=False)
    agg = renderer(figure)
    px_per_action = ax.get_window_extent(agg).width / scale
    for index, (level, name, late_count) in enumerate(zip(counts, labels.levels, late, strict=True)):
        centre = (2 - index) * _LEVEL_IN - 0.1  # bar centre, in inches up from the axes' middle row
        ax.text(
            0,
            centre + _BAR_IN / 2 + 0.06,
            f"{normalise(name)} ({sum(level)})",
            fontsize=12,
            color=_TEXT,
            va="bottom",
            parse_math=False,
        )
        left = 0
        for count, (colour, hatch, ink) in zip(level, _STATUS_STYLE, strict=True):
            if count == 0:
                continue
            ax.barh(
                centre,
                count,
                left=left,
                height=_BAR_IN,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                linewidth=1.5,  # a white seam between segments
            )
            text = ax.text(
                left + count / 2,
                centre,
                str(count),
                ha="center",
                va="center",
                fontsize=12,
                fontweight="bold",
                color=ink,
                # A backing chip keeps the digits legible over the hatching.
                bbox={"boxstyle": "round,pad=0.15", "facecolor": colour, "edgecolor": "none"}
                if hatch
                else None,
            )
            if text.get_window_extent(agg).width + _SEGMENT_TEXT_PAD_PX > count * px_per_action:
                text.remove()  # too narrow to hold its count; the pattern and the legend still tell it
            left += count
        if late_count:
            ax.text(
                1 + (_RIGHT - _BARS_RIGHT) / 2 / (_BARS_RIGHT - _LEFT),
                centre,
                f"{_WARNING_SIGN} {late_count}",
                transform=ax.get_yaxis_transform(),
                ha="center",
                va="center",
                fontsize=13,
                fontweight="bold",
                color=_VERMILLION,
            )


def _draw_progress(ax: Axes, figure: Figure, progress_pct: float, value_text: str) -> None:
    """One bar: its outline is the whole, its fill the mean progress, and the share written on it."""
    share = min(100.0, max(0.0, progress_pct)) if math.isfinite(progress_pct) else 0.0
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 100, 1, facecolor="white", edgecolor=_GREY, linewidth=1.2, zorder=1))
    done_colour = _STATUS_STYLE[2][0]
    ax.add_patch(Rectangle((0, 0), share, 1, facecolor=done_colour, edgecolor="none", zorder=2))
    text = normalise(value_text) or f"{share:.0f}"
    label = ax.text(share, 0.5, text, ha="right", va="center", fontsize=12, fontweight="bold", zorder=3)
    pad_px = 8.0
    bar_px = ax.get_window_extent(renderer(figure)).width
    # Inside the fill, at its end, when it is long enough; just after it otherwise.
    if label.get_window_extent(renderer(figure)).width + 2 * pad_px <= share / 100 * bar_px:
        label.set_x(share - pad_px / bar_px * 100)
        label.set_color(_STATUS_STYLE[2][2])
    else:
        label.set_x(share + pad_px / bar_px * 100)
        label.set_horizontalalignment("left")
        label.set_color(_TEXT)
    label.set_parse_math(False)
