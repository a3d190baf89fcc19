"""Sends the outbox to Slack after the ack: DMs tagged with their key, retried, never sent twice."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import urllib.error
from collections.abc import Callable
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.services import Services
from bot.services.outbox import DOORBELL, OutboxItem
from bot.slack.blocks.alerts import closed_alert_message, outbox_message, resent_message
from bot.slack.clients import Clients, NotInstalled, clients_of
from bot.slack.limits import LimitedClient
from bot.slack.people import Languages, SlackUsers

log = logging.getLogger(__name__)
EVENT_TYPE = "pilote_outbox"
HISTORY_LOOKBACK = 200  # messages searched for a tag after an ambiguous failure, with no start time
HISTORY_PAGE = 15  # conversations.history's 2026 cap for apps outside the Slack Marketplace
CLOCK_SKEW_S = 120.0  # Slack's clock and ours may differ: the window starts this much earlier
# A message queued by this process rings the doorbell and is sent at once; a retry is sent when it
# falls due. The outbox is also looked at every SAFETY_POLL_SECONDS for what other processes (the CLI,
# a second server) queued, and RETRY_SECONDS after the database itself failed.
SAFETY_POLL_SECONDS = 10.0
SENDER_MAX_WAIT_S = 5.0
TAGGED_KEPT = 5_000
RETRY_SECONDS = 5.0
# Slack refuses the bot's token itself (revoked, app uninstalled, workspace gone): no message can pass.
TOKEN_REFUSED = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
)
# Errors that say Slack could not take the message just then, not that it refuses it.
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
TOKEN_PAUSE = dt.timedelta(minutes=10)
CONTENDED_SECONDS = 1.0
# A connection that broke, or a timeout: the message may or may not have reached Slack.
AMBIGUOUS = (urllib.error.URLError, HTTPException, ConnectionError, TimeoutError, socket.timeout)


class SearchDeferred(Exception):
    """Slack rate-limited the search for an earlier try: look again after `retry_after` seconds, from
    `cursor` (the page not yet read)."""

    def __init__(self, retry_after: float, cursor: str | None) -> None:
        super().__init__(retry_after)
        self.retry_after, self.cursor = retry_after, cursor


def find_tagged(
    client: WebClient,
    channel: str,
    event_type: str,
    field: str,
    value: Any,
    *,
    oldest: float | None = None,
    cursor: str | None = None,
    seen: dict[str, str] | None = None,
) -> str | None:
    """The ts of a message of the channel whose metadata carries event_type and field == value;
    `seen` collects the ts of every message so tagged on the pages read, by their value."""

    def tagged(msg: dict[str, Any]) -> bool:
        meta = msg.get("metadata") or {}
        if meta.get("event_type") != event_type:
            return False
        found = (meta.get("event_payload") or {}).get(field)
        if seen is not None and isinstance(found, str):
            seen[found] = str(msg["ts"])
        return bool(found == value)

    return find_message(client, channel, tagged, oldest=oldest, cursor=cursor)


def find_message(
    client: WebClient,
    channel: str,
    match: Callable[[dict[str, Any]], bool],
    *,
    oldest: float | None = None,
    cursor: str | None = None,
) -> str | None:
    """The ts of a message of the channel that `match` accepts. With `oldest` (the first try's time:
    nothing older can be it), the whole window is read page by page, 15 messages a call as Slack
    allows apps outside its Marketplace since 2026, from `cursor` if an earlier search stopped there;
    a 429 raises SearchDeferred (the search waits, not the message). Without, the newest only."""
    while True:
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True}
        if oldest is None:
            args["limit"] = HISTORY_LOOKBACK
        else:
            args.update(limit=HISTORY_PAGE, oldest=f"{max(0.0, oldest - CLOCK_SKEW_S):.6f}", inclusive=True)
        if cursor:
            args["cursor"] = cursor
        try:
            page = client.conversations_history(**args)
        except SlackApiError as err:
            if err.response is not None and err.response.status_code == 429:
                wait = float(err.response.headers.get("Retry-After", "60") or 60)
                raise SearchDeferred(wait, cursor) from None
            raise
        for msg in page.get("messages", []):
            if match(msg):
                return str(msg["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if oldest is None or not (page.get("has_more") and cursor):
            return None


def sender_client(*, token: str, base_url: str, timeout: int = 10) -> WebClient:
    """A WebClient that never retries by itself: the outbox decides, after checking what arrived.
    Its calls are spaced by Slack's tiers (bot.slack.limits), delayed 5 s at most (then answered
    `ratelimited` here, and the message waits as for Slack's own 429)."""
    client = LimitedClient(token=token, base_url=base_url, timeout=timeout, max_wait=SENDER_MAX_WAIT_S)
    client.retry_handlers.clear()
    return client


