"""The floor for bench/ack_latency.py: a Bolt app whose /kpi only acks, on Pilote's server stack.

Same WSGI server (waitress, same thread count), same Bolt WSGI adapter, same ack mode
(process_before_response) as `pilote serve`; no parsing, no database.
"""

from __future__ import annotations

import argparse
import os

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def main() -> None:
    """Serve the bare app."""
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--threads", type=int, default=16)
    args = p.parse_args()
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True)

    @app.command("/kpi")
    def on_kpi(ack: Ack) -> None:
        ack(text="ok")

    handler = SlackRequestHandler(app)

    def wsgi(environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        return handler(environ, start_response)

    waitress.serve(wsgi, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
