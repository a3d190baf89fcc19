"""Schemathesis against the served OpenAPI document: generated requests (valid and not) get answers that
match the document (status codes, content types, bodies), and never a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from bot.services import Services
from tests.support.data import kpi
from tests.support.fake_slack import FakeSlack
from tests.support.slackbed import SlackBed


@pytest.fixture
def api(services: Services, fake_slack: FakeSlack) -> tuple[object, str]:
    fake_slack.users["U0ALICE"] = {"is_admin": True}
    kpi(services, 'new frc "Résolution au premier contact" kind=ratio every=month')
    bed = SlackBed(services, fake_slack)
    reply = bed.command('token new "schemathesis"')
    secret = next(
        b["text"]["text"].strip("`") for b in reply.json["blocks"] if b["text"]["text"].startswith("```")
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", bed.wsgi), secret


@pytest.mark.parametrize(("path", "method"), [("/api/v1/readings", "POST"), ("/api/v1/openapi.json", "GET")])
def test_every_answer_matches_the_document(api: tuple[Any, str], path: str, method: str) -> None:
    loaded, secret = api
    operation = loaded[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        # A reading the schema allows may still be refused by the rules of a typed reading (an unknown
        # code, a period of another cadence): a 422 problem is what the document promises then.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"}, excluded_checks=[positive_data_acceptance]
        )

    check()
