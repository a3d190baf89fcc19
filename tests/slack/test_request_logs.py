"""Log lines of a signed request, as `--log-format json` writes them: its request id and team id, on
the request's own lines and on those of the work it leaves for after the ack; no token."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.services import Services
from tests.support.fake_slack import FakeSlack
from tests.support.logs import JsonLines, json_lines
from tests.support.signing import slash_command_body
from tests.support.slackbed import SlackBed

FAKE_TOKEN = "xoxb-1111-2222-abcdefABCDEF"  # token-shaped, and none of the suite's own secrets


@pytest.fixture
def json_logs() -> Iterator[JsonLines]:
    with json_lines() as out:
        yield out


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    return SlackBed(services, fake_slack)


def test_a_line_of_a_request_carries_its_team_and_request_ids(bed: SlackBed, json_logs: JsonLines) -> None:
    body = slash_command_body(command="/kpi", text="help", response_url=bed.fake.new_response_url())
    assert bed.signed_post(body).status == 200
    assert bed.signed_post(body).status == 200  # the same signed bytes again: ignored, and logged
    (line,) = json_logs.saying("replayed request ignored")
    assert line["team_id"] == "T0PILOTE" and len(line["request_id"]) == 12
    assert line["level"] == "WARNING" and line["logger"] == "pilote.http"
    assert line["time"].endswith("Z") and line["time"][:4].isdigit()
    # Another request, another id; a line outside any request has none.
    bed.signed_post(body)
    first, second = json_logs.saying("replayed request ignored")
    assert first["request_id"] != second["request_id"]
    logging.getLogger("pilote.test").warning("outside any request")
    (outside,) = json_logs.saying("outside any request")
    assert "request_id" not in outside and "team_id" not in outside


def test_work_after_the_ack_logs_with_the_request_ids(
    bed: SlackBed, services: Services, fake_slack: FakeSlack, json_logs: JsonLines
) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    bed.command("frc 45/60")
    body = {"ok": False, "error": "not_in_channel"}
    fake_slack.fail_next("files.completeUploadExternal", status=200, body=body)
    bed.command("show frc", team_id="T0PILOTE")
    bed.fake.wait_for_responses(1, timeout=20)  # the after-ack worker told the user: it has logged
    (line,) = json_logs.saying("chart upload failed")
    assert line["team_id"] == "T0PILOTE" and line["request_id"]
    assert bed.deps.home.wait_idle()


def test_a_token_in_a_traceback_is_redacted(
    bed: SlackBed, services: Services, monkeypatch: pytest.MonkeyPatch, json_logs: JsonLines
) -> None:
    def leaky(**_: object) -> None:
        raise RuntimeError(f"Slack said no to {FAKE_TOKEN}")

    monkeypatch.setattr(services.indicators, "summaries", leaky)
    bed.command("list")
    (line,) = json_logs.saying("listener failed")
    assert line["team_id"] == "T0PILOTE" and "RuntimeError" in line["exc"]
    assert "[redacted]" in line["exc"]
    assert FAKE_TOKEN not in json_logs.stream.getvalue()
