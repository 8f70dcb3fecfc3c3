"""The `uadash` command: prepare the database, load case files, make demo data, list cases.

Every command works on the configured database (`UADASH_DATABASE_URL`, else the SQLite file
under `data/`) unless `--database-url` says otherwise, but for those that set
`needs_database=False` (`parse-ua`, which reads only a file): they get no engine, and no
database is opened or created. Errors print a short message, never a
traceback, and exit non-zero. Each subject's commands live in a module of their own.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from uadash.cli import documents

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["main"]


def main(argv: Sequence[str] | None = None, *, engine: Engine | None = None) -> int:
    """Run one command; `engine`, when given, is the database already open (the fuzz suite
    runs thousands of commands on one)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] and argv[0] in documents.COMMANDS:
        return documents.main(argv)  # reads a file only: no database, no heavy imports
    return _main(argv, engine=engine)


def _main(argv: list[str], *, engine: Engine | None = None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from uadash import config, errors
    from uadash.access import PermissionDenied
    from uadash.cases.documents import DocumentError
    from uadash.cases.files import CaseFileError
    from uadash.cli.common import CommandError
    from uadash.database import open_database
    from uadash.reports.intake import IntakeError

    parser = _parser()
    args = parser.parse_args(argv)
    try:
        # A command that reads only files says so with set_defaults(needs_database=False):
        # it gets no engine, and no database is opened or created for it.
        if engine is None and args.needs_database:
            engine = open_database(args.database_url)
        result: int = args.run(engine, args)
        return result
    except CaseFileError as error:
        print(f"uadash: nothing was loaded; {len(error.problems)} problem(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (
        CommandError,
        DocumentError,
        config.ConfigError,
        IntakeError,
        PermissionDenied,
    ) as error:
        print(f"uadash: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"uadash: database error: {detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("uadash: interrupted; the unfinished transaction was rolled back", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("UADASH_DEBUG"):
            raise
        log = errors.log_path()
        errors.log_to_file(log)
        command = " ".join(argv)
        error_id = errors.report(error, where=f"uadash {command}"[:300])
        print(
            f"uadash: unexpected {type(error).__name__} (error id {error_id}; the traceback is "
            f"in {log}, or set UADASH_DEBUG=1 to see it)",
            file=sys.stderr,
        )
        return 2


@functools.cache  # parsing does not change a parser; building one costs 40 ms
def _parser() -> argparse.ArgumentParser:
    from uadash.cli import cases, people, reports, server, sources

    parser = argparse.ArgumentParser(prog="uadash", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="database to use (default: UADASH_DATABASE_URL or data/uadash.db)"
    )
    parser.set_defaults(needs_database=True)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    cases.add_commands(commands)
    people.add_commands(commands)
    reports.add_commands(commands)
    sources.add_commands(commands)
    server.add_commands(commands)
    documents.add_commands(commands)
    return parser
