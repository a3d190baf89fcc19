"""`pilote serve | socket | demo | db upgrade`: the only entry points; the only place that reads settings."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import NoSuchModuleError, OperationalError

from bot import logs
from bot.config import ConfigError, Settings
from bot.domain.errors import DomainError
from bot.domain.exports import TABLES
from bot.services import Defaults, Services, system_clock
from storage import migrate
from storage.db import Database

log = logging.getLogger("pilote")
DEFAULT_THREADS = 8
SHELL_USER = "pilote-cli"  # who created what a shell command created, when no Slack user is named
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp1252": "Windows-1252",
    "iso-8859-15": "ISO-8859-15",
}
TEAM_HELP = "Slack team id (T…) of the workspace; optional when the database holds one workspace"
# A public endpoint: idle connections are cheap for waitress (one socket each, no thread), so many
# may be open before a command is refused; those that say nothing are closed after CHANNEL_TIMEOUT_S.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 30


class StartupError(Exception):
    """Start-up cannot go on; the message says why and what to do, in one line."""


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Everything built so far lives as long as what runs inside (a server: modules, the app, the
    services; an import: its 100,000 rows): frozen out of the garbage collector's way (gc.freeze), so
    that each full collection does not walk all of it again. At 100,000 readings through the API,
    these walks were a tenth of the time. Thawed after, as it was."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def database_of(settings: Settings) -> Database:
    """The configured database, or StartupError when its driver is not installed."""
    url = settings.secret("database_url")
    try:
        return Database(url)
    except (ModuleNotFoundError, NoSuchModuleError) as exc:
        scheme = url.split(":", 1)[0]
        hint = " (pip install -e '.[postgres]')" if scheme.startswith("postgres") else ""
        raise StartupError(f"DATABASE_URL: no driver for {scheme} is installed{hint}: {exc}") from None


def open_database(settings: Settings, *, may_create: bool) -> Database:
    """Open the database, migrating an empty SQLite file when allowed, else refusing an old schema."""
    db = database_of(settings)
    try:
        db.ping()
    except Exception as exc:  # the driver's own error class varies: report it in one line
        raise StartupError(
            f"DATABASE_URL: cannot connect ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from exc
    if may_create and db.is_sqlite and migrate.is_empty(db.engine):
        migrate.upgrade(db.engine)
        log.info("created the database schema in %s", db.url.database)
    try:
        migrate.check(db.engine)
    except migrate.NotMigrated as exc:
        raise StartupError(f"The database is not up to date ({exc}). Run: pilote db upgrade") from None
    return db


def build_services(settings: Settings, db: Database, *, chart_workers: int | None = None) -> Services:
    """The services on this database, with the configured defaults; charts are drawn by a pool of
    `PILOTE_CHART_WORKERS` processes (started in the background: the first chart may wait for it)."""
    defaults = Defaults(
        timezone=settings.pilote_timezone,
        language=settings.pilote_language,
        alert_repeat_hours=settings.pilote_alert_repeat_hours,
        plan_channel=settings.pilote_plan_channel,
    )
    from charts.pool import ChartPool

    workers = settings.pilote_chart_workers if chart_workers is None else chart_workers
    pool = ChartPool(workers)
    if workers:
        threading.Thread(target=_start_pool, args=(pool,), name="pilote-charts", daemon=True).start()
    return Services.build(db, defaults=defaults, drawer=pool)


def _start_pool(pool: Any) -> None:
    try:
        pool.start()
    except Exception:  # noqa: BLE001 - the first chart will try again, and say what failed
        log.exception("the chart workers did not start")


def start_outbox(settings: Settings, services: Services, client: Any):  # type: ignore[no-untyped-def]
    """Send the outbox (alerts) and the digests in the background with `client` (senders_of)."""
    from bot.jobs import start_jobs
    from bot.slack.delivery import OutboxSender
    from bot.slack.digests import DigestSender

    return start_jobs(
        sender=OutboxSender(client, services),
        digests=DigestSender(client, services),
        services=services,
        timezone=settings.pilote_timezone,
    )


def installations_of(settings: Settings, services: Services):  # type: ignore[no-untyped-def]
    """Many workspaces: the installation store on Pilote's database, tokens sealed under
    PILOTE_SECRET_KEY, rotating tokens refreshed before they expire."""
    from slack_sdk import WebClient

    from storage.installations import cipher_of
    from storage.rotation import RotatingInstallationStore

    assert settings.slack_client_id is not None
    return RotatingInstallationStore(
        client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        engine=services.db.engine,
        cipher=cipher_of(settings.secret("pilote_secret_key")),
        client=WebClient(base_url=settings.slack_api_url, timeout=10),  # refreshes rotating tokens
    )


def senders_of(settings: Settings, services: Services):  # type: ignore[no-untyped-def]
    """The clients the outbox and the digests send with: one token, or each workspace's own."""
    from bot.slack.clients import Installed, OneWorkspace
    from bot.slack.delivery import sender_client

    url = settings.slack_api_url
    if settings.many_workspaces:
        return Installed(
            installations_of(settings, services), lambda token: sender_client(token=token, base_url=url)
        )
    return OneWorkspace(sender_client(token=settings.secret("slack_bot_token"), base_url=url))


