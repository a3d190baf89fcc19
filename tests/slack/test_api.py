"""The ingestion API through HTTP: tokens made in Slack, batches read as typed readings, idempotency,
RFC 9457 problems, the OpenAPI document."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services import Services
from storage.models import ApiRequest, OutboxMessage, Reading
from tests.support.data import kpi
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import Reply, SlackBed

TEAM, ADMIN = "T0PILOTE", "U0ALICE"
URL = "/api/v1/readings"


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    fake_slack.users[ADMIN] = {"is_admin": True}
    kpi(services, 'new frc "Résolution au premier contact" kind=ratio every=month alert_below=60')
    kpi(services, 'new énergie "Consommation" unit=kWh every=quarter')
    return SlackBed(services, fake_slack)


def new_token(bed: SlackBed, name: str = "GLPI") -> str:
    reply = bed.command(f'token new "{name}"')
    secret = next(
        b["text"]["text"].strip("`") for b in reply.json["blocks"] if b["text"]["text"].startswith("```")
    )
    assert secret.startswith("pil_")
    return secret


def post(bed: SlackBed, body: Any, token: str | None, **headers: str) -> Reply:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return bed.request("POST", URL, raw, {k.replace("_", "-"): v for k, v in sent.items()})


def count(services: Services, model: type) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_token_made_in_slack_lets_a_batch_in(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    assert "dernière utilisation\u00a0: jamais" in bed.command("token list").text
    reply = post(
        bed,
        {"readings": [
            {"indicator": "frc", "period": "2026-10", "value": "262/412", "note": "export GLPI"},
            {"indicator": "ÉNERGIE", "period": "T3 2026", "value": 1234.5},
            {"indicator": "frc", "period": "@2026-09", "value": "45 sur 60", "author": "U0BOB"},
        ]},
        token,
    )  # fmt: skip
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/json"
    assert reply.json == {
        "received": 3,
        "new": 3,
        "corrected": 0,
        "unchanged": 0,
        "refused": [],
        "alerts": 0,
        "warnings": [],
    }
    with services.db.read() as s:
        rows = {
            (r.period_start.isoformat(), r.value, r.recorded_by, r.source) for r in s.scalars(select(Reading))
        }
    assert ("2026-07-01", 1234.5, "api:GLPI", "api") in rows and ("2026-09-01", 75.0, "U0BOB", "api") in rows
    listed = bed.command("token list")
    assert "GLPI" in listed.text and token not in listed.text and token[:10] in listed.text
    assert "jamais" not in listed.text  # its last use is said


def test_one_reading_on_its_own_and_an_alert_for_its_owner(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    reply = post(bed, {"indicator": "frc", "period": "2026-10", "value": "10/100"}, token)
    assert reply.status == 200 and reply.json["new"] == 1 and reply.json["alerts"] == 1
    assert count(services, OutboxMessage) == 1


def test_a_refused_reading_stores_nothing_unless_partial(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    batch = {"readings": [
        {"indicator": "frc", "period": "2026-10", "value": "45/60"},
        {"indicator": "inconnu", "period": "2026-10", "value": "3"},
        {"indicator": "énergie", "period": "2026-10", "value": "12"},  # a month for a quarterly one
        {"indicator": "frc", "period": "2026-09", "value": "1.234"},  # 1,234 or 1234?
    ]}  # fmt: skip
    reply = post(bed, batch, token, Accept_Language="fr-FR,fr;q=0.9")
    assert reply.status == 422 and reply.headers["content-type"] == "application/problem+json"
    problem = reply.json
    assert problem["type"] == "/api/v1/problems/readings-refused" and problem["status"] == 422
    assert "3 mesures sur 4 sont refusées" in problem["detail"].replace("\u00a0", " ")
    assert [(e["index"], e["pointer"]) for e in problem["errors"]] == [
        (1, "/readings/1"),
        (2, "/readings/2"),
        (3, "/readings/3"),
    ]
    assert [e["code"] for e in problem["errors"]][:2] == [
        "error.import.unknown_code",
        "error.period_not_cadence.quarter",
    ]
    assert "`" not in problem["errors"][0]["detail"]  # words, not Slack's markup
    assert count(services, Reading) == 0
    partial = post(bed, {**batch, "partial": True}, token, Accept_Language="en")
    assert partial.status == 200 and partial.json["new"] == 1 and len(partial.json["refused"]) == 3
    assert "no indicator" in partial.json["refused"][0]["detail"]
    assert count(services, Reading) == 1
    typo = post(
        bed, {"indicator": "frcc", "period": "2026-08", "value": "45/60"}, token, Accept_Language="en"
    )
    (refused,) = typo.json["errors"]  # a close code suggested in words; the code a client reads stays
    assert refused["code"] == "error.import.unknown_code" and "did you mean `frc`?" in refused["detail"]


def test_a_replayed_batch_records_nothing_twice(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    batch = {"readings": [{"indicator": "frc", "period": "2026-10", "value": "45/60"}]}
    first = post(bed, batch, token, Idempotency_Key="lot-2026-10-01")
    again = post(bed, batch, token, Idempotency_Key="lot-2026-10-01")
    assert first.status == again.status == 200 and first.body == again.body
    assert again.headers.get("idempotent-replayed") == "true" and "idempotent-replayed" not in first.headers
    assert count(services, Reading) == 1
    other = post(bed, {"readings": [{"indicator": "frc", "period": "2026-10", "value": "50/60"}]}, token,
                 Idempotency_Key="lot-2026-10-01")  # fmt: skip
    assert other.status == 409 and other.json["type"] == "/api/v1/problems/idempotency-conflict"
    assert count(services, Reading) == 1
    # Without a key, the same batch is the same value again: unchanged, nothing written.
    assert post(bed, batch, token).json["unchanged"] == 1 and count(services, Reading) == 1


def test_the_same_key_sent_at_once_from_many_threads_records_once(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    batch = {"readings": [{"indicator": "frc", "period": "2026-10", "value": "45/60"}]}
    start, replies, errors = threading.Barrier(6), [], []

    def send() -> None:
        try:
            start.wait()
            replies.append(post(bed, batch, token, Idempotency_Key="same"))
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert [r.status for r in replies] == [200] * 6 and len({r.body for r in replies}) == 1
    assert count(services, Reading) == 1 and count(services, ApiRequest) == 1


def test_a_refused_batch_keeps_no_key_so_that_it_can_be_mended(bed: SlackBed, services: Services) -> None:
    token = new_token(bed)
    bad = {"readings": [{"indicator": "frc", "period": "2026-10", "value": "abc"}]}
    assert post(bed, bad, token, Idempotency_Key="k1").status == 422
    assert count(services, ApiRequest) == 0


@pytest.mark.parametrize(
    ("body", "headers", "status", "slug"),
    [
        (b"{not json", {}, 400, "malformed-json"),
        ({"readings": []}, {}, 422, "invalid-batch"),
        ({"readings": [{"indicator": "frc", "period": "2026-10"}]}, {}, 422, "invalid-batch"),
        ({"readings": [{"indicator": "frc", "period": "2026-10", "value": "1", "colour": "red"}]}, {}, 422,
         "invalid-batch"),
        ({"readings": [{"indicator": "frc", "period": "2026-10", "value": "1"}] * 1001}, {}, 422,
         "invalid-batch"),
        ({"indicator": "frc", "period": "2026-10", "value": "1"}, {"Content_Type": "text/csv"}, 415,
         "unsupported-media-type"),
        ({"indicator": "frc", "period": "2026-10", "value": "1"}, {"Idempotency_Key": "é"}, 400,
         "bad-idempotency-key"),
    ],
)  # fmt: skip
def test_bad_requests_are_problem_documents(
    bed: SlackBed, services: Services, body: Any, headers: dict[str, str], status: int, slug: str
) -> None:
    token = new_token(bed)
    reply = post(bed, body, token, **headers)
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json["type"] == f"/api/v1/problems/{slug}" and reply.json["status"] == status
    assert reply.json["title"]
    assert count(services, Reading) == 0


def test_no_token_a_wrong_one_or_a_revoked_one_is_a_401(bed: SlackBed, services: Services) -> None:
    body = {"indicator": "frc", "period": "2026-10", "value": "1/2"}
    for token in (None, "pil_" + "x" * 43, "xoxb-not-ours"):
        reply = post(bed, body, token)
        assert reply.status == 401 and reply.headers["www-authenticate"].startswith("Bearer")
        assert reply.json["type"] == "/api/v1/problems/unauthorized"
    token = new_token(bed, "Centreon")
    assert post(bed, body, token).status == 200
    revoked = bed.command("token revoke Centreon")
    assert "révoqué" in revoked.text
    assert post(bed, body, token).status == 401
    assert count(services, Reading) == 1


def test_only_an_app_admin_manages_tokens(bed: SlackBed, fake_slack: FakeSlack) -> None:
    reply = bed.command('token new "GLPI"', user_id="U0BOB")
    assert "Seul un administrateur" in reply.text and "pil_" not in reply.text
    assert "Seul un administrateur" in bed.command("token list", user_id="U0BOB").text
    new_token(bed)
    assert "Seul un administrateur" in bed.command("token revoke GLPI", user_id="U0BOB").text
    assert "déjà" in bed.command('token new "glpi"').text  # one live token a name


def test_the_openapi_document_describes_the_endpoint(bed: SlackBed) -> None:
    reply = bed.request("GET", "/api/v1/openapi.json")
    assert reply.status == 200
    doc = reply.json
    assert doc["openapi"].startswith("3.1") and "/api/v1/readings" in doc["paths"]
    post_op = doc["paths"]["/api/v1/readings"]["post"]
    assert {"200", "401", "409", "422"} <= set(post_op["responses"])
    assert doc["components"]["schemas"]["Batch"]["properties"]["readings"]["maxItems"] == 1000
    assert bed.request("GET", URL).status == 405
    assert bed.request("GET", "/api/v1/nothing").status == 404


def test_warnings_a_foreign_author_and_a_duplicate_are_said_for_a_batch(
    bed: SlackBed, services: Services
) -> None:
    token = new_token(bed)
    out_of_range = post(bed, {"indicator": "frc", "period": "2026-10", "value": "70/60"}, token)
    assert out_of_range.status == 200 and out_of_range.json["warnings"][0]["pointer"] == "/readings/0"
    batch = {"readings": [
        {"indicator": "frc", "period": "2026-09", "value": "45/60", "author": "Jean Dupont"},
        {"indicator": "frc", "period": "2026-08", "value": "45/60"},
        {"indicator": "frc", "period": "2026-08", "value": "46/60"},
    ]}  # fmt: skip
    refused = post(bed, batch, token)
    assert refused.status == 422
    codes = [e["code"] for e in refused.json["errors"]]
    assert codes == ["error.import.author", "error.import.duplicate", "error.import.duplicate"]
    assert "que la mesure 2 du lot" in refused.json["errors"][1]["detail"]  # both: which is right?
    assert "que la mesure 1 du lot" in refused.json["errors"][2]["detail"]
