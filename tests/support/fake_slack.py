"""A fake Slack Web API: a real HTTP server that checks every call against Slack's published specs.

Point the bot's ``WebClient(base_url=fake.api_url, token=fake.token)`` at it. Every call to
``/api/<method>`` is recorded in ``calls``; every mistake the bot makes (unknown method, missing
required argument, bad token, invalid Block Kit, modal published as Home tab, blocks without
fallback text, broken file upload flow, more than 5 posts to a response_url...) is appended to
``problems`` and answered the way Slack answers (``{"ok": false, "error": ...}``).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.specs import blocks_problems, bot_scopes, method_spec, view_problems

#: Args that slack_sdk (and Slack) send as JSON strings inside form bodies.
JSON_STRING_ARGS: dict[str, str] = {
    "blocks": "invalid_blocks_format",
    "user_auth_blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "metadata": "invalid_metadata_format",
    "view": "invalid_arguments",
    "files": "invalid_arguments",
    "unfurls": "invalid_arguments",
    "outputs": "invalid_arguments",
}
#: Messages posted by these methods must carry a `text` fallback when they carry blocks.
TEXT_FALLBACK_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
MODAL_VIEW_METHODS = frozenset({"views.open", "views.push", "views.update"})
#: Slack accepts at most 5 posts to one response_url (within 30 minutes).
RESPONSE_URL_LIMIT = 5
#: Pseudo-method names accepted by fail_next()/drop_after_accept() for the non-API endpoints.
UPLOAD_ENDPOINT = "upload_url"
RESPONSE_ENDPOINT = "response_url"
#: A held call waits at most this long for release() before it is answered anyway (and is a problem).
HOLD_TIMEOUT_SECONDS = 30.0

BOT_USER_ID = "U0PILOTEBOT"
BOT_ID = "B0PILOTE"
APP_ID = "A0PILOTE"
_FIRST_TS = 1_700_000_000
DEFAULT_TOKEN = "xoxb-test-token"  # the bot token the bot is configured with in tests
APP_TOKEN = "xapp-1-A0PILOTE-1-test"  # the app-level token, for apps.connections.open (Socket Mode)
CLIENT_ID, CLIENT_SECRET = "1111.2222", "fake-client-secret"  # the app's OAuth credentials


@dataclass
class Call:
    """One request to /api/<method>, with its arguments (JSON-string args decoded)."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    #: "ok", "error:<slack error>", "scripted:<http status>" or "dropped"
    outcome: str = "pending"
    response: dict[str, Any] | None = None

    def header(self, name: str) -> str | None:
        """Return a request header, case-insensitively."""
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


@dataclass
class Upload:
    """A file going through getUploadURLExternal → POST upload_url → completeUploadExternal."""

    filename: str
    title: str | None
    length: int
    data: bytes | None = None
    alt_txt: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    completed: bool = False
    file_id: str = ""
    snippet_type: str | None = None
    thread_ts: str | None = None
    upload_count: int = 0


@dataclass
class _Scripted:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False