def build_many(settings: Settings, services: Services, senders: Any):  # type: ignore[no-untyped-def]
    """The Bolt app for many workspaces: Slack's OAuth install, each request's token from the store
    the senders read (one store, and one token refresher, a process)."""
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    from bot.slack.app import BOT_SCOPES, build_app
    from bot.slack.clients import Installed
    from bot.slack.http import INSTALL_PATH, REDIRECT_PATH
    from bot.slack.notifier import make_client
    from storage.installations import state_store
    from storage.rotation import BOLT_MARGIN_MINUTES

    settings.require("slack_client_secret", "pilote_secret_key", "slack_signing_secret")
    assert settings.slack_client_id is not None
    url, store = settings.slack_api_url, senders.store
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        scopes=list(BOT_SCOPES),
        installation_store=store,
        state_store=state_store(engine=services.db.engine),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        token_rotation_expiration_minutes=BOLT_MARGIN_MINUTES,  # the store refreshes first, alone
    )
    app, _ = build_app(
        client=make_client(token="", base_url=url),
        signing_secret=settings.secret("slack_signing_secret"),
        services=services,
        admin_ids=settings.admin_ids,
        clients=Installed(store, lambda token: make_client(token=token, base_url=url)),
        sender_clients=senders,
        oauth=oauth,
    )
    return app


