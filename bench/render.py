"""Dashboard rendering time, size and memory, against a floor drawn in the same run.

The floor is plain matplotlib drawing the same number of line plots (one subplot each, default
styling, default PNG). Targets: Pilote's dashboard ≤ 1.2 × the floor's time, under 100 KB per
24-indicator PNG, and no memory growth over 50 renders in one process.
Run: .venv/bin/python bench/render.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import io
import math
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from charts import Tile, render_dashboard  # noqa: E402

WEEKS = 156  # three years of weekly readings
STATUSES = (("ok", "dans les clous"), ("warning", "vigilance"), ("alert", "alerte"), ("none", "sans seuil"))


def data(n: int, seed: int = 7) -> list[list[float]]:
    """n indicators × three years of weekly readings."""
    rng = random.Random(seed)
    return [[50 + 12 * math.sin(w / 9 + i) + rng.random() * 4 for w in range(WEEKS)] for i in range(n)]


def tiles(series: list[list[float]]) -> list[Tile]:
    """The dashboard's tiles for the series."""
    out = []
    for i, values in enumerate(series):
        status, word = STATUSES[i % 4]
        value = f"{values[-1]:.1f}".replace(".", ",") + "\u202f%"
        out.append(Tile(f"ind-{i:02d} — Taux de résolution", value, status, word, values, "↗"))
    return out


def floor(series: list[list[float]], columns: int = 3) -> bytes:
    """Plain matplotlib: one subplot and one line per indicator, no styling."""
    rows = math.ceil(len(series) / columns)
    fig = Figure(figsize=(columns * 3.0, rows * 1.55), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, values in zip(axes, series, strict=False):
        ax.plot(values)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def timed(fn, *args, repeat: int) -> tuple[float, bytes]:  # type: ignore[no-untyped-def]
    """Median seconds over `repeat` runs (after one warm-up), and the last output."""
    out = fn(*args)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print(f"{'indicators':>10} {'floor s':>8} {'pilote s':>9} {'ratio':>6} {'floor KB':>9} {'pilote KB':>10}")
    for n in (24, 60):
        series = data(n)
        t_floor, png_floor = timed(floor, series, repeat=args.repeat)
        t_pilote, png_pilote = timed(
            lambda s: render_dashboard(tiles(s), title="Tableau de bord"), series, repeat=args.repeat
        )
        print(
            f"{n:>10} {t_floor:>8.3f} {t_pilote:>9.3f} {t_pilote / t_floor:>6.2f} "
            f"{len(png_floor) / 1024:>9.1f} {len(png_pilote) / 1024:>10.1f}"
        )
    series = tiles(data(24))
    render_dashboard(series, title="Tableau de bord")
    gc.collect()
    before = _rss_mb()
    marks = []
    for i in range(1, 51):
        render_dashboard(series, title="Tableau de bord")
        if i % 10 == 0:
            gc.collect()
            marks.append(f"{i}: {_rss_mb():.0f} MB")
    print(f"\n50 renders of 24 indicators, resident memory: start {before:.0f} MB, " + ", ".join(marks))


def _rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


if __name__ == "__main__":
    main()
