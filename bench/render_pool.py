"""The chart pool's resident memory over many renders, and what a chart costs through it.

Starts a `ChartPool` as `pilote serve` does (2 workers, spawn), draws 24-tile dashboards through it,
and prints after each batch the resident memory (VmRSS, Linux /proc) of every worker and of this
process, and the time per chart through the pool against the same chart drawn in this process (the
floor, same run). Target (issue 11): the pool's memory bounded (workers replaced after
`--tasks-per-worker` charts), a chart through the pool ≤ 1.2 × the floor's time plus the transfer.
Run: .venv/bin/python bench/render_pool.py [--renders 50] [--workers 2] [--tasks-per-worker 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render import data, tiles  # noqa: E402

from charts.pool import ChartPool  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def main() -> None:
    """Draw, measure, print."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--renders", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tasks-per-worker", type=int, default=200)
    args = ap.parse_args()
    dashboard = tiles(data(24))
    t0 = time.perf_counter()
    pool = ChartPool(args.workers, tasks_per_worker=args.tasks_per_worker).start()
    started = time.perf_counter() - t0
    here = ChartPool(0)
    try:
        print(f"pool of {args.workers} started (matplotlib imported in each) in {started:.2f} s")
        print(f"{'renders':>8} {'workers MB':>24} {'pool total MB':>14} {'this process MB':>16}")
        times, floors, sizes = [], [], []
        for i in range(1, args.renders + 1):
            t = time.perf_counter()
            png = pool.render_dashboard(dashboard, title="Tableau de bord — banc d'essai")
            times.append(time.perf_counter() - t)
            sizes.append(len(png))
            t = time.perf_counter()
            here.render_dashboard(dashboard, title="Tableau de bord — banc d'essai")
            floors.append(time.perf_counter() - t)
            if i in (1, 10, 20, 30, 40, 50) or i == args.renders:
                pids = pool.worker_pids()
                each = [rss_mb(p) for p in pids]
                shown = " ".join(f"{m:.0f}" for m in each)
                print(f"{i:>8} {shown:>24} {sum(each):>14.0f} {rss_mb(os.getpid()):>16.0f}")
        through, floor = statistics.median(times), statistics.median(floors)
        print(
            f"\nmedian per 24-tile dashboard: through the pool {through * 1000:.0f} ms, in this process "
            f"(floor) {floor * 1000:.0f} ms, ratio {through / floor:.2f}; "
            f"PNG {statistics.median(sizes) / 1024:.1f} KB"
        )
    finally:
        pool.close()


if __name__ == "__main__":
    main()
