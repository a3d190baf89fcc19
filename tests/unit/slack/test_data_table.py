"""The data_table builder keeps within Slack's limits (100 rows, 10,000 characters) and says how many
rows it kept, so that a message can say what was left out."""

from __future__ import annotations

from pathlib import Path

from bot.slack.blocks.common import DATA_TABLE_CHARS_MAX, data_table, number_cell, text_cell
from tests.support.specs import validate_blocks


def chars(block: dict) -> int:
    return len(block["caption"]) + sum(len(str(c.get("text", ""))) for row in block["rows"] for c in row)


def test_a_table_has_a_caption_a_header_row_and_a_row_header_column(slack_specs: Path) -> None:
    block, kept = data_table(
        "Valeurs au 3 déc. 2026", ["Code", "Valeur"], [[text_cell("frc"), number_cell(67.96, "67,96 %")]]
    )
    assert kept == 1 and block is not None
    assert block["rows"][0] == [{"type": "raw_text", "text": "Code"}, {"type": "raw_text", "text": "Valeur"}]
    assert block["row_header_column_index"] == 0 and block["caption"]
    validate_blocks([block])


def test_past_100_rows_the_first_100(slack_specs: Path) -> None:
    rows = [[text_cell(f"ind{i}"), number_cell(i, str(i))] for i in range(130)]
    block, kept = data_table("Valeurs", ["Code", "Valeur"], rows)
    assert kept == 100 and block is not None and len(block["rows"]) == 101
    assert block["rows"][100][0]["text"] == "ind99"
    validate_blocks([block])


def test_past_10000_characters_the_rows_that_fit(slack_specs: Path) -> None:
    rows = [[text_cell(f"ind{i}"), text_cell("é" * 300)] for i in range(60)]
    block, kept = data_table("Valeurs", ["Code", "Note"], rows)
    assert block is not None and 0 < kept < 60
    assert chars(block) <= DATA_TABLE_CHARS_MAX < chars(block) + len("ind99") + 300
    validate_blocks([block])


def test_no_rows_no_table_and_empty_cells_read_as_a_dash() -> None:
    assert data_table("Valeurs", ["Code"], []) == (None, 0)
    assert text_cell("  ") == {"type": "raw_text", "text": "—"}
    assert text_cell("<@U1|alice> l'équipe") == {"type": "raw_text", "text": "@alice l'équipe"}
