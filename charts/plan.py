"""The action plan at a glance: actions per engagement level and status, late ones, overall progress.

Pure renderer: plain data in, palette PNG bytes out, about 900 pixels wide so it reads on a phone.
One horizontal bar per level, split by status; each segment carries its count and the statuses also
differ by hatching, so colour is never the only cue. Late actions are written next to their level's
bar ("⚠ 2"). Thread-safe like the other renderers: one Figure per call on its own Agg canvas, no
pyplot, rcParams only read, mathtext off on every caller string.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from charts._png import palette_png
from charts.history import _fit_width

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


@dataclass(frozen=True)
class PlanData:
    """Action counts of a plan: `counts[level][status]`, late actions per level, mean progress."""

    counts: tuple[Triple, Triple, Triple]
    late_by_level: Triple
    progress_pct: float  # 0..100


# Okabe-Ito, safe for the common colour-vision deficiencies; light to dark as work advances, and the
# to-do segments are hatched. Text colours keep at least 4.5:1 contrast on their segment.
_STATUS_STYLE: tuple[tuple[str, str, str], ...] = (
    ("#56B4E9", "//", "#111111"),  # sky blue, to do
    ("#0072B2", "", "#FFFFFF"),  # blue, in progress
    ("#009E73", "", "#111111"),  # bluish green, done
)
_VERMILLION = "#D55E00"
_TRACK = "#EEEEEE"
_TEXT = "#222222"
_GREY = "#666666"
_WARNING_SIGN = "\u26a0"

_WIDTH_IN = 9.0
_PAD_IN = 0.18
_TITLE_IN = 0.5
_LEGEND_IN = 0.42
_LEVEL_IN = 0.86  # a level's name over its bar, and the gap to the next one
_BAR_IN = 0.42
_LATE_IN = 0.42
_PROGRESS_IN = 0.78
_EMPTY_IN = 1.6
_LEFT, _BARS_RIGHT, _RIGHT = 0.03, 0.87, 0.97  # figure fractions; late counts sit right of the bars
_SEGMENT_TEXT_PAD_PX = 8


def render_plan(data: PlanData, labels: PlanLabels, *, dpi: int = 100) -> bytes:
    """Stacked bars per engagement level, late actions and mean progress, as a palette PNG."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    figure = Figure(figsize=(_WIDTH_IN, 1.0), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    _draw(figure, data, labels)
    return palette_png(figure)


def _draw(figure: Figure, data: PlanData, labels: PlanLabels) -> None:
    """Draw the plan chart onto a figure, setting its height (split out so tests can inspect it)."""
    counts = [[max(0, int(n)) for n in level] for level in data.counts]
    if len(counts) != 3 or any(len(level) != 3 for level in counts):
        raise ValueError("counts needs 3 levels of 3 statuses")
    if len(labels.levels) != 3 or len(labels.statuses) != 3 or len(data.late_by_level) != 3:
        raise ValueError("levels, statuses and late_by_level need 3 entries each")
    late = [max(0, int(n)) for n in data.late_by_level]
    empty = sum(map(sum, counts)) == 0

    body = _EMPTY_IN if empty else _LEGEND_IN + 3 * _LEVEL_IN + _LATE_IN + _PROGRESS_IN
    height = 2 * _PAD_IN + _TITLE_IN + body
    figure.set_size_inches(_WIDTH_IN, height)

    def y(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    title = figure.text(
        _LEFT,
        y(_PAD_IN + _TITLE_IN / 2),
        " ".join(labels.title.split()),
        fontsize=16,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    _fit_width(title, figure, margin_px=2 * _LEFT * figure.bbox.width)
    top = _PAD_IN + _TITLE_IN
    if empty:
        figure.text(
            0.5,
            y(top + _EMPTY_IN / 2),
            labels.empty,
            ha="center",
            va="center",
            fontsize=14,
            color=_GREY,
            parse_math=False,
        )
        return

    _draw_legend(figure, labels, y(top + _LEGEND_IN / 2))
    top += _LEGEND_IN
    bars = figure.add_axes((_LEFT, y(top + 3 * _LEVEL_IN), _BARS_RIGHT - _LEFT, 3 * _LEVEL_IN / height))
    _draw_bars(bars, figure, counts, late, labels)
    top += 3 * _LEVEL_IN

    if labels.late.strip():
        any_late = sum(late) > 0
        figure.text(
            _LEFT,
            y(top + _LATE_IN / 2),
            f"{_WARNING_SIGN} {labels.late}" if any_late else labels.late,
            fontsize=12,
            fontweight="bold" if any_late else "normal",
            color=_VERMILLION if any_late else _GREY,
            va="center",
            parse_math=False,
        )
    top += _LATE_IN

    figure.text(
        _LEFT,
        y(top + 0.2),
        labels.progress,
        fontsize=13,
        fontweight="bold",
        color=_TEXT,
        va="center",
        parse_math=False,
    )
    progress = figure.add_axes((_LEFT, y(top + 0.68), _RIGHT - _LEFT, 0.3 / height))
    _draw_progress(progress, data.progress_pct)


def _draw_legend(figure: Figure, labels: PlanLabels, y: float) -> None:
    handles = [
        Patch(facecolor=colour, hatch=hatch, edgecolor="white", linewidth=0, label=name)
        for (colour, hatch, _), name in zip(_STATUS_STYLE, labels.statuses, strict=True)
    ]
    legend = figure.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(_LEFT - 0.008, y),
        ncols=3,
        frameon=False,
        fontsize=12,
        handlelength=2.2,
        handleheight=1.2,
        columnspacing=1.8,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)


def _draw_bars(
    ax: Axes, figure: Figure, counts: list[list[int]], late: list[int], labels: PlanLabels
) -> None:
    """One bar per level, first level on top, on a scale shared by all so lengths compare."""
    scale = max(sum(level) for level in counts)
    ax.set_xlim(0, scale)
    ax.set_ylim(-0.5 * _LEVEL_IN, 3 * _LEVEL_IN - 0.5 * _LEVEL_IN)
    ax.set_axis_off()
    renderer = _renderer(figure)
    px_per_action = ax.get_window_extent(renderer).width / scale
    for index, (level, name, late_count) in enumerate(zip(counts, labels.levels, late, strict=True)):
        centre = (2 - index) * _LEVEL_IN - 0.1  # bar centre, in inches up from the axes' middle row
        ax.add_patch(Rectangle((0, centre - _BAR_IN / 2), scale, _BAR_IN, facecolor=_TRACK, edgecolor="none"))
        ax.text(
            0,
            centre + _BAR_IN / 2 + 0.06,
            f"{name} ({sum(level)})",
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
            if text.get_window_extent(renderer).width + _SEGMENT_TEXT_PAD_PX > count * px_per_action:
                text.remove()  # too narrow to hold its count; hatching and the legend still tell it
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


def _draw_progress(ax: Axes, progress_pct: float) -> None:
    share = min(100.0, max(0.0, progress_pct)) if math.isfinite(progress_pct) else 0.0
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 100, 1, facecolor=_TRACK, edgecolor="none", zorder=1))
    for quarter in (25, 50, 75):  # graduations on the track, under the fill: quarters read at a glance
        ax.axvline(quarter, color="white", linewidth=1.5, zorder=1.5)
    ax.add_patch(Rectangle((0, 0), share, 1, facecolor=_STATUS_STYLE[2][0], edgecolor="none", zorder=2))


def _renderer(figure: Figure) -> RendererAgg:
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    return canvas.get_renderer()
