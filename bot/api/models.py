"""The ingestion API's documents (pydantic): a batch of readings in, what was done with it out."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 1000


class ReadingIn(BaseModel):
    """One reading, as a person would type it after `/kpi`: the value and the period are read by the
    same rules (`"45/60"`, `"12,5 %"`, `"oui"`, `"T3 2026"`, `"2026-10"`); a JSON number is taken exactly."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"indicator": "frc", "period": "2026-10", "value": "262/412", "note": "export GLPI"},
        {"indicator": "sla", "period": "2026-10", "value": 98.5},
    ]})  # fmt: skip
    indicator: str = Field(
        min_length=1, max_length=64, description="The indicator's code (`frc`, `énergie`)."
    )
    period: str = Field(
        min_length=1,
        max_length=40,
        description="The period: `2026-10-31`, `2026-10`, `2026-T3`, `2026-S44`, `2026`.",
    )
    value: str | Decimal | bool = Field(description="The value: text as typed, a number, or true/false.")
    note: str = Field(default="", max_length=2000, description="A note, kept verbatim.")
    author: str | None = Field(
        default=None,
        max_length=64,
        description="The Slack user id (`U…`) it is recorded for; default: the token.",
    )


class Batch(BaseModel):
    """Up to 1,000 readings. All are stored or none (the answer says which were refused and why), unless
    `partial` is true: then the readings that can be read are stored and the others listed."""

    model_config = ConfigDict(extra="forbid")
    readings: list[ReadingIn] = Field(min_length=1, max_length=MAX_BATCH)
    partial: bool = False
    lang: Literal["fr", "en"] | None = Field(
        default=None, description="How the texts write numbers and dates (default: the workspace's language)."
    )


class Refused(BaseModel):
    """A reading that was not stored, and why."""

    index: int = Field(description="Its place in `readings`, from 0.")
    pointer: str = Field(description="JSON Pointer to it in the request (RFC 6901).")
    code: str = Field(description="Why, as a stable key (`error.import.unknown_code`).")
    detail: str = Field(description="Why, in words.")


class Result(BaseModel):
    """What a batch did."""

    received: int
    new: int = Field(description="Readings of a period that had none.")
    corrected: int = Field(
        description="Readings that replaced another value of their period (kept in the history)."
    )
    unchanged: int = Field(description="Readings already stored as they are: nothing written.")
    refused: list[Refused] = Field(default_factory=list)
    warnings: list[Refused] = Field(
        default_factory=list, description="Readings stored as sent, to check (a percentage outside 0-100)."
    )
    alerts: int = Field(
        default=0, description="Alert and back-to-normal messages queued (newest periods only)."
    )


class ProblemItem(BaseModel):
    """One of the things a problem is made of: a refused reading, or a field out of the schema."""

    index: int | None = Field(default=None, description="The reading's place in `readings`, when it is one.")
    pointer: str = Field(description="JSON Pointer to it in the request (RFC 6901).")
    code: str
    detail: str


class Problem(BaseModel):
    """An error, as RFC 9457 describes it (`application/problem+json`)."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[ProblemItem] | None = None
