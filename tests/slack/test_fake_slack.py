"""FakeSlack, the spec validators and the signing helpers work, and they catch mistakes.

FakeSlack is driven here by slack_sdk's real WebClient, as the bot will drive it. Tests that make a
mistake on purpose take the problems with fake.take_problems() so that the fixture's teardown
(which fails on any leftover problem) still passes.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import RemoteDisconnected
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support.fake_slack import FakeSlack
from tests.support.signing import interactive_body, sign, slash_command_body
from tests.support.specs import payload_sample, validate_blocks, validate_view

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Taux de résolution* : 72 %"}}
MODAL = {
    "type": "modal",
    "callback_id": "kpi_new",
    "title": {"type": "plain_text", "text": "Nouvel indicateur"},
    "submit": {"type": "plain_text", "text": "Créer"},
    "blocks": [
        {
            "type": "input",
            "block_id": "code",
            "label": {"type": "plain_text", "text": "Code"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
HOME = {"type": "home", "blocks": [SECTION]}


@pytest.fixture(autouse=True)
def _needs_specs(slack_specs: Path) -> None:
    """Every test here checks against Slack's specs: skipped (or failed on CI) without them."""


def client_for(fake: FakeSlack, **kwargs: Any) -> WebClient:
    """A real slack_sdk WebClient pointed at the fake."""
    return WebClient(token=fake.token, base_url=fake.api_url, **kwargs)


def post_raw(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST with urllib, returning (status, body) even for HTTP errors."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --------------------------------------------------------------------------------------------------
# Web API calls


def test_valid_post_message_passes_and_is_recorded(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    metadata = {"event_type": "kpi_digest", "event_payload": {"indicator": "frc"}}
    first = client.chat_postMessage(channel="C0PLAN", text="Taux : 72 %", blocks=[SECTION], metadata=metadata)
    second = client.chat_postMessage(channel="C0PLAN", text="Suivant")

    assert first["ok"] and first["channel"] == "C0PLAN"
    assert abs(float(first["ts"]) - time.time()) < 60  # stamped by its clock, as Slack does
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == [SECTION] and first["message"]["metadata"] == metadata
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.args["blocks"] == [SECTION] and call.args["channel"] == "C0PLAN"
    assert call.header("authorization") == f"Bearer {fake_slack.token}"
    assert call.outcome == "ok"


def test_auth_test_answers_like_slack(fake_slack: FakeSlack) -> None:
    answer = client_for(fake_slack).auth_test()
    assert answer["user"] == "pilote" and answer["user_id"] == "U0PILOTEBOT"
    assert answer["team_id"] == "T0PILOTE" and answer["bot_id"] == "B0PILOTE"


def test_form_encoded_call_with_token_field_is_accepted(fake_slack: FakeSlack) -> None:
    blocks = json.dumps([SECTION])
    form = f"token={fake_slack.token}&channel=C0PLAN&text=hello&blocks={urllib.parse.quote(blocks)}"
    status, body = post_raw(
        fake_slack.api_url + "chat.postMessage",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200 and json.loads(body)["ok"] is True
    assert fake_slack.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]  # decoded from JSON


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "exceeds maxLength 3000"),
        ([{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}], "type 'sektion'"),
        ([{"type": "divider"}] * 51, "51 blocks exceed Slack's limit of 50"),
    ],
    ids=["section-text-too-long", "unknown-block-type", "too-many-blocks"],
)
def test_invalid_blocks_are_a_problem(
    fake_slack: FakeSlack, blocks: list[dict[str, Any]], expected: str
) -> None:
    with pytest.raises(SlackApiError) as failure:
        client_for(fake_slack).chat_postMessage(channel="C0PLAN", text="fallback", blocks=blocks)
    assert failure.value.response["error"] == "invalid_blocks"
    problems = fake_slack.take_problems()
    assert len(problems) == 1 and expected in problems[0] and problems[0].startswith("chat.postMessage:")
    assert fake_slack.messages["C0PLAN"] == []


