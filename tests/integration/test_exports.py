"""`pilote export`: a whole workspace read in one transaction, written as JSON, XLSX, ODS or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.domain.actions import ActionStatus
from bot.domain.exports import Export, columns
from bot.files import write
from bot.files.read import read_ods
from bot.services import Services
from bot.slack.blocks.exports import export_labels
from tests.integration import test_shell_templates
from tests.integration.test_shell_templates import Shell
from tests.support.data import kpi, new_action

TEAM = "T0PILOTE"
shell = test_shell_templates.shell  # `pilote …` on the suite's database
ALICE, BOB = "U0ALICE", "U0BOB"


def build_plan(services: Services, team: str = TEAM) -> None:
    """A plan made through the services: a ratio, a yes/no, a number in kWh; a correction, a
    withdrawal, an archived indicator; actions with their journal, a milestone, a committee."""

    def say(text: str, user: str = ALICE) -> None:
        kpi(services, text, user=user, team=team)

    say(
        'new frc "Résolution au premier contact" kind=ratio every=month target=75 alert_below=60'
        + " level=strategic"
    )
    say('new plan-validé "Plan validé" kind=bool every=quarter')
    say('new énergie "Consommation des serveurs" unit=kWh every=quarter target=1000 target_date=2027-12-31')
    say('new vieux "Ancien indicateur"')
    say("frc 45/60 @2026-09")
    say("frc 262/412 @2026-10 Bonne semaine")
    say("frc 270/412 @2026-10 corrigé", user=BOB)  # a correction: the first October value superseded
    say("plan-validé oui @T3 2026")
    say("énergie 1234,5 @T3 2026")
    say("énergie 1300 @T2 2026")
    services.indicators.undo_last(team_id=team, user_id=ALICE, code="énergie")  # withdrawn
    say("vieux 3 @2026-10")
    services.indicators.archive(team_id=team, user_id=ALICE, code="vieux", is_admin=lambda: False)
    new_action(services, '"Former les agents" identified=2026-09-01 due=2026-12-31 kpi=frc', team=team)
    new_action(services, '"Publier le plan"', user=BOB, team=team)
    services.actions.update_status(
        team_id=team, user_id=ALICE, number=1, status=ActionStatus.DOING, progress=40, note="lancé"
    )
    services.actions.update_status(team_id=team, user_id=BOB, number=2, status=ActionStatus.DONE)
    services.actions.record_milestone(team_id=team, user_id=ALICE, kind="validated", on_raw="2026-10-01")
    services.actions.record_meeting(
        team_id=team, user_id=ALICE, held_on_raw="2026-11-12", attendees=[ALICE, BOB], decisions="Budget 2027"
    )


# A reading's state as a French spreadsheet shows it (the JSON export keeps the code).
STATES_FR = {"active": "en vigueur", "superseded": "remplacée", "withdrawn": "retirée"}


@pytest.fixture
def plan(services: Services) -> Export:
    build_plan(services)
    return services.exports.snapshot(team_id=TEAM)


def test_the_snapshot_holds_every_state_archived_rows_and_the_plan(plan: Export) -> None:
    assert (plan.workspace.timezone, plan.workspace.language) == ("Europe/Paris", "fr")
    assert [i.code for i in plan.indicators] == ["frc", "plan-validé", "énergie", "vieux"]
    vieux = plan.indicators[3]
    assert vieux.archived_at is not None and plan.indicators[0].archived_at is None
    assert plan.indicators[0].level == "strategic" and plan.indicators[0].alert_below == 60
    assert plan.indicators[2].target_date == dt.date(2027, 12, 31) and plan.indicators[2].unit == "kWh"
    states = [(r.indicator, str(r.period_start), r.state, r.recorded_by) for r in plan.readings]
    assert states == [
        ("frc", "2026-09-01", "active", ALICE),
        ("frc", "2026-10-01", "superseded", ALICE),
        ("frc", "2026-10-01", "active", BOB),
        ("plan-validé", "2026-07-01", "active", ALICE),
        ("énergie", "2026-07-01", "active", ALICE),
        ("énergie", "2026-04-01", "withdrawn", ALICE),
        ("vieux", "2026-10-01", "active", ALICE),
    ]
    correction = plan.readings[2]
    assert correction.supersedes_id == plan.readings[1].id and correction.note == "corrigé"
    assert (correction.numerator, correction.denominator) == (270, 412)
    assert plan.readings[5].withdrawn_by == ALICE and plan.readings[5].withdrawn_at is not None
    assert plan.readings[0].recorded_at.tzinfo is not None and plan.readings[0].source == "slack"
    assert [(a.number, a.status, a.indicators) for a in plan.actions] == [
        (1, "doing", ("frc",)),
        (2, "done", ()),
    ]
    assert [(j.action, j.user_id, j.note) for j in plan.journal] == [
        (1, ALICE, ""),
        (2, BOB, ""),
        (1, ALICE, "lancé"),
        (2, BOB, ""),
    ]
    assert json.loads(plan.journal[2].changes)["status"] == ["todo", "doing"]
    assert [(m.kind, m.on) for m in plan.milestones] == [("validated", dt.date(2026, 10, 1))]
    assert [(c.held_on, c.attendees, c.decisions) for c in plan.committees] == [
        (dt.date(2026, 11, 12), f"{ALICE} {BOB}", "Budget 2027")
    ]


def test_another_workspace_is_not_in_the_snapshot(services: Services, plan: Export) -> None:
    kpi(services, 'new autre "Autre"', team="T0AUTRE")
    kpi(services, "autre 1 @2026-10", team="T0AUTRE")
    other = services.exports.snapshot(team_id="T0AUTRE")
    assert [i.code for i in other.indicators] == ["autre"] and len(other.readings) == 1
    assert other.actions == () and other.committees == ()


def test_the_json_document_is_exact_and_dated_in_iso_8601(plan: Export) -> None:
    doc = json.loads(write.write_json(plan))
    assert (doc["format"], doc["version"], doc["team_id"]) == ("pilote-export", 1, TEAM)
    assert dt.datetime.fromisoformat(doc["exported_at"]).tzinfo is not None
    assert set(doc) >= {"indicators", "readings", "actions", "journal", "milestones", "committees"}
    frc = [r for r in doc["readings"] if r["indicator"] == "frc" and r["state"] == "active"][1]
    assert frc["value"] == plan.readings[2].value == 270 / 412 * 100  # the double itself, not a rounding
    assert frc["period_start"] == "2026-10-01" and frc["supersedes_id"] == plan.readings[1].id
    assert doc["indicators"][2]["target_date"] == "2027-12-31"
    assert doc["actions"][0]["indicators"] == ["frc"]


def test_xlsx_has_a_sheet_a_table_headers_in_french_and_numbers_as_numbers(
    plan: Export, tmp_path: Path
) -> None:
    import openpyxl

    path = tmp_path / "export.xlsx"
    path.write_bytes(write.write_xlsx(plan, export_labels("fr")))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Indicateurs",
        "Mesures",
        "Actions",
        "Journal des actions",
        "Jalons du plan",
        "Comités de pilotage",
    ]
    sheet = book["Mesures"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == (
        "Identifiant",
        "Identifiant de l'indicateur",
        "Indicateur",
        "Début de période",
        "Type de période",
    )
    cols = columns("readings")
    back = [dict(zip(cols, row, strict=True)) for row in rows[1:]]
    # Codes shown in words (the JSON keeps the codes): the state, the kind of period.
    kinds = {"month": "mois", "quarter": "trimestre"}
    assert [
        (r["indicator"], r["period_start"].date(), r["value"], r["state"], r["period_kind"]) for r in back
    ] == [
        (r.indicator, r.period_start, r.value, STATES_FR[r.state], kinds[r.period_kind])
        for r in plan.readings
    ]
    indicators = list(book["Indicateurs"].iter_rows(values_only=True))
    shown = dict(zip(indicators[0], indicators[1], strict=True))
    assert (shown["Type"], shown["Fréquence"], shown["Niveau"]) == ("ratio", "mensuelle", "stratégique")
    assert isinstance(back[2]["value"], float) and back[2]["recorded_at"] == plan.readings[
        2
    ].recorded_at.replace(tzinfo=None)


def test_ods_reads_back_the_same_readings_with_pilotes_reader_and_odfpy(plan: Export, tmp_path: Path) -> None:
    from odf.opendocument import load
    from odf.table import Table

    path = tmp_path / "export.ods"
    path.write_bytes(write.write_ods(plan, export_labels("en")))
    doc = load(str(path))  # another hand than Pilote's: LibreOffice's format as odfpy reads it
    assert [t.getAttribute("name") for t in doc.spreadsheet.getElementsByType(Table)] == [
        "Indicators",
        "Readings",
        "Actions",
        "Action journal",
        "Plan milestones",
        "Steering committees",
    ]
    first = read_ods(path, lang="en").rows  # the first sheet, the indicators, as Pilote's import reads
    assert first[0][1][:3] == ["Id", "Code", "Name"] and first[3][1][1] == "énergie"
    with zipfile.ZipFile(path) as z:
        assert z.namelist()[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        content = z.read("content.xml").decode()
    exact = repr(plan.readings[2].value)
    assert f'office:value-type="float" office:value="{exact}"' in content


def test_csv_is_a_zip_of_one_french_excel_csv_a_table(plan: Export) -> None:
    data = write.write_csv_zip(plan, export_labels("fr"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == [
            f"{t}.csv" for t in ("indicators", "readings", "actions", "journal", "milestones", "committees")
        ]
        raw = z.read("readings.csv")
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only after a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][2] == "Indicateur" and len(rows) == 1 + len(plan.readings)
    assert rows[3][columns("readings").index("value")] == str(plan.readings[2].value).replace(".", ",")
    assert rows[1][columns("readings").index("recorded_at")].endswith("+00:00")


def test_a_spreadsheet_shows_the_stored_codes_in_words(services: Services) -> None:
    """Actions' domain, engagement and status, a milestone's kind, in the sheet's language; a team's
    own domain as written; the JSON export keeps the codes."""
    team = "T0PILOTE"
    new_action(services, '"Former les agents" domaine=sensibilisation niveau=expérimentation', team=team)
    new_action(services, '"Trier les écrans" domaine=Parc-Écrans', team=team)
    services.actions.record_milestone(team_id=team, user_id=ALICE, kind="communicated", on_raw="2026-10-01")
    export = services.exports.snapshot(team_id=team)
    with zipfile.ZipFile(io.BytesIO(write.write_csv_zip(export, export_labels("fr")))) as z:
        actions = list(csv.DictReader(io.StringIO(z.read("actions.csv").decode("utf-8-sig")), delimiter=";"))
        milestones = z.read("milestones.csv").decode("utf-8-sig")
    shown = [(a["Domaine"], a["Engagement"], a["Statut"]) for a in actions]
    assert shown == [
        ("Sensibilisation et formation", "expérimentation", "à faire"),
        ("Parc-Écrans", "réflexion", "à faire"),
    ]
    assert ";communiqué;" in milestones
    assert [a.domain for a in export.actions][0] == "sensibilisation"  # the code, in the JSON export


def test_pilote_export_writes_json_to_standard_output_or_a_file(
    shell: Shell, services: Services, tmp_path: Path
) -> None:
    build_plan(services)
    code, out, _ = shell("export")
    assert code == 0 and json.loads(out)["readings"][0]["indicator"] == "frc"
    code, _, err = shell("export", "-o", str(tmp_path / "plan.xlsx"))
    assert code == 0 and "plan.xlsx" in err
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames[1] == "Mesures"
    code, _, _ = shell(
        "export", "--format", "csv", "--table", "committees", "-o", str(tmp_path / "copil.csv")
    )
    assert code == 0 and "Budget 2027" in (tmp_path / "copil.csv").read_text(encoding="utf-8-sig")
    code, _, err = shell("export", "--format", "json", "--table", "readings")
    assert code == 2 and "--table" in err


def test_a_binary_format_is_refused_on_a_terminal(
    shell: Shell,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    build_plan(services)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = shell("export", "--format", "xlsx")
    assert code == 2 and out == "" and "-o" in err and "XLSX" in err
    code, out, _ = shell("export", "--format", "json")  # text goes to a terminal
    assert code == 0 and out.startswith("{")


# Etalab's schema v0.5.0 and its valid example, kept with the tests (Licence Ouverte 2.0, SOURCE.txt).
ETALAB = Path(__file__).resolve().parents[1] / "support" / "etalab"


def etalab_report(folder: Path, name: str):  # type: ignore[no-untyped-def]
    """frictionless's validation of a CSV file against Etalab's published schema (v0.5.0)."""
    import frictionless

    schema = frictionless.Schema.from_descriptor(
        json.loads((ETALAB / "schema.json").read_text(encoding="utf-8"))
    )
    # frictionless reads only paths under a base folder: an absolute path is "not safe" to it.
    return frictionless.Resource(path=name, basepath=str(folder), schema=schema).validate()


def test_etalabs_own_example_validates_and_a_wrong_frequency_does_not(tmp_path: Path) -> None:
    assert etalab_report(ETALAB, "exemple-valide.csv").valid
    wrong = (
        (ETALAB / "exemple-valide.csv").read_text(encoding="utf-8-sig").replace(",annuelle,", ",annuel,", 1)
    )
    (tmp_path / "faux.csv").write_text(wrong, encoding="utf-8")
    report = etalab_report(tmp_path, "faux.csv")
    assert not report.valid and report.flatten(["type"]) == [["constraint-error"]]


def test_the_etalab_export_validates_against_the_published_schema(
    shell: Shell, services: Services, tmp_path: Path
) -> None:
    build_plan(services)
    code, _, _ = shell(
        "export",
        "--schema",
        "etalab",
        "--administration",
        "DINUM",
        "--service",
        "Pilote",
        "-o",
        str(tmp_path / "impact.csv"),
    )
    assert code == 0
    report = etalab_report(tmp_path, "impact.csv")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "impact.csv").read_text(encoding="utf-8-sig"))))
    # Only active readings of the indicators in use; the superseded, the withdrawn and the archived not.
    shown = [(r["indicateur"], r["valeur"], r["est_cible"], r["date"], r["date_debut"]) for r in rows]
    assert shown == [
        ("Résolution au premier contact", "75", "false", "2026-09-30", "2026-09-01"),
        ("Résolution au premier contact", repr(270 / 412 * 100), "false", "2026-10-31", "2026-10-01"),
        ("Plan validé", "1", "false", "2026-09-30", "2026-07-01"),
        ("Consommation des serveurs", "1234.5", "false", "2026-09-30", "2026-07-01"),
        ("Consommation des serveurs", "1000", "true", "2027-12-31", ""),  # the target, at its date
    ]
    first = rows[0]
    assert (first["administration_rattachement"], first["nom_service_public_numerique"]) == (
        "DINUM",
        "Pilote",
    )
    assert (first["unite_mesure"], first["type_indicateur"], first["frequence_monitoring"]) == (
        "%",
        "impact",
        "mensuelle",
    )
    assert (rows[2]["unite_mesure"], rows[2]["type_indicateur"]) == ("oui (1) ou non (0)", "usage")
    assert (rows[3]["unite_mesure"], rows[3]["frequence_monitoring"], rows[3]["est_periode"]) == (
        "kWh",
        "trimestrielle",
        "true",
    )
    assert (first["est_automatise"], first["source_collecte"]) == ("false", "saisie manuelle (Slack)")
    assert rows[1]["commentaires"] == "corrigé"


def test_the_etalab_export_says_which_required_option_is_missing(shell: Shell, services: Services) -> None:
    build_plan(services)
    code, out, err = shell("export", "--schema", "etalab", "--service", "Pilote")
    assert code == 2 and out == "" and "--administration" in err
    code, _, err = shell("export", "--schema", "etalab", "--administration", "DINUM", "--service", " ")
    assert code == 2 and "--service" in err
    code, _, err = shell("export", "--schema", "etalab")  # both at once, not one try each
    assert code == 2 and "--administration" in err and "--service" in err
    code, _, err = shell(
        "export", "--schema", "etalab", "--format", "xlsx", "--administration", "D", "--service", "P"
    )
    assert code == 2 and "CSV" in err


# Which table each id column points into: ids are renumbered by a restore, positions are not.
ID_COLUMNS = {
    "readings": {"indicator_id": "indicators", "supersedes_id": "readings"},
    "actions": {"indicator_ids": "indicators"},
    "journal": {"action_id": "actions"},
}


def comparable(doc: dict) -> dict:
    """An export document without its ids, team and date: each id becomes the position of its row."""
    position = {
        table: {row["id"]: i for i, row in enumerate(doc[table])} for table in ID_COLUMNS | {"indicators": 0}
    }
    out = {k: v for k, v in doc.items() if k not in ("team_id", "exported_at")}
    for table in ("indicators", "readings", "actions", "journal", "milestones", "committees"):
        rows = []
        for row in doc[table]:
            row = {k: v for k, v in row.items() if k != "id"}
            for column, target in ID_COLUMNS.get(table, {}).items():
                value = row[column]
                if isinstance(value, list):
                    row[column] = [position[target][v] for v in value]
                elif value is not None:
                    row[column] = position[target][value]
            rows.append(row)
        out[table] = rows
    return out


def test_export_then_import_into_an_empty_workspace_gives_the_same_data(
    shell: Shell, services: Services, tmp_path: Path
) -> None:
    build_plan(services)
    first = tmp_path / "plan.json"
    assert shell("export", "--team", TEAM, "-o", str(first))[0] == 0
    code, out, err = shell("import", str(first), "--team", "T0COPIE")  # a workspace the database lacks
    assert (code, err) == (0, ""), err
    assert "Export restauré dans T0COPIE" in out and "4 indicateurs, 7 mesures, 2 actions" in out
    assert "4 entrées de journal, 1 jalon, 1 comité." in out
    second = tmp_path / "copie.json"
    assert shell("export", "--team", "T0COPIE", "-o", str(second))[0] == 0
    before, after = json.loads(first.read_text()), json.loads(second.read_text())
    assert after["team_id"] == "T0COPIE"
    assert comparable(after) == comparable(before)
    # The copy works as a plan: its active readings, its corrected period, its archived code free.
    history = services.indicators.history(team_id="T0COPIE", code="frc")
    assert [(str(r.period.start), r.note) for r in history.readings] == [
        ("2026-10-01", "corrigé"),
        ("2026-09-01", ""),
    ]
    kpi(services, 'new vieux "Un nouveau vieux"', team="T0COPIE")
    assert services.actions.card(team_id="T0COPIE", number=1).action.indicator_codes == ("frc",)


def test_a_restore_into_a_workspace_with_a_plan_is_refused_and_changes_nothing(
    shell: Shell, services: Services, tmp_path: Path
) -> None:
    build_plan(services)
    path = tmp_path / "plan.json"
    shell("export", "-o", str(path))
    before = services.exports.snapshot(team_id=TEAM)
    code, out, err = shell("import", str(path))
    assert code == 2 and out == "" and "déjà des indicateurs" in err and TEAM in err
    assert services.exports.snapshot(team_id=TEAM) == before
    code, _, err = shell("import", str(path), "--team", "T0COPIE", "--dry-run")
    assert code == 2 and "--dry-run" in err


def test_a_damaged_export_restores_nothing(shell: Shell, services: Services, tmp_path: Path) -> None:
    build_plan(services)
    doc = json.loads(write.write_json(services.exports.snapshot(team_id=TEAM)))
    doc["readings"][-1]["supersedes_id"] = 999_999  # a link to no reading of the file
    path = tmp_path / "abîmé.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = shell("import", str(path), "--team", "T0COPIE")
    assert code == 2 and "abîmé" in err and "supersedes_id" in err
    assert services.exports.snapshot(team_id="T0COPIE").indicators == ()  # rolled back, all of it
    del doc["readings"][0]["value"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = shell("import", str(path), "--team", "T0COPIE")
    assert code == 2 and "readings[0].value" in err
    (tmp_path / "autre.json").write_text('{"indicators": []}', encoding="utf-8")
    code, _, err = shell("import", str(tmp_path / "autre.json"), "--team", "T0COPIE")
    assert code == 2 and "pas un export Pilote" in err
    (tmp_path / "cassé.json").write_text('{"format": "pilote-export",\n', encoding="utf-8")
    code, _, err = shell("import", str(tmp_path / "cassé.json"), "--team", "T0COPIE")
    assert code == 2 and "ligne 2" in err


def test_an_ods_export_read_back_with_odfpy_gives_the_same_readings(plan: Export, tmp_path: Path) -> None:
    from odf.namespaces import OFFICENS
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    path = tmp_path / "export.ods"
    path.write_bytes(write.write_ods(plan, export_labels("fr")))
    sheet = load(str(path)).spreadsheet.getElementsByType(Table)[1]
    cols = columns("readings")
    back = []
    for row in sheet.getElementsByType(TableRow)[1:]:
        cells = row.getElementsByType(TableCell)
        values = {}
        for name, cell in zip(cols, cells, strict=True):
            kind = cell.attributes.get((OFFICENS, "value-type"))
            values[name] = (
                float(cell.attributes[(OFFICENS, "value")])
                if kind == "float"
                else cell.attributes.get((OFFICENS, "date-value")) or str(cell) or None
            )
        back.append(values)
    assert [(r["indicator"], r["period_start"], r["value"], r["state"], r["note"]) for r in back] == [
        (r.indicator, r.period_start.isoformat(), r.value, STATES_FR[r.state], r.note or None)
        for r in plan.readings
    ]
