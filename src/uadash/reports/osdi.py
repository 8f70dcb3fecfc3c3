"""OSDI outreach imports: `osdi:outreaches` records as Action Network and other OSDI platforms
export them, mapped to our cases by the advocacy campaign each record belongs to.

One outreach reaches one or more targets; each target it reached becomes one report. Records
with no targets reached nobody and are skipped (and counted). See docs/import-formats.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from uadash import limits
from uadash.access import Actor, require
from uadash.reports.csv_import import Source, open_binary
from uadash.reports.intake import (
    DateOrder,
    Directory,
    Field,
    ImportResult,
    IntakeError,
    Occurrences,
    Problem,
    Progress,
    ReportWriter,
    raise_if_raced,
    read_cells,
    read_options,
    report_frame,
    settle,
)
from uadash.vocab import Channel, ReportSource, Role

COLLECTION = "osdi:outreaches"
CAMPAIGN_LINK = "osdi:advocacy_campaign"
CHUNK_ROWS = 20_000
MAX_DEPTH = limits.OSDI.depth or 32
MAX_RECORDS = limits.OSDI.rows or 200_000
# Where each field comes from in a record, as the problems name it.
COLUMNS = {
    Field.case: f"_links.{CAMPAIGN_LINK}",
    Field.target: "targets",
    Field.channel: "type",
    Field.action_date: "action_date",
    Field.reported_at: "created_date",
    Field.external_id: "identifiers",
}


@dataclass(frozen=True)
class OsdiOptions:
    """`campaigns` maps an advocacy campaign (its URI, or the id at the end of it) to a case
    reference (`44.22`, `44.22-2`); `types` adds outreach types beyond the channel synonyms
    (`{"in-person": Channel.letter}`)."""

    campaigns: Mapping[str, str] = field(default_factory=dict)
    types: Mapping[str, Channel] = field(default_factory=dict)
    all_or_nothing: bool = True
    filename: str | None = None


@dataclass(frozen=True)
class Campaign:
    """An advocacy campaign the file's outreaches belong to, for a mapping form."""

    uri: str
    outreaches: int


