"""A process killed in the middle of a large import leaves the database as it was before the
import, and running the import again completes it: one transaction, on either backend."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.intake_support import (
    EDITOR,
    assert_exact,
    batch_count,
    csv_bytes_of,
    prepare,
    report_count,
    total_actions,
)
from uadash import cli
from uadash.reports.csv_import import import_csv

ROWS = 40_000
# The child imports in chunks and, once more than half the file is written (uncommitted),
# waits to be killed: the kill lands inside the import's transaction, never after it.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from uadash.access import Actor
    from uadash.database import open_database
    from uadash.reports.csv_import import CsvOptions, import_csv
    from uadash.vocab import Role

    engine = open_database(sys.argv[1])

    def progress(fraction, rows):
        print(f"{fraction:.4f} {rows}", flush=True)
        if fraction > 0.5:
            time.sleep(120)

    import_csv(
        engine,
        Path(sys.argv[2]),
        actor=Actor("crash@example.org", Role.editor),
        options=CsvOptions(chunk_rows=4_000),
        progress=progress,
    )
    print("finished", flush=True)
    """
)


@pytest.fixture
def loaded(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    return prepare(engine, monkeypatch, tmp_path)


def big_file(path: Path) -> Path:
    targets = ["Zhang Rui", "Zhang Jian", "Xie Fang", ""]
    channels = ["letter", "email", "phone", "twitter"]
    lines = ["UA,Target,Channel,Count,Date,Submission ID"]
    lines += [
        f"44.22,{targets[i % 4]},{channels[i % 3]},{1 + i % 3},2026-11-{1 + i % 23:02d},s-{i}"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_killed_import_leaves_the_database_as_it_was_and_a_rerun_completes_it(
    loaded: Engine, tmp_path: Path
) -> None:
    earlier = csv_bytes_of("UA,Channel,Date\n64.26,call,2026-11-02\n39.26,fax,2026-11-02")
    assert import_csv(loaded, earlier, actor=EDITOR).written == 2
    before = (report_count(loaded), batch_count(loaded), total_actions(loaded))
    path = big_file(tmp_path / "big.csv")
    url = loaded.url.render_as_string(hide_password=False)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert child.stdout is not None
        fractions = []
        for line in child.stdout:
            fractions.append(float(line.split()[0]))
            if fractions[-1] > 0.5:
                break
        assert fractions and fractions[-1] > 0.5, child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert len(fractions) >= 2  # it was killed in the middle, after some chunks were written

    assert (report_count(loaded), batch_count(loaded), total_actions(loaded)) == before
    assert_exact(loaded)

    assert cli.main(["--database-url", url, "import-actions", str(path)]) == 0
    assert report_count(loaded) == before[0] + ROWS
    assert batch_count(loaded) == before[1] + 1
    assert_exact(loaded)
    # And once more: the completed import is not counted twice.
    assert cli.main(["--database-url", url, "import-actions", str(path)]) == 0
    assert report_count(loaded) == before[0] + ROWS