def build_slack(settings: Settings, services: Services, senders: Any):  # type: ignore[no-untyped-def]
    """The Bolt app, its Web API client on SLACK_API_URL; `senders` are the outbox's (senders_of)."""
    if settings.many_workspaces:
        return build_many(settings, services, senders)
    from slack_bolt.error import BoltError
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.slack.app import build_app
    from bot.slack.notifier import make_client

    client = make_client(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url)
    quiet = logging.getLogger("pilote.startup.slack")
    quiet.setLevel(logging.CRITICAL)  # the one line below says it; slack_sdk's own would add a trace
    probe = WebClient(token=client.token, base_url=client.base_url, timeout=10, logger=quiet)
    probe.retry_handlers.clear()
    try:
        probe.auth_test()  # a token Slack refuses, or no Slack at that URL: said before anything runs
    except SlackApiError as exc:
        code = exc.response.get("error", "?") if exc.response is not None else "?"
        raise StartupError(f"SLACK_BOT_TOKEN: Slack refuses it ({code})") from None
    except OSError as exc:  # URLError, refused connection, DNS: Slack is not reachable there
        raise StartupError(
            f"SLACK_API_URL: Slack cannot be reached at {settings.slack_api_url} ({exc})"
        ) from None
    try:
        signing = settings.slack_signing_secret  # Socket Mode has no signature, and needs none
        app, _ = build_app(
            client=client,
            signing_secret=signing.get_secret_value() if signing is not None else "",
            services=services,
            admin_ids=settings.admin_ids,
            verify_token=False,  # the probe above asked auth.test already, and said what failed
            sender_clients=senders,
        )
    except BoltError as exc:
        raise StartupError(f"Slack app: {str(exc).splitlines()[0]}") from None
    return app


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """HTTP mode behind waitress, a production WSGI server with a thread pool."""
    import waitress

    from bot.api.app import ApiWSGI
    from bot.slack.http import PiloteWSGI

    if settings.many_workspaces:  # installed by each workspace through Slack's OAuth flow
        settings.require("slack_client_secret", "pilote_secret_key", "slack_signing_secret")
    else:
        settings.require("slack_bot_token", "slack_signing_secret")
    db = open_database(settings, may_create=True)
    services = build_services(settings, db)
    senders = senders_of(settings, services)
    app = build_slack(settings, services, senders)
    start_outbox(settings, services, senders)
    wsgi = PiloteWSGI(
        app,
        signing_secret=settings.secret("slack_signing_secret"),
        health=db.ping,
        first_time=lambda keys: services.replays.first_time(keys=keys),
        backlog=services.outbox.backlog,
        metrics_token=_metrics_token(settings),
        api=ApiWSGI(services),
    )
    log.info("Pilote listening on http://%s:%s/slack/events", args.host, args.port)
    with long_lived():  # what serves lives as long as the process
        waitress.serve(
            wsgi,
            host=args.host,
            port=args.port,
            threads=args.threads,
            ident="pilote",
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT_S,
            cleanup_interval=10,
            backlog=1024,
            max_request_body_size=5 * 1024 * 1024,
            _quiet=True,
        )
    return 0


def cmd_socket(settings: Settings, args: argparse.Namespace) -> int:
    """Socket Mode: no public URL, Slack pushes over a WebSocket."""
    from bot.slack.socket import PiloteSocketMode

    settings.require("slack_bot_token", "slack_app_token")
    db = open_database(settings, may_create=True)
    services = build_services(settings, db)
    senders = senders_of(settings, services)
    app = build_slack(settings, services, senders)
    start_outbox(settings, services, senders)
    if args.metrics_port is not None:
        start_metrics_server(settings, services, host=args.metrics_host, port=args.metrics_port)
    log.info("Pilote connecting to Slack in Socket Mode")
    with long_lived():
        PiloteSocketMode(
            app,
            settings.secret("slack_app_token"),
            first_time=lambda keys: services.replays.first_time(keys=keys),
        ).start()
    return 0


def _metrics_token(settings: Settings) -> str | None:
    token = settings.pilote_metrics_token
    return token.get_secret_value() if token is not None else None


