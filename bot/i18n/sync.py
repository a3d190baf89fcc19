"""Bring the catalogues up to date with the code: `python -m bot.i18n.sync` (README, "Translations").

It runs `pybabel extract` then `pybabel update` with the settings of pyproject.toml, then writes next
to each key of the non-English catalogues the English text as a translator comment ("en: ..."), which
is what a translator reads in Poedit or Weblate before typing the translation. Run it from the root
of a checkout; tests/unit/test_catalogue.py fails until it has been run after a message changed.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

from bot.i18n import LANGUAGES, po_path, read_catalogue

SOURCE = "en"
WIDTH = 110  # as [tool.babel.update_catalog] in pyproject.toml
COMMENT = "en: "
BRACE = "python-brace-format"


def english_comment(message_string: str | tuple[str, ...] | list[str]) -> str:
    """The translator comment that shows the English text of an entry (its forms joined by " | ")."""
    forms = [message_string] if isinstance(message_string, str) else list(message_string)
    return COMMENT + " | ".join(forms)


def shows_english(comments: list[str], english: str) -> bool:
    """Whether translator comments, as read back from a .po (wrapped over lines), say `english`."""
    return "".join("".join(comments).split()) == "".join(english.split())


def with_english_comments(catalogue: Catalog, english: Catalog) -> bool:
    """Make the translator comment of every entry of `catalogue` its English text (this tool owns
    those comments: a note for translators goes in the code, as a `# TRANSLATORS:` comment); True
    when one changed."""
    changed = False
    for message in catalogue:
        source = english.get(message.id) if message.id else None
        if source is None:
            continue
        wanted = english_comment(source.string)
        if not shows_english(message.user_comments, wanted):
            message.user_comments, changed = [wanted], True
    return changed


def with_format_flags(catalogue: Catalog) -> bool:
    """Flag `python-brace-format` every entry with a {placeholder}, so that Poedit and Weblate check
    that a translation keeps them; True when one changed."""
    changed = False
    for message in catalogue:
        if not message.id:
            continue
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = any(name for text in texts for _, name, _, _ in string.Formatter().parse(text or ""))
        if wanted != (BRACE in message.flags):
            message.flags ^= {BRACE}
            changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    """Extract, update, comment; 0 on success."""
    if not Path("pyproject.toml").is_file():
        print("run this from the root of the Pilote checkout (where pyproject.toml is)", file=sys.stderr)
        return 2
    cli = CommandLineInterface()
    cli.run(["pybabel", "extract", "-F", "pyproject.toml"])
    cli.run(["pybabel", "update"])
    english = read_catalogue(SOURCE)
    for lang in LANGUAGES:
        catalogue = english if lang == SOURCE else read_catalogue(lang)
        commented = lang != SOURCE and with_english_comments(catalogue, english)
        if with_format_flags(catalogue) or commented:
            with po_path(lang).open("wb") as f:
                write_po(f, catalogue, width=WIDTH, ignore_obsolete=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
