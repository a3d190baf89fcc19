"""Importing readings: real-world-shaped files, read as `/kpi` reads a reading, stored in one go."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.domain.errors import InvalidInput
from bot.domain.imports import ImportReport, find_columns, rows_of
from bot.files.read import read_table
from bot.services import Services
from storage.models import AlertState, OutboxMessage, Reading
from tests.support.data import kpi
from tests.support.sheets import ods_cell, write_ods, write_xlsx

TEAM = "T0PILOTE"


@pytest.fixture
def plan(services: Services) -> Services:
    kpi(services, 'new frc "Résolution au premier contact" kind=ratio every=month target=75 alert_below=60')
    kpi(services, 'new énergie "Consommation des serveurs" unit=kWh every=quarter')
    kpi(services, 'new budget-nr "Part du budget NR" kind=percent every=year')
    kpi(services, 'new plan-validé "Plan validé" kind=bool every=quarter')
    return services


def import_file(services: Services, path: Path, **options: Any) -> ImportReport:
    table = read_table(path, encoding=options.pop("encoding", None), lang="fr")
    columns = find_columns(table.rows)
    rows, refused = rows_of(table.rows, columns)
    return services.imports.record_rows(
        team_id=TEAM, rows=rows, refused=refused, source="import", recorded_by="pilote-cli", **options
    )


def stored(services: Services, code: str) -> list[tuple[str, float, str]]:
    history = services.indicators.history(team_id=TEAM, code=code)
    return [(str(r.period.start), r.value, r.note) for r in reversed(history.readings)]


def count(services: Services, model: type, *where: Any) -> int:
    with services.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


FRENCH_CSV = (
    "Code indicateur;Période;Valeur;Commentaire\n"
    "frc;oct. 2026;262/412;Bonne semaine pour l'équipe\n"
    "frc;2026-09;45 sur 60;\n"
    "\n"
    "ÉNERGIE;T3 2026;1\u00a0234,5 kWh;relevé « compteur B »\n"
    "énergie;@T2 2026;1\u202f180;\n"
    "budget-nr;2025;2,5 %;\n"
    "plan-validé;T3 2026;oui;\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "iso-8859-15"])
def test_a_french_csv_in_any_of_the_encodings_administrations_produce(
    plan: Services, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "mesures.csv"
    path.write_bytes(
        FRENCH_CSV.replace("1\u202f180", "1\u00a0180" if encoding != "utf-8" else "1\u202f180").encode(
            encoding
        )
    )
    report = import_file(plan, path)
    assert (report.new, report.corrected, report.unchanged, report.refused) == (6, 0, 0, ())
    assert report.committed and report.indicators == ("budget-nr", "frc", "plan-validé", "énergie")
    assert stored(plan, "frc") == [
        ("2026-09-01", 75.0, ""),
        ("2026-10-01", pytest.approx(63.592, abs=1e-3), "Bonne semaine pour l'équipe"),
    ]
    assert stored(plan, "énergie") == [
        ("2026-04-01", 1180.0, ""),
        ("2026-07-01", 1234.5, "relevé « compteur B »"),
    ]
    with plan.db.read() as s:
        frc = s.scalars(select(Reading).where(Reading.period_start == dt.date(2026, 10, 1))).one()
        assert (frc.numerator, frc.denominator, frc.source, frc.recorded_by) == (
            262,
            412,
            "import",
            "pilote-cli",
        )


def test_the_same_file_again_changes_nothing_and_a_changed_value_is_a_correction(
    plan: Services, tmp_path: Path
) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(FRENCH_CSV, encoding="utf-8")
    import_file(plan, path)
    again = import_file(plan, path)
    assert (again.new, again.corrected, again.unchanged) == (0, 0, 6)
    path.write_text(FRENCH_CSV.replace("45 sur 60", "48 sur 60"), encoding="utf-8")
    changed = import_file(plan, path)
    assert (changed.new, changed.corrected, changed.unchanged) == (0, 1, 5)
    assert stored(plan, "frc")[0] == ("2026-09-01", 80.0, "")
    assert count(plan, Reading) == 7  # the corrected value stays, superseded


def test_the_same_figures_without_their_notes_change_nothing(plan: Services, tmp_path: Path) -> None:
    """A file without the note column (or with an empty cell) keeps the stored notes, also when it
    corrects a figure; a new note is a correction."""
    path = tmp_path / "mesures.csv"
    path.write_text(FRENCH_CSV, encoding="utf-8")
    import_file(plan, path)
    path.write_text("code;période;valeur\nfrc;oct. 2026;262/412\nénergie;T3 2026;1234,5\n", encoding="utf-8")
    again = import_file(plan, path)
    assert (again.new, again.corrected, again.unchanged) == (0, 0, 2)
    assert stored(plan, "frc")[1][2] == "Bonne semaine pour l'équipe"
    path.write_text("code;période;valeur;note\nfrc;oct. 2026;262/412;relu\n", encoding="utf-8")
    assert import_file(plan, path).corrected == 1
    assert stored(plan, "frc")[1][2] == "relu"
    path.write_text("code;période;valeur\nfrc;oct. 2026;270/412\n", encoding="utf-8")
    assert import_file(plan, path).corrected == 1  # another figure, no note: the note stays with it
    assert stored(plan, "frc")[1][1:] == (270 / 412 * 100, "relu")


def test_rows_are_refused_one_by_one_with_their_line_and_reason(plan: Services, tmp_path: Path) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(
        "indicator,period,value,note,author\n"
        "frc,2026-09,45/60,,U0BOB\n"  # 2: taken, by Bob
        "frc,2026-10,1/2,,\n"  # 3: refused with line 11, the same period: which is right is not guessed
        "inconnu,2026-10,3,,\n"  # 4
        "frc,T3 2026,45/60,,\n"  # 5: a quarter for a monthly indicator
        'budget-nr,2025,"1.234",,\n'  # 6: 1,234 or 1234?
        "plan-validé,T3 2026,3,,\n"  # 7: a number for a yes/no
        "énergie,,12,,\n"  # 8: no period: never guessed
        "énergie,T3 2026,12,,Camille Martin\n"  # 9: an author Slack does not know by that
        "énergie,T4 2031,12,,\n"  # 10: not started
        "frc,2026-10,2/3,,\n",  # 11: the same period as line 3
        encoding="utf-8",
    )
    report = import_file(plan, path)
    assert [r.line for r in report.refused] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    keys = [r.key for r in report.refused]
    assert keys[0] == keys[8] == "error.import.duplicate"
    assert (report.refused[0].params, report.refused[8].params) == ({"other": 11}, {"other": 3})
    assert keys[1] == "error.import.unknown_code" and keys[5] == "error.import.missing_period"
    assert report.refused[1].params == {"code": "inconnu"}  # nothing close to it: no suggestion
    assert keys[6] == "error.import.author"
    assert report.new == 1 and report.committed
    with plan.db.read() as s:
        assert s.scalars(select(Reading.recorded_by)).all() == ["U0BOB"]


def test_a_cell_beyond_the_header_refuses_its_row(plan: Services, tmp_path: Path) -> None:
    """A note cut by an unquoted separator would lose its end: the row is refused and says why;
    empty cells past the header (`;;`, as spreadsheets write them) are nothing."""
    path = tmp_path / "mesures.csv"
    path.write_text(
        "code;période;valeur;note\n"
        "frc;2026-09;45/60;réunion; puis relance\n"  # 2: the note's own ";"
        'frc;2026-10;46/60;"réunion; puis relance"\n'  # 3: quoted: taken whole
        "frc;2026-08;44/60;;;;\n",  # 4: empty cells past the header
        encoding="utf-8",
    )
    report = import_file(plan, path)
    assert [(r.line, r.key, r.params) for r in report.refused] == [
        (2, "error.import.beyond_header", {"value": "puis relance"})
    ]
    assert report.new == 2 and stored(plan, "frc")[1][2] == "réunion; puis relance"


def test_an_unknown_code_close_to_one_is_asked_about(plan: Services, tmp_path: Path) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(
        "code;période;valeur\nenergie;T3 2026;12\nbudget-nrr;2025;3 %\nbudget-nrr;2024;3 %\n", "utf-8"
    )
    report = import_file(plan, path)
    assert [(r.key, r.params) for r in report.refused] == [
        ("error.import.unknown_code_close", {"code": "budget-nrr", "suggestions": ["budget-nr"]}),
        ("error.import.unknown_code_close", {"code": "budget-nrr", "suggestions": ["budget-nr"]}),
    ]
    assert report.new == 1  # "energie" is "énergie": codes are read without accents or case


def test_all_or_nothing_and_dry_run_store_nothing(plan: Services, tmp_path: Path) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(FRENCH_CSV + "inconnu;2026-10;3;\n", encoding="utf-8")
    refused = import_file(plan, path, all_or_nothing=True)
    assert not refused.committed and refused.new == 6 and len(refused.refused) == 1
    dry = import_file(plan, path, dry_run=True)
    assert dry.dry_run and not dry.committed and dry.new == 6
    assert count(plan, Reading) == 0
    assert import_file(plan, path).committed and count(plan, Reading) == 6


def test_only_the_newest_period_moves_an_indicators_alert_state(plan: Services, tmp_path: Path) -> None:
    path = tmp_path / "histoire.csv"
    months = [
        f"frc;2025-{m:02d};{v}/100;"
        for m, v in zip(range(1, 13), [50, 55, 40, 45, 50, 30, 58, 59, 52, 51, 40, 80], strict=True)
    ]
    path.write_text("code;période;valeur;note\n" + "\n".join(months) + "\n", encoding="utf-8")
    report = import_file(plan, path)
    assert report.new == 12 and report.notices == 0  # eleven alerts in the history, the newest is fine
    assert count(plan, OutboxMessage) == 0 and count(plan, AlertState) == 0
    path.write_text("code;période;valeur;note\nfrc;2026-01;30/100;\nfrc;2024-06;10/100;\n", encoding="utf-8")
    report = import_file(plan, path)
    assert report.notices == 1 and count(plan, OutboxMessage) == 1  # the newest breaches: one alert
    path.write_text("code;période;valeur;note\nfrc;2024-07;90/100;\n", encoding="utf-8")
    assert import_file(plan, path).notices == 0  # a backfill: the state stays the newest period's
    with plan.db.read() as s:
        assert s.scalars(select(AlertState.level)).one() == "alert"


@pytest.mark.parametrize(
    ("stored_first", "imported", "previous"),
    [
        ("2026-08;100", "2026-09;120\ntickets;2026-10;150", 120),  # the period before, imported with it
        ("2026-09;100", "2026-06;50\ntickets;2026-10;150", 100),  # stored, newer than the other row
        ("2026-09;100", "2026-09;140\ntickets;2026-10;150", None),  # corrected with it: 140 stands
    ],
)
def test_a_change_alert_compares_the_newest_period_with_the_one_before(
    plan: Services, tmp_path: Path, stored_first: str, imported: str, previous: float | None
) -> None:
    """The relative-change alert of an import compares its newest period with the period just before:
    a row of the same file, or a stored reading when that one is newer (or was corrected by the file)."""
    kpi(plan, 'new tickets "Tickets reçus" kind=number change_alert=20 owner=<@U0BOB|bob>')
    path = tmp_path / "tickets.csv"
    path.write_text(f"code;période;valeur\ntickets;{stored_first}\n", encoding="utf-8")
    assert import_file(plan, path).committed
    path.write_text(f"code;période;valeur\ntickets;{imported}\n", encoding="utf-8")
    assert import_file(plan, path).committed
    with plan.db.read() as s:
        payloads = [json.loads(p) for p in s.scalars(select(OutboxMessage.payload))]
    assert [p["previous_value"] for p in payloads] == ([previous] if previous is not None else [])


def test_an_edited_indicator_is_evaluated_by_its_new_thresholds(plan: Services, tmp_path: Path) -> None:
    """The import keeps each indicator's view from one batch to the next: an edit makes another one."""
    from bot.domain.grammar import EditIndicator, parse_kpi

    path = tmp_path / "frc.csv"
    path.write_text("code;période;valeur\nfrc;2026-09;55/100\n", encoding="utf-8")
    assert import_file(plan, path).notices == 1  # under 60: alert
    edit = parse_kpi("edit frc alert_below=50")
    assert isinstance(edit, EditIndicator)
    plan.indicators.edit(team_id=TEAM, user_id="U0ALICE", command=edit, is_admin=lambda: True)
    path.write_text("code;période;valeur\nfrc;2026-10;55/100\n", encoding="utf-8")
    assert import_file(plan, path).notices == 1  # the same figure is no alert any more: back to normal
    with plan.db.read() as s:
        assert s.scalars(select(AlertState.level)).one() == "ok"