def read_outreaches(data: Source) -> list[dict[str, Any]]:
    """The outreach records of an OSDI file: a JSON array of outreaches, a HAL collection
    (`{"_embedded": {"osdi:outreaches": [...]}}`), one outreach, or a webhook batch
    (`[{"osdi:outreach": {...}}, ...]`)."""
    with open_binary(data, within=limits.OSDI) as (handle, _):
        raw = handle.read()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise IntakeError(
            f"line {line}: the file is not UTF-8 text, as OSDI JSON must be"
        ) from None
    except json.JSONDecodeError as error:
        raise IntakeError(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise IntakeError(_too_deep()) from None
    except ValueError as error:  # a number of more than 4,300 digits, say
        raise IntakeError(f"not JSON that can be read ({error})") from None
    del raw
    if limits.nesting_depth(document, limit=MAX_DEPTH) > MAX_DEPTH:
        raise IntakeError(_too_deep())
    if isinstance(document, dict) and "_embedded" in document:
        if not isinstance(document["_embedded"], dict):
            raise IntakeError(f"_embedded is {_kind(document['_embedded'])}, not an object")
        records = document["_embedded"].get(COLLECTION)
        if records is None:
            found = ", ".join(document["_embedded"]) or "nothing"
            raise IntakeError(f"the collection embeds {found}, not {COLLECTION}")
    elif isinstance(document, dict):
        records = [document]
    else:
        records = document
    if not isinstance(records, list):
        raise IntakeError(f"expected a list of outreaches, found {type(records).__name__}")
    unwrapped = [
        record.get("osdi:outreach", record) if isinstance(record, dict) else record
        for record in records
    ]
    if len(unwrapped) > MAX_RECORDS:
        raise IntakeError(
            f"the file has {len(unwrapped):,} records; one import may have at most "
            f"{MAX_RECORDS:,}: split it into smaller files"
        )
    for number, record in enumerate(unwrapped, start=1):
        if not isinstance(record, dict):
            raise IntakeError(f"record {number}: expected an outreach object")
    return unwrapped


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _too_deep() -> str:
    return f"the JSON is nested more than {MAX_DEPTH} levels deep; an OSDI file needs a few"


def campaign_uri(record: Mapping[str, Any]) -> str:
    links = record.get("_links") or {}
    link = (links.get(CAMPAIGN_LINK) or {}) if isinstance(links, dict) else {}
    return str(link.get("href") or "") if isinstance(link, dict) else ""


def campaigns_in(records: Sequence[Mapping[str, Any]]) -> list[Campaign]:
    counts: dict[str, int] = {}
    for record in records:
        uri = campaign_uri(record)
        counts[uri] = counts.get(uri, 0) + 1
    return [Campaign(uri, n) for uri, n in sorted(counts.items())]


def _case_reference(uri: str, campaigns: Mapping[str, str]) -> str | None:
    if not uri:
        return None
    if uri in campaigns:
        return campaigns[uri]
    last = uri.rstrip("/").rsplit("/", 1)[-1]
    return campaigns.get(last)


def _target_text(target: Any) -> str:
    if not isinstance(target, dict):
        return ""
    parts = [target.get("title"), target.get("given_name"), target.get("family_name")]
    return " ".join(str(part) for part in parts if part)


def _external_id(record: Mapping[str, Any]) -> str:
    identifiers = record.get("identifiers") or []
    if isinstance(identifiers, list) and identifiers:
        return str(identifiers[0])  # the origin system's own id comes first
    links = record.get("_links") or {}
    link = (links.get("self") or {}) if isinstance(links, dict) else {}
    return str(link.get("href") or "") if isinstance(link, dict) else ""


def _shape_problem(record: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(field, value, reason) when a field the import reads has the wrong JSON type: read as
    text, a string of identifiers would silently become no id at all."""
    identifiers = record.get("identifiers")
    if identifiers is not None and (
        not isinstance(identifiers, list) or not all(isinstance(i, str) for i in identifiers)
    ):
        shown = identifiers if isinstance(identifiers, str) else json.dumps(identifiers)
        what = "is not a list" if not isinstance(identifiers, list) else "is not a list of text"
        return "identifiers", str(shown)[:200], what
    for name in ("type", "action_date", "created_date"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return name, json.dumps(value)[:200], "is not text"
    targets = record.get("targets")
    if targets is not None and not isinstance(targets, list):
        return "targets", json.dumps(targets)[:200], "is not a list"
    links = record.get("_links")
    if links is not None and not isinstance(links, dict):
        return "_links", json.dumps(links)[:200], "is not an object"
    return None


def _label(record: Mapping[str, Any]) -> str | None:
    identifiers = record.get("identifiers")
    if isinstance(identifiers, list) and identifiers and isinstance(identifiers[0], str):
        return identifiers[0][:100]
    return None


@dataclass
class _Rows:
    rows: list[int] = field(default_factory=list)
    cells: dict[Field, list[str]] = field(default_factory=lambda: {f: [] for f in COLUMNS})


def _rows(
    records: Sequence[Mapping[str, Any]],
    options: OsdiOptions,
    result: ImportResult,
    problems: list[Problem],
    *,
    first: int = 1,
) -> Iterator[_Rows]:
    """One row of cells per (record, target), a chunk at a time; records numbered from
    `first` (1 for a file's records, 0 for the items of an API request)."""
    chunk = _Rows()
    for number, record in enumerate(records, start=first):
        if shape := _shape_problem(record):
            problems.append(Problem(number, *shape))
            continue
        targets = record.get("targets") or []
        if not targets:
            result.skipped += 1
            continue
        uri = campaign_uri(record)
        reference = _case_reference(uri, options.campaigns)
        if reference is None:
            reason = (
                "is not mapped to a case (map it: --campaign URI=UA)"
                if uri
                else "is missing: the record names no advocacy campaign"
            )
            problems.append(Problem(number, COLUMNS[Field.case], uri, reason))
            continue
        day = str(record.get("action_date") or record.get("created_date") or "")
        for target in targets:
            chunk.rows.append(number)
            chunk.cells[Field.case].append(reference)
            chunk.cells[Field.target].append(_target_text(target) or "(a target without a name)")
            chunk.cells[Field.channel].append(str(record.get("type") or ""))
            chunk.cells[Field.action_date].append(day)
            chunk.cells[Field.reported_at].append(str(record.get("created_date") or ""))
            chunk.cells[Field.external_id].append(_external_id(record))
        if len(chunk.rows) >= CHUNK_ROWS:
            yield chunk
            chunk = _Rows()
    if chunk.rows:
        yield chunk


def rows_of_outreaches(
    records: Sequence[Mapping[str, Any]],
    options: OsdiOptions,
    result: ImportResult,
    problems: list[Problem],
    *,
    first: int = 1,
) -> tuple[list[int], dict[Field, list[str]], dict[Field, str]]:
    """All the records' rows at once (for a request small enough to read whole): the record
    number of each row, the cells by field, and where each field comes from."""
    rows: list[int] = []
    cells: dict[Field, list[str]] = {which: [] for which in COLUMNS}
    for chunk in _rows(records, options, result, problems, first=first):
        rows.extend(chunk.rows)
        for which, values in chunk.cells.items():
            cells[which].extend(values)
    return rows, cells, dict(COLUMNS)


def import_osdi(
    engine: Engine,
    data: Source | Sequence[Mapping[str, Any]],
    *,
    actor: Actor,
    options: OsdiOptions,
    progress: Progress | None = None,
) -> ImportResult:
    """Import OSDI outreaches in one transaction, all or nothing by default, like a CSV
    import. A record is written whole or not at all: one unknown target refuses it."""
    require(actor, Role.editor, to="import action reports")
    records = (
        list(data)
        if isinstance(data, Sequence) and not isinstance(data, str | bytes)
        else read_outreaches(data)
    )
    result = ImportResult(
        source=ReportSource.osdi,
        filename=options.filename,
        partial=not options.all_or_nothing,
        unit="record",
    )
    result.rows = len(records)
    read = read_options(ReportSource.osdi, date_order=DateOrder.auto, channels=options.types)
    problems: list[Problem] = []
    bad_records: set[int] = set()
    with Session(engine) as session:
        session.begin()
        try:
            directory = Directory.load(session)
            writer = ReportWriter(session, result=result, actor=actor)
            occurrences = Occurrences()
            for chunk in _rows(records, options, result, problems):
                readings = read_cells(
                    chunk.cells, chunk.rows, columns=COLUMNS, directory=directory, options=read
                )
                problems.extend(readings.problems)
                bad_records.update(p.row for p in problems if p.row is not None)
                if not (bad_records and options.all_or_nothing):
                    good = readings.frame[~readings.frame["row"].isin(list(bad_records))]
                    writer.write(report_frame(good, occurrences=occurrences))
                if progress is not None:
                    progress(chunk.rows[-1] / max(len(records), 1), chunk.rows[-1])
            bad_records.update(p.row for p in problems if p.row is not None)
            result.add_problems(
                replace(p, unit="record", label=_label(records[p.row - 1]) if p.row else None)
                for p in sorted(problems, key=lambda p: p.row or 0)
            )
            result.rejected = len(bad_records)
            settle(session, result, all_or_nothing=options.all_or_nothing)
        except BaseException as error:
            session.rollback()
            raise_if_raced(error)
            raise
    if progress is not None:
        progress(1.0, len(records))
    return result


def outreach_frame(records: Sequence[Mapping[str, Any]], *, limit: int = 10) -> pd.DataFrame:
    """The first records as a table (campaign, type, date, targets), for a preview."""
    return pd.DataFrame(
        [
            {
                "record": number,
                "campaign": campaign_uri(record),
                "type": record.get("type"),
                "action_date": record.get("action_date"),
                "targets": "; ".join(_target_text(t) for t in record.get("targets") or []),
            }
            for number, record in enumerate(records[:limit], start=1)
        ]
    )
