"""The WSGI application served by `pilote serve`: Slack's endpoint and a health check."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger("pilote.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_TIMESTAMP_DIGITS = 12
StartResponse = Callable[..., Any]


def _plain(start_response: StartResponse, status: str, payload: dict[str, str]) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def signature_headers_ok(environ: dict[str, Any]) -> bool:
    """Whether Slack's signature headers are there and well formed (Bolt checks the signature itself)."""
    ts = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    sig = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    # slack_sdk raises on a timestamp that int() refuses, and Bolt then answers 500: refuse it here.
    return ts.isascii() and ts.isdigit() and len(ts) <= MAX_TIMESTAMP_DIGITS and sig.startswith("v0=")


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


class PiloteWSGI:
    """Routes POST /slack/events to Bolt and GET /healthz to the database check."""

    def __init__(self, app: App, *, signing_secret: str, health: Callable[[], None]) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._verifier = SignatureVerifier(signing_secret)
        self._health = health

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            try:
                self._health()
            except Exception as exc:  # any database failure means "not ready", and is logged
                log.warning("health check failed: %s", exc)
                return _plain(start_response, "503 Service Unavailable", {"status": "unavailable"})
            return _plain(start_response, "200 OK", {"status": "ok"})
        if path == EVENTS_PATH:
            if method != "POST":
                return _plain(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})
            # Bolt parses the body before it checks the signature, so an unsigned body that is not
            # valid JSON would make it answer 500: check the signature first, on the raw bytes.
            body = _read_body(environ)
            if not signature_headers_ok(environ) or not self._verifier.is_valid(
                body, environ["HTTP_X_SLACK_REQUEST_TIMESTAMP"], environ["HTTP_X_SLACK_SIGNATURE"]
            ):
                return _plain(start_response, "401 Unauthorized", {"error": "invalid_request"})
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            try:
                return self._slack(environ, start_response)
            except ValueError:  # a signed body that is not what Slack sends (bad JSON, bad encoding)
                log.warning("malformed signed request refused", exc_info=True)
                return _plain(start_response, "400 Bad Request", {"error": "malformed_payload"})
        return _plain(start_response, "404 Not Found", {"error": "not_found"})
