"""Workspaces: the first commands of a new workspace, many at once, each find or create its one row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import func, select

from bot.domain.action_grammar import NewAction, parse_action
from bot.domain.errors import DuplicateIndicator
from bot.domain.grammar import NewIndicator, parse_kpi
from bot.domain.schedule import parse_schedule
from bot.services import Defaults, Services
from storage.db import Database
from storage.models import Indicator, Workspace
from tests.support.databases import FixedClock

T = TypeVar("T")
THREADS, ROUNDS = 4, 20
SECONDS = 30.0  # a bound on a wait that must end, never a timing measurement


def at_once(db: Database, clock: FixedClock, work: Callable[[Services, int, int], T]) -> list[list[T]]:
    """Run work(services, thread, round) in THREADS threads, round after round, all threads at once.

    Each thread has its own services, as another process would (no workspace cache shared). The
    first error of any thread fails the caller."""
    barrier = threading.Barrier(THREADS, timeout=SECONDS)

    def worker(n: int) -> list[T]:
        services = Services.build(db, defaults=Defaults(), clock=clock)
        try:
            out = []
            for i in range(ROUNDS):
                barrier.wait()
                out.append(work(services, n, i))
            return out
        except BaseException:
            barrier.abort()  # the others stop waiting
            raise

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(worker, n) for n in range(THREADS)]
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:
        raise next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)), errors[0])
    return [f.result() for f in futures]


def first_contacts(user: str) -> list[Callable[[Services, str], object]]:
    """Commands that may be a workspace's first: each creates its row when it is new."""
    spec, action = parse_kpi(f'new k{user} "Indicateur"'), parse_action('new "Action"')
    assert isinstance(spec, NewIndicator) and isinstance(action, NewAction)
    return [
        lambda s, team: s.workspaces.get(team_id=team),
        lambda s, team: s.indicators.define(team_id=team, user_id=user, spec=spec),
        lambda s, team: s.actions.create(team_id=team, user_id=user, fields=action.fields),
        lambda s, team: s.digests.subscribe(
            team_id=team, channel_id=f"C{user}", user_id=user, schedule=parse_schedule(["daily", "09:00"])
        ),
    ]


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_concurrent_first_contacts_of_new_workspaces(db: Database, clock: FixedClock) -> None:
    contacts = [first_contacts(f"U0W{n}") for n in range(THREADS)]

    def work(services: Services, n: int, i: int) -> None:
        # Every thread on the same new workspace, each by another command; then one of its own.
        contacts[n][(i + n) % len(contacts[n])](services, f"T0NEW{i:02d}")
        contacts[n][i % len(contacts[n])](services, f"T0NEW{i:02d}W{n}")

    at_once(db, clock, work)
    assert count(db, Workspace) == ROUNDS * (THREADS + 1)


def test_one_code_defined_at_once_is_created_once_the_others_told_it_exists(
    db: Database, clock: FixedClock
) -> None:
    spec = parse_kpi('new frc "Résolution" kind=ratio')
    assert isinstance(spec, NewIndicator)
    # Half of the workspaces are new; in the others no workspace row makes the definitions queue.
    primed = Services.build(db, defaults=Defaults(), clock=clock)
    for i in range(1, ROUNDS, 2):
        primed.workspaces.get(team_id=f"T0NEW{i:02d}")

    def work(services: Services, n: int, i: int) -> str:
        try:
            services.indicators.define(team_id=f"T0NEW{i:02d}", user_id=f"U0W{n}", spec=spec)
        except DuplicateIndicator:
            return "duplicate"
        return "created"

    outcomes = at_once(db, clock, work)
    for i in range(ROUNDS):
        assert sorted(thread[i] for thread in outcomes) == ["created"] + ["duplicate"] * (THREADS - 1)
    assert count(db, Workspace) == count(db, Indicator) == ROUNDS
