"""`pilote templates` from the shell, on the suite's database (SQLite, or PostgreSQL in CI), and how a
shell command finds its workspace (`--team`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot import cli
from bot.services import Services

Shell = Callable[..., tuple[int, str, str]]


@pytest.fixture
def shell(services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Shell:
    """Run `pilote …` on the test database; (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", services.db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PILOTE_LANGUAGE", "fr")

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_an_empty_database_needs_team_which_creates_the_workspace(shell: Shell, services: Services) -> None:
    code, _, err = shell("templates", "install", "itil")
    assert code == 2 and "aucun espace de travail" in err and "--team" in err
    code, out, _ = shell("templates", "install", "itil", "--team", "T0MAIRIE")
    assert code == 0 and "7 indicateurs créés" in out.replace("\u00a0", " ")
    assert "pas encore de responsable" in out  # no owner named: said, not hidden
    code, out, _ = shell("templates", "install", "copil", "--owner", "U0CAMILLE")  # the one workspace
    assert code == 0 and "1 indicateur créé" in out.replace("\u00a0", " ") and "U0CAMILLE" in out
    owners = {
        s.indicator.code: s.indicator.owner_id for s in services.indicators.summaries(team_id="T0MAIRIE")
    }
    assert owners["copil"] == "U0CAMILLE" and owners["sla"] is None
    code, out, _ = shell("templates", "list")
    assert code == 0 and "`sla` Respect des niveaux de service (SLA)" in out and "déjà présent" in out


def test_a_second_workspace_makes_team_required_and_a_typo_is_caught(
    shell: Shell, services: Services
) -> None:
    services.workspaces.get(team_id="T0UN")
    services.workspaces.get(team_id="T0DEUX")
    code, _, err = shell("templates", "install", "itil")
    assert code == 2 and "plusieurs espaces de travail" in err and "T0DEUX" in err
    code, _, err = shell("templates", "install", "itil", "--team", "T0TROIS")
    assert code == 2 and "ne connaît pas l'espace de travail T0TROIS" in err
    code, _, err = shell("templates", "install", "itil", "--team", "mairie")
    assert code == 2 and "n'est pas un identifiant" in err
    assert services.indicators.summaries(team_id="T0UN") == []
    code, _, err = shell("templates", "install", "cobit", "--team", "T0UN")
    assert code == 2 and "Aucun modèle" in err and err.count("\n") == 1
    code, out, err = shell("templates", "list")  # the list all the same, and why nothing is marked
    assert code == 0 and "`sla`" in out and "— déjà présent" not in out
    assert "Les modèles déjà installés ne sont pas marqués" in err and "--team" in err


def test_a_reading_to_check_is_said_as_stored_or_as_it_would_be(shell: Shell, tmp_path: Path) -> None:
    shell("templates", "install", "itil", "--team", "T0MAIRIE")
    path = tmp_path / "sla.csv"
    path.write_text("Indicateur;Période;Valeur\nsla;2026-10;120 %\n", encoding="utf-8")
    _, out, _ = shell("import", str(path), "--dry-run")
    assert "1 mesure serait enregistrée telle quelle, à vérifier\u00a0:" in out
    assert "ligne 2\u00a0: «\u202f120 %\u202f» est en dehors de 0 à 100\u202f%\u00a0: vérifiez-la." in out
    _, out, _ = shell("import", str(path))
    assert "1 mesure enregistrée telle quelle, à vérifier\u00a0:" in out
    path.write_text("Indicateur;Période;Valeur\nsla;2026-T3;99 %\nsla;2026-SLA;99 %\n", encoding="utf-8")
    _, out, _ = shell("import", str(path))  # the reason continues its line: no capital but a name's
    assert "ligne 2\u00a0: cet indicateur est mensuel" in out and "ligne 3\u00a0: «\u202f2026-SLA" in out


def test_pilote_import_says_what_it_did_and_exits_one_when_rows_were_refused(
    shell: Shell, services: Services, tmp_path: Path
) -> None:
    shell("templates", "install", "itil", "--team", "T0MAIRIE")
    path = tmp_path / "mesures.csv"
    path.write_bytes(
        "Indicateur;Période;Valeur;Commentaire\nfrc;oct. 2026;262/412;Réunion d'équipe\nsla;2026-10;98,5 %;\n"
        "tco-poste;2025;1 234,5 €;\ninconnu;2026-10;3;\n".encode("cp1252")
    )
    code, out, err = shell("import", str(path), "--dry-run")
    assert code == 1 and "Essai à blanc" in out and "3 nouvelles mesures seraient enregistrées" in out
    assert (
        "lu en Windows-1252 (détecté)" in out
        and "ligne 5\u00a0: aucun indicateur «\u202finconnu\u202f»" in out
    )
    assert "\r" not in err  # no progress bar when standard error is no terminal (CI, a pipe)
    assert services.indicators.history(team_id="T0MAIRIE", code="frc").readings == ()
    code, out, _ = shell("import", str(path), "--all-or-nothing")
    assert code == 1 and "Rien n'a été enregistré (--all-or-nothing)" in out
    code, out, _ = shell("import", str(path), "--author", "U0CAMILLE")
    assert code == 1 and "3 nouvelles mesures enregistrées" in out
    (frc,) = services.indicators.history(team_id="T0MAIRIE", code="frc").readings
    assert frc.note == "Réunion d'équipe" and frc.recorded_by == "U0CAMILLE" and frc.source == "import"
    path.write_text("Indicateur;Période;Valeur\nfrc;oct. 2026;262/412\n", encoding="utf-8")
    code, out, _ = shell("import", str(path))
    assert code == 0 and "1 mesure déjà enregistrée à l'identique" in out  # no note column: none erased
    (frc,) = services.indicators.history(team_id="T0MAIRIE", code="frc").readings
    assert frc.note == "Réunion d'équipe"
    code, _, err = shell("import", str(path), "--author", "Jean Dupont")
    assert code == 2 and "n'est pas un identifiant d'utilisateur Slack" in err
    code, _, err = shell("import", str(tmp_path / "absent.csv"))
    assert code == 2 and "aucun fichier" in err
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    code, _, err = shell("import", str(tmp_path / "bad.xlsx"))
    assert code == 2 and "ni un CSV" in err


def test_an_import_stores_its_rows_out_of_the_garbage_collectors_way(
    shell: Shell, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows live until they are stored: the collector's full passes leave them (and what was
    loaded before) alone meanwhile (gc.freeze), and everything is as before afterwards."""
    import gc

    from bot.services.imports import ImportService

    frozen: list[int] = []
    record_rows = ImportService.record_rows

    def spy(self: ImportService, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        return record_rows(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ImportService, "record_rows", spy)
    shell("templates", "install", "itil", "--team", "T0MAIRIE")
    path = tmp_path / "mesures.csv"
    path.write_text("Indicateur;Période;Valeur\nfrc;oct. 2026;262/412\n", encoding="utf-8")
    assert shell("import", str(path))[0] == 0
    assert frozen and frozen[0] > 0 and gc.get_freeze_count() == 0
