"""Validate what the bot sends against Slack's published specs (read from /work/shared/slack-specs).

The spec files are never copied into the repo: they are read from ``$PILOTE_SLACK_SPECS`` or from
``<repo>/../shared/slack-specs``. Validators are compiled once per specs folder and cached.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft7Validator, Draft202012Validator, ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

SPECS_ENV = "PILOTE_SLACK_SPECS"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPECS_DIR = REPO_ROOT.parent / "shared" / "slack-specs"
MANIFEST_PATH = REPO_ROOT / "manifest.yml"

#: Slack refuses messages with more than 50 blocks (modals and the Home tab allow 100).
MESSAGE_BLOCK_LIMIT = 50
SURFACE_BLOCK_LIMITS: dict[str, int] = {"message": MESSAGE_BLOCK_LIMIT, "modal": 100, "home": 100}

#: manifest.schema.json $refs these online copies; they are mapped to manifest-schema/schemas/.
MANIFEST_REMOTE_BASE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
MANIFEST_VERSIONS = ("1.0.0", "2.0.0")

Surface = Literal["message", "modal", "home"]

_MAX_REPORTED_ERRORS = 8
_MAX_MESSAGE_CHARS = 300


class SpecsUnavailable(RuntimeError):
    """The Slack specs folder could not be found."""


def specs_dir() -> Path | None:
    """Return the Slack specs folder ($PILOTE_SLACK_SPECS or <repo>/../shared/slack-specs), or None."""
    configured = os.environ.get(SPECS_ENV)
    candidate = Path(configured).expanduser() if configured else DEFAULT_SPECS_DIR
    return candidate.resolve() if candidate.is_dir() else None


def expected_specs_location() -> str:
    """Describe where the specs are looked for (for skip/failure messages)."""
    configured = os.environ.get(SPECS_ENV)
    if configured:
        return f"{configured} (from ${SPECS_ENV})"
    return f"{DEFAULT_SPECS_DIR} (set ${SPECS_ENV} to override)"


def require_specs_dir() -> Path:
    """Return the specs folder or raise SpecsUnavailable naming the expected path."""
    found = specs_dir()
    if found is None:
        raise SpecsUnavailable(f"Slack specs folder not found: {expected_specs_location()}")
    return found


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


# --------------------------------------------------------------------------------------------------
# Block Kit


@functools.cache
def _blockkit_registry(root: str) -> tuple[Registry, str]:
    schema = _load_json(Path(root) / "blockkit" / "slack-block-kit.schema.json")
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    base_uri = schema["$id"]
    return Registry().with_resource(base_uri, resource), base_uri


@functools.cache
def _blockkit_validator(root: str, pointer: str) -> Validator:
    registry, base_uri = _blockkit_registry(root)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": f"{base_uri}#{pointer}"}
    return Draft202012Validator(schema, registry=registry)


def _is_type_mismatch(error: ValidationError) -> bool:
    """True when a oneOf/anyOf branch failed because its `type` discriminator differs."""
    path = list(error.relative_path)
    if error.validator in ("const", "enum") and path == ["type"]:
        return True
    # the branch expects a different JSON type altogether (e.g. object vs string)
    return error.validator == "type" and path == []


def _guard_failures(errors: list[ValidationError]) -> tuple[int, int]:
    """Rank a branch: how many const/enum/not/required guards it failed, then how many errors."""
    guards = sum(error.validator in ("const", "enum", "not", "required") for error in errors)
    return guards, len(errors)


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """Descend into oneOf/anyOf, keeping only the branches that match the instance's discriminator."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        branches[sub.relative_schema_path[0]].append(sub)
    plausible = [errs for errs in branches.values() if not any(map(_is_type_mismatch, errs))]
    if len(plausible) == len(branches) > 1:
        # no `type` discriminator (e.g. the manifest's _metadata.major_version): keep the closest branches
        best = min(map(_guard_failures, plausible))
        plausible = [errs for errs in plausible if _guard_failures(errs) == best]
    if not plausible:
        return [error]
    leaves: list[ValidationError] = []
    for errs in plausible:
        for sub in errs:
            leaves.extend(_leaf_errors(sub))
    return leaves


def _describe(error: ValidationError) -> str:
    instance = error.instance
    if error.validator == "maxLength" and isinstance(instance, str):
        message = f"string of {len(instance)} characters exceeds maxLength {error.validator_value}"
    elif error.validator == "maxItems" and isinstance(instance, list):
        message = f"array of {len(instance)} items exceeds maxItems {error.validator_value}"
    elif error.validator in ("oneOf", "anyOf") and isinstance(instance, dict) and "type" in instance:
        message = f"no schema accepts an object of type {instance['type']!r} here"
    else:
        message = error.message
    if len(message) > _MAX_MESSAGE_CHARS:
        message = message[: _MAX_MESSAGE_CHARS - 1] + "…"
    return f"{error.json_path}: {message}"


