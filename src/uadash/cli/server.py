"""`uadash serve`: the app and its routes under uvicorn (see uadash.web.server)."""

from __future__ import annotations

import argparse
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


def _serve(engine: Engine, args: argparse.Namespace) -> int:
    from uadash.web.server import serve  # imports Streamlit: only for this command

    serve(engine, host=args.host, port=args.port, base_url=args.base_url)
    return 0
