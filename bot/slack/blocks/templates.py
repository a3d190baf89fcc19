"""Messages of `/kpi templates`: the indicator templates, and what installing them did."""

from __future__ import annotations

from bot.domain.templates import IndicatorTemplate, TemplateCatalogue, TemplatesInstalled
from bot.domain.text import code_key
from bot.domain.values import SHOWN_WORDS, Kind, agreeing_unit
from bot.i18n import t, tn
from bot.slack.blocks.common import Message, context, esc, header, mention, message, section


def template_line(lang: str, template: IndicatorTemplate, *, present: bool) -> str:
    """ "• `copil` Comités de pilotage tenus — nombre (réunions), trimestrielle, hausse souhaitée"."""
    words = SHOWN_WORDS.get(lang, SHOWN_WORDS["fr"])
    unit = agreeing_unit(template.unit_in(lang), 2, lang)  # "réunion(s)": said as "réunions"
    kind = words[template.kind] + (f" ({esc(unit)})" if unit and template.kind is Kind.NUMBER else "")
    line = t(
        lang,
        "templates.line",
        code=esc(template.code),
        name=esc(template.name.of(lang)),
        kind=kind,
        cadence=words[template.cadence],
        direction=t(lang, f"templates.better.{template.direction}"),
    )
    return line + (t(lang, "templates.present") if present else "")


def templates_message(lang: str, catalogue: TemplateCatalogue) -> Message:
    """`/kpi templates`: each set, its indicators (those the workspace has marked), how to install."""
    title = t(lang, "templates.title")
    blocks = [header(title)]
    for group in catalogue.sets:
        lines = [t(lang, "templates.set", name=esc(group.name.of(lang)), set=group.set)]
        lines.append(f"_{esc(group.reference)}_")
        lines += [
            template_line(lang, tpl, present=code_key(tpl.code) in catalogue.present)
            for tpl in group.indicators
        ]
        blocks.append(section("\n".join(lines)))
    first = catalogue.sets[0]
    blocks.append(context(t(lang, "templates.hint", set=first.set, code=first.indicators[0].code)))
    return message(title, blocks)


def installed_message(lang: str, result: TemplatesInstalled, *, reader: str | None) -> Message:
    """What `/kpi templates install` did: the indicators created, the codes left as they were, and
    what to set next; `reader` is who reads it (None: a terminal)."""
    lines = []
    if result.created:
        codes = ", ".join(f"`{esc(v.code)}`" for v in result.created)
        lines.append(tn(lang, "templates.installed", len(result.created), codes=codes))
    if result.existing:
        codes = ", ".join(f"`{esc(c)}`" for c in result.existing)
        lines.append(tn(lang, "templates.existing", len(result.existing), codes=codes))
    if result.created:
        first = result.created[0]
        owner = first.owner_id
        if owner is None:
            lines.append(t(lang, "templates.no_owner", code=esc(first.code)))
        elif owner == reader:
            lines.append(tn(lang, "templates.yours", len(result.created)))
        else:
            lines.append(tn(lang, "templates.owner", len(result.created), owner=mention(owner, lang)))
        lines.append(t(lang, "templates.next", code=esc(first.code)))
    text = "\n".join(lines)
    return message(text, [section(text)])