def schema_problems(validator: Validator, instance: Any) -> list[str]:
    """Return readable 'JSON path: message' strings for every schema violation (empty when valid)."""
    problems: list[str] = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            text = _describe(leaf)
            if text not in problems:
                problems.append(text)
    return problems


def _raise_if_problems(what: str, problems: Sequence[str]) -> None:
    if not problems:
        return
    shown = list(problems[:_MAX_REPORTED_ERRORS])
    if len(problems) > len(shown):
        shown.append(f"... and {len(problems) - len(shown)} more")
    raise AssertionError(f"{what} is invalid:\n  " + "\n  ".join(shown))


# "1 action(s)": a count that did not go through a plural form (tn() and the catalogue's plural
# forms). Text between backticks is what the user types, and is left alone.
_PLURAL_MARK = re.compile(r"\w\((?:s|e|es|x)\)")
_CODE_SPAN = re.compile(r"`[^`]*`")


def wording_problems(value: Any, path: str = "$") -> list[str]:
    """Return the texts of blocks or a view that write a count with "(s)" instead of agreeing."""
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in wording_problems(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in wording_problems(item, f"{path}[{i}]")]
    if isinstance(value, str) and path.endswith(".text") and _PLURAL_MARK.search(_CODE_SPAN.sub("", value)):
        return [f"{path}: a plural written with (s) instead of agreeing with its count: {value[:120]!r}"]
    return []


#: Slack's rules for the 2026 data blocks that JSON Schema cannot say (docs.slack.dev, data-table-block
#: and data-visualization-block): one table a message, two charts, 10,000 characters in a table.
TABLE_BLOCK_TYPES = ("table", "data_table")
DATA_TABLE_CHARS_MAX = 10_000
DATA_VISUALIZATIONS_MAX = 2


def _cell_text(cell: Any) -> str:
    if not isinstance(cell, Mapping):
        return ""
    if cell.get("type") == "raw_number":
        return str(cell.get("text") or cell.get("value", ""))
    if cell.get("type") == "raw_text":
        return str(cell.get("text", ""))
    return json.dumps(cell.get("elements", []), ensure_ascii=False)


def _data_table_problems(index: int, block: Mapping[str, Any]) -> list[str]:
    where = f"$[{index}]"
    rows = block.get("rows")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        return []  # the schema says what is wrong
    problems = []
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        problems.append(f"{where}.rows: rows of different lengths {sorted(widths)}")
    header = block.get("row_header_column_index")
    if isinstance(header, int) and header >= min(widths):
        problems.append(f"{where}.row_header_column_index: {header} is not a column of {min(widths)}")
    if any(isinstance(c, Mapping) and c.get("type") == "rich_text" for c in rows[0]):
        problems.append(f"{where}.rows[0]: the header row cannot hold rich_text cells")
    chars = len(str(block.get("caption", ""))) + sum(len(_cell_text(c)) for row in rows for c in row)
    if chars > DATA_TABLE_CHARS_MAX:
        problems.append(f"{where}: {chars} characters in the table exceed {DATA_TABLE_CHARS_MAX}")
    return problems


def _data_visualization_problems(index: int, block: Mapping[str, Any]) -> list[str]:
    chart = block.get("chart")
    if not isinstance(chart, Mapping) or chart.get("type") == "pie":
        return []
    series = chart.get("series") or []
    categories = list((chart.get("axis_config") or {}).get("categories") or [])
    where, problems = f"$[{index}].chart", []
    names = [s.get("name") for s in series if isinstance(s, Mapping)]
    if len(set(names)) != len(names):
        problems.append(f"{where}.series: names must be unique, got {names}")
    if len(set(categories)) != len(categories):
        problems.append(f"{where}.axis_config.categories: labels must be unique, got {categories}")
    for i, one in enumerate(series):
        labels = [p.get("label") for p in one.get("data") or [] if isinstance(p, Mapping)]
        if sorted(map(str, labels)) != sorted(map(str, categories)):
            problems.append(f"{where}.series[{i}]: one data point per category needed, got {labels}")
    return problems


def data_block_problems(blocks: list[Any]) -> list[str]:
    """Slack's rules on data_table, table and data_visualization blocks beyond the JSON Schema."""
    kinds = [b.get("type") if isinstance(b, Mapping) else None for b in blocks]
    problems = []
    tables = sum(kind in TABLE_BLOCK_TYPES for kind in kinds)
    if tables > 1:
        problems.append(f"$: {tables} table blocks, Slack allows one per message")
    charts = kinds.count("data_visualization")
    if charts > DATA_VISUALIZATIONS_MAX:
        problems.append(f"$: {charts} data_visualization blocks, Slack renders {DATA_VISUALIZATIONS_MAX}")
    for i, (kind, block) in enumerate(zip(kinds, blocks, strict=True)):
        if kind == "data_table":
            problems += _data_table_problems(i, block)
        elif kind == "data_visualization":
            problems += _data_visualization_problems(i, block)
    return problems


