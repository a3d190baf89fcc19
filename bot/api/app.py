"""The ingestion API served by `pilote serve`: `POST /api/v1/readings` for machine sources (a ticketing
tool, monitoring), `GET /api/v1/openapi.json`. Errors are RFC 9457 problem documents."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from bot import metrics
from bot.api.models import Batch, ReadingIn, Refused, Result
from bot.api.openapi import openapi_document
from bot.domain.errors import DomainError
from bot.domain.imports import ImportReport, Refusal, RowInput
from bot.files.read import number_text, yes_no
from bot.i18n import LANGUAGES, N_, t, tn
from bot.services import Services
from bot.slack.blocks import terminal
from bot.slack.blocks.common import reason

log = logging.getLogger("pilote.api")

API_PREFIX = "/api/v1/"
READINGS_PATH = "/api/v1/readings"
OPENAPI_PATH = "/api/v1/openapi.json"
PROBLEM = "application/problem+json"
MAX_BODY = 5 * 1024 * 1024
MAX_KEY_CHARS = 255
StartResponse = Callable[..., Any]


class Problem(Exception):
    """An answer in RFC 9457's form: `slug` names its type (/api/v1/problems/<slug>)."""

    def __init__(self, status: int, slug: str, title: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail, self.extra = status, slug, title, detail, extra

    def document(self) -> dict[str, Any]:
        """The problem document."""
        doc = {"type": f"{API_PREFIX}problems/{self.slug}", "title": self.title, "status": self.status}
        if self.detail:
            doc["detail"] = self.detail
        return {**doc, **self.extra}


def _send(
    start_response: StartResponse, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]]
) -> Iterable[bytes]:
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers],
    )
    return [body]


def _language(environ: dict[str, Any], default: str) -> str:
    """The answer's language: the first of Accept-Language that Pilote speaks, else `default`."""
    for part in environ.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return default


def cell_text(value: str | Decimal | bool, lang: str) -> str:
    """A JSON value as the text the reading parser reads: a number written out exactly in `lang`."""
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, Decimal):
        return number_text(value, lang)
    return value


def _rows(batch: Batch, lang: str) -> list[RowInput]:
    def one(i: int, r: ReadingIn) -> RowInput:
        value = r.value if type(r.value) is str else cell_text(r.value, lang)  # a text mostly: no call
        # (line, code, period, value, note, author), by position: a batch builds a thousand
        author = r.author or ""
        return RowInput(i, r.indicator.strip(), r.period.strip(), value.strip(), r.note.strip(), author)

    return [one(i, r) for i, r in enumerate(batch.readings)]


