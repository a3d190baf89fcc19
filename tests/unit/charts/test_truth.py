"""Issue 11, "charts that tell the truth": golden properties of the three charts on generated data.

Every text drawn lies inside the image whatever the title's length and the image's size; yes/no
indicators have no bands; counts have whole ticks; periods are spans named by the caller; the stamp
and the deadline are drawn; the plan's bars share one axis of counts.
"""

from __future__ import annotations

import datetime
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from charts import HistoryLabels, PlanData, PlanLabels, Point, Thresholds, Tile, TrendLine
from charts import dashboard as dashboard_chart
from charts import history as history_chart
from charts import plan as plan_chart

from ._inside import outside, shown_texts
from .test_history import DAY0, weekly

STAMP = "au 2 déc. 2026"
SIZES = [(300, 210), (1000, 500)]
LABELS = HistoryLabels(
    title="Comités de pilotage",
    unit="réunions",
    target="Cible",
    warning="Vigilance",
    alert="Alerte",
    no_data="Aucune valeur pour l'instant",
    trend="Tendance",
    deadline="Échéance\u00a0: 31 déc. 2027",
)
FULL = Thresholds(target=4, warn_below=3, alert_below=2, warn_above=9, alert_above=12)
PLAN_LABELS = PlanLabels(
    title="Plan d'action par niveau d'engagement",
    levels=("réflexion", "expérimentation", "réalisation"),
    statuses=("à faire", "en cours", "fini"),
    progress="Avancement moyen\u00a0: 42\u202f%",
    late="3 actions en retard",
    empty="Aucune action",
    late_legend="actions en retard",
    progress_value="42\u202f%",
    axis="nombre d'actions",
)

words = st.one_of(
    st.sampled_from(["Part", "du", "budget", "informatique", "consacré", "à", "la", "sécurité", "—", "$"]),
    st.text(alphabet="abcdéèWMi", min_size=1, max_size=60),  # long words too
)
titles = st.lists(words, min_size=1, max_size=40).map(lambda ws: " ".join(ws)[:200])


