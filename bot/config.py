"""Settings, read once from the environment (and a .env file) by the command line."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "pilote_secret_key": "PILOTE_SECRET_KEY",
    "slack_api_url": "SLACK_API_URL",
    "database_url": "DATABASE_URL",
    "pilote_timezone": "PILOTE_TIMEZONE",
    "pilote_language": "PILOTE_LANGUAGE",
    "pilote_admins": "PILOTE_ADMINS",
    "pilote_alert_repeat_hours": "PILOTE_ALERT_REPEAT_HOURS",
    "pilote_plan_channel": "PILOTE_PLAN_CHANNEL",
    "pilote_chart_workers": "PILOTE_CHART_WORKERS",
    "pilote_metrics_token": "PILOTE_METRICS_TOKEN",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


class Settings(BaseSettings):
    """Every setting of Pilote. Tokens are secrets and never printed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Many workspaces (Slack's OAuth install): the app's credentials, and the key its tokens are sealed with.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    pilote_secret_key: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: SecretStr = SecretStr("sqlite:///pilote.db")  # may carry a password
    pilote_timezone: str = "Europe/Paris"
    pilote_language: Literal["fr", "en"] = "fr"
    pilote_admins: str = ""
    pilote_alert_repeat_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    pilote_plan_channel: str | None = None
    pilote_chart_workers: int = Field(default=2, ge=0, le=16)  # processes drawing charts (0: in threads)
    # Set: GET /metrics wants `Authorization: Bearer <it>` (a scraper on another host); unset: open,
    # for a scraper on the same machine (the endpoint listens on 127.0.0.1 unless told otherwise).
    pilote_metrics_token: SecretStr | None = None

    @field_validator("pilote_plan_channel")
    @classmethod
    def _plan_channel(cls, v: str | None) -> str | None:
        if v is not None and not (v[:1] in "CG" and v[1:].isalnum() and v.isupper()):
            raise ValueError("must be a Slack channel id such as C012AB3CD (channel details → About)")
        return v

    @field_validator("pilote_admins")
    @classmethod
    def _admins(cls, v: str) -> str:
        ids = [x for x in v.replace(";", ",").replace(" ", ",").split(",") if x]
        if any(not (x[:1] in "UW" and x[1:].isalnum() and x.isupper()) for x in ids):
            raise ValueError("must be Slack user ids separated by commas, such as U012AB3CD,U045EF6GH")
        return ",".join(ids)

    @property
    def admin_ids(self) -> frozenset[str]:
        """The configured app admins (empty: the workspace's admins and owners)."""
        return frozenset(x for x in self.pilote_admins.split(",") if x)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            raise ValueError("is empty: copy it from the app's Basic Information page")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("pilote_secret_key")
    @classmethod
    def _secret_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and len(v.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (e.g. the output of `openssl rand -base64 32`)")
        return v

    @field_validator("pilote_metrics_token")
    @classmethod
    def _metrics_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and len(v.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (e.g. the output of `openssl rand -hex 16`)")
        return v

    @property
    def many_workspaces(self) -> bool:
        """Installed by each workspace through Slack's OAuth flow (SLACK_CLIENT_ID), not one bot token."""
        return self.slack_client_id is not None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")) or " " in v:
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: SecretStr) -> SecretStr:
        try:
            make_url(v.get_secret_value())
        except ArgumentError:
            raise ValueError(
                "is not a database URL (e.g. sqlite:///pilote.db or postgresql://host/db)"
            ) from None
        return v

    @field_validator("pilote_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a time zone name such as Europe/Paris") from None
        return v

    @classmethod
    def load(cls) -> Settings:
        """Read the settings, or raise ConfigError naming every bad one, one line each."""
        try:
            return cls()
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "?"
                name = ENV_NAMES.get(field, field.upper())
                msg = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "literal_error":
                    msg = "must be fr or en"
                lines.append(f"{name} {msg}")
            raise ConfigError("\n".join(lines)) from None

    def require(self, *fields: str) -> None:
        """Raise ConfigError naming the first of `fields` that is not set."""
        for field in fields:
            if getattr(self, field) is None:
                raise ConfigError(f"{ENV_NAMES[field]} is missing: set it in the environment or in .env")

    def secret_values(self) -> tuple[str, ...]:
        """Every secret that is set, and the password of DATABASE_URL: what a log line must never show."""
        values = [v.get_secret_value() for v in self.__dict__.values() if isinstance(v, SecretStr)]
        password = make_url(self.database_url.get_secret_value()).password
        return tuple(v for v in [*values, str(password or "")] if v)

    def secret(self, field: str) -> str:
        """The value of a required secret."""
        self.require(field)
        value = getattr(self, field)
        assert isinstance(value, SecretStr)
        return value.get_secret_value()
