import threading

from bot.slack.home_refresher import HomeRefresher


def test_bursts_coalesce_and_each_user_is_published() -> None:
    published: list[tuple[str, str]] = []
    gate = threading.Event()

    def publish(team_id: str, user_id: str) -> None:
        gate.wait(5)
        published.append((team_id, user_id))

    refresher = HomeRefresher(publish, min_interval=0.0)
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

    refresher = HomeRefresher(publish, min_interval=0.0)
    refresher.request(team_id="T", user_id="BAD")
    refresher.request(team_id="T", user_id="U1")
    assert refresher.wait_idle(5)
    assert published == ["U1"]


def test_one_user_is_published_at_most_once_per_interval() -> None:
    now = [100.0]
    published: list[float] = []
    refresher = HomeRefresher(
        lambda t, u: published.append(now[0]), min_interval=2.0, monotonic=lambda: now[0]
    )
    refresher.request(team_id="T", user_id="U1")
    assert refresher.wait_idle(5) and published == [100.0]
    refresher.request(team_id="T", user_id="U1")  # due at 102: not yet
    assert not refresher.wait_idle(0.3)
    now[0] = 102.5
    refresher.request(team_id="T", user_id="U2")  # wakes the worker, which now finds U1 due too
    assert refresher.wait_idle(5)
    assert len(published) == 3
