from bot.slack.blocks.terminal import blocks_as_text, mrkdwn_as_text

NAMES = {"U0DEMO": "Camille Demo"}


def test_marks_are_dropped_where_slack_reads_them() -> None:
    assert (
        mrkdwn_as_text("*4 indicateurs* : _vigilance_ ~ancien~", NAMES) == "4 indicateurs : vigilance ancien"
    )
    # Not marks: a product, a snake_case code, a bullet star.
    assert mrkdwn_as_text("2 * 3 = 6, code plan_validé", NAMES) == "2 * 3 = 6, code plan_validé"


def test_people_links_and_entities_become_words() -> None:
    text = "<@U0DEMO> et <@U0OTHER> : <https://exemple.fr|le guide> &amp; &lt;rien&gt;"
    assert mrkdwn_as_text(text, NAMES) == "Camille Demo et U0OTHER : le guide & <rien>"


def test_emoji_codes_go_and_times_stay() -> None:
    assert mrkdwn_as_text(":warning: en retard à 12:30:00", NAMES) == "en retard à 12:30:00"


def test_commands_keep_their_backticks() -> None:
    assert mrkdwn_as_text("Tapez `/kpi list`", NAMES) == "Tapez `/kpi list`"


def test_blocks_become_paragraphs() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Tableau de bord"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Plan* : 4 actions"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "par <@U0DEMO>"}]},
        {"type": "divider"},
    ]
    assert blocks_as_text(blocks, NAMES) == "Tableau de bord\n\nPlan : 4 actions\n\npar Camille Demo"
