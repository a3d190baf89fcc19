"""Charts drawn in worker processes, so that drawing never holds the interpreter lock of the process
that answers Slack.

matplotlib draws in pure Python for a good part of its time: in a thread, a dashboard being drawn
delays every other thread of the process (acks included) by tens of milliseconds at a time. A small
pool of processes, started once, takes plain data (the renderers' frozen dataclasses and strings) and
gives back PNG bytes. Workers are started with "spawn" (nothing of the parent's threads, sockets or
database connections is inherited) and replaced after `tasks_per_worker` charts, which bounds the
memory a long-lived worker can gather (matplotlib's font and text caches grow with every new string).

Only the standard library here: the renderers are imported in the workers, and in the parent only
when `workers=0` asks to draw in the calling thread (tests, one-shot commands).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["ChartPool"]

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
DEFAULT_TASKS_PER_WORKER = 200
DRAW_TIMEOUT_S = 120.0  # a chart that takes longer is a stuck worker, not a slow one


class ChartPool:
    """Draws charts in `workers` processes (0: in the calling thread); thread-safe, started lazily."""

    def __init__(
        self, workers: int = DEFAULT_WORKERS, *, tasks_per_worker: int = DEFAULT_TASKS_PER_WORKER
    ) -> None:
        if workers < 0 or tasks_per_worker < 1:
            raise ValueError(
                f"workers must be ≥ 0 and tasks_per_worker ≥ 1, got {workers}, {tasks_per_worker}"
            )
        self.workers, self.tasks_per_worker = workers, tasks_per_worker
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False

    def start(self) -> ChartPool:
        """Start the workers now and have each import matplotlib, so the first chart is not slow."""
        if self.workers:
            executor = self._pool()
            for future in [executor.submit(_warm) for _ in range(self.workers)]:
                future.result(timeout=DRAW_TIMEOUT_S)
        return self

    def render_history(self, *args: Any, **kwargs: Any) -> bytes:
        """charts.render_history, drawn by a worker."""
        return self.draw("history", *args, **kwargs)

    def render_dashboard(self, *args: Any, **kwargs: Any) -> bytes:
        """charts.render_dashboard, drawn by a worker."""
        return self.draw("dashboard", *args, **kwargs)

    def render_plan(self, *args: Any, **kwargs: Any) -> bytes:
        """charts.render_plan, drawn by a worker."""
        return self.draw("plan", *args, **kwargs)

    def draw(self, renderer: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call one of the renderers ("history", "dashboard", "plan", or "pid" for tests) with plain data."""
        if self.workers == 0:
            return _call(renderer, args, kwargs)
        for attempt in (1, 2):
            executor = self._pool()
            try:
                return executor.submit(_call, renderer, args, kwargs).result(timeout=DRAW_TIMEOUT_S)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): a new pool, and the chart once more.
                self._discard(executor)
                if attempt == 2:
                    raise
                log.warning("a chart worker died; starting new ones")
        raise AssertionError("unreachable")

    def worker_pids(self) -> Sequence[int]:
        """The process ids of the live workers (for measurements)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(p.pid for p in processes.values() if p.pid is not None and p.is_alive())

    def close(self) -> None:
        """Stop the workers; the pool cannot draw any more."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart pool is closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    max_tasks_per_child=self.tasks_per_worker,
                    initializer=_follow_parent,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)


PARENT_CHECK_S = 1.0


def _follow_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone. A parent killed (SIGKILL,
    SIGTERM without cleanup) never tells its workers, which would otherwise wait for work forever,
    each holding a hundred megabytes."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="pilote-chart-parent", daemon=True).start()


def _renderers() -> dict[str, Callable[..., Any]]:
    import charts  # in a worker: matplotlib is imported here, once per process

    return {
        "history": charts.render_history,
        "dashboard": charts.render_dashboard,
        "plan": charts.render_plan,
        "pid": lambda: os.getpid(),
    }


def _call(renderer: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        function = _renderers()[renderer]
    except KeyError:
        raise ValueError(f"unknown renderer {renderer!r}") from None
    return function(*args, **kwargs)


def _warm() -> int:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _renderers()
    figure = Figure(figsize=(1, 1))
    figure.text(0.5, 0.5, "Pilote", parse_math=False)  # loads the font once
    FigureCanvasAgg(figure).draw()
    return os.getpid()
