"""The chart pool: charts drawn in other processes from plain data, workers replaced to bound memory,
a dead worker replaced, errors raised in the caller."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import charts
from charts.pool import ChartPool

TILES = [
    charts.Tile(title=f"ind{i} — Indicateur {i}", value_text="12,5 %", status="ok", status_text="conforme",
                values=[1.0, 2.0, 3.0 + i])
    for i in range(6)
]  # fmt: skip


@pytest.fixture(scope="module")
def pool() -> Iterator[ChartPool]:
    started = ChartPool(1, tasks_per_worker=3).start()
    yield started
    started.close()


def test_charts_are_drawn_in_another_process(pool: ChartPool) -> None:
    assert pool.draw("pid") != os.getpid()
    assert pool.worker_pids() and os.getpid() not in pool.worker_pids()


def test_a_worker_draws_the_same_png_as_the_calling_thread(pool: ChartPool) -> None:
    here = ChartPool(0).render_dashboard(TILES, title="Tableau de bord", empty_text="")
    there = pool.render_dashboard(TILES, title="Tableau de bord", empty_text="")
    assert there.startswith(b"\x89PNG") and there == here


def test_workers_are_replaced_after_their_share_of_charts(pool: ChartPool) -> None:
    # 3 charts a worker: seven calls cannot all be answered by one process.
    pids = {pool.draw("pid") for _ in range(7)}
    assert len(pids) >= 3


def test_a_worker_that_dies_is_replaced_and_the_chart_drawn(pool: ChartPool) -> None:
    victim = pool.draw("pid")
    assert victim != os.getpid()  # never the test's own process
    os.kill(victim, signal.SIGKILL)
    png = pool.render_dashboard(TILES, title="Après la panne", empty_text="")
    assert png.startswith(b"\x89PNG")
    assert victim not in pool.worker_pids()


def test_a_renderers_error_is_raised_in_the_caller(pool: ChartPool) -> None:
    with pytest.raises(ValueError, match="dpi"):
        pool.render_dashboard(TILES, title="x", dpi=-1)
    with pytest.raises(ValueError, match="unknown renderer"):
        pool.draw("pie")


def test_a_closed_pool_draws_nothing() -> None:
    closed = ChartPool(1)
    closed.close()
    with pytest.raises(RuntimeError, match="closed"):
        closed.draw("pid")
    with pytest.raises(ValueError):
        ChartPool(-1)


def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    # A parent that starts a pool, says its workers' ids, and is then SIGKILLed: no cleanup runs.
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})\n"
        "from charts.pool import ChartPool\n"
        "if __name__ == '__main__':\n"
        "    pool = ChartPool(2).start()\n"
        "    print(' '.join(map(str, pool.worker_pids())), flush=True)\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(p) for p in workers)
    finally:
        parent.kill()
        parent.wait(timeout=10)
    gone = threading.Event()

    def watch() -> None:
        while any(alive(p) for p in workers):
            time.sleep(0.05)
        gone.set()

    threading.Thread(target=watch, daemon=True).start()
    assert gone.wait(timeout=15), f"chart workers {workers} outlived their parent"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False
