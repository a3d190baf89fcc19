"""Tests of the action-plan chart: palette PNGs of the expected size, every label shown, no pyplot."""

from __future__ import annotations

import io
import random
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from charts import PlanData, PlanLabels, render_plan
from charts.plan import _draw

REPO_ROOT = Path(__file__).resolve().parents[3]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WARNING_SIGN = "\u26a0"

FR = PlanLabels(
    title="Plan d'action — Collège Jean Moulin",
    levels=("Réflexion", "Expérimentation", "Réalisation"),
    statuses=("À faire", "En cours", "Fini"),
    progress="Avancement moyen : 42\u202f%",
    late="3 actions en retard",
    empty="Aucune action pour l'instant",
)
EN = PlanLabels(
    title="Action plan",
    levels=("Reflection", "Experimentation", "Implementation"),
    statuses=("To do", "In progress", "Done"),
    progress="Mean progress: 42%",
    late="3 late actions",
    empty="No action yet",
)
EMPTY = PlanData(((0, 0, 0), (0, 0, 0), (0, 0, 0)), (0, 0, 0), 0.0)


def generated(seed: int, *, most: int = 12) -> PlanData:
    """A plan with random counts, late actions no more than the unfinished ones, and a progress."""
    rng = random.Random(seed)
    counts = tuple(tuple(rng.randint(0, most) for _ in range(3)) for _ in range(3))
    late = tuple(rng.randint(0, level[0] + level[1]) for level in counts)
    return PlanData(counts, late, rng.uniform(0, 100))  # type: ignore[arg-type]


SAMPLE = PlanData(((4, 2, 1), (3, 6, 2), (1, 3, 9)), (2, 1, 0), 42.0)


def decoded(png: bytes) -> Image.Image:
    assert png[:8] == PNG_SIGNATURE
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def drawn(data: PlanData = SAMPLE, labels: PlanLabels = FR) -> Figure:
    """The chart as a Figure, drawn once so every text is final, for inspecting its texts."""
    fig = Figure(figsize=(9, 1), dpi=100)
    FigureCanvasAgg(fig)
    _draw(fig, data, labels)
    fig.draw_without_rendering()
    return fig


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


# --------------------------------------------------------------------------------------------------
# PNG output


def test_palette_png_about_900_pixels_wide_and_small() -> None:
    png = render_plan(SAMPLE, FR)
    image = decoded(png)
    assert image.mode == "P"
    width, height = image.size
    assert width == 900 and 350 <= height <= 650
    assert len(image.getcolors() or []) <= 64
    assert len(png) < 60 * 1024


@pytest.mark.parametrize("seed", range(6))
def test_generated_plans_render_within_budget(seed: int) -> None:
    data = generated(seed, most=60)
    png = render_plan(data, EN if seed % 2 else FR)
    assert decoded(png).size[0] == 900
    assert len(png) < 60 * 1024


def test_dpi_scales_the_image() -> None:
    small = decoded(render_plan(SAMPLE, FR)).size
    large = decoded(render_plan(SAMPLE, FR, dpi=200)).size
    assert large[0] == 1800 and abs(large[1] - 2 * small[1]) <= 1


