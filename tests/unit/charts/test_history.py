"""Tests of the history chart renderer: valid PNGs of the right size, readable labels, no pyplot."""

from __future__ import annotations

import datetime
import gc
import io
import math
import re
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

import charts
from charts import HistoryLabels, Point, Thresholds, TrendLine, render_history
from charts.history import _draw, _NumberStyle

REPO_ROOT = Path(__file__).resolve().parents[3]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NNBSP = "\u202f"
DAY0 = datetime.date(2025, 1, 6)

FR = HistoryLabels(
    title="Taux de réussite élèves",
    unit="%",
    target="Cible",
    warning="Vigilance",
    alert="Alerte",
    no_data="Aucune valeur",
)
EN = HistoryLabels(
    title="Pupils' success rate",
    unit="%",
    target="Target",
    warning="Warning",
    alert="Alert",
    no_data="No reading yet",
)
FULL = Thresholds(target=80, warn_below=60, alert_below=50, warn_above=95, alert_above=98)


def weekly(values: Sequence[float], start: datetime.date = DAY0) -> list[Point]:
    return [Point(start + datetime.timedelta(weeks=i), v) for i, v in enumerate(values)]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format requires to come first."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def drawn(
    points: Sequence[Point], thresholds: Thresholds = FULL, labels: HistoryLabels = FR, **kw: Any
) -> Figure:
    """The chart as a Figure, laid out and with tick labels filled in, for inspecting its texts."""
    fig = Figure(figsize=(10, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    _draw(fig, points, thresholds, labels, **kw)
    fig.draw_without_rendering()  # tick labels only get their text at draw time
    return fig


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


# --------------------------------------------------------------------------------------------------
# PNG output


@pytest.mark.parametrize(("width", "height", "dpi"), [(1000, 500, 100), (333, 217, 100), (1234, 567, 110)])
def test_png_has_the_requested_pixel_size(width: int, height: int, dpi: int) -> None:
    png = render_history(weekly([10, 12.5, 11]), FULL, FR, width_px=width, height_px=height, dpi=dpi)
    assert png_size(png) == (width, height)


def test_zero_points_gives_a_png_with_title_and_no_data_message() -> None:
    assert png_size(render_history([], FULL, FR)) == (1000, 500)
    shown = texts(drawn([]))
    assert FR.title in shown
    assert FR.no_data in shown


def test_one_point_has_non_degenerate_limits() -> None:
    fig = drawn([Point(DAY0, 42.0)], Thresholds())
    ax = fig.axes[0]
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    assert x_lo < x_hi and y_lo < 42.0 < y_hi
    assert f"42{NNBSP}%" in texts(fig)
    assert png_size(render_history([Point(DAY0, 42.0)], Thresholds(), FR)) == (1000, 500)


def test_many_points() -> None:
    points = [Point(DAY0 + datetime.timedelta(days=i), 50 + 30 * math.sin(i / 20)) for i in range(600)]
    assert png_size(render_history(points, FULL, FR)) == (1000, 500)


def test_invalid_size_is_rejected() -> None:
    with pytest.raises(ValueError):
        render_history([], FULL, FR, width_px=0)


# --------------------------------------------------------------------------------------------------
# Content


def test_title_target_and_french_tick_labels_are_shown() -> None:
    shown = texts(drawn(weekly([5, 9, 20, 14]), Thresholds(target=12.5)))
    assert FR.title in shown
    assert f"{FR.target} (12,5{NNBSP}%)" in shown
    assert f"12,5{NNBSP}%" in shown  # a y tick: the step is 2.5 for this range
    assert f"14{NNBSP}%" in shown  # latest value


def test_band_labels_appear_in_the_legend_once() -> None:
    fig = drawn(weekly([55, 70, 97]))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [f"{FR.target} (80{NNBSP}%)", FR.warning, FR.alert]


def test_no_legend_without_target_or_thresholds() -> None:
    assert drawn(weekly([1, 2]), Thresholds()).legends == []


def test_english_uses_a_decimal_point_and_english_months() -> None:
    points = weekly([5, 9, 20, 11, 12, 13, 14.25])
    shown = texts(drawn(points, Thresholds(target=12.5), EN, decimal_comma=False))
    assert "Target (12.5%)" in shown
    assert "14.25%" in shown
    assert "Feb" in shown


def test_french_month_names() -> None:
    assert "févr." in texts(drawn(weekly([1, 2, 3, 4, 5, 6, 7, 8])))


def test_caller_month_names_are_used() -> None:
    names = tuple(f"M{i}" for i in range(1, 13))
    assert "M2" in texts(drawn(weekly([1, 2, 3, 4, 5, 6, 7, 8]), month_names=names))


def test_bool_indicator_shows_caller_words() -> None:
    fig = drawn(weekly([0, 1, 1, 0, 1]), Thresholds(), is_bool=True, bool_labels=("no", "yes"))
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["no", "yes"]
    assert "yes" in texts(fig)  # latest value
    assert png_size(render_history(weekly([0, 1]), Thresholds(), FR, is_bool=True)) == (1000, 500)


def test_datetimes_mixed_with_dates_are_accepted() -> None:
    points = [Point(datetime.datetime(2025, 1, 20, 9, 30), 2.0), Point(DAY0, 1.0)]
    assert png_size(render_history(points, FULL, FR, width_px=300, height_px=150)) == (300, 150)


def test_unsorted_points_are_drawn_in_date_order() -> None:
    points = weekly([1, 2, 3, 4])
    fig = drawn([points[2], points[0], points[3], points[1]], Thresholds())
    line = fig.axes[0].lines[0]
    xs = np.asarray(line.get_xdata(), dtype=float)
    assert list(xs) == sorted(xs)
    assert np.asarray(line.get_ydata(), dtype=float).tolist() == [1, 2, 3, 4]
    assert f"4{NNBSP}%" in texts(fig)  # the latest day's value, not the last one passed


def test_long_title_is_wrapped_and_only_its_overflow_cut() -> None:
    title = "Indicateur très détaillé " * 10
    shown = texts(drawn(weekly([1, 2]), labels=HistoryLabels(title, "", "", "", "", "")))
    cut = [t for t in shown if t.startswith("Indicateur")]
    # On three lines at most, whole: nothing is cut while it fits.
    assert len(cut) == 1 and cut[0].count("\n") == 2 and "…" not in cut[0]
    assert cut[0].replace("\n", " ") == title.strip()


def test_dollar_signs_do_not_turn_into_mathtext() -> None:
    labels = HistoryLabels("Cost in $ per $ earned", "$", "Target $", "W", "A", "none")
    fig = drawn(weekly([1, 2]), Thresholds(target=1.5), labels, decimal_comma=False)
    assert "Cost in $ per $ earned" in texts(fig)
    assert png_size(render_history(weekly([1, 2]), Thresholds(target=1.5), labels)) == (1000, 500)


@pytest.mark.parametrize(
    "values",
    [
        [1e12, 1.3e12, 0.9e12],
        [-1e12, -5e11],
        [-5.0, -7.5, -2.0],
        [3.0, 3.0, 3.0],
        [0.0, 0.0],
        [1e-7, 3e-7],
        [float("nan"), 2.0, float("inf")],
    ],
)
def test_extreme_values_render(values: list[float]) -> None:
    png = render_history(weekly(values), FULL, FR, width_px=500, height_px=250)
    assert png_size(png) == (500, 250)


def test_only_non_finite_values_count_as_no_data() -> None:
    assert FR.no_data in texts(drawn(weekly([float("nan")])))


def test_thresholds_outside_the_data_stay_visible() -> None:
    fig = drawn(weekly([10, 11, 12]), Thresholds(target=-40, alert_above=300))
    y_lo, y_hi = fig.axes[0].get_ylim()
    assert y_lo < -40 and y_hi > 300


@pytest.mark.parametrize(
    ("style", "value", "decimals", "expected"),
    [
        (_NumberStyle(True, "%"), 12.5, 1, f"12,5{NNBSP}%"),
        (_NumberStyle(True, "€"), 1234567.0, 0, "1\u202f234\u202f567\u00a0€"),
        (_NumberStyle(True, ""), -0.0001, 2, "0,00"),
        (_NumberStyle(False, "%"), -12.5, 1, "\u221212.5%"),
        (_NumberStyle(False, "$"), -3.0, 0, "\u2212$3"),
        (_NumberStyle(False, "km"), 1234.5, 1, "1,234.5 km"),
    ],
)
def test_number_style(style: _NumberStyle, value: float, decimals: int, expected: str) -> None:
    assert style.with_unit(value, decimals) == expected


# --------------------------------------------------------------------------------------------------
# Isolation and thread safety


GLOBAL_STATE = re.compile(
    r"^\s*(from\s+matplotlib\s+import\s+.*\bpyplot\b|import\s+matplotlib\.pyplot|from\s+matplotlib\.pyplot)"
    r"|rcParams\[[^]]*\]\s*=|rcParams\.update|rc_context|matplotlib\.use\(|\bmpl\.rc\(|\bmatplotlib\.rc\(",
    re.MULTILINE,
)


def test_sources_leave_global_matplotlib_state_alone() -> None:
    for source in Path(charts.__file__).parent.glob("*.py"):
        found = GLOBAL_STATE.search(source.read_text(encoding="utf-8"))
        assert found is None, f"{source.name}: {found.group(0) if found else ''}"


def test_concurrent_rendering_from_eight_threads() -> None:
    def render(i: int) -> bytes:
        points = weekly([(i * 7 + k * 3) % 40 - 10 for k in range(30)])
        labels = FR if i % 2 else EN
        return render_history(
            points, FULL, labels, decimal_comma=bool(i % 2), is_bool=i == 5, width_px=600, height_px=300
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, range(8)))
    assert all(png_size(png) == (600, 300) for png in results)


def test_figures_are_released_after_rendering() -> None:
    def figures() -> int:
        gc.collect()
        return sum(isinstance(o, Figure) for o in gc.get_objects())

    before = figures()
    for _ in range(3):
        render_history(weekly([1, 2, 3]), FULL, FR, width_px=300, height_px=150)
    assert figures() == before


# --------------------------------------------------------------------------------------------------
# Trend line and caption

TR = HistoryLabels(
    title=FR.title,
    unit="%",
    target="Cible",
    warning="Vigilance",
    alert="Alerte",
    no_data="",
    trend="Tendance",
)
CAPTION = "À ce rythme, la cible est atteinte en mars 2027"


def rising(n: int = 12) -> list[Point]:
    """Noisy weekly readings around a rising line, generated from a fixed seed."""
    rng = np.random.default_rng(7)
    return weekly([40 + 1.5 * i + float(rng.normal(0, 2)) for i in range(n)])


def trend_to(
    days_after_last: int, end_value: float = 80.0, points: Sequence[Point] | None = None
) -> TrendLine:
    points = points or rising()
    last = points[-1].day
    return TrendLine(points[0].day, 40.0, last + datetime.timedelta(days=days_after_last), end_value)


def trend_line(fig: Figure) -> Line2D:
    lines = [line for line in fig.axes[0].lines if line.get_color() == "#CC79A7"]
    assert len(lines) == 1
    return lines[0]


def test_defaults_leave_the_chart_unchanged() -> None:
    points, thresholds = rising(), FULL
    plain = render_history(points, thresholds, FR)
    assert render_history(points, thresholds, FR, trend=None, caption="") == plain
    assert render_history(points, thresholds, TR) == render_history(points, thresholds, TR, caption="  ")


def test_future_trend_extends_the_x_axis() -> None:
    points = rising()
    end = points[-1].day + datetime.timedelta(days=400)
    without = drawn(points, FULL, TR)
    fig = drawn(points, FULL, TR, trend=trend_to(400, points=points))
    end_x = float(mdates.date2num(np.datetime64(end, "D")))
    assert without.axes[0].get_xlim()[1] < end_x < fig.axes[0].get_xlim()[1]
    xs = np.asarray(trend_line(fig).get_xdata(), dtype=float)
    assert xs[-1] == pytest.approx(end_x)
    # Dates are labelled out there too, not only the readings' span.
    last_x = float(mdates.date2num(np.datetime64(points[-1].day, "D")))
    assert max(x for x in fig.axes[0].get_xticks() if x <= fig.axes[0].get_xlim()[1]) > last_x + 300


def test_trend_values_stay_within_the_y_axis() -> None:
    fig = drawn(rising(), Thresholds(), TR, trend=trend_to(200, end_value=250.0))
    assert fig.axes[0].get_ylim()[1] > 250


def test_trend_is_dash_dotted_and_distinct_from_target_and_readings() -> None:
    fig = drawn(rising(), FULL, TR, trend=trend_to(100))
    trend = trend_line(fig)
    readings = fig.axes[0].lines[0]
    target = next(line for line in fig.axes[0].lines if line.get_color() == "#009E73")
    assert trend.get_color() not in {readings.get_color(), target.get_color()}
    # Line2D reports any dash pattern as "--"; the unscaled pattern tells them apart.
    trend_dashes = getattr(trend, "_unscaled_dash_pattern")  # noqa: B009
    target_dashes = getattr(target, "_unscaled_dash_pattern")  # noqa: B009
    assert trend_dashes[1] is not None and len(trend_dashes[1]) == 4  # dash-dot, not plain dashes
    assert trend_dashes != target_dashes


def test_trend_appears_in_the_legend_after_the_target() -> None:
    fig = drawn(weekly([55, 70, 97]), FULL, TR, trend=trend_to(60, points=weekly([55, 70, 97])))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [f"Cible (80{NNBSP}%)", "Tendance", "Vigilance", "Alerte"]
    only_trend = drawn(rising(), Thresholds(), TR, trend=trend_to(60))
    assert [t.get_text() for t in only_trend.legends[0].get_texts()] == ["Tendance"]


def test_trend_without_a_label_is_drawn_but_not_listed() -> None:
    fig = drawn(rising(), Thresholds(), FR, trend=trend_to(60))
    assert trend_line(fig) is not None
    assert fig.legends == []


def test_non_finite_trend_is_ignored() -> None:
    bad = TrendLine(DAY0, float("nan"), DAY0 + datetime.timedelta(days=900), 1.0)
    fig = drawn(rising(), Thresholds(), TR, trend=bad)
    assert [line for line in fig.axes[0].lines if line.get_color() == "#CC79A7"] == []
    assert fig.axes[0].get_xlim()[1] < float(
        mdates.date2num(np.datetime64(DAY0 + datetime.timedelta(days=900)))
    )


def test_caption_is_shown_under_the_plot() -> None:
    fig = drawn(rising(), FULL, TR, trend=trend_to(300), caption=CAPTION)
    assert CAPTION in texts(fig)
    ax = fig.axes[0]
    caption = ax.xaxis.label
    assert caption.get_text() == CAPTION
    ticks_bottom = min(t.get_window_extent().y0 for t in ax.get_xticklabels() if t.get_text())
    legend_top = fig.legends[0].get_window_extent().y1
    box = caption.get_window_extent()
    assert legend_top <= box.y0 and box.y1 <= ticks_bottom  # between the dates and the legend


def test_long_caption_is_wrapped_to_the_width() -> None:
    long = "À ce rythme, la cible est atteinte dans très longtemps " * 6
    for width in (1000, 400):
        fig = Figure(figsize=(width / 100, 4), dpi=100, layout="constrained")
        FigureCanvasAgg(fig)
        _draw(fig, rising(), FULL, TR, trend=trend_to(100), caption=long)
        fig.draw_without_rendering()
        caption = fig.axes[0].xaxis.label
        assert 1 <= caption.get_text().count("\n") <= 2  # wrapped onto 2 or 3 lines
        box = caption.get_window_extent()
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width


def test_caption_with_dollars_and_without_readings() -> None:
    assert "Cost $ per $ target" in texts(drawn(rising(), FULL, EN, caption="Cost $ per $ target"))
    shown = texts(drawn([], FULL, FR, caption=CAPTION))
    assert FR.no_data in shown and CAPTION in shown


def test_trend_and_caption_png_has_the_requested_size() -> None:
    png = render_history(
        rising(), FULL, TR, trend=trend_to(500), caption=CAPTION, width_px=640, height_px=360
    )
    assert png_size(png) == (640, 360)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (640, 360)


def test_concurrent_rendering_with_trends() -> None:
    def render(i: int) -> bytes:
        return render_history(
            rising(8 + i),
            FULL,
            TR,
            trend=trend_to(30 * i),
            caption=f"{CAPTION} ({i})",
            width_px=500,
            height_px=300,
        )

    serial = [render(i) for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render, range(8))) == serial


def test_the_latest_value_and_the_target_are_written_as_the_caller_agrees_them() -> None:
    fig = Figure(figsize=(10, 5), dpi=100)
    FigureCanvasAgg(fig)
    labels = charts.HistoryLabels(
        title="copil", unit="réunions", target="Cible", warning="Vigilance", alert="Alerte",
        no_data="—", latest_value="1 réunion", target_value="4 réunions",
    )  # fmt: skip
    points = [charts.Point(datetime.date(2025, 1, 1), 3.0), charts.Point(datetime.date(2026, 1, 1), 1.0)]
    charts.history._draw(fig, points, charts.Thresholds(target=4.0), labels)
    fig.canvas.draw()
    texts = {t.get_text() for t in fig.findobj(Text)}
    assert "1 réunion" in texts and "Cible (4 réunions)" in texts
    assert not any("1 réunions" in t for t in texts)
