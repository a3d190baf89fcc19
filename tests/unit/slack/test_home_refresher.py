import threading

from pytest import approx

from bot.slack.home_refresher import HomeRefresher, HomeSchedule

U1, U2 = ("T", "U1"), ("T", "U2")


def test_bursts_coalesce_and_each_user_is_published() -> None:
    published: list[tuple[str, str]] = []
    gate = threading.Event()

    def publish(team_id: str, user_id: str) -> None:
        gate.wait(5)
        published.append((team_id, user_id))

    refresher = HomeRefresher(publish, min_interval=0.0, quiet=0.0)
    for _ in range(50):
        refresher.request(team_id="T", user_id="U1")
    refresher.request(team_id="T", user_id="U2")
    gate.set()
    assert refresher.wait_idle(5)
    assert published.count(("T", "U2")) == 1
    assert 1 <= published.count(("T", "U1")) <= 2


def test_a_failing_publish_does_not_stop_the_others() -> None:
    published: list[str] = []

    def publish(team_id: str, user_id: str) -> None:
        if user_id == "BAD":
            raise RuntimeError("Slack down")
        published.append(user_id)

    refresher = HomeRefresher(publish, min_interval=0.0, quiet=0.0)
    refresher.request(team_id="T", user_id="BAD")
    refresher.request(team_id="T", user_id="U1")
    assert refresher.wait_idle(5)
    assert published == ["U1"]


def test_one_user_is_published_at_most_once_per_interval() -> None:
    now = [100.0]
    published: list[float] = []
    refresher = HomeRefresher(
        lambda t, u: published.append(now[0]), min_interval=2.0, quiet=0.0, monotonic=lambda: now[0]
    )
    refresher.request(team_id="T", user_id="U1")
    assert refresher.wait_idle(5) and published == [100.0]
    refresher.request(team_id="T", user_id="U1")  # due at 102: not yet
    assert not refresher.wait_idle(0.3)
    now[0] = 102.5
    refresher.request(team_id="T", user_id="U2")  # wakes the worker, which now finds U1 due too
    assert refresher.wait_idle(5)
    assert len(published) == 3


def test_the_default_refresher_waits_for_the_user_to_be_quiet() -> None:
    now = [100.0]
    published: list[tuple[str, float]] = []
    refresher = HomeRefresher(lambda t, u: published.append((u, now[0])), monotonic=lambda: now[0])
    refresher.request(team_id="T", user_id="U1")
    assert not refresher.wait_idle(0.3) and published == []  # the clock stands still: U1 is not quiet yet
    now[0] = 101.0
    refresher.request(team_id="T", user_id="U2", at_once=True)  # wakes the worker, which finds U1 due too
    assert refresher.wait_idle(5)
    assert sorted(published) == [("U1", 101.0), ("U2", 101.0)]


def test_close_lets_the_publication_in_progress_end_and_drops_the_rest() -> None:
    started, gate = threading.Event(), threading.Event()
    published: list[str] = []

    def publish(team_id: str, user_id: str) -> None:
        started.set()
        gate.wait(5)
        published.append(user_id)

    now = [100.0]
    refresher = HomeRefresher(publish, min_interval=0.0, quiet=1.0, monotonic=lambda: now[0])
    refresher.request(team_id="T", user_id="U1", at_once=True)
    assert started.wait(5)
    refresher.request(team_id="T", user_id="U2")  # pending: due when U2 is quiet, which never comes
    closed: list[bool] = []
    closing = threading.Thread(target=lambda: closed.append(refresher.close(5)))
    closing.start()
    gate.set()
    closing.join(5)
    assert closed == [True] and published == ["U1"]
    refresher.request(team_id="T", user_id="U3", at_once=True)  # after close: ignored
    assert refresher.wait_idle(5) and published == ["U1"]


def schedule() -> HomeSchedule:
    return HomeSchedule(min_interval=2.0, quiet=1.0, max_delay=10.0)


def test_a_burst_is_published_once_its_author_is_quiet() -> None:
    s = schedule()
    assert s.add(U1, now=100.0)  # new: due at 101, wake the worker
    assert not s.add(U1, now=100.9)  # due later (101.9): no need to wake it
    assert s.take(now=101.5) == approx(0.4)  # not at 101: the second reading started the wait again
    assert s.take(now=101.9) == U1
    assert s.take(now=101.9) is None


def test_a_user_who_never_stops_is_published_after_the_max_delay() -> None:
    s = schedule()
    t = 100.0
    while t < 110.0:
        s.add(U1, now=t)
        assert s.take(now=t) != U1
        t += 0.5
    assert s.take(now=110.0) == U1  # ten seconds after the first unpublished change


def test_minimum_interval_between_two_publications_of_one_user() -> None:
    s = schedule()
    s.add(U1, now=100.0)
    assert s.take(now=101.0) == U1
    s.done(U1, now=101.2)
    s.add(U1, now=101.5, at_once=True)  # the user opens the tab: no quiet wait, but the interval holds
    assert s.take(now=103.1) == approx(0.1)
    assert s.take(now=103.2) == U1


def test_opening_the_tab_is_not_deferred_by_a_burst() -> None:
    s = schedule()
    s.add(U1, now=100.0)
    assert s.add(U1, now=100.5, at_once=True)  # sooner than the quiet wait: wake the worker
    assert not s.add(U1, now=100.6)  # a change right after keeps the early publication
    assert s.take(now=100.6) == U1
    s.add(U2, now=100.6)
    assert s.take(now=100.6) == 1.0