def blocks_problems(blocks: Any, *, surface: Surface = "message") -> list[str]:
    """Return the readable problems of a block list for a surface (empty when valid)."""
    if surface not in SURFACE_BLOCK_LIMITS:
        raise ValueError(f"unknown surface {surface!r}; expected one of {sorted(SURFACE_BLOCK_LIMITS)}")
    if not isinstance(blocks, list):
        return [f"$: blocks must be a JSON array, got {type(blocks).__name__}"]
    problems = schema_problems(_blockkit_validator(str(require_specs_dir()), ""), blocks)
    limit = SURFACE_BLOCK_LIMITS[surface]
    if len(blocks) > limit:
        problems.insert(0, f"$: {len(blocks)} blocks exceed Slack's limit of {limit} per {surface}")
    return problems + data_block_problems(blocks) + wording_problems(blocks)


def validate_blocks(blocks: Any, *, surface: Surface = "message") -> None:
    """Assert that a list of blocks is valid Block Kit for the surface (message: at most 50 blocks)."""
    _raise_if_problems(
        f"Block Kit ({surface}, {_count(blocks)} blocks)", blocks_problems(blocks, surface=surface)
    )


def view_problems(view: Any) -> list[str]:
    """Return the readable problems of a modal or Home tab view (empty when valid)."""
    if not isinstance(view, Mapping):
        return [f"$: a view must be a JSON object, got {type(view).__name__}"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [f"$.type: view type must be 'modal' or 'home', got {kind!r}"]
    validator = _blockkit_validator(str(require_specs_dir()), f"/$defs/{kind}_view")
    return schema_problems(validator, dict(view)) + wording_problems(view)


def validate_view(view: Any) -> None:
    """Assert that a view validates against $defs/modal_view or $defs/home_view (by its type)."""
    kind = view.get("type") if isinstance(view, Mapping) else None
    _raise_if_problems(f"View ({kind})", view_problems(view))


def _count(blocks: Any) -> str:
    return str(len(blocks)) if isinstance(blocks, list) else "?"


# --------------------------------------------------------------------------------------------------
# App manifest


@functools.cache
def _manifest_validator(root: str) -> Validator:
    folder = Path(root) / "manifest-schema"
    registry: Registry = Registry()
    for version in MANIFEST_VERSIONS:
        contents = _load_json(folder / "schemas" / f"manifest.schema.{version}.json")
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        registry = registry.with_resource(f"{MANIFEST_REMOTE_BASE}manifest.schema.{version}.json", resource)
    schema = _load_json(folder / "manifest.schema.json")
    return Draft7Validator(schema, registry=registry)


def manifest_problems(data: Mapping[str, Any]) -> list[str]:
    """Return the readable problems of an app manifest (empty when valid)."""
    return schema_problems(_manifest_validator(str(require_specs_dir())), data)


def validate_manifest(data: Mapping[str, Any]) -> None:
    """Assert that an app manifest (parsed YAML/JSON) validates against Slack's manifest schema."""
    _raise_if_problems("App manifest", manifest_problems(data))


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Parse the repo's manifest.yml (no validation)."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a YAML mapping")
    return data


def manifest_bot_scopes(path: Path = MANIFEST_PATH) -> list[str]:
    """Return oauth_config.scopes.bot of the repo's manifest.yml."""
    return list(load_manifest(path).get("oauth_config", {}).get("scopes", {}).get("bot", []))


# --------------------------------------------------------------------------------------------------
# Web API methods and payload samples


@functools.cache
def _method_specs(root: str) -> dict[str, Path]:
    folder = Path(root) / "methods"
    # methods.json is the index of every method (a list), not a method description
    return {path.stem: path for path in folder.glob("*.json") if path.name != "methods.json"}


def known_methods() -> frozenset[str]:
    """Return the names of every Web API method described in methods/."""
    return frozenset(_method_specs(str(require_specs_dir())))


@functools.cache
def _method_spec(root: str, method: str) -> dict[str, Any]:
    return _load_json(_method_specs(root)[method])


def method_spec(method: str) -> dict[str, Any] | None:
    """Return the parsed methods/<method>.json, or None when Slack has no such method."""
    root = str(require_specs_dir())
    if method not in _method_specs(root):
        return None
    return _method_spec(root, method)


def bot_scopes(method: str) -> list[str]:
    """Return the bot scopes of a Web API method (any one of them suffices; empty: none needed)."""
    spec = method_spec(method)
    scope = spec.get("scope") if spec else None
    return list(scope.get("bot", [])) if isinstance(scope, dict) else []


def required_args(method: str) -> list[str]:
    """Return args.required of a Web API method (empty for unknown methods)."""
    spec = method_spec(method)
    if spec is None:
        return []
    return list(spec.get("args", {}).get("required", []))


def payload_sample(name: str) -> dict[str, Any]:
    """Return payloads/<name>.json (e.g. 'SlashCommandPayload')."""
    return _load_json(require_specs_dir() / "payloads" / f"{name}.json")
