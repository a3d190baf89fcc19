"""The WSGI application served by `pilote serve`: Slack's endpoint, a health check and the metrics."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import metrics
from bot.logs import RequestIds, request_scope
from bot.slack.shapes import inspect

log = logging.getLogger("pilote.http")

EVENTS_PATH = "/slack/events"
API_PREFIX = "/api/v1/"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
OAUTH_PATHS = (INSTALL_PATH, REDIRECT_PATH)
MAX_TIMESTAMP_DIGITS = 12
MAX_SKEW_S = 5 * 60  # Slack: refuse a request whose timestamp is more than five minutes off
StartResponse = Callable[..., Any]


def _never_seen(keys: Sequence[str]) -> bool:
    return True


def already_seen(first_time: Callable[[Sequence[str]], bool], keys: Sequence[str]) -> bool:
    """Whether a request was taken before under one of its keys (it is remembered under all of them
    now). When the database fails, the request is taken: its listener will say clearly what failed."""
    try:
        return not first_time(keys)
    except Exception:  # noqa: BLE001 - any database failure
        log.warning("replay check failed; the request is taken", exc_info=True)
        return False


def _plain(
    start_response: StartResponse,
    status: str,
    payload: dict[str, str],
    headers: Sequence[tuple[str, str]] = (),
) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers]
    )
    return [body]


def signature_headers_ok(environ: dict[str, Any]) -> bool:
    """Whether Slack's signature headers are there and well formed (before the signature is computed)."""
    ts = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    sig = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    # slack_sdk raises on a timestamp that int() refuses, and Bolt then answers 500: refuse it here.
    return ts.isascii() and ts.isdigit() and len(ts) <= MAX_TIMESTAMP_DIGITS and sig.startswith("v0=")


def signed_by_slack(secret: bytes, body: bytes, timestamp: str, signature: str, *, now: float) -> bool:
    """Slack's v0 signature (HMAC-SHA256 of `v0:{timestamp}:{body}`), checked on the raw bytes: no
    decoding before the signature is known good, so a body that is not UTF-8 is just refused."""
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        return False
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}".encode(), signature.encode("utf-8", "replace"))


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


class OpsWSGI:
    """GET /healthz (the database check) and GET /metrics (Prometheus's text format): what `serve`
    answers besides Slack, and all that `socket --metrics-port` answers."""

    PATHS = (HEALTH_PATH, METRICS_PATH)

    def __init__(
        self,
        *,
        health: Callable[[], None],
        backlog: Callable[[], Mapping[str, int]] | None = None,
        metrics_token: str | None = None,
    ) -> None:
        self._health = health
        self._backlog = backlog
        self._expected = f"Bearer {metrics_token}".encode() if metrics_token else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path not in self.PATHS or method not in ("GET", "HEAD"):
            return _plain(start_response, "404 Not Found", {"error": "not_found"})
        if path == METRICS_PATH:
            return self._metrics(environ, start_response)
        try:
            self._health()
        except Exception as exc:  # any database failure means "not ready", and is logged
            log.warning("health check failed: %s", exc)
            return _plain(start_response, "503 Service Unavailable", {"status": "unavailable"})
        return _plain(start_response, "200 OK", {"status": "ok"})

    def _metrics(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._expected is not None:
            given = environ.get("HTTP_AUTHORIZATION", "").encode("utf-8", "replace")
            if not hmac.compare_digest(given, self._expected):
                log.info("metrics request refused: no valid bearer token")
                return _plain(
                    start_response,
                    "401 Unauthorized",
                    {"error": "invalid_token"},
                    [("WWW-Authenticate", 'Bearer realm="pilote-metrics"')],
                )
        body = metrics.exposition(backlog=self._backlog)
        start_response("200 OK", [("Content-Type", metrics.CONTENT_TYPE), ("Content-Length", str(len(body)))])
        return [body]


class PiloteWSGI:
    """Routes POST /slack/events to Bolt, GET /healthz and /metrics to OpsWSGI; each request in a
    request_scope() (its log lines carry its id and its team's), its ack's delay measured."""

    def __init__(
        self,
        app: App,
        *,
        signing_secret: str,
        health: Callable[[], None],
        first_time: Callable[[Sequence[str]], bool] | None = None,
        backlog: Callable[[], Mapping[str, int]] | None = None,
        metrics_token: str | None = None,
        api: Callable[[dict[str, Any], StartResponse], Iterable[bytes]] | None = None,
    ) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._api = api  # the ingestion API's WSGI app (bot.api), under /api/v1/
        self._secret = signing_secret.encode()
        self._ops = OpsWSGI(health=health, backlog=backlog, metrics_token=metrics_token)
        self._first_time = first_time or _never_seen

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with request_scope() as ids:
            return self._route(environ, start_response, ids)

    def _route(
        self, environ: dict[str, Any], start_response: StartResponse, ids: RequestIds
    ) -> Iterable[bytes]:
        received = time.perf_counter()
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path in OpsWSGI.PATHS and method in ("GET", "HEAD"):
            return self._ops(environ, start_response)
        if path.startswith(API_PREFIX) and self._api is not None:
            return self._api(environ, start_response)
        if path in OAUTH_PATHS and method == "GET":  # many workspaces: Bolt's install and redirect
            if self._slack.app.oauth_flow is None:
                return _plain(start_response, "404 Not Found", {"error": "not_found"})
            return self._slack(environ, start_response)
        if path == EVENTS_PATH:
            if method != "POST":
                return _plain(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})
            # Bolt parses the body before it checks the signature, so an unsigned body that is not
            # valid JSON would make it answer 500: check the signature first, on the raw bytes.
            body = _read_body(environ)
            if not signature_headers_ok(environ) or not signed_by_slack(
                self._secret,
                body,
                environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"],
                environ["HTTP_X_SLACK_SIGNATURE"],
                now=time.time(),
            ):
                log.info("unsigned or stale request refused (%d bytes)", len(body))
                return _plain(start_response, "401 Unauthorized", {"error": "invalid_request"})
            seen = inspect(body, environ.get("CONTENT_TYPE", ""))
            if seen.problem is not None:  # signed, but not a shape Slack sends: refused before Bolt reads it
                log.warning("malformed signed request refused: %s", seen.problem)
                return _plain(start_response, "400 Bad Request", {"error": "malformed_payload"})
            ids.team_id = seen.team_id  # from here on, its log lines say which workspace
            keys = [environ["HTTP_X_SLACK_SIGNATURE"], *([seen.key] if seen.key else [])]
            if already_seen(self._first_time, keys):
                # The same request again (the same bytes replayed, an event Slack resends, a form
                # submitted twice): it took effect the first time, and takes none now.
                log.warning("replayed request ignored (%d bytes)", len(body))
                return _plain(start_response, "200 OK", {})
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            try:
                answer = self._slack(environ, start_response)
            except (ValueError, TypeError, KeyError, AttributeError) as err:  # a shape not foreseen above
                log.warning("malformed signed request refused: %s", type(err).__name__)
                return _plain(start_response, "400 Bad Request", {"error": "malformed_payload"})
            # Bolt returns once the ack listener has run (process_before_response): the ack goes now.
            metrics.ack_seconds(transport="http", type=seen.type, seconds=time.perf_counter() - received)
            return answer
        return _plain(start_response, "404 Not Found", {"error": "not_found"})
