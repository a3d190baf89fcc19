"""/dashboard export against the fake Slack Web API: acked at once, the file built after the ack and
shared in a DM with the app admin who asked, never in the channel."""

from __future__ import annotations

import io
import json

import openpyxl

from bot.services import Services
from tests.integration.test_exports import build_plan
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed

CHANNEL = "C0STEERING"
ADMIN, AGENT = "U0ADMIN", "U0AGENT"
TEAM = "T0PILOTE"


def test_an_app_admin_gets_the_export_in_a_direct_message(services: Services, fake_slack: FakeSlack) -> None:
    build_plan(services)
    fake_slack.users[ADMIN] = {"is_admin": True}
    bed = SlackBed(services, fake_slack)
    reply = bed.command("export xlsx", command="/dashboard", channel_id=CHANNEL, user_id=ADMIN)
    assert "Préparation de l'export XLSX" in reply.text
    fake_slack.wait_for("files.completeUploadExternal")
    (upload,) = [u for u in fake_slack.uploads.values() if u.completed]
    assert upload.filename == "pilote-T0PILOTE-2026-11-20.xlsx"
    (opened,) = fake_slack.calls_to("conversations.open")
    assert opened.args["users"] == ADMIN and opened.response is not None
    assert upload.channel_id == opened.response["channel"]["id"] != CHANNEL  # the admin's DM only
    assert "4 indicateurs, 7 mesures" in (upload.initial_comment or "")
    assert upload.data is not None
    book = openpyxl.load_workbook(io.BytesIO(upload.data))
    assert book.sheetnames[1] == "Mesures" and book["Mesures"].max_row == 8


def test_the_default_export_is_json_and_the_format_is_checked(
    services: Services, fake_slack: FakeSlack
) -> None:
    build_plan(services)
    fake_slack.users[ADMIN] = {"is_admin": True}
    bed = SlackBed(services, fake_slack)
    bad = bed.command("export pdf", command="/dashboard", channel_id=CHANNEL, user_id=ADMIN)
    assert "n'est pas un format d'export" in bad.text
    bed.command("export", command="/dashboard", channel_id=CHANNEL, user_id=ADMIN)
    fake_slack.wait_for("files.completeUploadExternal")
    (upload,) = [u for u in fake_slack.uploads.values() if u.completed]
    assert upload.filename.endswith(".json") and upload.data is not None
    assert json.loads(upload.data)["format"] == "pilote-export"


def test_someone_who_is_no_admin_is_told_so_and_nothing_is_uploaded(
    services: Services, fake_slack: FakeSlack
) -> None:
    build_plan(services)
    bed = SlackBed(services, fake_slack)
    reply = bed.command("export", command="/dashboard", channel_id=CHANNEL, user_id=AGENT)
    assert "Préparation de l'export" in reply.text  # acked at once, before Slack is asked who it is
    (answer,) = fake_slack.wait_for_responses(1)
    assert "Seul un administrateur" in answer["text"]
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