class TokenRefused(Exception):
    """Slack refused the bot token: sending stops until a token works again."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class OutboxSender:
    """Drains the outbox: one claim, then each message sent (or looked for, then sent) and settled."""

    def __init__(self, client: WebClient | Clients, services: Services) -> None:
        self._clients, self._services = clients_of(client), services
        # Off the request path: a DM waits for Slack to say its recipient's language.
        self._languages = Languages(SlackUsers(self._clients), services.workspaces, wait=None)
        self._dm: dict[tuple[str, str], str] = {}
        self._stopping = threading.Event()
        self.refused: str | None = None  # the error of a bot token Slack refuses, until one works
        self._cursors: dict[str, str] = {}  # where a rate-limited search for a message stopped
        self._tagged: dict[str, str] = {}  # the ts of tagged messages the searches have come across

    def drain(self) -> int:
        """Send what is due now; return how many were settled as sent (TokenRefused: Slack refuses the
        bot's token; the rest of the batch comes back when its lease ends)."""
        return sum(self._deliver(item) for item in self._services.outbox.claim())

    def start(self, *, safety_poll: float = SAFETY_POLL_SECONDS) -> threading.Thread:
        """Send in a daemon thread: what is due at once (a restart resumes its sends), then as run() says."""
        thread = threading.Thread(target=self.run, kwargs={"safety_poll": safety_poll}, name="pilote-outbox")
        thread.daemon = True
        thread.start()
        return thread

    def stop(self) -> None:
        """Make run() return (at its next wake-up, which this causes)."""
        self._stopping.set()
        DOORBELL.ring()

    def run(self, *, safety_poll: float = SAFETY_POLL_SECONDS) -> None:
        """Until stop(): drain when a message is due, then sleep until the doorbell rings, the next
        retry falls due or `safety_poll` seconds pass. Idle, it costs one indexed read a wake-up."""
        seen = DOORBELL.rings()
        while not self._stopping.is_set():
            try:
                due_in = self._services.outbox.due_in()
                if due_in is not None and due_in <= 0:
                    items = self._services.outbox.claim()
                    for item in items:
                        self._deliver(item)
                    if items:
                        continue
                    due_in = CONTENDED_SECONDS  # another process claimed them meanwhile
            except TokenRefused as refused:
                # Retrying cannot help until someone installs the app again or sets a new token: one
                # line for the operator, then a slow look now and then (a rotated token may come back).
                if self.refused != refused.code:
                    log.error(
                        "Slack refuses the bot token (%s): alerts and reminders are kept, not sent, until "
                        "a valid SLACK_BOT_TOKEN is set (checked again every %d min)",
                        refused.code,
                        TOKEN_PAUSE.total_seconds() // 60,
                    )
                self.refused = refused.code
                due_in = TOKEN_PAUSE.total_seconds()
            except Exception:  # the database or Slack failed in a way drain() does not settle: try again
                log.exception("outbox not drained, next try in %s s", RETRY_SECONDS)
                due_in = RETRY_SECONDS
            timeout = safety_poll if due_in is None else min(due_in, safety_poll)
            seen = DOORBELL.wait(after=seen, timeout=timeout)

    def _dm_channel(self, client: WebClient, team_id: str, user_id: str) -> str:
        if (team_id, user_id) not in self._dm:
            self._dm[team_id, user_id] = client.conversations_open(users=user_id)["channel"]["id"]
        return self._dm[team_id, user_id]

    def _already_there(self, client: WebClient, channel: str, item: OutboxItem) -> str | None:
        """The ts of a message tagged with this key in the channel, if one arrived after all. A page
        read for one message shows the others of its channel too: what it showed is remembered, and
        a message seen there is settled without another call (one a minute, since 2026)."""
        if item.key in self._tagged:
            return self._tagged.pop(item.key)
        oldest = item.created_at.timestamp() if item.created_at is not None else None
        cursor = self._cursors.pop(item.key, None)
        if len(self._tagged) > TAGGED_KEPT:
            self._tagged.clear()
        return find_tagged(
            client,
            channel,
            EVENT_TYPE,
            "key",
            item.key,
            oldest=oldest,
            cursor=cursor,
            seen=self._tagged,
        )

    def _deliver(self, item: OutboxItem) -> int:
        outbox = self._services.outbox
        # A DM speaks its recipient's language; a channel, the workspace's.
        to_user = item.recipient[:1] in "UW"
        lang = self._languages.of(item.team_id, item.recipient if to_user else None)
        try:
            # A user gets a DM; a channel (escalation) gets the message in the channel.
            client = self._clients.for_team(item.team_id)  # the team's own bot token
            channel = self._dm_channel(client, item.team_id, item.recipient) if to_user else item.recipient
            # Past the bound, Slack's limits kept us from looking: sent again, saying it may be twice.
            look = item.maybe_sent and not item.search_expired
            found = self._already_there(client, channel, item) if look else None
            if found is None:
                msg = outbox_message(lang, item.kind, item.payload, key=item.key)
                if item.search_expired:
                    msg = resent_message(lang, msg)
                metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": item.key}}
                outbox.trying(id=item.id)
                found = str(client.chat_postMessage(channel=channel, metadata=metadata, **msg)["ts"])
            outbox.sent(id=item.id, channel=channel, ts=found)
            metrics.outbox_delivery(kind=item.kind, result="sent")
            if self.refused is not None:
                log.info("Slack accepts the bot token again: sending resumes")
                self.refused = None
        except SlackApiError as err:
            status = err.response.status_code if err.response is not None else 0
            code = str(err.response.get("error", "")) if err.response is not None else ""
            if code in TOKEN_REFUSED:
                # The token, not the message: every message would fail the same way. Keep them all.
                outbox.held(id=item.id, error=code, until=TOKEN_PAUSE)
                metrics.outbox_delivery(kind=item.kind, result="held")
                if self._clients.shares_one_token:
                    raise TokenRefused(code) from None
                # Many workspaces: that team's token only (uninstalled, revoked); the others go on.
                self._clients.forget(item.team_id)
                log.warning("outbox %s: %s's bot token refused (%s): kept", item.key, item.team_id, code)
                return 0
            if status != 429 and status < 500 and code not in TRANSIENT:
                # Slack refused this message (the channel is gone, the user deactivated): the same
                # try would be refused again. Its recipient is told by another road.
                told = outbox.refused(id=item.id, error=code or f"HTTP {status}")
                metrics.outbox_delivery(kind=item.kind, result="refused")
                log.warning(
                    "outbox %s refused by Slack (%s): not sent; %s",
                    item.key,
                    code or f"HTTP {status}",
                    "its owner gets a DM" if told else "shown in its recipient's Home tab",
                )
                return 0
            retry_after = None
            if status == 429:
                retry_after = dt.timedelta(seconds=int(err.response.headers.get("Retry-After", "1") or 1))
            # A 5xx may come after Slack stored the message: look for it before the next try.
            outbox.failed(id=item.id, error=str(err), retry_after=retry_after, ambiguous=status >= 500)
            metrics.outbox_delivery(kind=item.kind, result="retried")
            log.warning("outbox %s not sent (HTTP %s, %s): tried again later", item.key, status, code or err)
            return 0
        except NotInstalled:
            # The workspace uninstalled Pilote (or never installed it): kept, in case it comes back.
            outbox.held(id=item.id, error="not_installed", until=TOKEN_PAUSE)
            metrics.outbox_delivery(kind=item.kind, result="held")
            log.warning("outbox %s: workspace %s has no installation of Pilote: kept", item.key, item.team_id)
            return 0
        except SearchDeferred as deferred:
            # Slack limits its history to a call a minute: the message waits, its tries unspent, and
            # the search goes on from the page it reached.
            if deferred.cursor:
                self._cursors[item.key] = deferred.cursor
            outbox.held(
                id=item.id, error="history rate-limited", until=dt.timedelta(seconds=deferred.retry_after)
            )
            metrics.outbox_delivery(kind=item.kind, result="held")
            log.info(
                "outbox %s: search for an earlier try rate-limited, again in %.0f s",
                item.key,
                deferred.retry_after,
            )
            return 0
        except AMBIGUOUS as err:
            outbox.failed(id=item.id, error=repr(err), retry_after=None, ambiguous=True)
            metrics.outbox_delivery(kind=item.kind, result="retried")
            log.warning(
                "outbox %s: connection failed, will look for it before sending again: %r", item.key, err
            )
            return 0
        if item.kind == "resolved" and item.payload.get("alert_key"):
            self._close_alert(client, lang, str(item.payload["alert_key"]), item)
        return 1

    def _close_alert(self, client: WebClient, lang: str, alert_key: str, resolved: OutboxItem) -> None:
        """Update the original alert DM in place; the "back to normal" DM is already sent either way."""
        original = self._services.outbox.message_of(key=alert_key)
        if original is None:
            return
        msg = closed_alert_message(lang, original.payload, resolved.payload)
        try:
            client.chat_update(channel=original.channel, ts=original.ts, **msg)
        except (SlackApiError, *AMBIGUOUS) as err:
            log.warning("alert %s not updated in place: %s", alert_key, err)
