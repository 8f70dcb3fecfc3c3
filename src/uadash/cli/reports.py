"""`uadash import-actions`, `import-osdi`, `imports`, `undo-import`, `check` and `export`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from uadash import config, queries
from uadash.cli.common import CommandError, cli_actor, positive
from uadash.exports import csv_bytes
from uadash.queries import Bucket
from uadash.reports.csv_import import CsvOptions, import_csv
from uadash.reports.exports import ReportFilter, write_reports_csv
from uadash.reports.exports import totals as report_totals
from uadash.reports.intake import (
    DateOrder,
    ImportResult,
    Progress,
    import_history,
    problems_frame,
    undo_import,
)
from uadash.reports.osdi import OsdiOptions, campaigns_in, import_osdi, read_outreaches
from uadash.reports.sources import list_sources
from uadash.reports.writer import batch_count_differences, rebuild_rollup, rollup_differences
from uadash.store.engine import transaction
from uadash.vocab import ReportSource, parse_channel
from uadash.wording import number, plural


def add_commands(commands: Any) -> None:
    """`import-actions`, `import-osdi`, `imports`, `undo-import`, `check` and `export`."""
    csv_import = commands.add_parser(
        "import-actions", help="import action reports from a CSV file (all or nothing)"
    )
    csv_import.add_argument("file", type=Path, help="the CSV file (UTF-8, or Windows-1252)")
    csv_import.add_argument(
        "--source",
        choices=[ReportSource.form.value, ReportSource.file.value],
        default=ReportSource.form.value,
        help="where the reports came from: a web form's export (default), or another file; "
        "the source is part of what tells reports apart, so choose it the same way each time",
    )
    csv_import.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (case, update, target, channel, count, action_date, "
        "reported_at, external_id, source, reporter_email, note), or COLUMN=ignore",
    )
    order = csv_import.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="read 03/11/2026 as 3 November")
    order.add_argument("--month-first", action="store_true", help="read 03/11/2026 as 11 March")
    csv_import.add_argument("--encoding", help="the file's encoding (default: detected)")
    csv_import.add_argument(
        "--count-identical",
        action="store_true",
        help="count rows with neither id nor reporter email that are identical to rows of an "
        "earlier import (of another file) as new reports, rather than skip them; the same file "
        "imported twice still counts once",
    )
    _import_options(csv_import)
    csv_import.set_defaults(run=_import_actions)

    osdi_import = commands.add_parser(
        "import-osdi", help="import OSDI outreach records (JSON) for mapped campaigns"
    )
    osdi_import.add_argument("file", type=Path, help="osdi:outreaches JSON")
    osdi_import.add_argument(
        "--campaign",
        action="append",
        default=[],
        metavar="URI=UA",
        help="the case an advocacy campaign's outreaches are for (44.22 or 44.22-2)",
    )
    osdi_import.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="TYPE=CHANNEL",
        help="read an outreach type as a channel, e.g. in-person=letter",
    )
    _import_options(osdi_import)
    osdi_import.set_defaults(run=_import_osdi)

    history = commands.add_parser("imports", help="list past imports and staff entries")
    history.add_argument("--limit", type=positive, default=50, metavar="N")
    history.set_defaults(run=_imports)

    undo = commands.add_parser(
        "undo-import", help="delete an import's reports and take them out of the totals"
    )
    undo.add_argument("batch_id", type=positive, metavar="ID", help="as `uadash imports` shows")
    undo.set_defaults(run=_undo_import)

    check = commands.add_parser(
        "check", help="recompute the daily totals from the raw reports; non-zero if they differ"
    )
    check.add_argument(
        "--repair", action="store_true", help="rebuild the totals from the reports if they differ"
    )
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="export reports or totals as CSV")
    kinds = export.add_subparsers(title="what", required=True, metavar="WHAT")
    reports = kinds.add_parser("reports", help="one row per report, nothing personal")
    _export_options(reports)
    reports.add_argument("--import", dest="batch_id", type=positive, metavar="ID")
    reports.add_argument(
        "--notes", action="store_true", help="include staff notes (free text: check them first)"
    )
    reports.set_defaults(run=_export_reports)
    sums = kinds.add_parser("totals", help="actions by case, target, channel and period")
    _export_options(sums)
    sums.add_argument(
        "--by",
        default="case,target,channel",
        help="any of case, target, channel, comma-separated (default: all three)",
    )
    sums.add_argument("--bucket", choices=[b.value for b in Bucket], help="per day, week or month")
    sums.set_defaults(run=_export_totals)


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="write the good rows even if some are refused (default: all or nothing)",
    )
    parser.add_argument(
        "--errors", type=Path, metavar="CSV", help="also write every problem to this CSV file"
    )


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--case", action="append", default=[], metavar="UA")
    parser.add_argument("--from", dest="start", type=_iso_day, metavar="DATE")
    parser.add_argument("--to", dest="end", type=_iso_day, metavar="DATE")


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _pairs(values: Sequence[str], what: str, form: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, equals, field = value.rpartition("=")
        if not equals or not key:
            raise CommandError(f"{what} {value!r}: write it as {what} {form}")
        pairs[key] = field
    return pairs


def _bar(label: str) -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(fraction: float, rows: int) -> None:
        filled = int(fraction * 30)
        print(
            f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%}  {number(rows)} rows",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _finish_import(result: ImportResult, args: argparse.Namespace, started: float) -> int:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    if result.encoding:
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(result.delimiter or ",")
        print(f"Read {args.file} as {result.encoding}, columns separated by {delimiter}.")
    if result.ignored:
        print(f"Ignored columns: {', '.join(repr(name) for name in result.ignored)}.")
    print(f"{result.summary()} ({time.perf_counter() - started:.1f} s)")
    for problem in result.problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    if result.problem_count > 20:
        more = result.problem_count - 20
        hint = f" (all in {args.errors})" if args.errors else " (--errors FILE lists them all)"
        print(f"  … and {number(more)} more{hint}", file=sys.stderr)
    if args.errors:
        args.errors.write_bytes(csv_bytes(problems_frame(result.problems)))
    return 1 if result.rejected else 0


def _import_actions(engine: Engine, args: argparse.Namespace) -> int:
    order = (
        DateOrder.day_first
        if args.day_first
        else DateOrder.month_first
        if args.month_first
        else DateOrder.auto
    )
    options = CsvOptions(
        source=ReportSource(args.source),
        mapping=_pairs(args.map, "--map", "COLUMN=FIELD"),
        date_order=order,
        all_or_nothing=not args.allow_partial,
        encoding=args.encoding,
        filename=args.file.name,
        count_identical=args.count_identical,
    )
    started = time.perf_counter()
    result = import_csv(
        engine, args.file, actor=cli_actor(), options=options, progress=_bar(args.file.name)
    )
    return _finish_import(result, args, started)


def _import_osdi(engine: Engine, args: argparse.Namespace) -> int:
    records = read_outreaches(args.file)
    campaigns = _pairs(args.campaign, "--campaign", "URI=UA")
    if not campaigns:
        found = "\n".join(
            f"  {c.uri or '(none)'}  ({plural(c.outreaches, 'outreach', 'outreaches')})"
            for c in campaigns_in(records)
        )
        raise CommandError(
            "map each advocacy campaign to a case with --campaign URI=UA; the file's "
            f"campaigns:\n{found}"
        )
    types = {}
    for key, value in _pairs(args.type, "--type", "TYPE=CHANNEL").items():
        channel = parse_channel(value)
        if channel is None:
            raise CommandError(f"--type {key}={value}: {value!r} is not a channel")
        types[key] = channel
    options = OsdiOptions(
        campaigns=campaigns,
        types=types,
        all_or_nothing=not args.allow_partial,
        filename=args.file.name,
    )
    started = time.perf_counter()
    result = import_osdi(
        engine, records, actor=cli_actor(), options=options, progress=_bar(args.file.name)
    )
    return _finish_import(result, args, started)


def _imports(engine: Engine, args: argparse.Namespace) -> int:
    history = import_history(engine, limit=args.limit)
    if history.empty:
        print("No imports yet.")
        return 0
    table = history.assign(
        created_at=history["created_at"].map(lambda t: f"{t:%Y-%m-%d %H:%M}"),
        reports=history["reports"].map(number),
    ).fillna("")
    print(table.rename(columns={"created_at": "when", "actor": "by"}).to_string(index=False))
    return 0


def _undo_import(engine: Engine, args: argparse.Namespace) -> int:
    deleted = undo_import(engine, args.batch_id, actor=cli_actor())
    print(f"Undid import #{args.batch_id}: {number(deleted)} reports deleted; totals updated.")
    return 0


def _check(engine: Engine, args: argparse.Namespace) -> int:
    for source in list_sources(engine):
        if source.reports:
            print(f"Live source {source.name}: {number(source.reports)} reports.")
    with transaction(engine) as session:
        miscounted = batch_count_differences(session)
        for batch_id, stored, found in miscounted:
            print(
                f"Import #{batch_id} says it holds {number(stored)} reports; "
                f"it holds {number(found)}."
            )
        differences = rollup_differences(session)
        if differences.empty and not miscounted:
            print("Totals are exact: the daily rollup equals the raw reports.")
            return 0
        if differences.empty:
            return 1
        print(f"Totals differ from the raw reports in {number(len(differences))} rollup rows:")
        print(differences.head(50).to_string(index=False))
        if not args.repair:
            print("Run `uadash check --repair` to rebuild the totals from the reports.")
            return 1
        rows = rebuild_rollup(session)
    print(f"Rebuilt the totals from the raw reports: {number(rows)} rollup rows.")
    return 1


def _case_ids(engine: Engine, references: Sequence[str]) -> tuple[int, ...]:
    ids = []
    for reference in references:
        case = queries.find_case(engine, reference)
        if case is None:
            raise CommandError(f"there is no case {reference!r} (`uadash cases` lists them)")
        ids.append(case.id)
    return tuple(ids)


def _period(args: argparse.Namespace) -> queries.Period | None:
    if args.start is None and args.end is None:
        return None
    start, end = args.start or date(1973, 1, 1), args.end or config.today()
    if end < start:
        raise CommandError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    return queries.Period(start, end)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)


def _export_reports(engine: Engine, args: argparse.Namespace) -> int:
    filters = ReportFilter(
        case_ids=_case_ids(engine, args.case), period=_period(args), batch_id=args.batch_id
    )
    if args.output is None:
        write_reports_csv(engine, sys.stdout.buffer, filters, notes=args.notes)
        sys.stdout.flush()
        return 0
    with args.output.open("wb") as handle:
        written = write_reports_csv(engine, handle, filters, notes=args.notes)
    print(f"Wrote {number(written)} reports to {args.output}.", file=sys.stderr)
    return 0


def _export_totals(engine: Engine, args: argparse.Namespace) -> int:
    by = [part.strip() for part in args.by.split(",") if part.strip()]
    try:
        frame = report_totals(
            engine,
            by=by,
            bucket=Bucket(args.bucket) if args.bucket else None,
            case_ids=_case_ids(engine, args.case),
            period=_period(args),
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    _write(csv_bytes(frame), args.output)
    if args.output is not None:
        print(f"Wrote {number(len(frame))} rows to {args.output}.", file=sys.stderr)
    return 0


def ensure_reporter_key(engine: Engine) -> None:
    """A first local run gets a reporter key of its own, written to .streamlit/secrets.toml; a
    shared deployment must set one itself (every replica needs the same key)."""
    if config.reporter_key() is not None:
        return
    if engine.url.render_as_string(hide_password=False) == config.default_database_url():
        config.create_local_reporter_key()
        print(f"Created a reporter key in {config.SECRETS_FILE} (keep it with the database).")
    else:
        print(
            "No reporter key is set: imports that give reporter emails will be refused until "
            "UADASH_REPORTER_KEY (or reporter_key in secrets.toml) is set."
        )
