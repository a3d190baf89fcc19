"""The test suite's fake Slack Web API in a process of its own, for benchmarks.

Its checks (JSON Schema validation of every view and message) cost CPU: in its own process they
are not charged to the load generator's measurements. Prints its API URL, then serves until killed.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.fake_slack import FakeSlack  # noqa: E402


def main() -> None:
    """Serve until SIGTERM; report the problems seen on stderr when stopping."""
    fake = FakeSlack()
    fake.start()
    print(fake.api_url, flush=True)

    def stop(*_: object) -> None:
        if fake.problems:
            print("\n".join(fake.problems), file=sys.stderr)
        fake.stop()
        sys.exit(1 if fake.problems else 0)

    signal.signal(signal.SIGTERM, stop)
    signal.pause()


if __name__ == "__main__":
    main()
