"""Two replicas of uadash on one PostgreSQL: a change made through one shows on the other.

    .venv/bin/python benchmarks/replicas.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/issue14_pages_10000

It starts two servers (`uadash serve`) on two free ports on 127.0.0.1, both on the
same database, and reads the overview's "Actions reported" figure from each over the
websocket (as benchmarks/load.py does). Then, as replica A's import page does, it writes a
staff entry of 1,000 letters dated today in one transaction (the domain call the page makes,
`insert_reports`), and reads both replicas again: each must show 1,000 more at its next
rerun, although both had the old figure in their query cache. Then it undoes the entry
(`delete_batch`), so the database is as it was, and checks both once more. Exit status 0
when every figure is as expected.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import websockets
from sqlalchemy import select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import FINISHED, ROOT, TODAY, free_port, wait_until_healthy

from uadash.reports.writer import delete_batch, insert_reports
from uadash.store.engine import make_engine, transaction
from uadash.store.models import Case, ReportBatch
from uadash.vocab import CaseStatus, ReportSource

ADDED = 1_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    url = parser.parse_args(argv).database_url
    servers = [start(url) for _ in range(2)]
    try:
        bases = [base for base, _ in servers]
        before = [asyncio.run(actions_reported(base)) for base in bases]
        print(f"before: replica A {before[0]:,}, replica B {before[1]:,}")
        batch_id = add_letters(url)
        after = [asyncio.run(actions_reported(base)) for base in bases]
        print(f"after {ADDED:,} letters through A: A {after[0]:,}, B {after[1]:,}")
        undo(url, batch_id)
        undone = [asyncio.run(actions_reported(base)) for base in bases]
        print(f"after undoing them: A {undone[0]:,}, B {undone[1]:,}")
    finally:
        for _, server in servers:
            server.terminate()
            server.wait(timeout=20)
    good = before[0] == before[1] and after == [before[0] + ADDED] * 2 and undone == before
    print("replicas agree at their next rerun" if good else "REPLICAS DISAGREE")
    return 0 if good else 1


def start(url: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    # As the README's "Several replicas behind a proxy" runs them.
    command = [sys.executable, "-m", "uadash.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    env = {**os.environ, "UADASH_DATABASE_URL": url, "UADASH_TODAY": TODAY}
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, server)
    return base, server


async def actions_reported(base: str) -> int:
    """The overview's "Actions reported" number, from one page view."""
    stream = base.replace("http://", "ws://") + "/_stcore/stream"
    found: int | None = None
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as ws:  # type: ignore[list-item]
        message = BackMsg()
        message.rerun_script.query_string = ""
        await ws.send(message.SerializeToString())
        async for data in ws:
            reply = ForwardMsg.FromString(data)  # type: ignore[arg-type]
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                is_metric = element.WhichOneof("type") == "metric"
                if is_metric and element.metric.label == "Actions reported":
                    found = int(element.metric.body.replace(",", ""))
            if kind == "script_finished" and reply.script_finished == FINISHED:
                break
    if found is None:
        raise RuntimeError(f"{base}: no 'Actions reported' figure on the overview")
    return found


def add_letters(url: str) -> int:
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            case_id = session.scalar(
                select(Case.id).where(Case.status == CaseStatus.active).order_by(Case.id)
            )
            entry = pd.DataFrame(
                {
                    "case_id": [case_id],
                    "target_id": pd.array([None], dtype="Int64"),
                    "channel": ["letter"],
                    "count": [ADDED],
                    "action_date": [datetime.fromisoformat(TODAY).date()],
                    "reported_at": [datetime.now(UTC)],
                    "source": ["staff"],
                }
            )
            batch = ReportBatch(source=ReportSource.staff, actor="replicas benchmark")
            insert_reports(session, entry, batch=batch)
            session.flush()
            return int(batch.id)
    finally:
        engine.dispose()


def undo(url: str, batch_id: int) -> None:
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            delete_batch(session, batch_id)
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
