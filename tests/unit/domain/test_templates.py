"""The indicator templates shipped as data: every file loads, and each template is a valid indicator."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.domain.errors import InvalidInput
from bot.domain.grammar import InstallTemplates, ListTemplates, parse_kpi
from bot.domain.templates import IndicatorTemplate, TemplateSet, check_catalogue, select
from bot.domain.values import Direction, Kind
from bot.services.templates import template_sets

GUIDE = {"plan-validé", "plan-avancement", "copil", "budget-nr", "indicateurs-suivis"}
ITIL = {"sla", "frc", "satisfaction", "escalade", "automatisation", "portail", "tco-poste"}


def test_the_shipped_sets_are_the_guides_and_itils() -> None:
    sets = {s.set: {t.code for t in s.indicators} for s in template_sets()}
    assert sets == {"gouvernance": GUIDE, "itil": ITIL}
    by_code = {t.code: t for s in template_sets() for t in s.indicators}
    assert by_code["frc"].kind is Kind.RATIO and by_code["plan-validé"].kind is Kind.BOOL
    assert (
        by_code["escalade"].direction is Direction.LOWER and by_code["tco-poste"].direction is Direction.LOWER
    )
    assert by_code["copil"].unit_in("fr") == "réunion(s)" and by_code["copil"].unit_in("en") == "meeting(s)"
    for template in by_code.values():
        assert template.name.fr != template.name.en and template.reference


@pytest.mark.parametrize(
    ("wanted", "codes"),
    [("gouvernance", GUIDE), ("Governance", GUIDE), ("ITIL", ITIL), ("Plan-Valide", {"plan-validé"})],
)
def test_a_set_is_named_by_its_name_an_alias_or_one_code(wanted: str, codes: set[str]) -> None:
    assert {t.code for t in select(template_sets(), wanted)} == codes


def test_an_unknown_name_lists_the_sets() -> None:
    with pytest.raises(InvalidInput) as err:
        select(template_sets(), "cobit")
    assert err.value.params["allowed"] == ["gouvernance", "itil"]


TEMPLATE = {
    "code": "x",
    "name": {"fr": "X", "en": "X"},
    "kind": "percent",
    "unit": "%",
    "direction": "higher",
    "cadence": "month",
    "level": "operational",
    "reference": "r",
}


@pytest.mark.parametrize(
    "change",
    [
        {"unit": "€"},  # a percentage is in %
        {"kind": "bool"},  # a yes/no has no unit
        {"code": "list"},  # a subcommand
        {"code": "a b"},
        {"direction": "sideways"},
        {"reference": ""},
        {"colour": "red"},  # a misspelt field is no silent default
    ],
)
def test_a_malformed_template_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        IndicatorTemplate.model_validate({**TEMPLATE, **change})


def test_a_code_given_twice_is_refused() -> None:
    group = {"set": "a", "name": {"fr": "A", "en": "A"}, "reference": "r", "indicators": [TEMPLATE]}
    with pytest.raises(ValidationError):
        TemplateSet.model_validate({**group, "indicators": [TEMPLATE, {**TEMPLATE, "code": "X"}]})
    one = TemplateSet.model_validate(group)
    with pytest.raises(ValueError):
        check_catalogue((one, TemplateSet.model_validate({**group, "set": "b"})))


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("templates", ListTemplates()),
        ("modèles", ListTemplates()),
        ("templates list", ListTemplates()),
        ("templates install gouvernance", InstallTemplates("gouvernance")),
        ("modèles installer itil", InstallTemplates("itil")),
    ],
)
def test_the_templates_subcommand(text: str, command: object) -> None:
    assert parse_kpi(text) == command


@pytest.mark.parametrize("text", ["templates gouvernance", "templates install", "templates install a b"])
def test_a_templates_command_that_says_no_set_is_a_question(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_kpi(text)


def test_the_better_way_can_be_said_when_creating_or_editing() -> None:
    created = parse_kpi('new délai "Délai moyen" unité=jours sens=baisse')
    assert created.direction is Direction.LOWER  # type: ignore[union-attr]
    assert parse_kpi('new x "X" better=higher').direction is Direction.HIGHER  # type: ignore[union-attr]
    with pytest.raises(InvalidInput) as err:
        parse_kpi('new x "X" sens=peut-être')
    assert err.value.params["allowed"] == ["hausse", "baisse"]
