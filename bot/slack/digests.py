"""Posting dashboards: the charts go up with the files upload v2 steps and are shared in one message
with the Block Kit summary. Digests are claimed per period, so each is posted once; after an ambiguous
failure the channel is searched for the files of the earlier try before anything is posted again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.domain.dashboard import DashboardSnapshot
from bot.services import Services
from bot.services.dashboards import ChartImage
from bot.services.digests import DigestJob
from bot.slack.blocks import dashboard as blocks
from bot.slack.clients import Clients, NotInstalled, clients_of
from bot.slack.delivery import (
    AMBIGUOUS,
    TOKEN_PAUSE,
    TOKEN_REFUSED,
    SearchDeferred,
    find_message,
    find_tagged,
)

log = logging.getLogger(__name__)
EVENT_TYPE = "pilote_digest"
MAX_PER_RUN = 50  # digests posted per tick at most; the rest wait 30 s for the next one
# Slack refuses these for good: retrying cannot help until someone changes the channel.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
    }
)


class UploadFailed(Exception):
    """The bytes of a chart did not reach the upload URL."""


class ChartPoster:
    """Uploads charts and shares them in a channel in one message with the summary blocks."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def upload(self, files: Sequence[tuple[ChartImage, str, str]]) -> tuple[str, ...]:
        """Upload (image, title, alt text) files, not yet shared; their file ids."""
        ids = []
        for image, _title, alt in files:
            answer = self._client.files_getUploadURLExternal(
                filename=f"{image.kind}.png", length=len(image.png), alt_txt=alt
            )
            request = urllib.request.Request(
                str(answer["upload_url"]),
                data=image.png,
                method="POST",
                headers={"Content-Type": "application/octet-stream"},
            )
            with urllib.request.urlopen(request, timeout=self._client.timeout) as response:  # noqa: S310
                if response.status != 200:
                    raise UploadFailed(f"upload of {image.kind}.png answered HTTP {response.status}")
            ids.append(str(answer["file_id"]))
        return tuple(ids)

    def share(
        self, *, channel: str, file_ids: Sequence[str], titles: Sequence[str], blocks: list[Any]
    ) -> str | None:
        """Share the uploaded files in the channel with the blocks; the message's ts when Slack says it."""
        answer = self._client.files_completeUploadExternal(
            files=[{"id": f, "title": title} for f, title in zip(file_ids, titles, strict=True)],
            channel_id=channel,
            blocks=json.dumps(blocks, ensure_ascii=False),
        )
        return _share_ts(answer.get("files") or [], channel)

    def already_shared(
        self, *, channel: str, file_ids: Sequence[str], oldest: float | None = None, cursor: str | None = None
    ) -> str | None:
        """The ts of a message in the channel holding one of these files, if an earlier try got there
        (searched from `oldest`, the first try's time; SearchDeferred when Slack rate-limits it)."""
        wanted = set(file_ids)

        def holds_one(msg: dict[str, Any]) -> bool:
            return bool(wanted & {str(f.get("id")) for f in msg.get("files") or []})

        return find_message(self._client, channel, holds_one, oldest=oldest, cursor=cursor)

    def publish(
        self,
        *,
        lang: str,
        channel: str,
        snapshot: DashboardSnapshot,
        images: Sequence[ChartImage],
        title: str,
        note: str = "",
        on_uploaded: Callable[[tuple[str, ...]], None] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str | None:
        """Upload the charts, then share them with the summary; the message's ts when Slack says it.
        `on_uploaded` gets the file ids before they are shared (so a retry can look for them); with no
        image, the summary is posted alone, tagged with `metadata`."""
        files = [(im, blocks.file_title(lang, im), blocks.alt_text(lang, snapshot, im)) for im in images]
        summary = blocks.summary_blocks(lang, snapshot, title=title, images=images, note=note)
        if not files:  # nothing to draw (no indicator, no action): the summary alone
            answer = self._client.chat_postMessage(
                channel=channel, text=title, blocks=summary, **({"metadata": metadata} if metadata else {})
            )
            return str(answer["ts"])
        ids = self.upload(files)
        if on_uploaded is not None:
            on_uploaded(ids)
        return self.share(channel=channel, file_ids=ids, titles=[f[1] for f in files], blocks=summary)


def _share_ts(files: list[dict[str, Any]], channel: str) -> str | None:
    for file in files:
        for kind in ("public", "private"):
            shares = ((file.get("shares") or {}).get(kind) or {}).get(channel) or []
            if shares:
                return str(shares[0].get("ts"))
    return None


class DigestSender:
    """Posts the digests whose period has come: claim, draw, upload, share, settle."""

    def __init__(self, client: WebClient | Clients, services: Services) -> None:
        self._clients, self._services = clients_of(client), services
        self._searches: dict[int, tuple[str, str | None]] = {}  # where a rate-limited search stopped
        self.refused: str | None = None  # the error of a bot token Slack refuses, until one works

    def run(self) -> int:
        """Post what is due now; return how many digests were settled as posted or skipped."""
        done = 0
        # One claim per digest: a lease only starts when its digest is about to be drawn, so a slow
        # batch can never outlive the lease of the last digest in it (and let another process post it).
        for _ in range(MAX_PER_RUN):
            jobs = self._services.digests.claim(limit=1)
            if not jobs:
                break
            done += self._deliver(jobs[0])
            if self.refused is not None:  # every other digest would be refused the same way
                break
        return done

    def _deliver(self, job: DigestJob) -> int:
        digests = self._services.digests
        lang, channel = job.language, job.channel_id
        try:
            client = self._clients.for_team(job.team_id)  # the team's own bot token
            if job.maybe_sent:
                found = self._find_earlier(client, job)
                if found is not None:
                    digests.posted(run_id=job.run_id, ts=found)
                    metrics.digest(result="posted")
                    return 1
            snapshot = digests.snapshot(job)
            if snapshot.nothing_new and job.skip_empty:
                digests.skipped(run_id=job.run_id)
                metrics.digest(result="skipped")
                return 1
            # Every period gets its snapshot; with nothing new, the message says so first.
            notes = [blocks.nothing_new_note(lang, snapshot)] if snapshot.nothing_new else []
            if job.catch_up:
                notes.append(blocks.catch_up_note(lang, job.period_at, snapshot.timezone))
            ts = ChartPoster(client).publish(
                lang=lang,
                channel=channel,
                snapshot=snapshot,
                images=self._services.dashboards.render(snapshot, language=lang),
                title=blocks.digest_title(lang, snapshot, job.schedule),
                note="\n".join(notes),
                on_uploaded=lambda ids: digests.uploading(run_id=job.run_id, file_ids=ids),
                metadata={"event_type": EVENT_TYPE, "event_payload": {"run": job.run_id}},
            )
            digests.posted(run_id=job.run_id, ts=ts)
            metrics.digest(result="posted")
            if self.refused is not None:
                log.info("Slack accepts the bot token again: digests resume")
                self.refused = None
            return 1
        except NotInstalled:
            digests.deferred(run_id=job.run_id, error="not_installed", until=TOKEN_PAUSE)
            metrics.digest(result="held")
            log.warning("digest %s: workspace %s has not installed Pilote: kept", job.run_id, job.team_id)
            return 0
        except SearchDeferred as deferred:
            # Slack's history allows a call a minute: the digest waits, its tries unspent.
            digests.deferred(
                run_id=job.run_id,
                error="history rate-limited",
                until=dt.timedelta(seconds=deferred.retry_after),
            )
            metrics.digest(result="held")
            log.info("digest %s: search for an earlier try rate-limited", job.run_id)
        except SlackApiError as err:
            response = err.response
            status = response.status_code if response is not None else 0
            code = str(response.get("error")) if response is not None else ""
            if code in TOKEN_REFUSED:
                # The token, not the digest: it waits, its tries unspent, and nobody is told it failed.
                digests.deferred(run_id=job.run_id, error=code, until=TOKEN_PAUSE)
                metrics.digest(result="held")
                if not self._clients.shares_one_token:  # that team's token only
                    log.warning("digest %s: %s's token refused (%s): kept", job.run_id, job.team_id, code)
                    return 0
                if self.refused != code:
                    log.error(
                        "Slack refuses the bot token (%s): digests are kept, not posted, until a valid "
                        "SLACK_BOT_TOKEN is set",
                        code,
                    )
                self.refused = code
                return 0
            retry_after = None
            if status == 429:
                retry_after = dt.timedelta(seconds=int(response.headers.get("Retry-After", "60") or 60))
            retry = digests.failed(
                run_id=job.run_id,
                error=f"{code or err}",
                ambiguous=status >= 500,
                retry_after=retry_after,
                final=code in PERMANENT,
            )
            metrics.digest(result="retried" if retry else "gave_up")
            log.warning(
                "digest %s for %s not posted (%s, %s)",
                job.run_id,
                channel,
                code,
                "retry" if retry else "gave up",
            )
        except (*AMBIGUOUS, UploadFailed) as err:
            retry = digests.failed(run_id=job.run_id, error=repr(err), ambiguous=True, retry_after=None)
            metrics.digest(result="retried" if retry else "gave_up")
            log.warning(
                "digest %s for %s: connection failed, will look before posting again: %r",
                job.run_id,
                channel,
                err,
            )
        except Exception as err:  # noqa: BLE001 - one broken digest must not hold back the others
            log.exception("digest %s for %s failed", job.run_id, channel)
            retry = digests.failed(run_id=job.run_id, error=repr(err), ambiguous=True, retry_after=None)
            metrics.digest(result="retried" if retry else "gave_up")
        return 0

    def _find_earlier(self, client: WebClient, job: DigestJob) -> str | None:
        """What an earlier try of this digest left in the channel: its files, or its summary alone
        (tagged). A search Slack rate-limits resumes where it stopped at the next try."""
        oldest = job.created_at.timestamp() if job.created_at is not None else None
        step, cursor = self._searches.pop(job.run_id, ("files", None))
        try:
            if job.file_ids and step == "files":
                found = ChartPoster(client).already_shared(
                    channel=job.channel_id, file_ids=job.file_ids, oldest=oldest, cursor=cursor
                )
                if found is not None:
                    return found
                step, cursor = "tag", None
            return find_tagged(
                client, job.channel_id, EVENT_TYPE, "run", job.run_id, oldest=oldest, cursor=cursor
            )
        except SearchDeferred as deferred:
            self._searches[job.run_id] = (step, deferred.cursor)
            raise
