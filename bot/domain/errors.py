"""Domain errors: each carries a message key and parameters, translated by the Slack adapter."""

from __future__ import annotations

from typing import Any

from bot.domain.keys import N_


class DomainError(Exception):
    """A user-facing error: `key` names a catalogue message, `params` fill it in."""

    key: str = N_("error.generic")

    def __init__(self, message_key: str | None = None, /, **params: Any) -> None:
        self.key = message_key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}")


class InvalidInput(DomainError):
    """The text typed by the user cannot be understood."""

    key = N_("error.invalid_input")


class UnknownIndicator(DomainError):
    """No indicator with that code in this workspace."""

    key = N_("error.unknown_indicator")


class DuplicateIndicator(DomainError):
    """An indicator with that code already exists in this workspace."""

    key = N_("error.duplicate_indicator")


class NothingToUndo(DomainError):
    """The user has no reading left to withdraw."""

    key = N_("error.nothing_to_undo")


class UnknownAction(DomainError):
    """No action with that number in this workspace."""

    key = N_("error.unknown_action")


class NotAllowed(DomainError):
    """Only the owner, or an admin, may do that."""

    key = N_("error.not_allowed")
