"""Shared by the chart tests: which texts a drawing really shows, and whether they lie in the image."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

SLACK_PX = 1.0  # anti-aliasing may put a glyph's edge a pixel out


def shown_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty Text artist the figure draws (tick labels of hidden ticks excluded)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    seen: list[Text] = []
    original = Text.draw

    def record(self: Text, renderer: object) -> None:
        if self.get_visible() and self.get_text().strip():
            seen.append(self)
        original(self, renderer)  # type: ignore[arg-type]

    Text.draw = record  # type: ignore[method-assign]
    try:
        canvas.draw()
    finally:
        Text.draw = original  # type: ignore[method-assign]
    return seen


def outside(fig: Figure) -> list[str]:
    """The texts (with their extents) that stick out of the figure; [] when every one is inside."""
    texts = shown_texts(fig)
    assert texts, "nothing drawn"
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = fig.bbox.width, fig.bbox.height
    bad = []
    for text in texts:
        box = text.get_window_extent(renderer)
        if (
            box.x0 < -SLACK_PX
            or box.y0 < -SLACK_PX
            or box.x1 > width + SLACK_PX
            or box.y1 > height + SLACK_PX
        ):
            bad.append(f"{text.get_text()!r} at {box.bounds} in {width}×{height}")
    return bad