def start_metrics_server(settings: Settings, services: Services, *, host: str, port: int) -> Any:
    """Socket Mode has no HTTP server: GET /metrics and /healthz on their own port, in a daemon thread
    (one waitress thread: a scraper every few seconds). The server, started."""
    import waitress

    from bot.slack.http import OpsWSGI

    ops = OpsWSGI(
        health=services.db.ping, backlog=services.outbox.backlog, metrics_token=_metrics_token(settings)
    )
    try:
        server = waitress.create_server(ops, host=host, port=port, threads=1, ident="pilote")
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise StartupError(
            f"--metrics-port {port}: cannot listen on {host} ({exc.strerror or exc})"
        ) from None
    threading.Thread(target=server.run, name="pilote-metrics", daemon=True).start()
    log.info("metrics on http://%s:%s/metrics", host, port)
    return server


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    """Apply the Alembic migrations."""
    db = database_of(settings)
    try:
        before, after = migrate.upgrade(db.engine)
    except OperationalError as exc:
        first = str(exc.orig or exc).strip().splitlines()[0]
        raise StartupError(f"DATABASE_URL: cannot connect to upgrade it ({first})") from None
    from bot import i18n

    lang, where = settings.pilote_language, db.url.render_as_string(hide_password=True)
    print(
        i18n.t(
            lang, "cli.db.upgraded", where=where, before=before or i18n.t(lang, "cli.db.empty"), after=after
        )
    )
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Seed a sample plan in the configured database and draw its charts, with no Slack at all."""
    from bot import i18n
    from bot.services import demo
    from bot.slack.blocks import dashboard as dashboard_blocks
    from bot.slack.blocks import terminal
    from bot.slack.blocks.kpi import reading_value

    db = open_database(settings, may_create=True)
    services = build_services(settings, db, chart_workers=0)  # a few charts: no processes to start
    lang = settings.pilote_language
    today = system_clock().astimezone(ZoneInfo(settings.pilote_timezone)).date()
    seeded = demo.seed(services.indicators, services.actions, today=today)
    where = db.url.render_as_string(hide_password=True)
    print(
        i18n.t(lang, "cli.demo.created", where=where)
        if seeded
        else i18n.t(lang, "cli.demo.present", where=where)
    )
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for s in services.indicators.summaries(team_id=demo.DEMO_TEAM):
        ind = s.indicator
        shown = reading_value(lang, ind, s.latest) if s.latest else "—"
        status = i18n.t(lang, f"status.{s.status}")
        print(f"  {ind.code:<14} {shown:<22} {status:<16} {ind.name}")
        _, outlook, png = services.indicators.chart(team_id=demo.DEMO_TEAM, code=ind.code, language=lang)
        path = out_dir / f"pilote-demo-{ind.code}.png"
        path.write_bytes(png)
        if outlook:
            print(f"    {terminal.mrkdwn_as_text(outlook, demo.DEMO_NAMES)}")
        print("    " + i18n.t(lang, "cli.demo.chart", path=path.resolve()))
    # The weekly digest as the steering channel would get it: its charts, and its summary as text.
    snapshot = services.dashboards.snapshot(team_id=demo.DEMO_TEAM)
    images = services.dashboards.render(snapshot, language=lang)
    for image in images:
        path = out_dir / f"pilote-demo-{image.kind}.png"
        path.write_bytes(image.png)
        print("  " + i18n.t(lang, "cli.demo.chart", path=path.resolve()))
    title = dashboard_blocks.dashboard_title(lang, snapshot)
    summary = dashboard_blocks.summary_blocks(lang, snapshot, title=title, images=images)
    print("\n" + terminal.blocks_as_text(summary, demo.DEMO_NAMES))
    db.dispose()
    return 0


@contextlib.contextmanager
def shell_services(settings: Settings) -> Iterator[Services]:
    """The services for a shell command: the database as `serve` opens it (closed after), charts
    drawn in this process."""
    db = open_database(settings, may_create=True)
    try:
        yield build_services(settings, db, chart_workers=0)
    finally:
        db.dispose()


def team_of(services: Services, args: argparse.Namespace) -> str:
    """The workspace a shell command acts on (`--team`, optional when there is one workspace)."""
    return services.workspaces.resolve(team_id=args.team)


def cmd_templates_list(settings: Settings, args: argparse.Namespace) -> int:
    """Print the indicator templates, marking those the workspace has (when there is one to look at)."""
    from bot import i18n
    from bot.domain.errors import InvalidInput
    from bot.domain.text import code_key
    from bot.slack.blocks import templates, terminal

    lang = settings.pilote_language
    unmarked: InvalidInput | None = None
    with shell_services(settings) as services:
        try:
            catalogue = services.indicators.templates(team_id=team_of(services, args))
        except InvalidInput as err:  # no workspace yet, or several and none named: nothing to mark
            catalogue = services.indicators.templates(team_id="")
            unmarked = err if err.key != "cli.team.none" else None
    present = catalogue.present
    for group in catalogue.sets:
        print(i18n.t(lang, "cli.templates.set", name=group.name.of(lang), set=group.set))
        for tpl in group.indicators:
            line = templates.template_line(lang, tpl, present=code_key(tpl.code) in present)
            print("  " + terminal.mrkdwn_as_text(line, {}))
    print(i18n.t(lang, "cli.templates.hint"))
    if unmarked is not None:  # said, not left to guess: which workspace's templates are installed?
        said = i18n.t(lang, "cli.templates.unmarked")  # not inside the f-string: pybabel sees it here
        print(f"pilote: {said} {shell_error(lang, unmarked)}", file=sys.stderr)
    return 0


def cmd_templates_install(settings: Settings, args: argparse.Namespace) -> int:
    """Create the indicators of a template set (or one template) in a workspace."""
    from bot.slack.blocks import templates, terminal

    with shell_services(settings) as services:
        result = services.indicators.install_templates(
            team_id=team_of(services, args), created_by=SHELL_USER, wanted=args.set, owner_id=args.owner
        )
    message = templates.installed_message(settings.pilote_language, result, reader=None)
    print(terminal.blocks_as_text(message["blocks"], {}))
    return 0


class TerminalProgress:
    """A progress line on a terminal's standard error (nothing when it is not a terminal: CI, a pipe)."""

    def __init__(self, lang: str) -> None:
        self._lang, self._shown = lang, sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self._shown or not total:
            return
        from bot import i18n

        width = 30
        filled = width * done // total
        line = i18n.t(
            self._lang,
            "cli.progress",
            done=i18n.number(self._lang, done),
            total=i18n.number(self._lang, total),
        )
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {line}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def restore_export(settings: Settings, args: argparse.Namespace, document: dict[str, Any]) -> int:
    """A whole Pilote export (JSON) written into a workspace with no plan yet, in one transaction."""
    from bot import i18n
    from bot.domain.errors import InvalidInput
    from bot.domain.exports import from_document
    from bot.slack.blocks.exports import table_counts

    if args.dry_run or args.author or args.encoding or args.lang:
        raise InvalidInput("error.restore.options")
    export = from_document(document)  # a damaged document is refused before the database is opened
    lang = settings.pilote_language
    with shell_services(settings) as services:
        team = services.workspaces.resolve(team_id=args.team, may_create=True)
        restored = services.exports.restore(team_id=team, export=export)
    print(i18n.t(lang, "cli.restore.done", team=team, parts=table_counts(lang, restored)))
    return 0


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    """Readings from a CSV, XLSX or ODS file; exit 0 when every row was taken, 1 when some were refused."""
    from bot import i18n
    from bot.domain.errors import InvalidInput
    from bot.domain.imports import author_of, find_columns, rows_of
    from bot.files.read import read_export_document, read_table
    from bot.i18n import N_
    from bot.slack.blocks import imports as import_text

    lang = settings.pilote_language
    path = Path(args.file)
    if args.author and author_of(args.author) is None:
        raise InvalidInput("error.import.author_option", value=args.author[:40])
    if not path.is_file():
        raise InvalidInput("cli.import.no_file", path=str(path))
    document = read_export_document(path)
    if document is not None:
        return restore_export(settings, args, document)
    with shell_services(settings) as services:
        team = team_of(services, args)
        file_lang = args.lang or services.workspaces.get(team_id=team).language
        table = read_table(path, encoding=args.encoding, lang=file_lang)
        columns = find_columns(table.rows, lang)
        rows, refused = rows_of(table.rows, columns)
        with long_lived():
            report = services.imports.record_rows(
                team_id=team,
                rows=rows,
                refused=refused,
                source="import",
                recorded_by=author_of(args.author) if args.author else SHELL_USER,
                lang=file_lang,
                dry_run=args.dry_run,
                all_or_nothing=args.all_or_nothing,
                progress=TerminalProgress(lang),
            )
    note = ""
    if table.format == "csv":
        key = N_("import.encoding") if table.encoding_detected else N_("import.encoding.given")
        shown = ENCODING_NAMES.get(table.encoding or "", table.encoding)
        note = i18n.t(
            lang,
            key,
            encoding=shown,
            delimiter=i18n.t(lang, "import.delimiter.tab") if table.delimiter == "\t" else table.delimiter,
        )
    for line in import_text.report_lines(lang, report, file_note=note):
        print(line)
    return 1 if report.refused else 0