def test_a_week_that_starts_with_a_month_is_the_newer_period(plan: Services, tmp_path: Path) -> None:
    """June 2026 and week 23 both start on 1 June: for an indicator with no cadence, which takes both,
    the week is the newer period (as periods compare), and its reading the one whose alert is raised."""
    kpi(plan, 'new taux "Taux sans cadence" kind=ratio alert_below=60')
    path = tmp_path / "juin.csv"
    path.write_text("code;période;valeur\ntaux;2026-06;80/100\n", encoding="utf-8")
    assert import_file(plan, path).notices == 0
    path.write_text("code;période;valeur\ntaux;2026-S23;30/100\n", encoding="utf-8")
    assert import_file(plan, path).notices == 1
    with plan.db.read() as s:
        week = s.scalars(select(Reading.id).where(Reading.period_kind == "week")).one()
        key = s.scalars(select(OutboxMessage.key)).one()
    assert key.endswith(f":{week}")  # the message is about the week's reading


def test_imports_move_a_stored_alert_state_as_typed_readings_do(plan: Services, tmp_path: Path) -> None:
    """An alert raised, acknowledged and snoozed to the next reading; an import that brings the
    indicator back resolves it (the snooze ends); a later breach is a new episode, with nothing of the
    old acknowledgement left."""
    from sqlalchemy import update

    kpi(plan, 'new sla "Respect des SLA" kind=percent every=month alert_below=90 owner=<@U0ALICE|alice>')
    path = tmp_path / "sla.csv"

    def month(period: str, value: str) -> ImportReport:
        path.write_text(f"code;période;valeur\nsla;{period};{value}\n", encoding="utf-8")
        return import_file(plan, path)

    def state() -> AlertState:
        with plan.db.read() as s:
            return s.scalars(select(AlertState)).one()

    assert month("2026-09", "80 %").notices == 1
    first = state()
    assert first.level == "alert" and first.alert_key is not None
    with plan.db.write() as s:
        s.execute(
            update(AlertState).values(
                acknowledged_at=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC),
                acknowledged_by="U0ALICE",
                snoozed_to_next_reading=True,
            )
        )
    assert month("2026-10", "95 %").notices == 1  # back to normal
    resolved = state()
    assert (resolved.level, resolved.alert_key, resolved.snoozed_to_next_reading) == ("ok", None, False)
    assert month("2026-11", "70 %").notices == 1
    again = state()
    assert again.level == "alert" and again.alert_key not in (None, first.alert_key)
    assert (again.acknowledged_at, again.acknowledged_by) == (None, None)
    assert count(plan, OutboxMessage, OutboxMessage.kind == "resolved") == 1
    assert count(plan, OutboxMessage, OutboxMessage.kind == "alert") == 2