def test_blocks_without_text_fallback_are_a_problem(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as failure, pytest.warns(UserWarning):
        client_for(fake_slack).chat_postMessage(channel="C0PLAN", blocks=[SECTION])
    assert failure.value.response["error"] == "no_text"
    assert "fallback" in fake_slack.take_problems()[0]


def test_missing_required_argument_is_a_problem(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as failure:
        client_for(fake_slack).api_call("chat.postMessage", json={"text": "no channel"})
    assert failure.value.response["error"] == "invalid_arguments"
    assert "missing required argument(s) ['channel']" in fake_slack.take_problems()[0]


def test_unknown_method_is_a_problem(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as failure:
        client_for(fake_slack).api_call("chat.postMesage", json={"channel": "C0PLAN", "text": "typo"})
    assert failure.value.response["error"] == "unknown_method"
    assert fake_slack.take_problems() == [
        "chat.postMesage: no such Web API method (not in methods/chat.postMesage.json)"
    ]


def test_retired_files_upload_is_a_problem(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    with pytest.raises(SlackApiError, match="method_deprecated"):
        client.api_call(
            "files.upload", data={"channels": "C0PLAN", "filename": "a.png"}, files={"file": PNG_BYTES}
        )
    (problem,) = fake_slack.take_problems()
    assert problem.startswith("files.upload: deprecated method")
    assert fake_slack.calls[0].args["file"] == PNG_BYTES  # multipart bodies are parsed too


def test_wrong_token_is_a_problem(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as failure:
        WebClient(token="xoxb-other", base_url=fake_slack.api_url).auth_test()
    assert failure.value.response["error"] == "invalid_auth"
    assert "not the configured bot token" in fake_slack.take_problems()[0]


def test_other_known_methods_answer_ok(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    assert client.chat_scheduleMessage(channel="C0PLAN", text="later", post_at=1_800_000_000)["ok"]


def test_scope_missing_from_manifest_is_a_problem(fake_slack: FakeSlack) -> None:
    # the fixture grants manifest.yml's bot scopes; adding a reaction needs reactions:write, which it lacks
    with pytest.raises(SlackApiError) as failure:
        client_for(fake_slack).reactions_add(channel="C0PLAN", timestamp="1700000000.000100", name="eyes")
    assert failure.value.response["error"] == "missing_scope"
    assert "reactions:write" in failure.value.response["needed"]
    assert "needs one of the bot scopes" in fake_slack.take_problems()[0]


def test_update_and_delete_follow_the_stored_message(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    posted = client.chat_postMessage(channel="C0PLAN", text="v1")
    updated = client.chat_update(channel="C0PLAN", ts=posted["ts"], text="v2", blocks=[SECTION])
    assert updated["ts"] == posted["ts"] and updated["message"]["text"] == "v2"
    assert fake_slack.messages["C0PLAN"][0]["blocks"] == [SECTION]
    client.chat_delete(channel="C0PLAN", ts=posted["ts"])
    assert fake_slack.messages["C0PLAN"] == []
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C0PLAN", ts=posted["ts"], text="v3")
    ephemeral = client.chat_postEphemeral(channel="C0PLAN", user="U0ALICE", text="only you")
    assert ephemeral["message_ts"]


def test_users_info_dm_and_history_with_metadata() -> None:
    users = {"U0BOB": {"is_admin": True, "locale": "en-US", "tz": "America/New_York"}}
    with FakeSlack(users=users) as fake:  # no scopes given: scope checks are off
        client = client_for(fake)
        alice = client.users_info(user="U0ALICE", include_locale=True)["user"]
        assert (alice["locale"], alice["tz"], alice["is_admin"]) == ("fr-FR", "Europe/Paris", False)
        assert "locale" not in client.users_info(user="U0ALICE")["user"]  # like Slack: only on request
        bob = client.users_info(user="U0BOB", include_locale=True)["user"]
        assert (bob["locale"], bob["tz"], bob["is_admin"]) == ("en-US", "America/New_York", True)

        dm = client.conversations_open(users="U0BOB")["channel"]["id"]
        assert dm.startswith("D")
        metadata = {"event_type": "kpi_reminder", "event_payload": {"code": "frc"}}
        first = client.chat_postMessage(channel=dm, text="Rappel 1", metadata=metadata)
        client.chat_postMessage(channel=dm, text="Rappel 2")

        history = client.conversations_history(channel=dm, include_all_metadata=True)["messages"]
        assert [m["text"] for m in history] == ["Rappel 2", "Rappel 1"]  # newest first
        assert history[1]["metadata"] == metadata and history[1]["ts"] == first["ts"]
        plain = client.conversations_history(channel=dm)["messages"]
        assert "metadata" not in plain[1]
        assert fake.problems == []


# --------------------------------------------------------------------------------------------------
# Views


def test_views_open_and_publish_pass_with_the_right_view_types(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    opened = client.views_open(trigger_id="1337.42.abcd", view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "kpi_new"
    updated = client.views_update(view_id=opened["id"], view=MODAL)["view"]
    assert updated["id"] == opened["id"]
    published = client.views_publish(user_id="U0ALICE", view=HOME)["view"]
    assert fake_slack.home_views["U0ALICE"]["id"] == published["id"]


def test_views_publish_with_a_modal_is_a_problem(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client_for(fake_slack).views_publish(user_id="U0ALICE", view=MODAL)
    assert fake_slack.take_problems() == ["views.publish: view type 'modal' where views.publish needs 'home'"]
    assert fake_slack.home_views == {}


def test_invalid_modal_is_a_problem(fake_slack: FakeSlack) -> None:
    modal = {**MODAL, "title": {"type": "plain_text", "text": "Un titre bien trop long pour Slack"}}
    del modal["submit"]  # an input block needs a submit button
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client_for(fake_slack).views_open(trigger_id="1337.42.abcd", view=modal)
    (problem,) = fake_slack.take_problems()
    assert "$.title.text" in problem and "'submit' is a required property" in problem


# --------------------------------------------------------------------------------------------------
# File uploads (files.getUploadURLExternal → POST upload_url → files.completeUploadExternal)


def test_files_upload_v2_completes_the_three_step_flow(fake_slack: FakeSlack) -> None:
    answer = client_for(fake_slack).files_upload_v2(
        content=PNG_BYTES,
        filename="frc.png",
        title="Taux de résolution",
        alt_txt="Courbe du taux de résolution, 72 % en novembre",
        channel="C0PLAN",
        initial_comment="Évolution de *frc*",
    )
    assert [call.method for call in fake_slack.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    (upload,) = fake_slack.uploads.values()
    assert upload.data == PNG_BYTES and upload.length == len(PNG_BYTES)
    assert upload.completed and upload.upload_count == 1
    assert (upload.filename, upload.title, upload.channel_id) == ("frc.png", "Taux de résolution", "C0PLAN")
    assert upload.alt_txt == "Courbe du taux de résolution, 72 % en novembre"
    assert upload.initial_comment == "Évolution de *frc*"
    assert answer["file"]["id"] == upload.file_id
    share_ts = answer["file"]["shares"]["public"]["C0PLAN"][0]["ts"]
    assert fake_slack.messages["C0PLAN"][-1]["ts"] == share_ts


def test_upload_flow_mistakes_are_problems(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": "F0NEVER", "title": "x"}], channel_id="C0PLAN")

    never_sent = client.files_getUploadURLExternal(filename="a.png", length=10)
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": never_sent["file_id"]}])

    short = client.files_getUploadURLExternal(filename="b.png", length=10)
    assert post_raw(short["upload_url"], b"12345", {})[0] == 200
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.files_completeUploadExternal(files=[{"id": short["file_id"]}])

    good = client.files_getUploadURLExternal(filename="c.png", length=3)
    post_raw(good["upload_url"], b"abc", {})
    client.files_completeUploadExternal(files=[{"id": good["file_id"], "title": "c"}])
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.files_completeUploadExternal(files=[{"id": good["file_id"], "title": "c"}])

    problems = fake_slack.take_problems()
    assert len(problems) == 4
    assert "never requested" in problems[0]
    assert "bytes never POSTed" in problems[1]
    assert "uploaded 5 bytes but declared length=10" in problems[2]
    assert "already completed" in problems[3]


# --------------------------------------------------------------------------------------------------
# Failure injection


def test_rate_limited_call_raises_slack_api_error(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage")  # 429, Retry-After: 1
    with pytest.raises(SlackApiError) as failure:
        client_for(fake_slack).chat_postMessage(channel="C0PLAN", text="too fast")
    response = failure.value.response
    assert response.status_code == 429 and response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "1"
    assert [call.outcome for call in fake_slack.calls] == ["scripted:429"]
    assert fake_slack.messages["C0PLAN"] == []


def test_rate_limit_retry_handler_gets_through(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"})
    client = client_for(fake_slack, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    answer = client.chat_postMessage(channel="C0PLAN", text="patient")
    assert answer["ok"]
    assert [call.outcome for call in fake_slack.calls_to("chat.postMessage")] == ["scripted:429", "ok"]
    assert len(fake_slack.messages["C0PLAN"]) == 1


def test_scripted_slack_error(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "channel_not_found"})
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client_for(fake_slack).chat_postMessage(channel="C0GONE", text="hello?")


def test_dropped_connection_after_accept_without_retry(fake_slack: FakeSlack) -> None:
    fake_slack.drop_after_accept("chat.postMessage")
    with pytest.raises((RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        client_for(fake_slack, retry_handlers=[]).chat_postMessage(channel="C0PLAN", text="lost answer")
    assert [call.outcome for call in fake_slack.calls] == ["dropped"]
    assert len(fake_slack.messages["C0PLAN"]) == 1  # Slack did post it


def test_dropped_connection_is_retried_by_default_and_duplicates(fake_slack: FakeSlack) -> None:
    # slack_sdk's default ConnectionErrorRetryHandler re-sends once: without idempotence, two messages
    fake_slack.drop_after_accept("chat.postMessage")
    client_for(fake_slack).chat_postMessage(channel="C0PLAN", text="twice")
    assert [call.outcome for call in fake_slack.calls] == ["dropped", "ok"]
    assert [m["text"] for m in fake_slack.messages["C0PLAN"]] == ["twice", "twice"]


# --------------------------------------------------------------------------------------------------
# response_url


def test_response_url_posts_are_recorded(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    assert url.startswith(f"http://127.0.0.1:{fake_slack.port}/respond/")
    reply = WebhookClient(url).send(text="Valeur enregistrée", blocks=[SECTION], response_type="ephemeral")
    assert reply.status_code == 200
    (response,) = fake_slack.wait_for_responses(1)
    assert response["url"] == url and response["blocks"] == [SECTION]
    assert response["response_type"] == "ephemeral"


def test_response_url_with_invalid_blocks_is_a_problem(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    empty_section = {"type": "section", "text": {"type": "mrkdwn", "text": ""}}
    reply = WebhookClient(url).send(text="x", blocks=[empty_section])
    assert reply.status_code == 400 and "invalid_blocks" in reply.body
    (problem,) = fake_slack.take_problems()
    assert problem.startswith(f"response_url {url}: invalid blocks") and "$[0].text.text" in problem


def test_more_than_five_posts_to_a_response_url_is_a_problem(fake_slack: FakeSlack) -> None:
    url = fake_slack.new_response_url()
    statuses = [WebhookClient(url).send(text=f"post {n}").status_code for n in range(1, 7)]
    assert statuses == [200, 200, 200, 200, 200, 404]
    assert fake_slack.take_problems() == [f"response_url {url}: post #6, Slack accepts at most 5"]


# --------------------------------------------------------------------------------------------------
# Waiting for asynchronous calls


def test_wait_for_blocks_until_the_call_arrives(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    def later() -> None:
        time.sleep(0.2)
        client.chat_postMessage(channel="C0PLAN", text="digest")

    worker = threading.Thread(target=later)
    worker.start()
    (call,) = fake_slack.wait_for("chat.postMessage", timeout=5)
    worker.join()
    assert call.args["text"] == "digest"


def test_wait_for_times_out_listing_what_arrived(fake_slack: FakeSlack) -> None:
    client_for(fake_slack).auth_test()
    with pytest.raises(AssertionError, match=r"expected 1 call\(s\) to chat.postMessage .* auth.test \(ok\)"):
        fake_slack.wait_for("chat.postMessage", timeout=0.2)
    with pytest.raises(AssertionError, match="expected 1 response_url post"):
        fake_slack.wait_for_responses(1, timeout=0.1)


def test_held_method_is_recorded_on_arrival_and_answered_on_release(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.hold("users.info")
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(client.users_info, user="U0ALICE")
        (call,) = fake_slack.wait_for("users.info")
        assert call.outcome == "pending" and not held.done()
        assert client.auth_test()["ok"]  # other methods are answered meanwhile
        assert not held.done()
        fake_slack.release()
        assert held.result(timeout=5)["user"]["id"] == "U0ALICE"
    assert client.users_info(user="U0BOB")["ok"]  # released: no longer held


def test_reset_forgets_everything(fake_slack: FakeSlack) -> None:
    client_for(fake_slack).chat_postMessage(channel="C0PLAN", text="x")
    fake_slack.fail_next("auth.test")
    fake_slack.reset()
    assert fake_slack.calls == [] and fake_slack.messages == {}
    assert client_for(fake_slack).auth_test()["ok"]  # the scripted failure was forgotten too


# --------------------------------------------------------------------------------------------------
# Spec validators and signing helpers


def test_validate_blocks_message_limit_and_surfaces(slack_specs: Path) -> None:
    dividers = [{"type": "divider"}] * 60
    validate_blocks(dividers, surface="modal")
    with pytest.raises(AssertionError, match="60 blocks exceed Slack's limit of 50 per message"):
        validate_blocks(dividers)
    with pytest.raises(AssertionError, match=r"\$\[0\]: 'text' is a required property"):
        validate_blocks([{"type": "section"}])


def _table(rows: list[list[str]], **extra: Any) -> dict[str, Any]:
    cells = [[{"type": "raw_text", "text": c} for c in row] for row in rows]
    return {"type": "data_table", "caption": "Valeurs", "rows": cells, **extra}


def _chart(series: dict[str, list[tuple[str, float]]], categories: list[str]) -> dict[str, Any]:
    return {
        "type": "data_visualization",
        "title": "frc",
        "chart": {
            "type": "line",
            "series": [
                {"name": name, "data": [{"label": lb, "value": v} for lb, v in points]}
                for name, points in series.items()
            ],
            "axis_config": {"categories": categories},
        },
    }


def test_data_blocks_follow_slacks_rules_beyond_the_schema(slack_specs: Path) -> None:
    table = _table([["Code", "Valeur"], ["frc", "68 %"]], row_header_column_index=0)
    chart = _chart({"frc": [("sept.", 1.0), ("oct.", 2.0)]}, ["sept.", "oct."])
    validate_blocks([table, chart, chart])
    with pytest.raises(AssertionError, match="2 table blocks, Slack allows one per message"):
        validate_blocks([table, table])
    with pytest.raises(AssertionError, match="3 data_visualization blocks"):
        validate_blocks([chart, chart, chart])
    with pytest.raises(AssertionError, match="rows of different lengths"):
        validate_blocks([_table([["Code", "Valeur"], ["frc"]])])
    with pytest.raises(AssertionError, match="row_header_column_index: 2 is not a column"):
        validate_blocks([_table([["Code", "Valeur"], ["frc", "1"]], row_header_column_index=2)])
    with pytest.raises(AssertionError, match="characters in the table exceed 10000"):
        validate_blocks([_table([["Code", "Note"]] + [["x", "é" * 120]] * 90)])
    with pytest.raises(AssertionError, match="one data point per category"):
        validate_blocks([_chart({"frc": [("sept.", 1.0)]}, ["sept.", "oct."])])
    with pytest.raises(AssertionError, match="names must be unique"):
        validate_blocks([{**chart, "chart": {**chart["chart"], "series": chart["chart"]["series"] * 2}}])


def test_validate_view_picks_the_schema_by_type(slack_specs: Path) -> None:
    validate_view(MODAL)
    validate_view(HOME)
    with pytest.raises(AssertionError, match="Additional properties are not allowed"):
        validate_view({**HOME, "submit": {"type": "plain_text", "text": "OK"}})  # home tabs have no submit
    with pytest.raises(AssertionError, match="view type must be 'modal' or 'home'"):
        validate_view({"type": "workflow_step", "blocks": []})


def test_signature_is_what_slack_sdk_verifies() -> None:
    body = slash_command_body(command="/kpi", text="frc 72", response_url="http://127.0.0.1:1/respond/1")
    headers = sign("s3cr3t", body, timestamp=int(time.time()))
    verifier = SignatureVerifier("s3cr3t")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    stale = sign("s3cr3t", body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, stale)  # more than 5 minutes off


def test_slash_command_body_has_exactly_slacks_keys(slack_specs: Path) -> None:
    body = slash_command_body(command="/kpi", text="frc 72,5", response_url="https://hooks.example/1")
    fields = {key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}
    assert list(fields) == list(payload_sample("SlashCommandPayload"))
    assert fields["command"] == "/kpi" and fields["text"] == "frc 72,5"
    assert (fields["team_id"], fields["user_id"], fields["channel_id"]) == ("T0PILOTE", "U0ALICE", "C0PLAN")
    assert (
        re.fullmatch(r"1337\.\d+\.abcd", fields["trigger_id"])
        and fields["response_url"] == "https://hooks.example/1"
    )


def test_interactive_body_wraps_the_payload() -> None:
    payload = {"type": "block_actions", "actions": [{"action_id": "kpi_show", "value": "frc"}]}
    fields = parse_qs(interactive_body(payload).decode())
    assert json.loads(fields["payload"][0]) == payload
