"""Palette PNG encoding shared by the renderers: sober charts need few colours, so files stay small."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

PALETTE_COLOURS = 64


def palette_png(figure: Figure, *, colours: int = PALETTE_COLOURS) -> bytes:
    """Draw a figure on its own Agg canvas and encode it as a palette PNG of at most `colours` colours."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    # Quantised straight from the drawing buffer: no full-colour PNG encoded only to be decoded again.
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    paletted = rgba.convert("RGB").quantize(colors=colours, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    paletted.save(out, format="PNG")
    return out.getvalue()
