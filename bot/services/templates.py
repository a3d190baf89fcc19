"""The indicator templates shipped with Pilote (bot/templates/*.yaml), read once and checked."""

from __future__ import annotations

import functools
from importlib import resources

import yaml

from bot.domain.templates import TemplateSet, check_catalogue


@functools.cache
def template_sets() -> tuple[TemplateSet, ...]:
    """Every template set, in the order of their file names; a malformed file stops here, loudly."""
    folder = resources.files("bot") / "templates"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return check_catalogue(
        tuple(TemplateSet.model_validate(yaml.safe_load(f.read_text("utf-8"))) for f in files)
    )
