"""`uadash serve`: the app and its routes under uvicorn (see uadash.web.server)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sqlalchemy import Engine


def add_commands(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="run the app (st.App under uvicorn) with its routes: /healthz, sign-in"
    )
    serve.add_argument("--host", help="address to listen on (default: every address)")
    serve.add_argument("--port", type=int, help="port to listen on (default: 8501)")
    serve.add_argument(
        "--base-url",
        metavar="URL",
        help="the public address when served behind a proxy, e.g. https://ua.example.org/uadash"
        " (its path is where the app lives)",
    )
    serve.set_defaults(run=_serve)
    add_intake_command(commands)


def _serve(engine: Engine, args: argparse.Namespace) -> int:
    from uadash.web.server import serve  # imports Streamlit: only for this command

    serve(engine, host=args.host, port=args.port, base_url=args.base_url)
    return 0


def add_intake_command(commands: Any) -> None:
    intake = commands.add_parser(
        "serve-intake",
        help="run only the report form and the intake API (/report, /api/v1, /healthz) in "
        "worker processes of their own, beside `uadash serve`, for a mailing's rush",
    )
    intake.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    intake.add_argument("--port", type=int, default=8510, help="port (default: 8510)")
    intake.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes sharing the port (default: one per core); each keeps its own rate limits",
    )
    intake.add_argument("--base-url", metavar="URL", help="as for `uadash serve`")
    intake.set_defaults(run=_serve_intake)


def _serve_intake(engine: Engine, args: argparse.Namespace) -> int:
    from uadash.web.intake_server import serve_intake

    if args.workers < 1:
        raise SystemExit("--workers must be 1 or more")
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()  # each worker process opens its own
    serve_intake(url, host=args.host, port=args.port, workers=args.workers, base_url=args.base_url)
    return 0
