"""Who is an app admin: the configured list, or else the Slack workspace's admins and owners."""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.people import SlackUsers


class Admins:
    """Answers "is this user an app admin?" from the configured list, or from users.info (cached)."""

    def __init__(self, users: SlackUsers, *, configured: frozenset[str] = frozenset()) -> None:
        self._users, self._configured = users, configured

    @property
    def configured(self) -> frozenset[str]:
        """The configured admins (empty: the workspace's admins and owners are the app's)."""
        return self._configured

    def is_admin(self, user_id: str, team_id: str = "") -> bool:
        """Whether the user may change anything in the workspace (not when Slack cannot tell)."""
        if self._configured:
            return user_id in self._configured
        user = self._users.get(user_id, team_id=team_id)
        if user is None:
            return False
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    def checker(self, user_id: str, team_id: str = "") -> Callable[[], bool]:
        """A callable the services call outside any transaction, only when the user is not the owner."""
        return lambda: self.is_admin(user_id, team_id)