def history_figure(width: int, height: int) -> Figure:
    fig = Figure(figsize=((width + 0.5) / 100, (height + 0.5) / 100), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def yearly(values: list[float], first: int = 2022) -> list[Point]:
    return [
        Point(datetime.date(first + i, 1, 1), v, end=datetime.date(first + i, 12, 31), label=str(first + i))
        for i, v in enumerate(values)
    ]


def quarterly(values: list[float]) -> list[Point]:
    points = []
    for i, v in enumerate(values):
        year, quarter = 2024 + i // 4, i % 4
        start = datetime.date(year, 3 * quarter + 1, 1)
        nxt = datetime.date(year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1)
        points.append(Point(start, v, end=nxt - datetime.timedelta(days=1), label=f"T{quarter + 1} {year}"))
    return points


def draw_history(points: list[Point], size: tuple[int, int] = (1000, 500), **kw: object) -> Figure:
    fig = history_figure(*size)
    labels = kw.pop("labels", LABELS)
    thresholds = kw.pop("thresholds", FULL)
    history_chart._draw(fig, points, thresholds, labels, **kw)  # type: ignore[arg-type]
    return fig


def texts_of(fig: Figure) -> list[str]:
    return [t.get_text() for t in shown_texts(fig)]


# --------------------------------------------------------------------------------------------------
# No text outside the image


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=titles,
    size=st.sampled_from(SIZES),
    kind=st.sampled_from(["plain", "bool", "count", "years", "quarters", "empty"]),
    n=st.integers(min_value=1, max_value=30),
    deadline=st.booleans(),
    trend=st.booleans(),
    caption=st.sampled_from(["", "À ce rythme, la cible est atteinte en mars 2027 " * 3]),
    stamp=st.sampled_from(["", STAMP]),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_history_texts_stay_inside_the_image(
    title: str,
    size: tuple[int, int],
    kind: str,
    n: int,
    deadline: bool,
    trend: bool,
    caption: str,
    stamp: str,
    seed: int,
) -> None:
    rng = random.Random(seed)
    values = [float(rng.randint(0, 12)) for _ in range(n)]
    points = {
        "plain": weekly([v * 7.3 for v in values]),
        "bool": weekly([float(v > 6) for v in values]),
        "count": weekly(values),
        "years": yearly(values[:6]),
        "quarters": quarterly(values),
        "empty": [],
    }[kind]
    labels = HistoryLabels(
        title, "%", "Cible", "Vigilance", "Alerte", "Aucune valeur", "Tendance", LABELS.deadline
    )
    line = TrendLine(DAY0, 2.0, DAY0 + datetime.timedelta(days=900), 11.0) if trend else None
    fig = draw_history(
        points,
        size,
        labels=labels,
        is_bool=kind == "bool",
        integer_values=kind in ("count", "years", "quarters"),
        deadline=datetime.date(2027, 12, 31) if deadline else None,
        trend=line,
        caption=caption,
        stamp=stamp,
    )
    assert outside(fig) == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=titles,
    count=st.sampled_from([0, 1, 24]),
    stamp=st.sampled_from(["", STAMP]),
    seed=st.integers(0, 99),
)
def test_dashboard_texts_stay_inside_the_image(title: str, count: int, stamp: str, seed: int) -> None:
    rng = random.Random(seed)
    tiles = [
        Tile(
            title=f"ind-{i} — {title}",
            value_text=rng.choice(["67,96\u202f%", "oui", "1\u202f234\u202f567,89\u00a0€", "4 réunions"]),
            status=rng.choice(["ok", "warning", "alert", "none"]),
            status_text=rng.choice(["dans les clous", "vigilance", "alerte", "sans seuil"]),
            values=[rng.random() for _ in range(rng.randint(0, 20))],
            trend=rng.choice(["↗", "↘", "→", ""]),
            is_bool=rng.random() < 0.3,
        )
        for i in range(count)
    ]
    fig = Figure(figsize=(1, 1), dpi=100)
    empty = "Aucun indicateur\u00a0: créez-en un avec `/kpi new` puis revenez voir ce tableau de bord."
    dashboard_chart._draw(fig, tiles, title=title, columns=3, empty_text=empty, stamp=stamp)
    assert outside(fig) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=titles,
    counts=st.one_of(
        st.just(((0, 0, 0), (0, 0, 0), (0, 0, 0))),
        st.tuples(*[st.tuples(*[st.integers(min_value=0, max_value=300)] * 3)] * 3),
    ),
    late=st.tuples(*[st.integers(min_value=0, max_value=300)] * 3),
    stamp=st.sampled_from(["", STAMP]),
    pct=st.floats(min_value=0, max_value=100),
)
def test_plan_texts_stay_inside_the_image(
    title: str,
    counts: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]],
    late: tuple[int, int, int],
    stamp: str,
    pct: float,
) -> None:
    labels = PlanLabels(
        title,
        PLAN_LABELS.levels,
        PLAN_LABELS.statuses,
        PLAN_LABELS.progress,
        PLAN_LABELS.late,
        PLAN_LABELS.empty,
        late_legend=PLAN_LABELS.late_legend,
        progress_value=f"{pct:.0f}\u202f%",
        axis=PLAN_LABELS.axis,
    )
    fig = Figure(figsize=(9, 1), dpi=100)
    FigureCanvasAgg(fig)
    plan_chart._draw(fig, PlanData(counts, late, pct), labels, stamp=stamp)
    assert outside(fig) == []


def test_the_inside_check_sees_a_text_off_the_edge() -> None:
    fig = draw_history(weekly([1, 2, 3]))
    fig.text(0.99, 0.5, "dépasse le bord droit", parse_math=False)
    assert outside(fig) != []


# --------------------------------------------------------------------------------------------------
# Kinds: yes/no, counts, periods


def test_bool_chart_has_no_band_and_a_bool_target_label() -> None:
    fig = draw_history(
        weekly([0, 1, 1, 0, 1]),
        is_bool=True,
        bool_labels=("non", "oui"),
        thresholds=Thresholds(target=1, alert_below=1, warn_below=1),
    )
    ax = fig.axes[0]
    assert list(ax.patches) == []  # no axhspan at all: bands mean nothing between non and oui
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Cible (oui)"]
    assert any(line.get_drawstyle() == "steps-post" for line in ax.lines)


def assert_whole_ticks(fig: Figure) -> None:
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    assert len(ticks) >= 2
    assert all(float(t).is_integer() for t in ticks), ticks
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and not any("," in s or "." in s for s in labels), labels


@pytest.mark.parametrize("values", [[1, 2], [2, 3, 2, 3], [0, 0], [5], [3, 48, 12], [1, 1, 2, 1]])
@pytest.mark.parametrize("size", SIZES)
def test_count_chart_ticks_are_whole_numbers(values: list[float], size: tuple[int, int]) -> None:
    for points in (weekly(values), yearly(values)):
        for thresholds in (Thresholds(target=2), Thresholds()):  # alone, one value has a narrow range
            fig = draw_history(points, size, integer_values=True, thresholds=thresholds)
            assert_whole_ticks(fig)


