"""What an import did, as terminal text (`pilote import`) from the catalogue."""

from __future__ import annotations

from bot.domain.imports import ImportReport, Refusal
from bot.i18n import NN_, t, tn
from bot.slack.blocks import terminal
from bot.slack.blocks.common import reason

_DID = (NN_("import.new"), NN_("import.corrected"), NN_("import.unchanged"))
_WOULD = (NN_("import.new.would"), NN_("import.corrected.would"), NN_("import.unchanged"))
SHOWN_REFUSALS = 50  # more are counted, not listed: the first ones say what to fix


def report_lines(lang: str, report: ImportReport, *, file_note: str = "") -> list[str]:
    """The import's summary: what was (or would be) stored, and each refused row with its line."""
    lines = [file_note] if file_note else []
    if report.dry_run:
        lines.append(t(lang, "import.dry_run"))
    elif not report.committed:
        lines.append(tn(lang, "import.all_or_nothing", len(report.refused)))
    lines.append(tn(lang, "import.rows", report.rows))
    keys = _WOULD if report.dry_run or not report.committed else _DID
    for key, count in zip(keys, (report.new, report.corrected, report.unchanged), strict=True):
        if count:
            lines.append("  " + tn(lang, key, count))
    if report.indicators:
        codes = ", ".join(report.indicators)
        lines.append("  " + tn(lang, "import.indicators", len(report.indicators), codes=codes))
    if report.committed and report.notices:
        lines.append("  " + tn(lang, "import.notices", report.notices))
    if report.warnings:
        stored = report.committed and not report.dry_run
        key = NN_("import.warnings") if stored else NN_("import.warnings.would")
        lines.append(tn(lang, key, len(report.warnings)))
        for warning in report.warnings[:SHOWN_REFUSALS]:
            lines.append("  " + _line(lang, warning))
    if report.refused:
        lines.append(tn(lang, "import.refused", len(report.refused)))
        for refusal in report.refused[:SHOWN_REFUSALS]:
            lines.append("  " + _line(lang, refusal))
        if len(report.refused) > SHOWN_REFUSALS:
            lines.append("  " + tn(lang, "import.refused_more", len(report.refused) - SHOWN_REFUSALS))
    return lines


# Words that keep their capital after "ligne 4 :" (names, not the start of a sentence).
_NAMES = frozenset({"Pilote", "Slack", "Etalab", "Excel", "LibreOffice"})


def _line(lang: str, refusal: Refusal) -> str:
    """`ligne 4 : cet indicateur est mensuel…`: the reason continues the line, so a sentence's first
    word loses its capital (not a name, an acronym such as SLA, or a code)."""
    text = terminal.mrkdwn_as_text(reason(lang, refusal.key, refusal.params), {})
    word = text.split(" ", 1)[0]
    if word[:1].isupper() and word[1:].islower() and word.isalpha() and word not in _NAMES:
        text = text[0].lower() + text[1:]
    return t(lang, "import.refused_line", line=refusal.line, reason=text)
