"""Failures nobody foresaw: the traceback goes to the server's log under a short error id, and
the user gets one line with that id, never the traceback itself (no server paths, no code)."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

LOG = logging.getLogger("uadash.errors")


def log_path() -> Path:
    """Where the command line keeps tracebacks: `UADASH_ERROR_LOG`, else a file in the
    system's temporary folder. (The app logs to the server's own log, its standard error.)"""
    configured = os.environ.get("UADASH_ERROR_LOG")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "uadash-errors.log"


def report(error: BaseException, *, where: str) -> str:
    """Log `error` with its traceback and return the id that names it in the log."""
    error_id = secrets.token_hex(4)
    LOG.error(
        "error %s in %s: %s: %s",
        error_id,
        where,
        type(error).__name__,
        error,
        exc_info=(type(error), error, error.__traceback__),
    )
    return error_id


def log_to_file(path: Path) -> None:
    """Send the error log to `path` as well (the command line has no server log)."""
    if any(getattr(h, "baseFilename", None) == str(path) for h in LOG.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    LOG.addHandler(handler)