class ApiWSGI:
    """The /api/v1/ routes."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._openapi = json.dumps(openapi_document(), ensure_ascii=False, indent=1).encode()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        lang = _language(environ, self._services.workspaces.language_or_default(team_id=None))
        try:
            if path == OPENAPI_PATH:
                if method not in ("GET", "HEAD"):
                    raise Problem(405, "method-not-allowed", t(lang, "api.method"))
                return _send(start_response, 200, self._openapi, "application/json", [])
            if path != READINGS_PATH:
                raise Problem(404, "not-found", t(lang, "api.not_found"))
            if method != "POST":
                raise Problem(405, "method-not-allowed", t(lang, "api.method"), allow="POST")
            status, body, headers = self._readings(environ, lang)
            return _send(
                start_response, status, body, PROBLEM if status >= 400 else "application/json", headers
            )
        except Problem as problem:
            headers = [("WWW-Authenticate", 'Bearer realm="pilote"')] if problem.status == 401 else []
            if problem.status == 405:
                headers.append(("Allow", "GET" if path == OPENAPI_PATH else "POST"))
            body = json.dumps(problem.document(), ensure_ascii=False).encode()
            return _send(start_response, problem.status, body, PROBLEM, headers)

    def _readings(self, environ: dict[str, Any], lang: str) -> tuple[int, bytes, list[tuple[str, str]]]:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        secret = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        token = self._services.tokens.authenticate(secret=secret) if secret else None
        if token is None:
            log.info("API request refused: no valid token")
            raise Problem(
                401, "unauthorized", t(lang, "api.unauthorized"), t(lang, "api.unauthorized.detail")
            )
        lang = _language(environ, self._services.workspaces.get(team_id=token.team_id).language)
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != "application/json":
            raise Problem(415, "unsupported-media-type", t(lang, "api.media_type"))
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise Problem(413, "too-large", t(lang, "api.too_large"))
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        key = environ.get("HTTP_IDEMPOTENCY_KEY")
        if key is not None and not (0 < len(key) <= MAX_KEY_CHARS and key.isascii() and key.isprintable()):
            raise Problem(400, "bad-idempotency-key", t(lang, "api.bad_key", max=MAX_KEY_CHARS))
        batch = self._batch(raw, lang)
        text_lang = batch.lang or self._services.workspaces.get(team_id=token.team_id).language

        def respond(report: ImportReport) -> tuple[int, str]:
            return _answer(report, lang)

        try:
            answer = self._services.imports.ingest(
                team_id=token.team_id,
                token_id=token.id,
                token_name=token.name,
                idempotency_key=key,
                body_hash=hashlib.sha256(raw).hexdigest(),
                rows=_rows(batch, text_lang),
                lang=text_lang,
                partial=batch.partial,
                respond=respond,
            )
        except DomainError as err:  # the key sent again with another body
            raise Problem(409, "idempotency-conflict", t(lang, "api.conflict"), t(lang, err.key)) from None
        if answer.stored and not answer.replayed:
            metrics.readings_stored("api", answer.stored)
        headers = [("Idempotent-Replayed", "true")] if answer.replayed else []
        return answer.status, answer.body.encode(), headers

    def _batch(self, raw: bytes, lang: str) -> Batch:
        try:
            data = json.loads(raw, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            raise Problem(400, "malformed-json", t(lang, "api.malformed")) from None
        if isinstance(data, dict) and "readings" not in data and "indicator" in data:
            data = {"readings": [data]}  # one reading on its own
        try:
            return Batch.model_validate(data)
        except ValidationError as err:
            errors = [
                {
                    "pointer": "/" + "/".join(str(p) for p in e["loc"]),
                    "code": e["type"],
                    "detail": e["msg"],
                }
                for e in err.errors(include_url=False)[:100]
            ]
            raise Problem(422, "invalid-batch", t(lang, "api.invalid"), errors=errors) from None


# A client's code does not change with the words: an unknown code with close ones is still unknown.
_STABLE_CODES = {"error.import.unknown_code_close": "error.import.unknown_code"}


def _item(r: Refusal, lang: str) -> Refused:
    """A refused (or doubtful) reading of a batch: where it is, a stable code, and why in words."""
    key = r.key
    if key == "error.import.duplicate":  # a batch has readings, not lines
        key = N_("error.api.duplicate")
    return Refused(
        index=r.line,
        pointer=f"/readings/{r.line}",
        code=_STABLE_CODES.get(r.key, r.key),
        detail=terminal.mrkdwn_as_text(reason(lang, key, r.params), {}),
    )


def _answer(report: ImportReport, lang: str) -> tuple[int, str]:
    """The HTTP answer to a batch: 200 with what was stored, or a 422 problem listing the refused."""
    refused = [_item(r, lang) for r in report.refused]
    if not report.committed:
        problem = Problem(
            422,
            "readings-refused",
            t(lang, "api.refused"),
            tn(lang, "api.refused.detail", len(refused), received=report.rows),
            errors=[r.model_dump() for r in refused],
        )
        return 422, json.dumps(problem.document(), ensure_ascii=False)
    result = Result(
        received=report.rows,
        new=report.new,
        corrected=report.corrected,
        unchanged=report.unchanged,
        refused=refused,
        alerts=report.notices,
        warnings=[_item(w, lang) for w in report.warnings],
    )
    return 200, result.model_dump_json()