def test_periods_are_spans_with_ticks_in_their_middle_named_by_the_caller() -> None:
    points = yearly([3, 4])
    ax = draw_history(points, integer_values=True).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2022", "2023"]
    middles = [
        float(mdates.date2num(np.datetime64(p.day, "D")) + mdates.date2num(np.datetime64(p.end, "D") + 1)) / 2
        for p in points
        if p.end
    ]
    assert list(ax.get_xticks()) == pytest.approx(middles)
    # The reading holds over its whole year: a horizontal segment from 1 January to 31 December.
    start = float(mdates.date2num(np.datetime64("2022-01-01")))
    end = float(mdates.date2num(np.datetime64("2023-01-01")))
    held = [
        line
        for line in ax.lines
        if list(np.asarray(line.get_xdata(), float)[:2]) == [start, end]
        and list(np.asarray(line.get_ydata(), float)[:2]) == [3, 3]
    ]
    assert len(held) == 1


def test_many_quarters_keep_the_newest_tick_and_do_not_crowd() -> None:
    ax = draw_history(quarterly([float(i) for i in range(16)]), (300, 210)).axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "T4 2027" and 1 <= len(labels) < 16


# --------------------------------------------------------------------------------------------------
# Stamp, deadline, bands


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("points", [[], weekly([1, 2, 3])], ids=["no data", "data"])
def test_stamp_is_on_every_history_image(size: tuple[int, int], points: list[Point]) -> None:
    assert STAMP in texts_of(draw_history(points, size, stamp=STAMP))


@pytest.mark.parametrize("count", [0, 1, 24])
def test_stamp_is_on_every_dashboard(count: int) -> None:
    tiles = [Tile(f"t{i}", "1", "ok", "ok", [1.0, 2.0]) for i in range(count)]
    fig = Figure(figsize=(1, 1), dpi=100)
    dashboard_chart._draw(fig, tiles, title="Tableau de bord", columns=3, empty_text="Aucun", stamp=STAMP)
    assert STAMP in texts_of(fig)


@pytest.mark.parametrize("counts", [((0, 0, 0),) * 3, ((1, 2, 3), (0, 0, 4), (2, 0, 0))])
def test_stamp_is_on_every_plan(counts: tuple[tuple[int, int, int], ...]) -> None:
    fig = Figure(figsize=(9, 1), dpi=100)
    plan_chart._draw(fig, PlanData(counts, (0, 0, 0), 10.0), PLAN_LABELS, stamp=STAMP)  # type: ignore[arg-type]
    assert STAMP in texts_of(fig)


def test_deadline_is_a_marked_line_in_the_legend_and_in_view() -> None:
    deadline = datetime.date(2027, 12, 31)
    x = float(mdates.date2num(np.datetime64(deadline, "D")))
    without = draw_history(weekly([1, 2, 3]))
    assert without.axes[0].get_xlim()[1] < x
    fig = draw_history(weekly([1, 2, 3]), deadline=deadline)
    ax = fig.axes[0]
    vertical = [line for line in ax.lines if list(np.asarray(line.get_xdata(), float)) == [x, x]]
    assert len(vertical) == 1 and vertical[0].get_marker() not in ("", "None", None)
    assert ax.get_xlim()[0] < x < ax.get_xlim()[1]
    assert LABELS.deadline in [t.get_text() for t in fig.legends[0].get_texts()]


def test_warning_and_alert_bands_have_different_hatches() -> None:
    ax = draw_history(weekly([5, 6, 7])).axes[0]
    hatches = {p.get_label(): p.get_hatch() for p in ax.patches if not p.get_label().startswith("_")}
    assert set(hatches) == {"Vigilance", "Alerte"}
    assert all(hatches.values()) and hatches["Vigilance"] != hatches["Alerte"]
    legend = draw_history(weekly([5, 6])).legends[0]
    legend_hatches = [h.get_hatch() for h in legend.legend_handles if isinstance(h, Rectangle)]
    assert len(set(legend_hatches)) == 2 and all(legend_hatches)


def test_long_title_wraps_instead_of_being_cut() -> None:
    title = "Part du budget informatique consacré à la sécurité des systèmes d'information"
    fig = draw_history(weekly([1, 2]), (500, 400), labels=HistoryLabels(title, "", "", "", "", ""))
    shown = next(t for t in texts_of(fig) if t.startswith("Part"))
    assert "…" not in shown and 2 <= shown.count("\n") + 1 <= 3
    assert shown.replace("\n", " ") == title


# --------------------------------------------------------------------------------------------------
# Dashboard


