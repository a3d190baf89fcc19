"""Text helpers shared by the renderers: wrap a caller's string to a measured width, draw the stamp.

Widths are measured with the figure's own Agg renderer and the text's own font, so a wrapped line
fits whatever the letters (a line of "W" is three times as wide as a line of "i"). Only ordinary
white space breaks a line: the no-break spaces of French typography ("42 %", "Échéance : …") stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

__all__ = ["draw_stamp", "fit_text", "measurer", "normalise", "renderer", "stamp_width", "wrap"]

ELLIPSIS = "…"
STAMP_FONTSIZE = 10.0
STAMP_GREY = "0.4"
_BREAKABLE = re.compile(r"[ \t\n\r\f\v]+")  # not str.split(): that would also break at no-break spaces


def normalise(text: str) -> str:
    """The text on one line, runs of ordinary white space made single spaces, no-break spaces kept."""
    return " ".join(part for part in _BREAKABLE.split(text) if part)


def renderer(figure: Figure) -> RendererAgg:
    """The figure's Agg renderer, attaching an Agg canvas if the figure has none yet."""
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    return canvas.get_renderer()


def measurer(figure: Figure, font: FontProperties) -> Callable[[str], float]:
    """A function giving the width in pixels of one line of text in `font` on `figure`."""
    agg = renderer(figure)

    def width(line: str) -> float:
        return float(agg.get_text_width_height_descent(line, font, ismath=False)[0]) if line else 0.0

    return width


def wrap(text: str, limit_px: float, width: Callable[[str], float], *, max_lines: int) -> str:
    """Break `text` into at most `max_lines` lines no wider than `limit_px`, newline-separated.

    Words go onto a line while it fits; a word wider than a whole line is broken where it must be; only
    what would spill past the last line is cut, with an ellipsis (the last resort).
    """
    limit_px = max(limit_px, 1.0)
    lines: list[str] = []
    current = ""
    for word in normalise(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if not word or width(candidate) <= limit_px:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while width(current) > limit_px and len(current) > 1:  # a word longer than a line
            cut = _longest_prefix(current, limit_px, width, suffix="")
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        cut = _longest_prefix(rest, limit_px, width, suffix=ELLIPSIS)
        lines = [*lines[: max_lines - 1], rest[:cut].rstrip() + ELLIPSIS]
    return "\n".join(lines)


def _longest_prefix(text: str, limit_px: float, width: Callable[[str], float], *, suffix: str) -> int:
    """Length of the longest prefix of `text` that, followed by `suffix`, fits in `limit_px` (at least 1)."""
    low, high = 1, len(text)
    while low < high:  # bisection: widths grow with the prefix
        middle = (low + high + 1) // 2
        if width(text[:middle].rstrip() + suffix) <= limit_px:
            low = middle
        else:
            high = middle - 1
    return low


def fit_text(artist: Text, limit_px: float, *, max_lines: int) -> None:
    """Wrap a text artist's own string in place so that it fits `limit_px` on `max_lines` lines."""
    figure = artist.get_figure(root=True)
    assert isinstance(figure, Figure)
    artist.set_text(
        wrap(artist.get_text(), limit_px, measurer(figure, artist.get_fontproperties()), max_lines=max_lines)
    )


def stamp_width(figure: Figure, stamp: str) -> float:
    """Width in pixels the stamp takes (0 when there is none), so titles can leave it room."""
    if not stamp.strip():
        return 0.0
    return measurer(figure, FontProperties(size=STAMP_FONTSIZE))(normalise(stamp))


def draw_stamp(figure: Figure, stamp: str, *, pad_px: float = 6.0) -> Text | None:
    """Write the stamp ("au 2 déc. 2026") small and grey in the figure's top right corner.

    Call it once the figure has its final size: the corner is placed in pixels from the edges.
    """
    stamp = normalise(stamp)
    if not stamp:
        return None
    width, height = figure.bbox.width, figure.bbox.height
    return figure.text(
        1 - pad_px / width,
        1 - pad_px / height,
        stamp,
        ha="right",
        va="top",
        fontsize=STAMP_FONTSIZE,
        color=STAMP_GREY,
        parse_math=False,
    )