def test_empty_plan_shows_its_message_only() -> None:
    image = decoded(render_plan(EMPTY, FR))
    assert image.size[0] == 900 and image.size[1] < decoded(render_plan(SAMPLE, FR)).size[1]
    fig = drawn(EMPTY)
    assert texts(fig) == [FR.title, FR.empty]
    assert fig.axes == [] and fig.legends == []


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError):
        render_plan(SAMPLE, FR, dpi=0)
    with pytest.raises(ValueError):
        render_plan(PlanData(((1, 2), (1, 2, 3), (1, 2, 3)), (0, 0, 0), 0.0), FR)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        render_plan(SAMPLE, PlanLabels("t", ("a", "b"), ("x", "y", "z"), "p", "l", "e"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Content


def test_every_label_is_shown_in_french() -> None:
    shown = texts(drawn())
    for expected in (FR.title, FR.progress, f"{WARNING_SIGN} {FR.late}", *FR.statuses):
        assert expected in shown
    assert "Réflexion (7)" in shown
    assert "Expérimentation (11)" in shown
    assert "Réalisation (13)" in shown


def test_english_labels() -> None:
    shown = texts(drawn(labels=EN))
    assert {"Action plan", "To do", "In progress", "Done", "Mean progress: 42%"} <= set(shown)
    assert "Implementation (13)" in shown


def test_accents_and_warning_sign_have_glyphs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is reported as a warning
        render_plan(SAMPLE, FR)


def test_segments_carry_their_counts() -> None:
    shown = texts(drawn())
    # Every non-zero segment of SAMPLE is wide enough for its count.
    for count in ("4", "2", "1", "3", "6", "9"):
        assert count in shown


def test_late_actions_are_marked_per_level() -> None:
    shown = texts(drawn())
    assert f"{WARNING_SIGN} 2" in shown and f"{WARNING_SIGN} 1" in shown
    assert f"{WARNING_SIGN} 0" not in shown


def test_nothing_late_means_no_warning_sign() -> None:
    data = PlanData(SAMPLE.counts, (0, 0, 0), 42.0)
    labels = PlanLabels(FR.title, FR.levels, FR.statuses, FR.progress, "Aucune action en retard", FR.empty)
    shown = texts(drawn(data, labels))
    assert "Aucune action en retard" in shown
    assert not any(WARNING_SIGN in text for text in shown)


def test_too_narrow_segments_drop_their_count() -> None:
    data = PlanData(((500, 1, 0), (0, 0, 0), (0, 0, 0)), (0, 0, 0), 0.0)
    shown = texts(drawn(data))
    assert "500" in shown and "1" not in shown
    assert "Expérimentation (0)" in shown


def test_bars_share_one_scale() -> None:
    data = PlanData(((2, 0, 0), (0, 4, 0), (0, 0, 8)), (0, 0, 0), 0.0)
    bars = drawn(data).axes[0]
    widths = sorted(p.get_width() for p in bars.patches if isinstance(p, Rectangle) and p.get_width() < 8)
    assert widths == [2, 4]
    assert bars.get_xlim() == (0, 8)


@pytest.mark.parametrize(("pct", "filled"), [(42.0, 42.0), (150.0, 100.0), (-3.0, 0.0), (float("nan"), 0.0)])
def test_progress_bar_is_clamped(pct: float, filled: float) -> None:
    progress = drawn(PlanData(SAMPLE.counts, SAMPLE.late_by_level, pct)).axes[-1]
    assert progress.get_xlim() == (0, 100)
    assert [p.get_width() for p in progress.patches if isinstance(p, Rectangle)] == [100, filled]


def test_dollar_signs_do_not_turn_into_mathtext() -> None:
    labels = PlanLabels("Budget $ par $ gagné", FR.levels, ("$a$", "$b$", "$c$"), "$1$", "$2$", "$3$")
    fig = drawn(labels=labels)
    assert {"Budget $ par $ gagné", "$a$", "$1$"} <= set(texts(fig))
    assert decoded(render_plan(SAMPLE, labels)).size[0] == 900


def test_long_title_is_wrapped_to_the_width() -> None:
    labels = PlanLabels("Plan d'action très détaillé " * 10, FR.levels, FR.statuses, "p", "l", "e")
    fig = drawn(labels=labels)
    title = next(t for t in fig.texts if t.get_text().startswith("Plan"))
    assert title.get_text().count("\n") == 1 and title.get_text().endswith("…")  # two lines, then cut
    assert title.get_window_extent().x1 <= fig.bbox.width


@settings(max_examples=15, deadline=None)
@given(
    counts=st.tuples(*[st.tuples(*[st.integers(min_value=0, max_value=300)] * 3)] * 3),
    late=st.tuples(*[st.integers(min_value=0, max_value=300)] * 3),
    pct=st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_plan_renders(
    counts: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]],
    late: tuple[int, int, int],
    pct: float,
) -> None:
    image = decoded(render_plan(PlanData(counts, late, pct), EN))
    assert image.mode == "P" and image.size[0] == 900


# --------------------------------------------------------------------------------------------------
# Isolation and thread safety


def test_concurrent_rendering_from_eight_threads() -> None:
    plans = [generated(seed) for seed in range(8)]
    serial = [render_plan(plan, FR if i % 2 else EN) for i, plan in enumerate(plans)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda i: render_plan(plans[i], FR if i % 2 else EN), range(8)))
    assert parallel == serial  # same bytes as one at a time: no state shared between renders
