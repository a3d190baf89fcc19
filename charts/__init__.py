"""Chart renderers: plain data in, PNG bytes out (matplotlib Agg, never pyplot; thread-safe)."""

from charts.dashboard import Tile, render_dashboard
from charts.history import MONTHS_EN, MONTHS_FR, HistoryLabels, Point, Thresholds, render_history

__all__ = [
    "MONTHS_EN",
    "MONTHS_FR",
    "HistoryLabels",
    "Point",
    "Thresholds",
    "Tile",
    "render_dashboard",
    "render_history",
]
