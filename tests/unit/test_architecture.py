"""Who may import whom (../shared/DESIGN.md), checked by walking every module's imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("bot", "storage", "charts")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("path", modules("bot/domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    allowed_third_party = {"pydantic"}
    for name in imports_of(path):
        if top(name) in sys.stdlib_module_names or top(name) in allowed_third_party:
            continue
        assert under(name, "bot.domain"), f"{path.name} imports {name}"


@pytest.mark.parametrize("folder", ["storage", "charts"])
def test_storage_and_charts_import_nothing_of_ours(folder: str) -> None:
    for path in modules(folder):
        for name in imports_of(path):
            assert top(name) not in OURS or top(name) == folder, f"{path} imports {name}"


def test_slack_adapter_goes_through_services() -> None:
    for path in modules("bot/slack"):
        for name in imports_of(path):
            assert top(name) not in ("storage", "charts", "sqlalchemy", "matplotlib"), (
                f"{path} imports {name}"
            )


def test_services_do_not_know_slack() -> None:
    for path in modules("bot/services"):
        for name in imports_of(path):
            assert not under(name, "bot.slack") and top(name) not in ("slack_bolt", "slack_sdk"), (
                f"{path} imports {name}"
            )


def test_only_the_cli_reads_settings() -> None:
    for path in modules("bot") + modules("storage") + modules("charts"):
        if path.name in ("cli.py", "config.py"):
            continue
        for name in imports_of(path):
            assert name != "bot.config", f"{path} imports the settings"
        assert "os.environ" not in path.read_text(encoding="utf-8"), f"{path} reads the environment"


def test_no_pyplot_anywhere() -> None:
    pattern = re.compile(r"^\s*(import matplotlib\.pyplot|from matplotlib import .*pyplot)", re.M)
    for path in modules("bot") + modules("storage") + modules("charts"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_file_formats_know_nothing_of_storage_services_or_slack() -> None:
    for path in modules("bot/files"):
        for name in imports_of(path):
            assert top(name) not in ("storage", "charts", "sqlalchemy", "slack_bolt", "slack_sdk"), path
            assert not under(name, "bot.services") and not under(name, "bot.slack"), f"{path} imports {name}"


@pytest.mark.parametrize("module", ["bot/metrics.py", "bot/logs.py"])
def test_metrics_and_logs_import_nothing_of_ours(module: str) -> None:
    # Every layer may count and log: these two lean on no layer, so that none gets a cycle.
    allowed_third_party = {"prometheus_client"} if module == "bot/metrics.py" else set()
    for name in imports_of(ROOT / module):
        assert top(name) in sys.stdlib_module_names or top(name) in allowed_third_party, (
            f"{module} imports {name}"
        )


def test_prometheus_client_only_in_the_metrics_module() -> None:
    # One module defines every metric on one registry: /metrics shows them all, and only them.
    for path in modules("bot") + modules("storage") + modules("charts"):
        if path == ROOT / "bot" / "metrics.py":
            continue
        for name in imports_of(path):
            assert top(name) != "prometheus_client", f"{path} imports {name}"


def test_the_api_goes_through_services() -> None:
    for path in modules("bot/api"):
        for name in imports_of(path):
            assert top(name) not in ("storage", "charts", "sqlalchemy", "matplotlib", "slack_bolt"), (
                f"{path} imports {name}"
            )