def _export_format(args: argparse.Namespace) -> str:
    """--format, else the -o file's suffix (.zip: CSV), else CSV for Etalab or one table, else JSON."""
    if args.format is not None:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    if suffix in ("json", "xlsx", "ods", "csv"):
        return suffix
    return "csv" if suffix == "zip" or args.schema or args.table else "json"


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """A whole workspace as JSON, XLSX, ODS or CSV, or its readings in Etalab's schema (CSV)."""
    from bot import i18n
    from bot.domain.errors import InvalidInput
    from bot.domain.exports import etalab_rows
    from bot.files import write
    from bot.slack.blocks.exports import export_labels

    fmt = _export_format(args)
    if args.schema == "etalab" and fmt != "csv":
        raise InvalidInput("error.export.etalab_format")
    if args.table is not None and fmt != "csv":
        raise InvalidInput("error.export.table_format")
    binary = args.schema is None and args.table is None and fmt in write.BINARY
    if args.output in (None, "-") and binary and sys.stdout.isatty():
        raise InvalidInput("error.export.binary_to_terminal", format=fmt.upper() if fmt != "csv" else "ZIP")
    with shell_services(settings) as services:
        team = team_of(services, args)
        export = services.exports.snapshot(team_id=team)
    lang = export.workspace.language
    if args.schema == "etalab":
        rows = etalab_rows(
            export,
            administration=args.administration or "",
            service=args.service or "",
            say=lambda key: i18n.t(lang, key),
            indicator_type=args.indicator_type,
        )
        data = write.write_etalab_csv(rows)
    elif args.table is not None:
        data = write.write_csv_table(export, args.table, export_labels(lang))
    else:
        data = write.write_export(export, fmt, export_labels(lang))
    if args.output in (None, "-"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    path = Path(args.output)
    path.write_bytes(data)
    print(i18n.t(settings.pilote_language, "cli.export.written", path=path), file=sys.stderr)
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pilote")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    p = argparse.ArgumentParser(prog="pilote", description="Pilote: indicators and action plan in Slack")
    version = f"pilote {_version()}"
    p.add_argument("--version", action="version", version=version)
    help_format = "log lines as text, or one JSON object a line (default: text)"
    p.add_argument("--log-format", choices=logs.FORMATS, default="text", help=help_format)
    # Also after the command (`pilote serve --log-format json`); there, unset leaves the global one.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-format", choices=logs.FORMATS, default=argparse.SUPPRESS, help=help_format)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="HTTP mode: Slack posts to /slack/events", parents=[common])
    serve.add_argument("--version", action="version", version=version)
    serve.add_argument("--port", type=int, default=3000)
    # Closed by default: only this machine can reach it unless told otherwise (behind a proxy).
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    serve.set_defaults(run=cmd_serve)
    socket = sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)", parents=[common])
    socket.add_argument("--metrics-port", type=int, help="serve GET /metrics and /healthz on this port")
    socket.add_argument("--metrics-host", default="127.0.0.1", help="its address (default: 127.0.0.1)")
    socket.set_defaults(run=cmd_socket)
    demo = sub.add_parser(
        "demo", help="seed a sample plan and draw its charts, no Slack needed", parents=[common]
    )
    demo.add_argument("--out", default=".", help="folder for the chart PNGs (default: here)")
    demo.set_defaults(run=cmd_demo)
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the migrations", parents=[common]).set_defaults(
        run=cmd_db_upgrade
    )
    tpl = sub.add_parser("templates", help="the indicator templates (the guide's governance set, ITIL)")
    tpl_sub = tpl.add_subparsers(dest="templates_command", required=True)
    tpl_list = tpl_sub.add_parser("list", help="list the templates", parents=[common])
    tpl_list.set_defaults(run=cmd_templates_list)
    tpl_install = tpl_sub.add_parser(
        "install", help="create a set's indicators (codes already there are kept)", parents=[common]
    )
    tpl_install.add_argument("set", help="gouvernance, itil, or one template's code")
    tpl_install.add_argument("--owner", help="Slack user id (U…) of the indicators' owner (default: none)")
    tpl_install.set_defaults(run=cmd_templates_install)
    imp = sub.add_parser(
        "import",
        help="readings from a CSV, XLSX or ODS file (indicator, period, value, note, author), or a whole "
        "pilote export JSON restored into an empty workspace",
        parents=[common],
    )
    imp.add_argument(
        "file", help="the file: .csv (comma or semicolon), .xlsx, .ods, or .json (pilote export)"
    )
    imp.add_argument(
        "--encoding", help="a CSV's encoding (default: detected: UTF-8, Windows-1252 or ISO-8859-15)"
    )
    imp.add_argument("--dry-run", action="store_true", help="say what would change, store nothing")
    imp.add_argument("--all-or-nothing", action="store_true", help="store nothing when any row is refused")
    imp.add_argument(
        "--author", help="Slack user id (U…) the readings are recorded by, when a row names none"
    )
    imp.add_argument(
        "--lang",
        choices=("fr", "en"),
        help="how the file writes numbers and dates (default: the workspace's language)",
    )
    imp.set_defaults(run=cmd_import)
    exp = sub.add_parser(
        "export",
        help="indicators, readings, actions, journal, committees as JSON, XLSX, ODS or CSV",
        parents=[common],
    )
    exp.add_argument(
        "--format",
        choices=("json", "xlsx", "ods", "csv"),
        help="default: by the -o file's name, else json; csv is a ZIP of one CSV a table (or --table)",
    )
    exp.add_argument("-o", "--output", help="the file to write (default: standard output)")
    exp.add_argument("--table", choices=tuple(TABLES), help="one table as one CSV (with --format csv)")
    exp.add_argument(
        "--schema",
        choices=("etalab",),
        help="the readings in Etalab's schema-impact-service-public-numerique",
    )
    exp.add_argument("--administration", help="Etalab: administration_rattachement (required)")
    exp.add_argument("--service", help="Etalab: nom_service_public_numerique (required)")
    exp.add_argument(
        "--indicator-type",
        choices=("usage", "impact"),
        help="Etalab: type_indicateur of every row (default: impact if strategic, usage if operational)",
    )
    exp.set_defaults(run=cmd_export)
    for command in (tpl_list, tpl_install, imp, exp):
        command.add_argument("--team", help=TEAM_HELP)
    return p


