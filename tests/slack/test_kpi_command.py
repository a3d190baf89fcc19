"""/kpi through the real Bolt app, signed like Slack, against the fake Slack Web API."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import Services
from bot.slack.blocks import kpi as kpi_blocks
from storage.models import Indicator, Reading, Workspace
from tests.support.data import kpi
from tests.support.fake_slack import FakeSlack
from tests.support.fixtures import FIXED_NOW
from tests.support.signing import sign, slash_command_body
from tests.support.slackbed import SIGNING_SECRET, SlackBed
from tests.support.specs import validate_blocks


@pytest.fixture
def bed(services: Services, fake_slack: FakeSlack) -> SlackBed:
    return SlackBed(services, fake_slack)


def count(services: Services, model: type) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_help_in_french_by_default(bed: SlackBed) -> None:
    reply = bed.command("help")
    assert reply.json["response_type"] == "ephemeral"
    assert "Saisir une valeur" in reply.text


def test_new_record_list_undo(bed: SlackBed, services: Services) -> None:
    created = bed.command(
        'new frc "Taux de résolution au premier contact" kind=ratio target=75 '
        "warn_below=70 alert_below=60 owner=<@U0BOB|bob> every=month"
    )
    assert "frc" in created.text and "<@U0BOB>" in created.text
    recorded = bed.command("frc 45/60 atelier fournisseur")
    assert "75\u202f% (45/60)" in recorded.text
    assert count(services, Reading) == 1
    corrected = bed.command("frc 30/60")
    assert (
        "remplace la valeur 75\u202f% (45/60), saisie le 20 nov. 2026" in corrected.text
        and "alerte" in corrected.text
    )
    listed = bed.command("list")
    assert "frc" in listed.text and "50\u202f% (30/60)" in listed.text
    undone = bed.command("undo")
    assert "retirée" in undone.text and "75\u202f%" in undone.text
    assert count(services, Reading) == 2  # nothing is ever deleted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inconnu 12", "Aucun indicateur"),
        ("frc abc", "n'est pas un nombre"),
        ("frc nan", "n'est pas un nombre"),
        ("frc inf", "n'est pas un nombre"),
        ("frc 1e309", "écrit avec un exposant"),
        ("frc 45/0", "dénominateur"),
        ("frc", "Il manque la valeur"),
        ("frc 1/2 " + "x" * 5000, "trop longue"),
        ('new x "y" couleur=rouge', "Option inconnue"),
        ("frc 1/2 @2031-01", "pas encore commencé"),
        ("<!channel>", "ni une sous-commande"),
    ],
)
def test_bad_input_gets_an_ephemeral_answer_and_stores_nothing(
    bed: SlackBed, services: Services, text: str, expected: str
) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    assert_refused(bed, services, text, expected)


def assert_refused(bed: SlackBed, services: Services, text: str, expected: str) -> None:
    """The command gets an ephemeral error that says `expected` and names /kpi only; nothing stored."""
    reply = bed.command(text)
    assert reply.json["response_type"] == "ephemeral"
    assert ":x:" in reply.text and expected in reply.text, reply.text
    assert "`/kpi " in reply.text and "/action" not in reply.text
    assert count(services, Reading) == 0


def test_echoed_text_cannot_ping_the_channel(bed: SlackBed) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    reply = bed.command("frc 1/2 urgent <!channel> <!here> &lt;!everyone&gt;")
    assert "<!channel>" not in reply.body.decode() and "<!here>" not in reply.body.decode()
    assert "<!everyone>" not in reply.body.decode()
    assert "@channel" in reply.text
    bad = bed.command("<!channel> 12")
    assert "<!channel>" not in bad.body.decode()


def test_english_workspace(bed: SlackBed, services: Services) -> None:
    with services.db.write() as s:
        s.add(Workspace(team_id="T0EN", timezone="Europe/London", language="en", created_at=FIXED_NOW))
    bed.fake.locale = "en-GB"  # its people use Slack in English
    reply = bed.command("frc 12", team_id="T0EN")
    assert "No indicator" in reply.text


def test_show_acks_then_uploads_chart_with_v2_flow(bed: SlackBed, fake_slack: FakeSlack) -> None:
    bed.command('new frc "Résolution" kind=ratio target=75')
    bed.command("frc 45/60 @2026-09")
    bed.command("frc 50/60 @2026-10")
    reply = bed.command("show frc")
    assert "graphique" in reply.text
    done = fake_slack.wait_for("files.completeUploadExternal", timeout=20)
    call = done[0]
    assert call.args["channel_id"] == "C0PLAN"
    assert "83,33\u202f% (50/60)" in call.args["initial_comment"]
    (upload,) = fake_slack.uploads.values()
    assert upload.data.startswith(b"\x89PNG") and upload.alt_txt
    # Next to the PNG, the same history as Slack's own line chart and a data table.
    (native,) = fake_slack.wait_for("chat.postMessage", timeout=20)
    blocks = native.args["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    chart, table = blocks
    assert chart["type"] == "data_visualization" and chart["title"] == "frc — Résolution"
    assert chart["chart"]["axis_config"]["categories"] == ["septembre 2026", "octobre 2026"]
    frc, target = chart["chart"]["series"]
    assert [p["value"] for p in frc["data"]] == [75.0, pytest.approx(83.333, abs=1e-3)]
    assert target == {
        "name": "Cible",
        "data": [{"label": "septembre 2026", "value": 75.0}, {"label": "octobre 2026", "value": 75.0}],
    }
    assert table["type"] == "data_table" and table["rows"][2][1]["text"] == "83,33\u202f% (50/60)"
    assert native.args["text"] == "Historique de frc — Résolution\u00a0: 2 valeurs"


def test_only_a_history_that_fits_gets_slacks_own_chart(services: Services, slack_specs: Path) -> None:
    kpi(services, 'new long "Longue série" kind=number unit=ticket(s)')
    for month in range(1, 12):
        kpi(services, f"long {month} @2025-{month:02d}")
    kpi(services, 'new ok "Plan validé" kind=bool')
    kpi(services, "ok non @2026-09")
    kpi(services, "ok oui @2026-10")

    def native(code: str) -> dict | None:
        return kpi_blocks.history_chart_message(
            "fr", services.indicators.history(team_id="T0PILOTE", code=code)
        )

    assert native("ok") is None  # no line between non and oui
    assert native("long") is not None and validate_blocks(native("long")["blocks"]) is None
    assert native("long")["blocks"][0]["chart"]["axis_config"]["y_label"] == "tickets"
    for month in range(12, 23):
        kpi(services, f"long {month} @{2025 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}")
    assert len(services.indicators.history(team_id="T0PILOTE", code="long").readings) == 22
    assert native("long") is None  # past 20 periods: the PNG alone
    kpi(services, 'new one "Une valeur" kind=number')
    kpi(services, "one 3 @2026-10")
    assert native("one") is None


def test_show_in_a_channel_without_the_bot_explains(bed: SlackBed, fake_slack: FakeSlack) -> None:
    bed.command('new frc "Résolution" kind=ratio')
    fake_slack.fail_next(
        "files.completeUploadExternal", status=200, body={"ok": False, "error": "not_in_channel"}
    )
    bed.command("show frc")
    (posted,) = fake_slack.wait_for_responses(1, timeout=20)
    assert "invitez-le" in str(posted)


def test_show_unknown_code_answers_at_once(bed: SlackBed, fake_slack: FakeSlack) -> None:
    reply = bed.command("show nope")
    assert "Aucun indicateur" in reply.text
    time.sleep(0.2)  # give a wrongly started upload the chance to show up
    assert fake_slack.calls_to("files.getUploadURLExternal") == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=bad"},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
    ],
)
def test_missing_or_malformed_signature_is_401(
    bed: SlackBed, services: Services, headers: dict[str, str]
) -> None:
    body = slash_command_body(command="/kpi", text='new x "y"', response_url=bed.fake.new_response_url())
    reply = bed.request(
        "POST", "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded", **headers}
    )
    assert reply.status == 401
    assert count(services, Indicator) == 0


def test_stale_signature_is_401(bed: SlackBed, services: Services) -> None:
    body = slash_command_body(command="/kpi", text='new x "y"', response_url=bed.fake.new_response_url())
    reply = bed.request("POST", "/slack/events", body, sign(SIGNING_SECRET, body, int(time.time()) - 600))
    assert reply.status == 401
    assert count(services, Indicator) == 0


def test_healthz(bed: SlackBed) -> None:
    reply = bed.request("GET", "/healthz")
    assert reply.status == 200 and reply.json["status"] == "ok"


def test_signed_but_malformed_payload_is_400_not_500(bed: SlackBed, caplog: pytest.LogCaptureFixture) -> None:
    reply = bed.signed_post(b"payload=%7Bnot-json")
    assert reply.status == 400
    signed_junk = bed.signed_post(b"command=/kpi&text=\xff\xfe\xfa")  # signed, not UTF-8
    assert signed_junk.status == 400
    assert not [r for r in caplog.records if r.exc_info], "a refused request logs one line, no traceback"


def test_a_body_that_is_not_utf8_with_a_wrong_signature_is_401_before_any_decoding(
    bed: SlackBed, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    body = b"command=/kpi&text=frc 1" + b"\xff\xfe\x00\xe9"
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
    reply = bed.request(
        "POST", "/slack/events", body, {"Content-Type": "application/x-www-form-urlencoded", **headers}
    )
    assert reply.status == 401 and reply.json == {"error": "invalid_request"}
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"]
    # The same bytes signed with the real secret pass the check (and are then refused as junk: 400).
    assert bed.request("POST", "/slack/events", body, {**sign(SIGNING_SECRET, body)}).status == 400


def test_database_failure_gets_a_clear_ephemeral_answer_not_a_5xx(
    bed: SlackBed, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def broken(**_: object) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    bed.command('new frc "Résolution" kind=ratio')
    monkeypatch.setattr(services.indicators, "record", broken)
    reply = bed.command("frc 1/2")
    assert reply.json["response_type"] == "ephemeral"
    assert "erreur interne" in reply.text and "rien n'a été enregistré" in reply.text


def test_edit_and_delete_by_owner_only(bed: SlackBed, fake_slack: FakeSlack, services: Services) -> None:
    bed.command('new frc "Résolution" kind=ratio target=75', user_id="U0BOB")
    refused = bed.command("edit frc target=80")
    assert "Seul le responsable" in refused.text
    assert "Seul le responsable" in bed.command("delete frc").text
    edited = bed.command("edit frc target=80 warn_below=70", user_id="U0BOB")
    assert "modifié" in edited.text and "cible 80" in edited.text
    assert "supprimé des listes" in bed.command("delete frc", user_id="U0BOB").text
    assert "Aucun indicateur" in bed.command("frc 1/2").text
    assert count(services, Indicator) == 1  # archived, not deleted


def test_workspace_admins_may_edit(services: Services, slack_specs: object) -> None:
    with FakeSlack(users={"U0ADMIN": {"is_admin": True}}) as fake:
        bed = SlackBed(services, fake)
        bed.command('new frc "Résolution" kind=ratio', user_id="U0BOB")
        assert "modifié" in bed.command("edit frc target=80", user_id="U0ADMIN").text
        assert "Seul le responsable" in bed.command("edit frc target=70", user_id="U0ALICE").text
        assert fake.problems == []


def stored(services: Services) -> list[tuple[float, str, str, str]]:
    with services.db.read() as s:
        rows = s.execute(
            select(
                Reading.value, Reading.period_start, Reading.period_kind, Reading.note, Reading.state
            ).order_by(Reading.id)
        ).all()
    return [(r.value, f"{r.period_start}/{r.period_kind}", r.note, r.state) for r in rows]


def test_a_french_reading_is_stored_as_typed_and_echoed_as_stored(bed: SlackBed, services: Services) -> None:
    bed.command("new budget Budget numérique responsable unité=€ cadence=mensuelle")
    reply = bed.command("budget 1\u202f234,5 € bilan de l'équipe")
    assert reply.json["response_type"] == "ephemeral"
    assert "*1\u202f234,5\u202f€*" in reply.text and "novembre 2026" in reply.text, reply.text
    assert "mois en cours" in reply.text and "bilan de l'équipe" in reply.text
    assert stored(services) == [(1234.5, "2026-11-01/month", "bilan de l'équipe", "active")]
    first = bed.command("budget 1 300 € premier relevé @oct. 2026")
    assert (
        "*1\u202f300\u202f€*" in first.text
        and "octobre 2026" in first.text
        and "mois en cours" not in first.text
    )
    again = bed.command("budget 1 250 @ 2026-10 relevé corrigé")
    replaced = "remplace la valeur 1\u202f300\u202f€, saisie le 20 nov. 2026, 10:00 par <@U0ALICE>"
    assert replaced in again.text, again.text
    assert [r[0] for r in stored(services)] == [1234.5, 1300, 1250]
    assert [r[3] for r in stored(services)] == ["active", "superseded", "active"]
    converted = bed.command("budget 2 k€ @2026-09")
    assert "*2\u202f000\u202f€*" in converted.text and "Saisi\u00a0: 2 k€" in converted.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("budget 1.234", "deux façons"),
        ("budget 12 5 bonne semaine", "suivie de «\u202f5\u202f»"),
        ("budget 3 t", "se mesure en €"),
        ("budget 3 @2026-10-31", "indiquez un mois"),
        ("budget 3 @2026-10 bilan @2026-11", "Deux périodes"),
        ("budget 3 contact @jean", "n'est pas une période"),
    ],
)
def test_what_could_be_read_two_ways_is_a_question(
    bed: SlackBed, services: Services, text: str, expected: str
) -> None:
    bed.command("new budget Budget unité=€ cadence=mensuelle")
    assert_refused(bed, services, text, expected)


def test_an_english_workspace_reads_english_numbers(bed: SlackBed, services: Services) -> None:
    with services.db.write() as s:
        s.add(Workspace(team_id="T0PILOTE", timezone="Europe/London", language="en", created_at=FIXED_NOW))
    bed.fake.locale = "en-GB"  # its people use Slack in English
    bed.command('new calls "Calls handled" unit=calls')
    reply = bed.command("calls 7,981 busy week")
    assert "*7,981\u00a0calls*" in reply.text or "*7,981 calls*" in reply.text, reply.text
    assert stored(services)[0][:3] == (7981.0, "2026-11-20/day", "busy week")
    refused = bed.command("calls 12,5")
    assert ":x:" in refused.text and "`12.5`" in refused.text
    ambiguous = bed.command("calls 3 @6/1/2021")
    assert ":x:" in ambiguous.text and "2021-01-06" in ambiguous.text and "2021-06-01" in ambiguous.text


def test_the_unit_of_stored_figures_cannot_be_renamed(bed: SlackBed, services: Services) -> None:
    bed.command("new budget Budget unité=€ cible=50 000")
    assert ":x:" not in bed.command("edit budget unité=euros").text  # the same unit, spelt otherwise
    bed.command("budget 14 000 €")
    refused = bed.command("edit budget unité=k€")
    assert ":x:" in refused.text and "de euros à k€" in refused.text, refused.text
    assert stored(services)[0][0] == 14000
    assert "14\u202f000\u202feuros" in bed.command("list").text


def test_undo_of_one_indicator_withdraws_its_reading_only(bed: SlackBed, services: Services) -> None:
    bed.command("new budget Budget unité=€")
    bed.command("new copil Comités")
    bed.command("budget 12 000 €")
    bed.command("copil 2")
    undone = bed.command("undo budget")
    assert "budget" in undone.text and "12\u202f000\u202f€" in undone.text, undone.text
    assert [r[3] for r in stored(services)] == ["withdrawn", "active"]
    assert ":x:" in bed.command("undo budget").text  # nothing left of budget: copil stays
    assert [r[3] for r in stored(services)] == ["withdrawn", "active"]
    assert ":x:" in bed.command("undo budget copil").text


def test_the_cadence_of_stored_figures_cannot_change(bed: SlackBed, services: Services) -> None:
    bed.command("new énergie Énergie unité=kWh")
    assert ":x:" not in bed.command("edit énergie cadence=mensuelle").text  # no figures yet
    bed.command("énergie 600")
    refused = bed.command("edit énergie cadence=trimestrielle")
    assert ":x:" in refused.text and "cadence" in refused.text, refused.text
    assert stored(services)[0][1] == "2026-11-01/month"
    assert ":x:" not in bed.command("edit énergie cadence=mois").text  # the same cadence again


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new t1 Temp unité=°C", None),
        ("new r1 Taux type=ratio unité=appels", "s'exprime en pourcentage (%)"),
        ("new e6 'Délai moyen' unité=j", None),
        ("new e7 Délai Échéance=31/12/2027", None),
        ("new r2 Résolution type=ratio cible=3/4", None),
    ],
)
def test_new_indicators_as_people_define_them(bed: SlackBed, text: str, expected: str | None) -> None:
    reply = bed.command(text)
    if expected:
        assert ":x:" in reply.text and expected in reply.text, reply.text
    else:
        assert ":x:" not in reply.text, reply.text
    if "'Délai moyen'" in text:
        assert "Délai moyen" in reply.text and "'Délai" not in reply.text
    if "3/4" in text:
        assert "cible 75\u202f%" in reply.text


def test_a_foreign_sign_after_a_value_is_a_unit(bed: SlackBed, services: Services) -> None:
    bed.command("new temp Température unité=°C")
    reply = bed.command("temp 70 °F")
    assert ":x:" in reply.text and "°C" in reply.text and stored(services) == []
    assert ":x:" not in bed.command("temp 21,5 °C").text


def test_a_backfill_is_not_compared_with_a_later_period(bed: SlackBed) -> None:
    bed.command("new budget Budget unité=€ cadence=mensuelle")
    bed.command("budget 12 000 € @2026-10")
    later = bed.command("budget 13 000 €")
    assert "Précédente\u00a0: 12\u202f000\u202f€ (octobre 2026)" in later.text, later.text
    backfill = bed.command("budget 11 000 € @2026-09")
    assert "Précédente" not in backfill.text and "septembre 2026" in backfill.text


def test_the_chart_of_an_indicator_with_no_value_says_so_in_its_alt_text(
    bed: SlackBed, fake_slack: FakeSlack
) -> None:
    bed.command('new vide "Sans valeur" kind=percent target=50')
    bed.command("show vide")
    (upload,) = fake_slack.wait_for("files.getUploadURLExternal", timeout=20)
    assert (
        upload.args["alt_txt"]
        == "Graphique de l'indicateur vide (Sans valeur)\u00a0: aucune valeur pour l'instant."
    )
