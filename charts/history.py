"""History chart of one indicator: its readings, target, threshold bands, and optionally a trend.

Pure renderer: plain data in, PNG bytes out. Safe to call from several threads at once because each
call builds its own ``Figure`` on its own Agg canvas; pyplot (global figure manager, global current
figure) is never imported and rcParams are only read, never written. Styling is passed explicitly to
each artist for the same reason. Mathtext is disabled on every caller-supplied string: the mathtext
parser is shared process-wide and a "$" in a title must not turn it into a formula.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import dates as mdates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FixedLocator, Formatter, MaxNLocator

from charts._text import draw_stamp, fit_text, measurer, normalise, renderer, stamp_width, wrap

__all__ = [
    "HistoryLabels",
    "MONTHS_EN",
    "MONTHS_FR",
    "Point",
    "Thresholds",
    "TrendLine",
    "render_history",
]


@dataclass(frozen=True)
class Point:
    """One reading of an indicator; a reading of a longer period (a quarter, a year) gives its end."""

    day: datetime.date
    value: float
    end: datetime.date | None = None  # last day of the period, inclusive; None: a reading of one day
    label: str = ""  # the period's name under the axis ("2025", "T3 2026"), when it has an end


@dataclass(frozen=True)
class Thresholds:
    """Target and threshold levels of an indicator; any of them may be absent."""

    target: float | None = None
    warn_below: float | None = None
    alert_below: float | None = None
    warn_above: float | None = None
    alert_above: float | None = None


@dataclass(frozen=True)
class HistoryLabels:
    """Every visible string of the chart, already translated by the caller."""

    title: str
    unit: str
    target: str
    warning: str
    alert: str
    no_data: str
    trend: str = ""  # legend entry of the trend line; none when empty
    deadline: str = ""  # legend entry of the deadline line ("Échéance : 31 déc. 2027"); none when empty
    # The latest value and the target as the caller writes them, units agreeing ("1 réunion",
    # "4 réunions"): a renderer knows no plural rules. Empty: written from `unit`.
    latest_value: str = ""
    target_value: str = ""


@dataclass(frozen=True)
class TrendLine:
    """A straight trend segment to draw over the history; its end may lie in the future."""

    start: datetime.date
    start_value: float
    end: datetime.date
    end_value: float


MONTHS_FR: tuple[str, ...] = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip
MONTHS_EN: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
_BLUE = "#0072B2"
_ORANGE = "#E69F00"
_VERMILLION = "#D55E00"
_BLUISH_GREEN = "#009E73"
_REDDISH_PURPLE = "#CC79A7"
# Dash-dot, unlike the target's plain dashes: the two lines differ by more than their colour.
_TREND_DASHES = (0, (7.0, 2.5, 1.5, 2.5))
_WARNING_ALPHA = 0.2
_ALERT_ALPHA = 0.24
_HATCH_ALPHA = 0.55
_TICK_FONTSIZE = 10
_TEXT_GREY = "0.35"
_TEXT = "0.13"

_NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before "%"
_NBSP = "\u00a0"
_MINUS = "\u2212"  # typographic minus, as matplotlib itself uses for negative ticks
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PREFIXED_CURRENCIES = frozenset({"$", "£", "€"})  # written before the number in English
_TICK_UNITS = _PREFIXED_CURRENCIES | {"%", ""}  # short enough to repeat on every tick label

_MIN_X_SPAN_DAYS = 7.0  # below this AutoDateLocator falls back to hourly ticks, meaningless for days
_MARKERS_UP_TO = 120  # past this many points markers merge into a smudge; the line says enough

# ConciseDateFormatter goes through strftime("%b"), which depends on the process-wide locale; we
# format the month number between braces instead and swap in the caller's names afterwards.
_MONTH = "{%m}"
_MONTH_RE = re.compile(r"\{(\d\d)\}")


def render_history(
    points: Sequence[Point],
    thresholds: Thresholds,
    labels: HistoryLabels,
    *,
    decimal_comma: bool = True,
    is_bool: bool = False,
    bool_labels: tuple[str, str] = ("non", "oui"),
    month_names: Sequence[str] | None = None,
    width_px: int = 1000,
    height_px: int = 500,
    dpi: int = 100,
    trend: TrendLine | None = None,
    caption: str = "",
    integer_values: bool = False,
    deadline: datetime.date | None = None,
    stamp: str = "",
) -> bytes:
    """Chart of one indicator's history, target, threshold bands, optional trend and deadline, as PNG."""
    if width_px <= 0 or height_px <= 0 or dpi <= 0:
        raise ValueError(f"width_px, height_px and dpi must be positive, got {width_px}, {height_px}, {dpi}")
    # Agg truncates the canvas size to whole pixels; half a pixel more keeps float error from
    # costing a pixel (e.g. 0.29 * 100 == 28.999999999999996).
    fig = Figure(figsize=((width_px + 0.5) / dpi, (height_px + 0.5) / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    _draw(
        fig,
        points,
        thresholds,
        labels,
        decimal_comma=decimal_comma,
        is_bool=is_bool,
        bool_labels=bool_labels,
        month_names=month_names,
        trend=trend,
        caption=caption,
        integer_values=integer_values,
        deadline=deadline,
        stamp=stamp,
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def _draw(
    fig: Figure,
    points: Sequence[Point],
    thresholds: Thresholds,
    labels: HistoryLabels,
    *,
    decimal_comma: bool = True,
    is_bool: bool = False,
    bool_labels: tuple[str, str] = ("non", "oui"),
    month_names: Sequence[str] | None = None,
    trend: TrendLine | None = None,
    caption: str = "",
    integer_values: bool = False,
    deadline: datetime.date | None = None,
    stamp: str = "",
) -> None:
    """Draw the history chart onto an empty figure (split from render_history so tests can inspect it)."""
    if len(bool_labels) != 2:
        raise ValueError(f"bool_labels needs 2 strings, got {len(bool_labels)}")
    months = tuple(month_names) if month_names is not None else (MONTHS_FR if decimal_comma else MONTHS_EN)
    if len(months) != 12:
        raise ValueError(f"month_names needs 12 names, got {len(months)}")

    # NaN or infinite readings cannot be placed on an axis; treat them as missing. Sorting on the
    # ordinal also copes with datetimes slipped in among dates, which cannot be compared directly.
    readings = sorted((p for p in points if math.isfinite(p.value)), key=lambda p: p.day.toordinal())
    width_px, height_px = fig.bbox.width, fig.bbox.height
    # A small image (a phone's preview) keeps its fonts but has fewer lines to give to long strings.
    small = width_px < 500 or height_px < 320
    lines = 2 if small else 3
    ax = fig.add_subplot()
    title, title_room = _draw_title(fig, labels.title, stamp, fontsize=12 if small else 14, lines=lines)
    draw_stamp(fig, stamp)
    caption = normalise(caption)
    if not readings:
        _draw_no_data(ax, fig, labels.no_data, caption, lines)
        return

    style = _NumberStyle(decimal_comma=decimal_comma, unit=labels.unit)
    spans = _Spans.of(readings)
    ys = np.array([(1.0 if p.value else 0.0) if is_bool else float(p.value) for p in readings])
    levels = _Levels.of(thresholds)
    if is_bool:
        # Bands drawn from numeric thresholds mean nothing between "no" and "yes": only the target stays.
        levels = _Levels(levels.target, None, None, None, None)
    trend_xs, trend_ys = _trend_coordinates(trend)
    deadline_xs = mdates.date2num(np.array([deadline], dtype="datetime64[D]")) if deadline else np.empty(0)

    # The trend may end in the future, and the deadline too: the axes reach out to show them.
    x_lo, x_hi = _x_limits(np.concatenate([spans.starts, spans.ends, trend_xs, deadline_xs]))
    y_lo, y_hi = _y_limits(np.concatenate([ys, trend_ys]), levels, is_bool, integer_values)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    exponent = _exponent_for(max(abs(y_lo), abs(y_hi)))

    legend_handles: list[Artist] = []
    if levels.target is not None:
        if labels.target_value:
            target_text = labels.target_value
        elif is_bool:
            target_text = bool_labels[1 if levels.target >= 0.5 else 0]
        else:
            own = _exponent_for(abs(levels.target))
            target_text = style.with_unit(levels.target, _value_decimals(levels.target, own), own)
        legend_handles.append(
            ax.axhline(
                levels.target,
                color=_BLUISH_GREEN,
                linestyle="--",
                linewidth=1.8,
                label=f"{labels.target} ({target_text})",
                zorder=2,
            )
        )
    warning, alert = _draw_bands(ax, levels, y_lo, y_hi, labels)

    many = len(readings) > _MARKERS_UP_TO
    line_style: dict[str, Any] = {
        "color": _BLUE,
        "linewidth": 1.6 if many else 2.0,
        "marker": "" if many else "o",
        "markersize": 4 if len(readings) > 30 else 6,
        "zorder": 3,
    }
    if spans.periods:
        _draw_periods(ax, spans, ys, line_style)
    elif is_bool:
        ax.step(spans.starts, ys, where="post", **line_style)
    else:
        ax.plot(spans.starts, ys, **line_style)
    if len(trend_xs):
        (trend_line,) = ax.plot(
            trend_xs,
            trend_ys,
            color=_REDDISH_PURPLE,
            linestyle=_TREND_DASHES,
            linewidth=2.2,
            label=labels.trend or "_nolegend_",
            zorder=2.5,  # above the bands, under the readings
        )
        if labels.trend:
            legend_handles.append(trend_line)
    if len(deadline_xs):
        deadline_line = ax.axvline(
            float(deadline_xs[0]),
            color=_DEADLINE,
            linestyle=_DEADLINE_DOTS,
            linewidth=2.0,
            marker="v",
            markevery=[1],  # a mark at the top end: the line is told from the grid at a glance
            markersize=8,
            label=labels.deadline or "_nolegend_",
            zorder=2.6,
        )
        if labels.deadline:
            legend_handles.append(deadline_line)
    # Lines first, then areas.
    legend_handles.extend(h for h in (warning, alert) if h is not None)
    previous = float(ys[-2]) if len(ys) > 1 else None
    _annotate_last(
        ax,
        float(spans.middles[-1]),
        float(ys[-1]),
        previous,
        style,
        is_bool,
        bool_labels,
        labels.latest_value,
    )

    _style_axes(ax, fig, style, exponent, is_bool, bool_labels, months, integer_values)
    if spans.labelled:
        _period_ticks(ax, fig, spans)
    note = None
    if caption:
        # The axes' x label, the dates needing none: constrained layout keeps its line free between
        # the tick labels and the legend (a figure-level supxlabel would share the legend's place).
        note = ax.set_xlabel(caption, loc="left", fontsize=11, color=_TEXT, labelpad=8, parse_math=False)
        # A first guess of the room right of the y tick labels, whose width is not known before layout.
        fit_text(note, width_px - 130, max_lines=lines)
    legend = None
    if legend_handles:
        # A longer sample when the trend or the deadline is listed, so their dashes show.
        long_sample = len(legend_handles) > (levels.target is not None) + (warning is not None) + (
            alert is not None
        )
        legend = _fitted_legend(fig, legend_handles, handlelength=3.2 if long_sample else 2.0, small=small)
    caption_lines = _make_room(fig, (title, labels.title, title_room), note, caption, legend, lines)
    if note is not None and caption_lines:
        # Now that the layout places the axes, the caption gets exactly the width right of its start.
        engine = fig.get_layout_engine()
        if engine is not None:
            engine.execute(fig)
            left = ax.get_position().x0 * width_px
            note.set_text(caption)
            fit_text(note, width_px - left - _PAD_PX, max_lines=caption_lines)


def _make_room(
    fig: Figure,
    titled: tuple[Text, str, float],
    note: Text | None,
    caption: str,
    legend: Legend | None,
    lines: int,
) -> int:
    """On a small image, give the title and the caption fewer lines until the plot keeps some height.

    Returns how many lines the caption may take (0: it is dropped, the message that carries the image
    says it too). Constrained layout gives up, and lets texts run off the image, when its margins
    leave the axes no height at all.
    """
    agg = renderer(fig)
    title, title_text, title_room = titled

    def crowded() -> bool:
        used = sum(a.get_window_extent(agg).height for a in (title, note, legend) if a is not None)
        return used + _TICKS_AND_PADS_PX > fig.bbox.height - _MIN_PLOT_PX

    caption_lines = lines if note is not None else 0
    room = fig.bbox.width - 2 * _PAD_PX
    for step in ("caption", "title", "drop"):
        if not crowded():
            break
        if step == "caption" and note is not None and caption_lines > 1:
            caption_lines = 1
            note.set_text(caption)
            fit_text(note, room - 130, max_lines=1)
        elif step == "title":
            title.set_text(normalise(title_text) or " ")
            fit_text(title, title_room, max_lines=1)
        elif step == "drop" and note is not None:
            caption_lines = 0
            note.set_text("")
    return caption_lines


_DEADLINE = "#333333"
_DEADLINE_DOTS = (0, (1.0, 1.8))
_WARNING_HATCH = "//"
_ALERT_HATCH = "xx"
_PAD_PX = 8.0
_MIN_PLOT_PX = 50.0  # the least height left to the plot itself
_TICKS_AND_PADS_PX = 56.0  # the date tick labels and the layout's pads around every block


def _draw_title(fig: Figure, title: str, stamp: str, *, fontsize: float, lines: int) -> tuple[Text, float]:
    """The chart's title at the top left of the figure, wrapped to the room the stamp leaves it."""
    width_px = fig.bbox.width
    room = width_px - 2 * _PAD_PX
    stamp_px = stamp_width(fig, stamp)
    if stamp_px:
        room -= stamp_px + 2 * _PAD_PX
    # A figure title, not the axes' one: its room is the figure's width, known now, whereas the axes'
    # left edge waits for the layout.
    text = fig.suptitle(
        normalise(title) or " ",
        x=_PAD_PX / width_px,
        # No y: constrained layout then places the title itself and keeps its lines free of the axes.
        ha="left",
        fontsize=fontsize,
        fontweight="bold",
        color=_TEXT,
        parse_math=False,
    )
    fit_text(text, room, max_lines=lines)
    return text, room


def _draw_no_data(ax: Axes, fig: Figure, no_data: str, caption: str, lines: int) -> None:
    """The message that there is nothing to draw yet, and the caption under it."""
    ax.set_axis_off()
    room = fig.bbox.width - 4 * _PAD_PX
    message = ax.text(
        0.5,
        0.55 if caption else 0.5,
        normalise(no_data),
        transform=ax.transAxes,
        ha="center",
        va="bottom" if caption else "center",
        fontsize=16,
        color=_TEXT_GREY,
        parse_math=False,
    )
    fit_text(message, room, max_lines=2)
    if caption:
        note = ax.text(
            0.5,
            0.45,
            caption,
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=11,
            color=_TEXT,
            parse_math=False,
        )
        fit_text(note, room, max_lines=lines)


def _fitted_legend(fig: Figure, handles: list[Artist], *, handlelength: float, small: bool) -> Legend:
    """The legend under the plot, in the fewest rows that fit the figure's width.

    On a narrow image an entry may take two lines, so that two or three of them share a row rather
    than each taking one: every row of legend is a row less of chart.
    """
    room = fig.bbox.width - 2 * _PAD_PX
    agg = renderer(fig)
    fontsize = 10.0
    style = {
        "handlelength": handlelength * (0.7 if small else 1.0),
        "handletextpad": 0.5 if small else 0.8,
        "columnspacing": 1.0 if small else 2.0,
        "borderpad": 0.2 if small else 0.4,
        "labelspacing": 0.3 if small else 0.5,
    }
    em_px = fontsize * fig.dpi / 72
    width = measurer(fig, FontProperties(size=fontsize))
    names = [normalise(str(h.get_label())) for h in handles]  # type: ignore[attr-defined]
    best: tuple[float, Legend] | None = None
    candidates = []
    for columns in range(len(handles), 0, -1):
        per_entry = (room - (columns - 1) * style["columnspacing"] * em_px) / columns
        label_room = per_entry - (style["handlelength"] + style["handletextpad"]) * em_px - 2
        wrapped = [wrap(name, label_room, width, max_lines=2) for name in names]
        # As they are first, wrapped only if need be: on a ready-made row, a shorter row wins.
        candidates += [(columns, names)] + ([(columns, wrapped)] if wrapped != names else [])
    for columns, entries in candidates:
        legend = fig.legend(
            handles,
            entries,
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            fontsize=fontsize,
            **style,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
        box = legend.get_window_extent(agg)
        fits = box.width <= room or (columns == 1 and best is None)  # one column: the narrowest there is
        if fits and (best is None or box.height < best[0]):
            if best is not None:
                best[1].remove()
            best = (box.height, legend)
        else:
            legend.remove()
    assert best is not None
    return best[1]


@dataclass(frozen=True)
class _Spans:
    """Where each reading lies on the date axis: its first day and the day after its period's end."""

    starts: np.ndarray
    ends: np.ndarray
    labels: tuple[str, ...]
    periods: bool  # some reading covers a period longer than its day

    @classmethod
    def of(cls, readings: Sequence[Point]) -> _Spans:
        starts = mdates.date2num(np.array([p.day for p in readings], dtype="datetime64[D]"))
        one_day = datetime.timedelta(days=1)
        # The period's last day is inclusive: its span reaches the start of the next day.
        ends = mdates.date2num(
            np.array(
                [(p.end + one_day) if p.end is not None else p.day for p in readings], dtype="datetime64[D]"
            )
        )
        ends = np.maximum(ends, starts)
        return cls(starts, ends, tuple(normalise(p.label) for p in readings), bool(np.any(ends > starts)))

    @property
    def middles(self) -> np.ndarray:
        return (self.starts + self.ends) / 2

    @property
    def labelled(self) -> bool:
        return self.periods and any(self.labels)


def _draw_periods(ax: Axes, spans: _Spans, ys: np.ndarray, line_style: dict[str, Any]) -> None:
    """Each reading as a level held over its period, joined to the next where they touch (a step)."""
    xs: list[float] = []
    levels: list[float] = []
    for i, (start, end, y) in enumerate(zip(spans.starts, spans.ends, ys, strict=True)):
        if i and start > spans.ends[i - 1] + 0.5:  # a gap: periods without a reading are left blank
            xs.append(math.nan)
            levels.append(math.nan)
        xs += [float(start), float(end)]
        levels += [float(y), float(y)]
    ax.plot(xs, levels, color=line_style["color"], linewidth=2.6, solid_capstyle="butt", zorder=3)
    if line_style["marker"]:
        ax.plot(
            spans.middles,
            ys,
            linestyle="none",
            marker="o",
            markersize=line_style["markersize"],
            color=line_style["color"],
            zorder=3,
        )


def _period_ticks(ax: Axes, fig: Figure, spans: _Spans) -> None:
    """One tick in the middle of each labelled period, named by the caller, as many as fit."""
    ticks = [(float(x), label) for x, label in zip(spans.middles, spans.labels, strict=True) if label]
    width = measurer(fig, FontProperties(size=_TICK_FONTSIZE))
    widest = max(width(label) for _, label in ticks)
    room = fig.bbox.width - 130  # the axes' width, less the y tick labels
    step = max(1, math.ceil(len(ticks) / max(1, int(room // (widest + 16)))))
    # Every step-th period from the newest back, so the latest reading's period is always named.
    kept = ticks[::-1][::step][::-1]
    ax.xaxis.set_major_locator(FixedLocator([x for x, _ in kept]))
    ax.xaxis.set_major_formatter(FixedFormatter([_escape_dollars(label) for _, label in kept]))


@dataclass(frozen=True)
class _Levels:
    """Thresholds with non-finite values dropped, so the rest of the code only sees usable floats."""

    target: float | None
    warn_below: float | None
    alert_below: float | None
    warn_above: float | None
    alert_above: float | None

    @classmethod
    def of(cls, t: Thresholds) -> _Levels:
        def usable(v: float | None) -> float | None:
            return float(v) if v is not None and math.isfinite(v) else None

        return cls(
            usable(t.target),
            usable(t.warn_below),
            usable(t.alert_below),
            usable(t.warn_above),
            usable(t.alert_above),
        )

    def present(self) -> list[float]:
        candidates = (self.target, self.warn_below, self.alert_below, self.warn_above, self.alert_above)
        return [v for v in candidates if v is not None]


def _draw_bands(
    ax: Axes, levels: _Levels, y_lo: float, y_hi: float, labels: HistoryLabels
) -> tuple[Artist | None, Artist | None]:
    """Shade warning and alert zones; return one handle of each kind for the legend (None if absent)."""
    # Bands reach the y limits (not infinity) because the limits are fixed before drawing; the
    # warning zone of a side starts where its alert zone ends, or at the plot edge if there is none.
    warning: list[tuple[float, float]] = []
    alert: list[tuple[float, float]] = []
    if levels.warn_below is not None:
        warning.append((levels.alert_below if levels.alert_below is not None else y_lo, levels.warn_below))
    if levels.alert_below is not None:
        alert.append((y_lo, levels.alert_below))
    if levels.warn_above is not None:
        warning.append((levels.warn_above, levels.alert_above if levels.alert_above is not None else y_hi))
    if levels.alert_above is not None:
        alert.append((levels.alert_above, y_hi))

    handles: list[Artist | None] = []
    # Each kind of band has its own hatching over its tint: told apart without telling colours apart.
    bands = (
        (warning, _ORANGE, _WARNING_ALPHA, _WARNING_HATCH, labels.warning),
        (alert, _VERMILLION, _ALERT_ALPHA, _ALERT_HATCH, labels.alert),
    )
    for spans, colour, alpha, hatch, label in bands:
        handle: Artist | None = None
        for low, high in spans:
            if high <= low:  # inconsistent thresholds (e.g. warn below alert): nothing to shade
                continue
            patch = ax.axhspan(
                low,
                high,
                facecolor=to_rgba(colour, alpha),
                edgecolor="none",
                hatch=hatch,
                hatchcolor=to_rgba(colour, _HATCH_ALPHA),
                label=label if handle is None else "_nolegend_",
                zorder=1,
            )
            handle = handle or patch
        handles.append(handle)
    return handles[0], handles[1]


def _annotate_last(
    ax: Axes,
    x: float,
    y: float,
    previous_y: float | None,
    style: _NumberStyle,
    is_bool: bool,
    bool_labels: tuple[str, str],
    written: str = "",
) -> None:
    """Write the latest value next to the latest point, inside the axes whatever its position."""
    if written:
        text = written
    elif is_bool:
        text = bool_labels[1 if y else 0]
    else:
        own = _exponent_for(abs(y))  # its own power of ten: a lone 7.6×10¹¹ reads better than 0.76×10¹²
        text = style.with_unit(y, _value_decimals(y, own), own)
    # The point is the rightmost one, so the text goes to its left, on the side the line does not
    # come from: above after a rise or a plateau, below after a fall. The y limits keep room for it.
    below = previous_y is not None and previous_y > y
    ax.plot([x], [y], marker="o", markersize=8, color=_BLUE, markeredgecolor="white", zorder=4)
    ax.annotate(
        text,
        xy=(x, y),
        xytext=(-8, -10 if below else 10),
        textcoords="offset points",
        ha="right",
        va="top" if below else "bottom",
        fontsize=11,
        fontweight="bold",
        color=_BLUE,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        zorder=5,
        parse_math=False,
    )


def _style_axes(
    ax: Axes,
    fig: Figure,
    style: _NumberStyle,
    exponent: int,
    is_bool: bool,
    bool_labels: tuple[str, str],
    months: tuple[str, ...],
    integer_values: bool = False,
) -> None:
    """Ticks, tick labels, grid and spines; locators scale with the figure size to avoid crowding."""
    width_px, height_px = fig.get_size_inches() * fig.dpi
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max(3, int(width_px // 110)))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_DateFormatter(locator, months))
    if is_bool:
        ax.yaxis.set_major_locator(FixedLocator([0.0, 1.0]))
        ax.yaxis.set_major_formatter(_BoolFormatter(bool_labels))
    else:
        nbins = max(3, int(height_px // 60))
        if integer_values:
            # Counts: no tick between two whole numbers (no "1,5 réunion").
            ax.yaxis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10], integer=True))
        else:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
        unit = style.unit.strip()
        tick_style = (
            style if unit in _TICK_UNITS else _NumberStyle(decimal_comma=style.decimal_comma, unit="")
        )
        ax.yaxis.set_major_formatter(_ValueFormatter(tick_style, exponent))
        if unit not in _TICK_UNITS:
            # A word on every tick ("4,0 réunions") crowds the axis: say it once, as the axis label.
            ax.set_ylabel(unit, fontsize=10, color=_TEXT_GREY, parse_math=False)
    ax.tick_params(labelsize=_TICK_FONTSIZE, colors=_TEXT_GREY, length=0)
    ax.tick_params(axis="x", pad=6)
    ax.xaxis.get_offset_text().set_fontsize(10)
    ax.xaxis.get_offset_text().set_color(_TEXT_GREY)
    ax.grid(True, color="0.9", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("0.7")


def _trend_coordinates(trend: TrendLine | None) -> tuple[np.ndarray, np.ndarray]:
    """The trend segment's ends as axis coordinates; empty arrays when there is none to draw."""
    if trend is None or not (math.isfinite(trend.start_value) and math.isfinite(trend.end_value)):
        return np.empty(0), np.empty(0)
    days = np.array([trend.start, trend.end], dtype="datetime64[D]")
    return mdates.date2num(days), np.array([float(trend.start_value), float(trend.end_value)])


def _x_limits(xs: np.ndarray) -> tuple[float, float]:
    """Date limits with a small margin, widened to a week so one point or one day still gets day ticks."""
    lo, hi = float(xs.min()), float(xs.max())
    margin = max((hi - lo) * 0.03, 0.5)
    lo, hi = lo - margin, hi + margin
    if hi - lo < _MIN_X_SPAN_DAYS:
        extra = (_MIN_X_SPAN_DAYS - (hi - lo)) / 2
        lo, hi = lo - extra, hi + extra
    return lo, hi


def _y_limits(
    ys: np.ndarray, levels: _Levels, is_bool: bool, integer_values: bool = False
) -> tuple[float, float]:
    """Value limits covering the data, the target and every threshold, never of zero height."""
    values = [float(ys.min()), float(ys.max()), *levels.present()]
    if is_bool:
        values += [0.0, 1.0]
    lo, hi = min(values), max(values)
    span = hi - lo
    if span <= abs(hi) * 1e-12:  # all equal, up to float noise: invent a visible range around them
        half = abs(hi) * 0.1 or 1.0
        low, high = lo - half, hi + half
    else:
        # Room at both ends for the latest value's label, which may sit above or below its point.
        low, high = lo - span * 0.12, hi + span * 0.14
    if integer_values:
        # Two whole numbers at least within the limits, or the integer locator falls back to fractions;
        # and counts that are never negative get no negative tick.
        if lo >= 0:
            low = max(low, -0.5)
        if high - low < 2:
            high = low + 2
    return low, high


def _exponent_for(magnitude: float) -> int:
    """Power of ten to factor out of tick labels for huge or tiny ranges, 0 when plain digits read well."""
    if magnitude >= 1e9 or 0 < magnitude < 1e-4:
        return math.floor(math.log10(magnitude))
    return 0


def _tick_decimals(values: Sequence[float], exponent: int, most: int = 6) -> int:
    """Fewest decimals that write every tick exactly (2.5 needs one, 2 needs none)."""
    scaled = [v / 10.0**exponent for v in values]
    for decimals in range(most + 1):
        if all(abs(round(s, decimals) - s) <= 1e-9 * max(1.0, abs(s)) for s in scaled):
            return decimals
    return most


def _value_decimals(value: float, exponent: int) -> int:
    """Decimals for one value shown on its own: about three significant digits, no trailing zeros."""
    scaled = abs(value) / 10.0**exponent
    wanted = 2 if scaled >= 1 or scaled == 0 else min(6, 2 - math.floor(math.log10(scaled)))
    return _tick_decimals([value], exponent, most=wanted)


@dataclass(frozen=True)
class _NumberStyle:
    """How numbers and the unit are written: French (12,5 %) or English (12.5%)."""

    decimal_comma: bool
    unit: str

    def number(self, value: float, decimals: int, exponent: int = 0) -> str:
        mantissa = value / 10.0**exponent
        digits = f"{abs(mantissa):,.{decimals}f}"
        if self.decimal_comma:
            digits = digits.replace(",", _NNBSP).replace(".", ",")
        if all(c in "0,." + _NNBSP for c in digits):  # rounds to zero: no "−0" and no "0×10¹²"
            return digits
        sign = _MINUS if mantissa < 0 else ""
        power = f"×10{str(exponent).translate(_SUPERSCRIPT)}" if exponent else ""
        return f"{sign}{digits}{power}"

    def with_unit(self, value: float, decimals: int, exponent: int = 0) -> str:
        number = self.number(value, decimals, exponent)
        unit = self.unit.strip()
        if not unit:
            return number
        if self.decimal_comma:
            # French typography: narrow no-break space before "%", no-break space before other units.
            return f"{number}{_NNBSP if unit == '%' else _NBSP}{unit}"
        if unit == "%":
            return f"{number}%"
        if unit in _PREFIXED_CURRENCIES:
            return f"{_MINUS}{unit}{number[1:]}" if number.startswith(_MINUS) else f"{unit}{number}"
        return f"{number} {unit}"


def _escape_dollars(text: str) -> str:
    # Tick labels cannot have mathtext switched off per label, and two "$" would start a formula;
    # matplotlib renders an escaped "\$" as a plain dollar sign.
    return text.replace("$", r"\$")


class _ValueFormatter(Formatter):
    """Y tick labels in the chart's number style, with as many decimals as the tick step needs."""

    def __init__(self, style: _NumberStyle, exponent: int) -> None:
        self._style = style
        self._exponent = exponent
        self._decimals = 2

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        # Whole ticks (counts) need no decimals: "2", never "2,0".
        self._decimals = _tick_decimals(list(locs), self._exponent)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _escape_dollars(self._style.with_unit(x, self._decimals, self._exponent))


class _BoolFormatter(Formatter):
    """Y tick labels of a yes/no indicator: the caller's words for 0 and 1."""

    def __init__(self, bool_labels: tuple[str, str]) -> None:
        self._labels = bool_labels

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _escape_dollars(self._labels[1 if x >= 0.5 else 0])


class _DateFormatter(mdates.ConciseDateFormatter):
    """ConciseDateFormatter with the caller's month names and day-before-month order."""

    def __init__(self, locator: mdates.AutoDateLocator, months: tuple[str, ...]) -> None:
        day_month_year = f"%d {_MONTH} %Y"
        super().__init__(
            locator,
            formats=["%Y", _MONTH, "%d", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y", _MONTH, f"%d {_MONTH}", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", f"{_MONTH} %Y", day_month_year, day_month_year, day_month_year],
        )
        self._months = months

    def _localize(self, text: str) -> str:
        return _MONTH_RE.sub(lambda m: self._months[int(m.group(1)) - 1], text)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        return [self._localize(label) for label in super().format_ticks(values)]

    def get_offset(self) -> str:
        return self._localize(super().get_offset())

    def __call__(self, x: float, pos: int | None = 0) -> str:
        return self._localize(super().__call__(x, pos))