def test_bool_tile_sparkline_is_a_step_without_an_arrow() -> None:
    fig = Figure(figsize=(1, 1), dpi=100)
    tile = Tile("cha — Charte signée", "oui", "ok", "dans les clous", [0, 0, 1, 1], "↗", is_bool=True)
    dashboard_chart._draw(fig, [tile], title="t", columns=3, empty_text="")
    spark = fig.axes[-1]
    assert spark.lines[0].get_drawstyle() == "steps-post"
    assert spark.get_ylim()[0] < 0 < 1 < spark.get_ylim()[1]
    assert "oui" in texts_of(fig) and not any("↗" in t for t in texts_of(fig))


def test_tile_title_wraps_on_two_lines() -> None:
    fig = Figure(figsize=(1, 1), dpi=100)
    title = "sec — Part du budget informatique consacré à la sécurité"
    dashboard_chart._draw(fig, [Tile(title, "1", "ok", "ok", [])], title="t", columns=3, empty_text="")
    shown = next(t for t in texts_of(fig) if t.startswith("sec"))
    assert shown.count("\n") == 1 and shown.replace("\n", " ") == title


def test_dashboard_fonts_are_at_least_10_points() -> None:
    fig = Figure(figsize=(1, 1), dpi=100)
    tiles = [Tile(f"t{i}", "1", "ok", "ok", [1.0, 2.0], "↗") for i in range(4)]
    dashboard_chart._draw(fig, tiles, title="t", columns=3, empty_text="", stamp=STAMP)
    assert min(t.get_fontsize() for t in shown_texts(fig)) >= 10


# --------------------------------------------------------------------------------------------------
# Plan


def plan_figure(counts: tuple[tuple[int, int, int], ...], late: tuple[int, int, int] = (0, 0, 0)) -> Figure:
    fig = Figure(figsize=(9, 1), dpi=100)
    FigureCanvasAgg(fig)
    plan_chart._draw(fig, PlanData(counts, late, 42.0), PLAN_LABELS)  # type: ignore[arg-type]
    fig.draw_without_rendering()
    return fig


@pytest.mark.parametrize("largest", [2, 3, 7, 40, 300])
def test_plan_bars_are_proportional_to_counts_on_one_axis(largest: int) -> None:
    fig = plan_figure(((1, 0, 0), (0, 2, 0), (0, 0, largest)))
    bars = fig.axes[0]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    patches = [p for p in bars.patches if isinstance(p, Rectangle)]
    assert len(patches) == 3  # one segment per non-zero count, no track behind them
    widths = sorted(p.get_window_extent(renderer).width for p in patches)
    one = widths[0]
    assert widths[1] == pytest.approx(2 * one, rel=0.02)
    assert widths[2] == pytest.approx(largest * one, rel=0.02)
    ticks = [t for t in bars.get_xticks() if 0 <= t <= largest]
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)
    assert bars.xaxis.get_visible() and any(t.get_text() for t in bars.get_xticklabels())


def test_plan_statuses_differ_by_pattern() -> None:
    fig = plan_figure(((1, 1, 1), (0, 0, 0), (0, 0, 0)))
    hatches = [p.get_hatch() or "" for p in fig.axes[0].patches]
    assert len(set(hatches)) == 3
    legend = [
        h.get_hatch() or ""
        for h in fig.legends[0].legend_handles
        if h is not None and hasattr(h, "get_hatch")
    ]
    assert len(set(legend)) == 3


def test_plan_legend_explains_the_late_sign() -> None:
    fig = plan_figure(((2, 1, 0), (0, 0, 0), (0, 0, 0)), late=(1, 0, 0))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert PLAN_LABELS.late_legend in legend
    assert "\u26a0" in [t.get_text() for t in fig.legends[0].findobj(lambda a: hasattr(a, "get_text"))]
    quiet = plan_figure(((2, 1, 0), (0, 0, 0), (0, 0, 0)))
    assert PLAN_LABELS.late_legend not in [t.get_text() for t in quiet.legends[0].get_texts()]


def test_plan_progress_is_one_bar_with_its_share_written() -> None:
    fig = plan_figure(((2, 1, 0), (0, 0, 0), (0, 0, 0)))
    progress = fig.axes[-1]
    assert [p.get_width() for p in progress.patches] == [100, 42.0]
    assert list(progress.lines) == []  # no unlabelled graduations
    assert [t.get_text() for t in progress.texts] == ["42\u202f%"]


def test_history_is_drawn_in_the_default_way_without_the_new_parameters() -> None:
    points = weekly([1.0, 2.5, 2.0])
    plain = history_chart.render_history(points, FULL, LABELS)
    same = history_chart.render_history(points, FULL, LABELS, integer_values=False, deadline=None, stamp="")
    assert plain == same
