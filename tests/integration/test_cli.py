"""The `pilote` entry points: settings errors, migrations, the demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot import cli
from bot.config import ConfigError, Settings
from bot.services import Services
from storage import migrate
from storage.db import Database
from tests.support.fake_slack import FakeSlack


def test_missing_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "SLACK_SIGNING_SECRET is missing" in err


def test_many_workspaces_need_their_secrets_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_SECRET", "PILOTE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "SLACK_CLIENT_SECRET is missing" in err  # no bot token asked for


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN must be a bot token"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL must be an http(s) URL"),
        ("PILOTE_TIMEZONE", "Mars/Olympus", "PILOTE_TIMEZONE is not a time zone"),
        ("PILOTE_LANGUAGE", "de", "PILOTE_LANGUAGE must be fr or en"),
        ("SLACK_SIGNING_SECRET", " ", "SLACK_SIGNING_SECRET is empty"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a database URL"),
        ("PILOTE_SECRET_KEY", "trop courte", "PILOTE_SECRET_KEY must be at least 32 characters"),
    ],
)
def test_malformed_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as exc:
        Settings.load()
    assert str(exc.value).startswith(expected)


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "very-secret-value")
    monkeypatch.setenv("DATABASE_URL", "postgresql://pilote:hunter2@db.example/pilote")
    settings = Settings.load()
    for secret in ("very-secret-value", "hunter2"):
        assert secret not in repr(settings) and secret not in str(settings.model_dump())
    assert settings.secret("database_url").endswith(":hunter2@db.example/pilote")


def test_the_scheduler_says_nothing_of_its_routine_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import logging

    monkeypatch.chdir(tmp_path)
    assert cli.main(["db", "upgrade"]) == 0
    assert logging.getLogger("apscheduler").level == logging.WARNING  # its own, whatever the root says
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)


def test_unmigrated_database_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(f"sqlite:///{path}")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE something_else (id INTEGER)"))
    db.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    with pytest.raises(cli.StartupError) as exc:
        cli.open_database(Settings.load(), may_create=True)
    assert "pilote db upgrade" in str(exc.value)


def test_db_upgrade_then_demo(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    assert cli.main(["db", "upgrade"]) == 0
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    db.dispose()
    assert cli.main(["demo", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "frc" in out and "budget-nr" in out
    pngs = sorted((tmp_path / "out").glob("pilote-demo-*.png"))
    assert [p.name for p in pngs] == [
        "pilote-demo-budget-nr.png",
        "pilote-demo-copil.png",
        "pilote-demo-dashboard.png",
        "pilote-demo-frc.png",
        "pilote-demo-plan-validé.png",
        "pilote-demo-plan.png",
    ]
    # Honest forecasts: a date only as far as the data reaches, and frc's fall said first.
    assert "la cible (5\u202f%) ne serait pas atteinte avant" in out and "Actions en retard" in out
    assert "la dernière mesure (67,96\u202f%) est en baisse, contre la tendance à la hausse" in out
    assert "Tendance incertaine\u00a0: 2 mesures, il en faut au moins 5" in out
    # A terminal gets terminal text: no Slack markup, people by their names.
    assert "<@" not in out and "*" not in out and ":white_check_mark:" not in out
    assert "Camille Demo" in out and "4 actions" in out
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    assert cli.main(["demo", "--out", str(tmp_path / "out")]) == 0
    assert "déjà présent" in capsys.readouterr().out


def test_every_wrong_setting_is_named_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in (
        ("SLACK_BOT_TOKEN", "bad"),
        ("PILOTE_TIMEZONE", "Mars/Olympus"),
        ("PILOTE_LANGUAGE", "de"),
    ):
        monkeypatch.setenv(name, value)
    assert cli.main(["serve"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["SLACK_BOT_TOKEN", "PILOTE_TIMEZONE", "PILOTE_LANGUAGE"]
    assert all(line.startswith("pilote: ") for line in lines)


def _serving_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, api_url: str, token: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cr3t")
    monkeypatch.setenv("SLACK_API_URL", api_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")


def test_a_token_slack_refuses_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    _serving_env(monkeypatch, tmp_path, fake_slack.api_url, "xoxb-not-the-fakes-token")
    assert cli.main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "pilote: SLACK_BOT_TOKEN: Slack refuses it (invalid_auth)"
    fake_slack.take_problems()  # the wrong token is the point here


def test_slack_unreachable_and_a_missing_driver_are_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _serving_env(monkeypatch, tmp_path, "http://127.0.0.1:1/", "xoxb-1")
    assert cli.main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("pilote: SLACK_API_URL: Slack cannot be reached at")
    monkeypatch.setenv("DATABASE_URL", "mysql://pilote@127.0.0.1/pilote")
    assert cli.main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("pilote: DATABASE_URL: no driver for mysql is installed")


def test_the_metrics_port_of_socket_mode_serves_metrics_or_says_why_not(services: Services) -> None:
    import http.client
    import socket

    settings = Settings(pilote_metrics_token=SecretStr("metrics-token-0123456789"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(cli.StartupError, match=f"--metrics-port {port}: cannot listen on 127.0.0.1"):
            cli.start_metrics_server(settings, services, host="127.0.0.1", port=port)
    server = cli.start_metrics_server(settings, services, host="127.0.0.1", port=0)
    try:
        for headers, status in [({}, 401), ({"Authorization": "Bearer metrics-token-0123456789"}, 200)]:
            conn = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=5)
            conn.request("GET", "/metrics", headers=headers)
            answer = conn.getresponse()
            assert answer.status == status and (b"pilote_outbox_backlog" in answer.read()) == (status == 200)
            conn.close()
    finally:
        server.close()


def test_a_reader_that_stops_reading_gets_no_traceback(tmp_path: Path) -> None:
    """`pilote templates list | head -1`: the pipe closed early ends the command quietly."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PILOTE_LANGUAGE": "fr"}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "templates", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes a line: every write fails
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