@dataclass
class _Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def of_json(cls, payload: Mapping[str, Any], status: int = 200) -> _Answer:
        """Build a JSON answer."""
        body = json.dumps(payload).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def of_text(cls, text: str, status: int = 200) -> _Answer:
        """Build a plain-text answer."""
        return cls(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


class _ApiError(Exception):
    """A check failed: answer {"ok": false, "error": error} and record a problem."""

    def __init__(self, error: str, problem: str, details: list[str] | None = None) -> None:
        super().__init__(problem)
        self.error = error
        self.problem = problem
        self.details = details or []


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _present(args: Mapping[str, Any], name: str) -> bool:
    return args.get(name) not in (None, "")


def _text_of(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    return value.strip() if isinstance(value, str) else ""


def _ts_key(ts: Any) -> tuple[int, int]:
    seconds, _, micros = str(ts).partition(".")
    try:
        return int(seconds), int(micros or 0)
    except ValueError:
        return 0, 0


def _retirement(spec: Mapping[str, Any]) -> str | None:
    """Describe why a method must not be used (deprecated/retired in the specs), or None."""
    warnings = spec.get("warnings")
    if isinstance(warnings, Mapping) and "method_deprecated" in warnings:
        detail = warnings["method_deprecated"]
        desc = detail.get("desc") if isinstance(detail, Mapping) else None
        return f"deprecated method: {desc or 'Slack marks it method_deprecated'}"
    if spec.get("deprecated") or str(spec.get("desc", "")).lower().startswith("deprecated"):
        return f"deprecated method: {spec.get('desc', '')}".rstrip(": ")
    return None


def _dm_channel_for(user_id: str) -> str:
    return "D" + user_id[1:] if user_id[:1] in ("U", "W") else user_id


class TeamClients:
    """A client per workspace, each with its own bot token on this fake (as with many installations)."""

    def __init__(self, fake: FakeSlack, tokens: Mapping[str, str]) -> None:
        from slack_sdk import WebClient

        self.clients = {
            team: WebClient(token=token, base_url=fake.api_url, timeout=5) for team, token in tokens.items()
        }
        for team, token in tokens.items():
            if token != fake.token:
                fake.other_tokens[token] = team

    shares_one_token = False

    def for_team(self, team_id: str) -> Any:
        return self.clients[team_id]

    def forget(self, team_id: str) -> None:
        pass


class FakeSlack:
    """A threaded HTTP server standing in for slack.com/api, response_urls and upload URLs."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        team_id: str = "T0PILOTE",
        users: Mapping[str, Mapping[str, Any]] | None = None,
        scopes: Iterable[str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        """Configure the fake (not started: use start() or a with block); scopes=None skips scope checks."""
        self.token = token
        #: bot tokens of other workspaces that installed the app (token -> team id)
        self.other_tokens: dict[str, str] = {}
        self.app_token = APP_TOKEN
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        #: OAuth codes Slack would hand the app's redirect URL: code -> (team id, team name)
        self.oauth_codes: dict[str, tuple[str, str]] = {}
        #: refresh tokens of rotating bot tokens, each good once: refresh token -> team id
        self.refresh_tokens: dict[str, str] = {}
        self._current_token: str | None = None
        #: the fake Socket Mode server whose URL apps.connections.open gives (tests/support/fake_socket)
        self.socket_mode: Any = None
        self.scopes: frozenset[str] | None = None if scopes is None else frozenset(scopes)
        self.team_id = team_id
        self.users: dict[str, dict[str, Any]] = {uid: dict(over) for uid, over in (users or {}).items()}
        self.locale = "fr-FR"  # every user's Slack language, unless `users` says otherwise
        self.host = host
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.uploads: dict[str, Upload] = {}
        #: every post to a response_url: the posted JSON plus "url"
        self.responses: list[dict[str, Any]] = []
        #: messages per channel id, oldest first (what conversations.history returns, newest first)
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.views: dict[str, dict[str, Any]] = {}
        #: last view published with views.publish, per user id
        self.home_views: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition(threading.RLock())
        self._scripts: dict[str, deque[_Scripted]] = defaultdict(deque)
        self._holds: dict[str, threading.Event] = {}
        self._response_urls: dict[str, int] = {}
        self._ts_seq = itertools.count(1)
        # Slack stamps messages with its own clock: the tests' clock when they set one, so that a
        # search from "the first try's time" finds what was posted after it.
        self.clock: Callable[[], float] = time.time
        self._last_ts = 0.0
        # Slack's 2026 limits for apps outside the Marketplace, when switched on (history_limits()).
        self.history_cap: int | None = None
        self.history_every: float | None = None
        self._history_at: dict[str, float] = {}
        self._id_seq = itertools.count(1)
        self._response_seq = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------------------------------------
    # lifecycle

    def start(self) -> FakeSlack:
        """Start serving on an ephemeral port in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server((self.host, 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeSlack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server (answering any held call first) and wait for its thread."""
        self.release()
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The WebClient base_url: http://127.0.0.1:<port>/api/"""
        return f"{self.base_url}/api/"

    # ----------------------------------------------------------------------------------------------
    # test-facing helpers

    def new_response_url(self) -> str:
        """Return a fresh response_url served by this fake (http://127.0.0.1:<port>/respond/<n>)."""
        with self._cond:
            url = f"{self.base_url}/respond/{next(self._response_seq)}"
            self._response_urls[url] = 0
            return url

    def fail_next(
        self,
        method: str,
        status: int = 429,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | str | bytes | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with a scripted HTTP answer (checks still run)."""
        if headers is None:
            headers = {"Retry-After": "1"} if status == 429 else {}
        if body is None:
            body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
        if isinstance(body, Mapping):
            raw = json.dumps(body).encode("utf-8")
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        else:
            raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        with self._cond:
            for _ in range(times):
                self._scripts[method].append(_Scripted(status, dict(headers), raw))

    def hold(self, method: str) -> None:
        """Record calls of `method` on arrival (wait_for sees them) but answer none until release()."""
        with self._cond:
            self._holds.setdefault(method, threading.Event())

    def release(self) -> None:
        """Answer every held call, and stop holding."""
        with self._cond:
            holds, self._holds = self._holds, {}
        for gate in holds.values():
            gate.set()

    def drop_after_accept(self, method: str, times: int = 1) -> None:
        """Process the next `times` calls of `method` normally, then close the connection unanswered."""
        with self._cond:
            for _ in range(times):
                self._scripts[method].append(_Scripted(drop=True))

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of one method, in arrival order."""
        with self._cond:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls of `method` arrived; return them all, or raise AssertionError."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout=timeout):
                return self.calls_to(method)
            arrived = [f"{call.method} ({call.outcome})" for call in self.calls] or ["nothing"]
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s, got "
                f"{len(self.calls_to(method))}; calls received: {', '.join(arrived)}"
            )

    def wait_for_responses(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until `count` response_url posts arrived; return them all, or raise AssertionError."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self.responses) >= count, timeout=timeout):
                return list(self.responses)
            raise AssertionError(
                f"expected {count} response_url post(s) within {timeout}s, got {len(self.responses)}: "
                f"{self.responses!r}; API calls received: {[call.method for call in self.calls]}"
            )

    def take_problems(self) -> list[str]:
        """Return the problems recorded so far and clear them (for tests that provoke problems)."""
        with self._cond:
            problems, self.problems = self.problems, []
            return problems

    def add_message(self, channel: str, message: Mapping[str, Any]) -> str:
        """Seed a message in a channel's history (as if posted earlier); return its ts."""
        with self._cond:
            stored = {"type": "message", "ts": self._next_ts(), **message}
            self.messages[channel].append(stored)
            return str(stored["ts"])

    def reset(self) -> None:
        """Forget calls, problems, uploads, responses, messages, views and scripted answers."""
        with self._cond:
            self.calls.clear()
            self.problems.clear()
            self.uploads.clear()
            self.responses.clear()
            self.messages.clear()
            self.views.clear()
            self.home_views.clear()
            self._scripts.clear()
            self._response_urls.clear()

    # ----------------------------------------------------------------------------------------------
    # request handling (runs in server threads)

    def _next_ts(self) -> str:
        next(self._ts_seq)
        self._last_ts = max(round(self.clock(), 6), round(self._last_ts + 0.0001, 6))
        return f"{self._last_ts:.6f}"

    def _history_limited(self, method: str) -> int | None:
        """Seconds to wait when a history call comes too soon under the 2026 limits, else None."""
        if self.history_every is None or method not in ("conversations.history", "conversations.replies"):
            return None
        now, last = self.clock(), self._history_at.get(method)
        if last is not None and now - last < self.history_every:
            return max(1, int(self.history_every - (now - last) + 0.999))
        self._history_at[method] = now
        return None

    def history_limits(self, *, cap: int = 15, every: float = 60.0) -> None:
        """Answer conversations.history and .replies as Slack does for apps outside the Marketplace
        since 2026: at most `cap` messages a call, one call every `every` seconds (else 429)."""
        self.history_cap, self.history_every = cap, every

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}0PILOTE{next(self._id_seq):04d}"

    def _problem(self, text: str) -> None:
        self.problems.append(text)

    def _take_script(self, key: str) -> _Scripted | None:
        queue = self._scripts.get(key)
        return queue.popleft() if queue else None

    def _handle_api(
        self, method: str, args: dict[str, Any], headers: dict[str, str], parse_errors: list[tuple[str, str]]
    ) -> _Answer:
        call = Call(method, args, headers)
        with self._cond:
            self.calls.append(call)
            gate = self._holds.get(method)
            self._cond.notify_all()
        # Wait outside the lock: other calls, and wait_for(), go on while this one is held.
        if gate is not None and not gate.wait(HOLD_TIMEOUT_SECONDS):
            with self._cond:
                self._problem(f"{method}: held for {HOLD_TIMEOUT_SECONDS:.0f} s, never released")
        with self._cond:
            try:
                return self._answer_api(call, parse_errors)
            finally:
                self._cond.notify_all()

    def _answer_api(self, call: Call, parse_errors: list[tuple[str, str]]) -> _Answer:
        method, args = call.method, call.args
        error: _ApiError | None = None
        try:
            self._check(method, args, call, parse_errors)
        except _ApiError as failed:
            error = failed
            self._problem(f"{method}: {failed.problem}")
        queue = self._scripts.get(method)
        script = queue[0] if queue else None
        if script is not None and not script.drop:
            self._take_script(method)
            call.outcome = f"scripted:{script.status}"
            return _Answer(script.status, script.body, script.headers)
        limited = self._history_limited(method)
        if error is None and limited is not None:
            call.outcome = "scripted:429"
            answer = _Answer.of_json({"ok": False, "error": "ratelimited"}, status=429)
            answer.headers["Retry-After"] = str(limited)
            return answer
        if error is not None:
            payload: dict[str, Any] = {"ok": False, "error": error.error}
            if error.details:
                payload["response_metadata"] = {"messages": error.details}
            if error.error == "invalid_blocks":
                payload["errors"] = error.details
            if error.error == "missing_scope":
                payload.update(
                    needed=",".join(bot_scopes(method)), provided=",".join(sorted(self.scopes or ()))
                )
            call.outcome, call.response = f"error:{error.error}", payload
            return _Answer.of_json(payload)
        self._current_token = self._token_of(call)
        payload = self._respond(method, args)
        call.response = payload
        call.outcome = "ok" if payload.get("ok") else f"error:{payload.get('error')}"
        if script is not None:  # drop_after_accept: Slack did the work, the answer never arrives
            self._take_script(method)
            call.outcome = "dropped"
            return _Answer(drop=True)
        return _Answer.of_json(payload)

    def _check(
        self, method: str, args: dict[str, Any], call: Call, parse_errors: list[tuple[str, str]]
    ) -> None:
        spec = method_spec(method)
        if spec is None:
            raise _ApiError("unknown_method", f"no such Web API method (not in methods/{method}.json)")
        retired = _retirement(spec)
        if retired:
            raise _ApiError("method_deprecated", retired)
        if method == "oauth.v2.access":  # the app's credentials (HTTP Basic or arguments), not a token
            credentials = (args.get("client_id"), args.get("client_secret"))
            authorization = call.header("Authorization") or ""
            if authorization.lower().startswith("basic "):
                pair = base64.b64decode(authorization[6:].strip()).decode("utf-8", "replace")
                credentials = tuple(pair.split(":", 1)) if ":" in pair else (pair, None)  # type: ignore[assignment]
            if credentials != (self.client_id, self.client_secret):
                raise _ApiError("invalid_client_id", "oauth.v2.access without the app's client id and secret")
            if args.get("grant_type") == "refresh_token":
                if str(args.get("refresh_token", "")) not in self.refresh_tokens:
                    raise _ApiError("invalid_refresh_token", "no such refresh token (already used?)")
                return
            if str(args.get("code", "")) not in self.oauth_codes:
                raise _ApiError("invalid_code", f"no such OAuth code {args.get('code')!r}")
            return
        token = self._token_of(call)
        if not token:
            raise _ApiError("not_authed", "no token: neither an Authorization: Bearer header nor a token arg")
        if method == "apps.connections.open":  # the one method of the app-level token
            if token != self.app_token:
                raise _ApiError("invalid_auth", f"token {token[:10]!r}... is not the app-level token")
            return
        if token == self.app_token:
            raise _ApiError("not_allowed_token_type", f"{method} with the app-level token, not the bot token")
        if token != self.token and token not in self.other_tokens:
            raise _ApiError("invalid_auth", f"token {token[:10]!r}... is not the configured bot token")
        needed = bot_scopes(method)
        if self.scopes is not None and needed and not self.scopes & set(needed):
            raise _ApiError(
                "missing_scope",
                f"needs one of the bot scopes {needed}; the app has {sorted(self.scopes)}",
            )
        required = [name for name in spec.get("args", {}).get("required", []) if name != "token"]
        missing = [name for name in required if not _present(args, name)]
        if missing:
            raise _ApiError(
                "invalid_arguments",
                f"missing required argument(s) {missing} (args sent: {sorted(args)})",
                [f"[ERROR] missing required field: {name}" for name in missing],
            )
        if parse_errors:
            error, detail = parse_errors[0]
            raise _ApiError(error, detail, [detail for _, detail in parse_errors])
        self._check_content(method, args)

    def token_of(self, call: Call) -> str | None:
        """The token a call was made with (Authorization header, else the token argument)."""
        return self._token_of(call)

    def _token_of(self, call: Call) -> str | None:
        authorization = call.header("Authorization") or ""
        if authorization.lower().startswith("bearer "):
            return authorization[7:].strip()
        token = call.args.get("token")
        return token if isinstance(token, str) and token else None

    def _check_content(self, method: str, args: dict[str, Any]) -> None:
        for name in ("blocks", "user_auth_blocks"):
            if name in args and args[name] is not None:
                found = blocks_problems(args[name], surface="message")
                if found:
                    raise _ApiError("invalid_blocks", f"invalid {name}: " + "; ".join(found), found)
        if method in TEXT_FALLBACK_METHODS:
            has_blocks = bool(args.get("blocks"))
            has_text = bool(_text_of(args, "text"))
            if has_blocks and not has_text:
                raise _ApiError(
                    "no_text",
                    "blocks without a `text` fallback (needed for notifications and screen readers)",
                )
            if method != "chat.update" and not (
                has_text or has_blocks or args.get("attachments") or _text_of(args, "markdown_text")
            ):
                raise _ApiError("no_text", "message has no text, blocks, attachments or markdown_text")
        if "view" in args:
            view = args["view"]
            expected = (
                "home" if method == "views.publish" else "modal" if method in MODAL_VIEW_METHODS else None
            )
            kind = view.get("type") if isinstance(view, Mapping) else None
            if expected is not None and kind != expected:
                raise _ApiError("invalid_arguments", f"view type {kind!r} where {method} needs {expected!r}")
            found = view_problems(view)
            if found:
                raise _ApiError("invalid_arguments", "invalid view: " + "; ".join(found), found)
        if method == "views.open" and not (
            _present(args, "trigger_id") or _present(args, "interactivity_pointer")
        ):
            raise _ApiError("invalid_arguments", "views.open needs trigger_id or interactivity_pointer")
        if method == "views.update" and not (_present(args, "view_id") or _present(args, "external_id")):
            raise _ApiError("invalid_arguments", "views.update needs view_id or external_id")
        if method == "conversations.open" and not (_present(args, "users") or _present(args, "channel")):
            raise _ApiError("users_list_not_supplied", "conversations.open needs users or channel")
        if method == "files.getUploadURLExternal":
            length = args.get("length")
            if not str(length).isdigit() or int(str(length)) <= 0:
                raise _ApiError("invalid_arguments", f"length must be a positive integer, got {length!r}")
        if method == "files.completeUploadExternal":
            self._check_completion(args)

    def _check_completion(self, args: dict[str, Any]) -> None:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise _ApiError("invalid_arguments", f"files must be a non-empty JSON array, got {files!r}")
        for entry in files:
            file_id = entry.get("id") if isinstance(entry, Mapping) else None
            upload = self.uploads.get(str(file_id))
            if upload is None:
                raise _ApiError(
                    "file_not_found",
                    f"file id {file_id!r} was never requested with files.getUploadURLExternal",
                )
            if upload.data is None:
                raise _ApiError(
                    "file_not_found",
                    f"file {file_id} ({upload.filename}): bytes never POSTed to its upload_url",
                )
            if len(upload.data) != upload.length:
                raise _ApiError(
                    "invalid_arguments",
                    f"file {file_id} ({upload.filename}): uploaded "
                    f"{len(upload.data)} bytes but declared length={upload.length}",
                )
            if upload.completed:
                raise _ApiError(
                    "invalid_arguments", f"file {file_id} ({upload.filename}) was already completed"
                )

    # ----------------------------------------------------------------------------------------------
    # successful answers

    def _respond(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = {
            "auth.test": self._auth_test,
            "oauth.v2.access": self._oauth_v2_access,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete,
        }.get(method)
        return handler(args) if handler else {"ok": True}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.socket_mode is None:
            self._problem("apps.connections.open: no fake Socket Mode server is attached")
            return {"ok": False, "error": "internal_error"}
        return {"ok": True, "url": self.socket_mode.new_url()}

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("grant_type") == "refresh_token":  # token rotation: new tokens, the old refresh spent
            team_id = self.refresh_tokens.pop(str(args["refresh_token"]))
            token, refresh = (
                f"xoxe.xoxb-{team_id.lower()}-{next(self._id_seq)}",
                f"xoxe-1-{next(self._id_seq)}",
            )
            self.other_tokens[token] = team_id
            self.refresh_tokens[refresh] = team_id
            return {
                "ok": True,
                "app_id": "A0PILOTE",
                "token_type": "bot",
                "access_token": token,
                "refresh_token": refresh,
                "expires_in": 43_200,
                "team": {"id": team_id, "name": "Commune"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        team_id, team_name = self.oauth_codes.pop(str(args["code"]))
        token = f"xoxb-{team_id.lower()}-{next(self._id_seq)}"
        self.other_tokens[token] = team_id
        return {
            "ok": True,
            "app_id": "A0PILOTE",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": ",".join(sorted(self.scopes or ())),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team_id = self.other_tokens.get(self._current_token or "", self.team_id)
        return {
            "ok": True,
            "url": "https://pilote-test.slack.com/",
            "team": "Pilote Test",
            "user": "pilote",
            "team_id": team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message(self, args: Mapping[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team_id,
            "text": args.get("text") or "",
            "ts": ts,
        }
        for name in ("blocks", "attachments", "metadata", "thread_ts"):
            if args.get(name) not in (None, ""):
                message[name] = args[name]
        return message

    def _channel_id(self, channel: str) -> str:
        return _dm_channel_for(channel)

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any] | None:
        return next((msg for msg in self.messages.get(channel, []) if msg.get("ts") == ts), None)

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(str(args["channel"]))
        ts = self._next_ts()
        message = self._message(args, ts)
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(str(args["channel"]))
        message = self._find_message(channel, args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        for name in ("text", "blocks", "attachments", "metadata"):
            if name in args:
                message[name] = args[name]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": dict(message),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(str(args["channel"]))
        message = self._find_message(channel, args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        self.messages[channel].remove(message)
        return {"ok": True, "channel": channel, "ts": message["ts"]}

    def _store_view(self, view: Mapping[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or self._next_id("V")
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "app_installed_team_id": self.team_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "root_view_id": view_id,
            "previous_view_id": None,
            "clear_on_close": False,
            "notify_on_close": False,
            **view,
            "hash": hashlib.sha1(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16],
        }
        self.views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": dict(self._store_view(args["view"]))}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id:
            external = args.get("external_id")
            view_id = next((vid for vid, v in self.views.items() if v.get("external_id") == external), None)
            if view_id is None:
                return {"ok": False, "error": "not_found"}
        previous = self.views.get(str(view_id))
        if previous is not None and args.get("hash") and args["hash"] != previous.get("hash"):
            return {"ok": False, "error": "hash_conflict"}
        return {"ok": True, "view": dict(self._store_view(args["view"], str(view_id)))}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args["user_id"])
        previous = self.home_views.get(user_id)
        if previous is not None and args.get("hash") and args["hash"] != previous.get("hash"):
            return {"ok": False, "error": "hash_conflict"}
        stored = self._store_view(args["view"], previous["id"] if previous else None)
        self.home_views[user_id] = stored
        return {"ok": True, "view": dict(stored)}

    def user(self, user_id: str, *, include_locale: bool = True) -> dict[str, Any]:
        """Return the users.info `user` object the fake serves for a user id."""
        name = user_id[2:].lower() if user_id.startswith(("U0", "W0")) else user_id.lower()
        overrides = dict(self.users.get(user_id, {}))
        profile = {
            "real_name": name.title(),
            "display_name": name,
            "real_name_normalized": name.title(),
            "display_name_normalized": name,
            "email": f"{name}@pilote.example.org",
            "team": self.team_id,
            **overrides.pop("profile", {}),
        }
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": profile["real_name"],
            "tz": "Europe/Paris",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "locale": self.locale,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1_700_000_000,
            **overrides,
            "profile": profile,
        }
        if not include_locale:
            user.pop("locale", None)
        return user

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        # like Slack, `locale` is only returned with include_locale=true
        return {
            "ok": True,
            "user": self.user(str(args["user"]), include_locale=_truthy(args.get("include_locale"))),
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if _present(args, "channel"):
            channel_id = str(args["channel"])
            users: list[str] = []
        else:
            users = [u.strip() for u in str(args["users"]).split(",") if u.strip()]
            if len(users) == 1:
                channel_id = _dm_channel_for(users[0])
            else:
                channel_id = "G" + hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
        channel: dict[str, Any] = {"id": channel_id}
        if _truthy(args.get("return_im")):
            channel.update(
                {
                    "created": _FIRST_TS,
                    "is_im": len(users) == 1,
                    "is_org_shared": False,
                    "user": users[0] if len(users) == 1 else None,
                    "is_open": True,
                    "last_read": "0000000000.000000",
                    "priority": 0,
                }
            )
        return {"ok": True, "channel": channel}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(str(args["channel"]))
        inclusive = _truthy(args.get("inclusive"))
        oldest = _ts_key(args.get("oldest") or "0")
        latest = _ts_key(args["latest"]) if _present(args, "latest") else None
        selected = []
        for message in reversed(self.messages.get(channel, [])):
            key = _ts_key(message.get("ts"))
            if key < oldest or (key == oldest and not inclusive and oldest != (0, 0)):
                continue
            if latest is not None and (key > latest or (key == latest and not inclusive)):
                continue
            selected.append(dict(message))
        if not _truthy(args.get("include_all_metadata")):
            for message in selected:
                message.pop("metadata", None)
        offset = int(str(args.get("cursor") or "0").removeprefix("offset:") or 0)
        limit = int(args.get("limit") or 100)
        if self.history_cap is not None:
            limit = min(limit, self.history_cap)
        page = selected[offset : offset + limit]
        has_more = offset + limit < len(selected)
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": f"offset:{offset + limit}" if has_more else ""},
        }

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = self._next_id("F")
        self.uploads[file_id] = Upload(
            filename=str(args["filename"]),
            title=None,
            length=int(str(args["length"])),
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
            file_id=file_id,
        )
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = args.get("channel_id") or None
        channels = [c for c in str(args.get("channels") or "").split(",") if c]
        targets = [self._channel_id(c) for c in ([channel_id] if channel_id else []) + channels]
        shares: dict[str, dict[str, list[dict[str, Any]]]] = {}
        files_out: list[dict[str, Any]] = []
        uploads: list[Upload] = []
        for entry in args["files"]:
            upload = self.uploads[str(entry["id"])]
            upload.title = entry.get("title") or upload.filename
            upload.channel_id = channel_id
            upload.initial_comment = args.get("initial_comment")
            upload.thread_ts = args.get("thread_ts")
            upload.completed = True
            uploads.append(upload)
        for target in targets:
            ts = self._next_ts()
            message = self._message(
                {
                    "text": args.get("initial_comment") or "",
                    "thread_ts": args.get("thread_ts"),
                    "blocks": args.get("blocks"),
                },
                ts,
            )
            message["files"] = [{"id": upload.file_id, "name": upload.filename} for upload in uploads]
            message["upload"] = True
            self.messages[target].append(message)
            kind = "private" if target[:1] in ("D", "G") else "public"
            shares.setdefault(kind, {})[target] = [
                {
                    "ts": ts,
                    "channel_name": target,
                    "team_id": self.team_id,
                    "share_user_id": BOT_USER_ID,
                    "source": "UNKNOWN",
                }
            ]
        for upload in uploads:
            files_out.append(
                {
                    "id": upload.file_id,
                    "created": _FIRST_TS,
                    "timestamp": _FIRST_TS,
                    "name": upload.filename,
                    "title": upload.title,
                    "mimetype": "image/png"
                    if upload.filename.endswith(".png")
                    else "application/octet-stream",
                    "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "binary",
                    "user": BOT_USER_ID,
                    "user_team": self.team_id,
                    "size": upload.length,
                    "alt_txt": upload.alt_txt,
                    "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{upload.file_id}/{upload.filename}",
                    "permalink": f"https://pilote-test.slack.com/files/{BOT_USER_ID}/{upload.file_id}/{upload.filename}",
                    "channels": [t for t in targets if t[:1] == "C"],
                    "groups": [t for t in targets if t[:1] == "G"],
                    "ims": [t for t in targets if t[:1] == "D"],
                    "shares": shares,
                }
            )
        return {"ok": True, "files": files_out}

    # ----------------------------------------------------------------------------------------------
    # upload URLs and response_urls

    def _handle_upload(self, file_id: str, content_type: str, body: bytes) -> _Answer:
        with self._cond:
            try:
                script = self._take_script(UPLOAD_ENDPOINT)
                if script is not None and not script.drop:
                    return _Answer(script.status, script.body, script.headers)
                upload = self.uploads.get(file_id)
                if upload is None:
                    self._problem(f"upload_url: POST to unknown file id {file_id!r}")
                    return _Answer.of_text("file_not_found", 404)
                data = _multipart_file(content_type, body) if content_type.startswith("multipart/") else body
                upload.data = data
                upload.upload_count += 1
                if script is not None:
                    return _Answer(drop=True)
                return _Answer.of_text(f"OK - {len(data)}")
            finally:
                self._cond.notify_all()

    def _handle_response_url(self, url: str, content_type: str, body: bytes) -> _Answer:
        with self._cond:
            try:
                if url not in self._response_urls:
                    self._problem(f"response_url: POST to {url} which was never issued by new_response_url()")
                    return _Answer.of_json({"ok": False, "error": "no_such_response_url"}, 404)
                try:
                    payload = json.loads(body or b"null")
                except ValueError:
                    payload = None
                if not isinstance(payload, dict):
                    self._problem(
                        f"response_url {url}: body is not a JSON object ({content_type}): {body[:200]!r}"
                    )
                    return _Answer.of_json({"ok": False, "error": "invalid_payload"}, 400)
                self.responses.append({**payload, "url": url})
                self._response_urls[url] += 1
                if self._response_urls[url] > RESPONSE_URL_LIMIT:
                    self._problem(
                        f"response_url {url}: post #{self._response_urls[url]}, Slack accepts at most "
                        f"{RESPONSE_URL_LIMIT}"
                    )
                    return _Answer.of_json({"ok": False, "error": "used_up"}, 404)
                if "blocks" in payload and payload["blocks"] is not None:
                    found = blocks_problems(payload["blocks"], surface="message")
                    if found:
                        self._problem(f"response_url {url}: invalid blocks: " + "; ".join(found))
                        return _Answer.of_json({"ok": False, "error": "invalid_blocks"}, 400)
                script = self._take_script(RESPONSE_ENDPOINT)
                if script is not None:
                    return (
                        _Answer(drop=True)
                        if script.drop
                        else _Answer(script.status, script.body, script.headers)
                    )
                return _Answer.of_json({"ok": True})
            finally:
                self._cond.notify_all()


def _multipart_parts(content_type: str, body: bytes) -> list[tuple[str | None, str | None, bytes]]:
    """Split a multipart/form-data body into (field name, filename, bytes) parts."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    parts: list[tuple[str | None, str | None, bytes]] = []
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parts.append((str(name) if name else None, part.get_filename(), data))
    return parts


def _multipart_file(content_type: str, body: bytes) -> bytes:
    """Return the file part of a multipart/form-data body (the first part with a filename)."""
    parts = _multipart_parts(content_type, body)
    chosen = next((p for p in parts if p[1]), parts[0] if parts else None)
    return body if chosen is None else chosen[2]


def _multipart_fields(content_type: str, body: bytes) -> dict[str, Any]:
    """Return the fields of a multipart/form-data body: bytes for files, str otherwise."""
    return {
        name: data if filename else data.decode("utf-8", "replace")
        for name, filename, data in _multipart_parts(content_type, body)
        if name
    }


def _pairs_to_dict(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            previous = result[key]
            result[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[key] = value
    return result


def parse_api_args(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Parse Web API args from query + form/JSON/multipart body; decode JSON-string args."""
    args = _pairs_to_dict(parse_qsl(query, keep_blank_values=True))
    errors: list[tuple[str, str]] = []
    media = content_type.split(";")[0].strip().lower()
    if body:
        if media == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                decoded = None
                errors.append(("invalid_json", f"JSON body does not parse: {exc}"))
            if isinstance(decoded, dict):
                args.update(decoded)
            elif decoded is not None:
                errors.append(("invalid_json", "JSON body is not an object"))
        elif media == "multipart/form-data":
            args.update(_multipart_fields(content_type, body))
        else:
            args.update(_pairs_to_dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    for name, error in JSON_STRING_ARGS.items():
        value = args.get(name)
        if isinstance(value, str) and value.strip():
            try:
                args[name] = json.loads(value)
            except ValueError as exc:
                errors.append((error, f"argument {name!r} is not valid JSON: {exc}"))
    return args, errors


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature from the base class
        """Keep test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        """Serve GET /api/<method>?... (Slack accepts GET for read methods)."""
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        """Serve POST /api/<method>, /upload/<file_id> and /respond/<n>."""
        self._dispatch()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return b"".join(self._chunks())
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _chunks(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass
                return
            yield self.rfile.read(size)
            self.rfile.readline()

    def _dispatch(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        body = self._read_body()
        content_type = self.headers.get("Content-Type") or ""
        headers = dict(self.headers.items())
        path = parts.path
        if path.startswith("/api/"):
            args, errors = parse_api_args(parts.query, content_type, body)
            answer = fake._handle_api(path.removeprefix("/api/"), args, headers, errors)
        elif path.startswith("/upload/") and self.command == "POST":
            answer = fake._handle_upload(path.removeprefix("/upload/"), content_type, body)
        elif path.startswith("/respond/") and self.command == "POST":
            answer = fake._handle_response_url(f"{fake.base_url}{path}", content_type, body)
        else:
            with fake._cond:
                fake._problem(f"request to unknown endpoint {self.command} {self.path}")
            answer = _Answer.of_text("not found", 404)
        self._send(answer)

    def _send(self, answer: _Answer) -> None:
        if answer.drop:
            # Slack accepted the request but the connection died before the answer reached the client
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)
        self.close_connection = True