def test_missing_columns_are_named_with_the_ones_found(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Indicateur;Mois;Commentaire\nfrc;2026-10;x\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        find_columns(read_table(path).rows)
    assert err.value.key == "error.import.missing_columns"
    assert err.value.params["missing"] == ["valeur"] and err.value.params["line"] == 1
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        find_columns(read_table(path).rows)
    assert err.value.key == "error.import.no_header"
    for empty in ("", "\n;;\n\n"):  # nothing to read: said so, not "no header"
        path.write_text(empty, encoding="utf-8")
        with pytest.raises(InvalidInput) as err:
            find_columns(read_table(path).rows)
        assert err.value.key == "error.import.empty"


def test_an_excel_workbook_with_a_merged_title_and_typed_cells(plan: Services, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "tableau.xlsx",
        [
            ["Tableau de bord DSI — 2026"],
            [None],
            ["Indicateur", "Période", "Valeur", "Note"],
            ["budget-nr", 2025, (0.025, "0.0%"), "arrêté des comptes"],  # a percent cell holds 0,025
            ["énergie", "T3 2026", (1234.5, "# ##0"), None],  # shown 1 235, typed 1234,5
            ["frc", (dt.datetime(2026, 10, 1), "mmm\\ yyyy"), "262/412", None],
            ["plan-validé", "T2 2026", True, None],
        ],
        merged=["A1:D1"],
    )
    report = import_file(plan, path)
    assert (report.new, report.refused) == (4, ())
    assert stored(plan, "budget-nr") == [("2025-01-01", 2.5, "arrêté des comptes")]
    assert stored(plan, "énergie") == [("2026-07-01", 1234.5, "")]
    assert stored(plan, "plan-validé") == [("2026-04-01", 1.0, "")]


def test_a_libreoffice_sheet(plan: Services, tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "suivi.ods",
        [
            ["Indicateur", "Période", "Valeur", "Auteur"],
            ["énergie", "T3 2026", ods_cell(1180.333, "1 180,33"), None],  # the value, not its display
            ["budget-nr", "2025", ods_cell(("%", "0.031"), "3,1 %"), "<@U0BOB|bob>"],
            ["frc", ods_cell(dt.date(2026, 10, 1), "oct. 2026"), "45/60", None],
            ["plan-validé", "T3 2026", ods_cell(False, "FAUX"), None],
        ],
        title="Suivi numérique responsable",
        blank_rows=3,
    )
    report = import_file(plan, path)
    assert (report.new, report.refused) == (4, ())
    assert stored(plan, "énergie") == [("2026-07-01", 1180.333, "")]
    assert stored(plan, "budget-nr") == [("2025-01-01", 3.1, "")]
    assert stored(plan, "plan-validé") == [("2026-07-01", 0.0, "")]
    table = read_table(path)
    assert [line for line, _ in table.rows] == [1, 2, 6, 7, 8, 9]  # Calc's row numbers


def test_a_hundred_thousand_rows(plan: Services, tmp_path: Path) -> None:
    path = tmp_path / "gros.csv"
    lines = ["code;période;valeur;note"]
    day = dt.date(2026, 11, 16)
    codes = [f"c{i}" for i in range(100)]
    for code in codes:
        kpi(plan, f'new {code} "Compteur {code}" unit=appel(s) every=week')
    for week in range(1000):  # back to 2007
        monday = day - dt.timedelta(weeks=week)
        year, number, _ = monday.isocalendar()
        lines += [f"{code};{year}-S{number:02d};{week % 97},5;" for code in codes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(plan, path)
    assert (report.rows, report.new, report.refused) == (100_000, 100_000, ())
    assert count(plan, Reading) == 100_000


def test_a_percentage_outside_0_to_100_is_stored_as_typed_and_pointed_out(
    plan: Services, tmp_path: Path
) -> None:
    path = tmp_path / "mesures.csv"
    path.write_text(
        "code;période;valeur;note\nbudget-nr;2025;120 %;\nbudget-nr;2024;12 %;\n", encoding="utf-8"
    )
    report = import_file(plan, path)
    assert report.new == 2 and [(w.line, w.key) for w in report.warnings] == [
        (2, "import.warning.percent_out_of_range")
    ]
    assert stored(plan, "budget-nr")[-1] == ("2025-01-01", 120.0, "")


def test_an_author_that_is_no_slack_user_is_refused_wherever_it_comes_from(plan: Services) -> None:
    from bot.domain.imports import RowInput

    rows = [RowInput(line=0, code="frc", period="2026-10", value="45/60", author="Jean Dupont")]
    report = plan.imports.record_rows(team_id=TEAM, rows=rows, source="api", recorded_by="api:x")
    assert [r.key for r in report.refused] == ["error.import.author"] and report.new == 0


def test_a_unit_in_brackets_in_a_header_names_the_same_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "Code indicateur;Période (mois);Valeur (€);Commentaire\nfrc;2026-10;3;\n", encoding="utf-8"
    )
    columns = find_columns(read_table(path).rows)
    assert columns.index == {"code": 0, "period": 1, "value": 2, "note": 3}


def test_an_encoding_given_for_a_workbook_is_refused_not_ignored(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["indicateur", "période", "valeur"], ["frc", "2026-10", "1/2"]])
    with pytest.raises(InvalidInput) as err:
        read_table(path, encoding="cp1252")
    assert err.value.key == "error.import.encoding_of_csv"


def test_a_period_that_is_only_an_at_sign_is_missing_not_the_current_one(plan: Services) -> None:
    from bot.domain.imports import RowInput

    rows = [RowInput(line=2, code="frc", period=" @ ", value="45/60")]
    report = plan.imports.record_rows(team_id=TEAM, rows=rows, source="import", recorded_by="pilote-cli")
    assert [r.key for r in report.refused] == ["error.import.missing_period"] and report.new == 0