def shell_error(lang: str, err: DomainError) -> str:
    """A domain error as one line of terminal text."""
    from bot.slack.blocks import terminal
    from bot.slack.blocks.common import error_message

    return terminal.mrkdwn_as_text(error_message(lang, err)["blocks"][0]["text"]["text"], {}).splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pilote` console script."""
    args = parser().parse_args(argv)
    redact = logs.configure(args.log_format)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # waitress warns at every queued request under load; the queue is normal, not an incident.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # APScheduler says "Running job …" and "executed successfully" at INFO for every run of every
    # job: tens of thousands of lines a day of nothing happening. Its warnings and errors still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        settings = Settings.load()
        redact.add(settings.secret_values())  # besides token shapes: the signing secret, the keys...
        return int(args.run(settings, args))
    except (ConfigError, StartupError) as exc:
        for line in str(exc).splitlines():  # one line per wrong setting, all of them at once
            print(f"pilote: {line}", file=sys.stderr)
        return 2
    except DomainError as err:  # what was typed on the command line is wrong: say what, in one line
        print(f"pilote: {shell_error(settings.pilote_language, err)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `pilote import … | head`: the reader has read enough, no traceback
        _quiet_stdout()
        return 1


def _quiet_stdout() -> None:
    """Standard output to /dev/null, so that the interpreter's last flush at exit fails no more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
