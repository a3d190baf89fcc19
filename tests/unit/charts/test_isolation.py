"""charts is pure: drawing every chart in a fresh process imports neither pyplot nor any other package
of ours."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import datetime, sys, charts
day = datetime.date(2025, 1, 1)
p = [charts.Point(day + datetime.timedelta(days=7 * i), float(i)) for i in range(5)]
h = charts.HistoryLabels('t', '%', 'c', 'w', 'a', 'n', trend='tr')
t = charts.TrendLine(day, 0.0, day + datetime.timedelta(days=300), 40.0)
assert charts.render_history(p, charts.Thresholds(target=40), h, trend=t, caption='c').startswith(b'\\x89PNG')
assert charts.render_history([], charts.Thresholds(), h).startswith(b'\\x89PNG')
d = charts.PlanData(((1, 2, 3), (0, 0, 4), (2, 0, 0)), (1, 0, 0), 40.0)
l = charts.PlanLabels('t', ('a', 'b', 'c'), ('x', 'y', 'z'), 'p', 'r', 'e')
assert charts.render_plan(d, l).startswith(b'\\x89PNG')
tile = charts.Tile('t', '1', 'ok', 'ok', [1.0, 2.0], '↗')
assert charts.render_dashboard([tile], title='d').startswith(b'\\x89PNG')
bad = [m for m in sys.modules if m == 'matplotlib.pyplot' or m.partition('.')[0] in ('bot', 'storage')]
assert not bad, bad
"""


def test_charts_import_neither_pyplot_nor_other_project_packages() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
