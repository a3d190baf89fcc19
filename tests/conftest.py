"""Suite-wide fixtures. Keep one section per concern; put helpers in tests/support/."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed
from tests.support.specs import expected_specs_location, manifest_bot_scopes, specs_dir

# Database, clock and services fixtures (tests/support/fixtures.py).
pytest_plugins = ["tests.support.fixtures"]


def _on_ci() -> bool:
    """True on CI (CI=true, as set by GitHub Actions, GitLab CI...)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------------------------------
# Slack: published specs and a fake Web API


@pytest.fixture(scope="session")
def slack_specs() -> Path:
    """Slack's published specs folder; skipped when absent, except on CI (CI set) where it fails."""
    found = specs_dir()
    if found is None:
        reason = f"Slack specs folder not found at {expected_specs_location()}"
        if _on_ci():
            pytest.fail(f"{reason}; CI must provide the specs", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture
def fake_slack(slack_specs: Path, request: pytest.FixtureRequest) -> Iterator[FakeSlack]:
    """A started FakeSlack granting manifest.yml's bot scopes; teardown stops the workers of the test's
    Slack beds while this fake still answers them, and fails on any Slack API mistake."""
    from bot.slack.limits import LIMITER

    # One limiter a process, as in production; each test starts with full buckets. Its time runs, and
    # jumps ahead when the test moves its clock on (a test that waits out a Retry-After that way).
    if "clock" in request.fixturenames:
        test_clock = request.getfixturevalue("clock")
        start = test_clock.now
        LIMITER.reset(clock=lambda: time.monotonic() + (test_clock.now - start).total_seconds())
    else:
        LIMITER.reset()
    with FakeSlack(scopes=manifest_bot_scopes()) as fake:
        yield fake
        SlackBed.close_all()
        problems = list(fake.problems)
    assert problems == [], "Slack API problems:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------------------------------
# No secret in any log line of the suite


class _Every(logging.Handler):
    """Keeps every log record of the suite, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """Every log line of the suite, tracebacks included, is grepped for the secrets the tests use."""
    from tests.support.fake_slack import APP_TOKEN, DEFAULT_TOKEN
    from tests.support.slackbed import SIGNING_SECRET

    every = _Every()
    root = logging.getLogger()
    root.addHandler(every)
    previous = root.level
    root.setLevel(min(previous, logging.INFO) if previous else logging.INFO)
    yield
    root.removeHandler(every)
    root.setLevel(previous)
    secrets = {"signing secret": SIGNING_SECRET, "bot token": DEFAULT_TOKEN, "app token": APP_TOKEN}
    url = os.environ.get("PILOTE_TEST_DATABASE_URL", "")
    if "@" in url and ":" in url.split("@")[0].split("//")[-1]:
        secrets["database password"] = url.split("@")[0].split("//")[-1].split(":", 1)[1]
    found = [f"{what} in: {line[:200]}" for line in every.lines for what, s in secrets.items() if s in line]
    found += [
        f"API token in: {line[:200]}" for line in every.lines if re.search(r"pil_[A-Za-z0-9_-]{20,}", line)
    ]
    assert not found, f"{len(found)} log lines carry a secret:\n  " + "\n  ".join(found[:10])
