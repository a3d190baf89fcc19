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
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, Formatter, MaxNLocator

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
    """One reading of an indicator."""

    day: datetime.date
    value: float


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
_TEXT_GREY = "0.35"
_TEXT = "0.13"

_NNBSP = "\u202f"  # narrow no-break space: French thousands separator and space before "%"
_NBSP = "\u00a0"
_MINUS = "\u2212"  # typographic minus, as matplotlib itself uses for negative ticks
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PREFIXED_CURRENCIES = frozenset({"$", "£", "€"})  # written before the number in English
_TICK_UNITS = _PREFIXED_CURRENCIES | {"%", ""}  # short enough to repeat on every tick label

_TITLE_MAX_CHARS = 80
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
) -> bytes:
    """Line chart of one indicator's history, target, threshold bands and optional trend, as PNG bytes."""
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
    ax = fig.add_subplot()
    title = ax.set_title(
        _truncate(labels.title),
        # Left-aligned over a real plot; centred over the lone "no data" message.
        loc="left" if readings else "center",
        fontsize=14,
        fontweight="bold",
        pad=12,
        parse_math=False,
    )
    _fit_width(title, fig, margin_px=110 if readings else 40)
    caption = " ".join(caption.split())
    if not readings:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            labels.no_data,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color=_TEXT_GREY,
            parse_math=False,
        )
        if caption:
            note = ax.text(
                0.5,
                0.4,
                caption,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=11,
                color=_TEXT,
                parse_math=False,
            )
            _fit_width(note, fig, margin_px=40)
        return

    style = _NumberStyle(decimal_comma=decimal_comma, unit=labels.unit)
    xs = mdates.date2num(np.array([p.day for p in readings], dtype="datetime64[D]"))
    ys = np.array([(1.0 if p.value else 0.0) if is_bool else float(p.value) for p in readings])
    levels = _Levels.of(thresholds)
    trend_xs, trend_ys = _trend_coordinates(trend)

    # The trend may end in the future: the axes reach out to show where it leads.
    x_lo, x_hi = _x_limits(np.concatenate([xs, trend_xs]))
    y_lo, y_hi = _y_limits(np.concatenate([ys, trend_ys]), levels, is_bool)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    exponent = _exponent_for(max(abs(y_lo), abs(y_hi)))

    legend_handles: list[Artist] = []
    if levels.target is not None:
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
    legend_handles.extend(h for h in (warning, alert) if h is not None)

    many = len(readings) > _MARKERS_UP_TO
    line_style: dict[str, Any] = {
        "color": _BLUE,
        "linewidth": 1.6 if many else 2.0,
        "marker": "" if many else "o",
        "markersize": 4 if len(readings) > 30 else 6,
        "zorder": 3,
    }
    if is_bool:
        ax.step(xs, ys, where="post", **line_style)
    else:
        ax.plot(xs, ys, **line_style)
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
            # After the target, before the bands: lines first, then areas.
            legend_handles.insert(1 if levels.target is not None else 0, trend_line)
    previous = float(ys[-2]) if len(ys) > 1 else None
    _annotate_last(ax, float(xs[-1]), float(ys[-1]), previous, style, is_bool, bool_labels)

    _style_axes(ax, fig, style, exponent, is_bool, bool_labels, months)
    if caption:
        # The axes' x label, the dates needing none: constrained layout keeps its line free between
        # the tick labels and the legend (a figure-level supxlabel would share the legend's place).
        note = ax.set_xlabel(caption, loc="left", fontsize=11, color=_TEXT, labelpad=8, parse_math=False)
        # The axes start right of the y tick labels, whose width is not known before layout.
        _fit_width(note, fig, margin_px=130)
    if legend_handles:
        # A longer sample when the trend is listed, so its dash-dot shows and tells it from the target.
        trend_listed = labels.trend and len(trend_xs) > 0
        legend = fig.legend(
            handles=legend_handles,
            loc="outside lower center",
            ncols=len(legend_handles),
            frameon=False,
            fontsize=10,
            handlelength=3.2 if trend_listed else None,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)


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
    bands = (
        (warning, _ORANGE, _WARNING_ALPHA, labels.warning),
        (alert, _VERMILLION, _ALERT_ALPHA, labels.alert),
    )
    for spans, colour, alpha, label in bands:
        handle: Artist | None = None
        for low, high in spans:
            if high <= low:  # inconsistent thresholds (e.g. warn below alert): nothing to shade
                continue
            patch = ax.axhspan(
                low,
                high,
                facecolor=colour,
                alpha=alpha,
                edgecolor="none",
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
) -> None:
    """Write the latest value next to the latest point, inside the axes whatever its position."""
    if is_bool:
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
        ax.yaxis.set_major_locator(MaxNLocator(nbins=max(3, int(height_px // 60)), steps=[1, 2, 2.5, 5, 10]))
        unit = style.unit.strip()
        if unit in _TICK_UNITS:
            ax.yaxis.set_major_formatter(_ValueFormatter(style, exponent))
        else:
            # A word on every tick ("4,0 réunions") crowds the axis: say it once, as the axis label.
            bare = _NumberStyle(decimal_comma=style.decimal_comma, unit="")
            ax.yaxis.set_major_formatter(_ValueFormatter(bare, exponent))
            ax.set_ylabel(unit, fontsize=10, color=_TEXT_GREY, parse_math=False)
    ax.tick_params(labelsize=10, colors=_TEXT_GREY, length=0)
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


def _y_limits(ys: np.ndarray, levels: _Levels, is_bool: bool) -> tuple[float, float]:
    """Value limits covering the data, the target and every threshold, never of zero height."""
    values = [float(ys.min()), float(ys.max()), *levels.present()]
    if is_bool:
        values += [0.0, 1.0]
    lo, hi = min(values), max(values)
    span = hi - lo
    if span <= abs(hi) * 1e-12:  # all equal, up to float noise: invent a visible range around them
        half = abs(hi) * 0.1 or 1.0
        return lo - half, hi + half
    # Room at both ends for the latest value's label, which may sit above or below its point.
    return lo - span * 0.12, hi + span * 0.14


def _fit_width(text: Text, fig: Figure, margin_px: float) -> None:
    """Shorten a text artist with an ellipsis until it fits in the figure width minus a margin."""
    # The 80-character cap is not enough on narrow images or with wide letters, so measure.
    renderer = _renderer(fig)
    limit = fig.bbox.width - margin_px
    full = text.get_text()
    if text.get_window_extent(renderer).width <= limit:
        return
    low, high = 1, len(full)  # longest prefix that fits, by bisection: a title is at most 80 chars
    while low < high:
        middle = (low + high + 1) // 2
        text.set_text(_truncate(full, middle))
        if text.get_window_extent(renderer).width <= limit:
            low = middle
        else:
            high = middle - 1
    text.set_text(_truncate(full, low))


def _renderer(fig: Figure) -> RendererAgg:
    """The figure's Agg renderer, attaching an Agg canvas if the figure has none yet."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _truncate(text: str, limit: int = _TITLE_MAX_CHARS) -> str:
    """Cut an overlong single-line title with an ellipsis so it stays within the image."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
