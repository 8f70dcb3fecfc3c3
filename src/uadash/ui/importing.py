"""The import page's widget groups: a file brought in (CSV with its column mapping and preview,
or OSDI JSON with its campaign mapping), a report entered by hand, past imports with undo,
and the export downloads.

Every write goes through the domain with the session's actor, which checks the role again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from uadash import queries
from uadash.access import Actor, PermissionDenied
from uadash.exports import csv_bytes
from uadash.reports import csv_import, intake, osdi
from uadash.reports import exports as report_exports
from uadash.reports.csv_import import CsvOptions, CsvPreview
from uadash.reports.intake import DateOrder, Field, ImportResult, IntakeError
from uadash.ui import session
from uadash.vocab import Channel, ReportSource
from uadash.wording import number, plural

RESULT_KEY = "import.result"  # (upload id, ImportResult) of the last import
NOTICE_KEY = "import.notice"  # a message to show after a rerun (undo, staff entry)
NOT_IN_FILE = "— not in the file —"
FIELD_LABELS = {
    Field.case: "Case (UA number) *",
    Field.update: "Update number",
    Field.target: "Target (official)",
    Field.channel: "Channel *",
    Field.count: "Count (default 1)",
    Field.action_date: "Date of the action *",
    Field.reported_at: "Reported at",
    Field.external_id: "External id (for dedupe)",
    Field.source: "Source (form / file)",
    Field.reporter_email: "Reporter email (kept only hashed)",
    Field.note: "Note",
}
DATE_ORDERS = {
    DateOrder.auto: "Only unambiguous dates (2026-11-03, 13/11/2026)",
    DateOrder.day_first: "Day first: 03/11/2026 is 3 November",
    DateOrder.month_first: "Month first: 03/11/2026 is 11 March",
}
PREVIEW_COLUMNS = {
    "row": "Row",
    "problem": "Problem",
    "case": "Case",
    "target": "Target",
    "channel": "Channel",
    "count": "Count",
    "action_date": "Date",
    "reported_at": "Reported at (UTC)",
    "source": "Source",
    "external_id": "External id",
    "reporter": "Reporter",
    "note": "Note",
}


def notice() -> None:
    """The message a write left for the run after it."""
    message = st.session_state.pop(NOTICE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)


# --- a file --------------------------------------------------------------------------------------


def import_file(*, actor: Actor) -> None:
    """The uploader, then the CSV or OSDI flow for the file chosen."""
    engine = session.engine()
    upload = st.file_uploader(
        "A CSV export of reports, or OSDI outreaches (JSON)",
        type=["csv", "tsv", "txt", "json"],
        key="import-upload",
        help="CSV: UTF-8 (with or without BOM) or Windows-1252, comma-, semicolon- or "
        "tab-separated, one report per row with a header row. See docs/import-formats.md.",
    )
    if upload is None:
        st.caption(
            "Columns are matched by their headers (UA, Target, Channel, Count, Date …); you can "
            "change the matching before anything is written. An import is all or nothing unless "
            "you allow a partial one, and reports imported before are never counted twice."
        )
        return
    data = upload.getvalue()
    if upload.name.lower().endswith(".json"):
        _osdi_file(engine, data, name=upload.name, upload_id=upload.file_id, actor=actor)
    else:
        _csv_file(engine, data, name=upload.name, upload_id=upload.file_id, actor=actor)


def _csv_file(engine: Any, data: bytes, *, name: str, upload_id: str, actor: Actor) -> None:
    try:
        detected = csv_import.preview_csv(engine, data, options=CsvOptions(), rows=0)
    except IntakeError as error:
        st.error(f"{name}: {error}")
        return
    headers = detected.plan.headers
    st.markdown("**Columns**: which column of the file holds what (* must be there)")
    mapping = _mapping_widgets(detected, key=f"map-{upload_id}")
    left, middle, right = st.columns(3)
    source = left.radio(
        "Where the reports came from",
        [ReportSource.form, ReportSource.file],
        format_func=lambda s: "A web form's export" if s == ReportSource.form else "Another file",
        key=f"source-{upload_id}",
        help="Part of what tells reports apart: import the same kind of file the same way "
        "each time.",
    )
    date_order = middle.selectbox(
        "Dates like 03/11/2026",
        list(DATE_ORDERS),
        format_func=DATE_ORDERS.__getitem__,
        key=f"order-{upload_id}",
    )
    partial = right.checkbox(
        "Allow a partial import",
        key=f"partial-{upload_id}",
        help="Write the good rows even if some rows are refused. By default one bad row "
        "and nothing is written.",
    )
    count_identical = right.checkbox(
        "Count identical rows as new",
        key=f"identical-{upload_id}",
        help="Rows with neither an id nor a reporter email are told apart only by what they "
        "say, so a row identical to one already imported (from another file, say) is skipped "
        "as imported before. Tick this if two supporters may have reported the same: the "
        "same file imported twice still counts once.",
    )
    options = CsvOptions(
        source=ReportSource(source),
        mapping=mapping,
        date_order=DateOrder(date_order),
        all_or_nothing=not partial,
        encoding=detected.encoding,  # read once already: no need to scan the file again
        filename=name,
        count_identical=count_identical,
    )
    try:
        preview = csv_import.preview_csv(engine, data, options=options)
    except IntakeError as error:
        st.error(str(error))
        return
    used = ", ".join(preview.plan.unused) or "none"
    st.caption(
        f"Read as {csv_import.ENCODING_NAMES.get(preview.encoding, preview.encoding)}, "
        f"{_delimiter_name(preview.delimiter)}-separated; {len(headers)} columns, not used: "
        f"{used}."
    )
    for warning in preview.warnings:
        st.warning(warning, icon=":material/warning:")
    st.markdown("**The first rows as they will be read**")
    st.dataframe(_preview_table(preview), hide_index=True, width="stretch")
    if st.button(
        "Import", type="primary", key=f"import-{upload_id}", disabled=bool(preview.warnings)
    ):
        _run(
            lambda progress: csv_import.import_csv(
                engine, data, actor=actor, options=options, progress=progress
            ),
            upload_id=upload_id,
        )
    _show_result(upload_id, name=name)


def _mapping_widgets(detected: CsvPreview, *, key: str) -> dict[str, str]:
    """One select box per field, preset from the headers; the mapping they make."""
    headers = detected.plan.headers
    options = [NOT_IN_FILE, *headers]
    chosen: dict[Field, str] = {}
    columns = st.columns(4)
    for position, which in enumerate(Field):
        preset = detected.plan.column(which)
        choice = columns[position % 4].selectbox(
            FIELD_LABELS[which],
            options,
            index=options.index(preset) if preset in options else 0,
            key=f"{key}-{which.value}",
        )
        if choice != NOT_IN_FILE:
            chosen[which] = choice
    twice = {h for h in chosen.values() if list(chosen.values()).count(h) > 1}
    if twice:
        st.error(f"One column can hold one field only: {', '.join(sorted(twice))}.")
    mapping: dict[str, str] = dict.fromkeys(headers, "ignore")
    for which, header in chosen.items():
        mapping[header] = which.value
    return mapping


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(delimiter, delimiter)


def _preview_table(preview: CsvPreview) -> pd.DataFrame:
    frame = preview.readings.copy()
    frame["reporter"] = frame["reporter_hash"].map(lambda h: "hashed" if isinstance(h, str) else "")
    frame["action_date"] = frame["action_date"].dt.date
    frame["reported_at"] = frame["reported_at"].dt.strftime("%Y-%m-%d %H:%M")
    shown = frame[list(PREVIEW_COLUMNS)].astype(object).where(frame.notna(), "")
    return shown.rename(columns=PREVIEW_COLUMNS)


def _osdi_file(engine: Any, data: bytes, *, name: str, upload_id: str, actor: Actor) -> None:
    try:
        records = osdi.read_outreaches(data)
    except IntakeError as error:
        st.error(f"{name}: {error}")
        return
    campaigns = osdi.campaigns_in(records)
    choices = queries.case_choices(engine)
    labels = {choice.ref: f"{choice.label} — {choice.title}" for choice in choices}
    found = plural(len(records), "outreach", "outreaches")
    st.markdown(f"**{found}.** Choose the case each advocacy campaign is for:")
    mapping: dict[str, str] = {}
    for campaign in campaigns:
        held = plural(campaign.outreaches, "outreach", "outreaches")
        ref = st.selectbox(
            f"{campaign.uri or '(no campaign)'} ({held})",
            [None, *labels],
            format_func=lambda r: "— not mapped —" if r is None else labels[r],
            key=f"campaign-{upload_id}-{campaign.uri}",
        )
        if ref is not None and campaign.uri:
            mapping[campaign.uri] = ref
    st.dataframe(osdi.outreach_frame(records), hide_index=True, width="stretch")
    partial = st.checkbox("Allow a partial import", key=f"partial-{upload_id}")
    options = osdi.OsdiOptions(campaigns=mapping, all_or_nothing=not partial, filename=name)
    if st.button("Import", type="primary", key=f"import-{upload_id}", disabled=not mapping):
        _run(
            lambda progress: osdi.import_osdi(
                engine, records, actor=actor, options=options, progress=progress
            ),
            upload_id=upload_id,
        )
    _show_result(upload_id, name=name)


def _run(job: Callable[[intake.Progress], ImportResult], *, upload_id: str) -> None:
    bar = st.progress(0.0, text="Reading the file…")

    def progress(fraction: float, rows: int) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{number(rows)} rows read")

    try:
        result = job(progress)
    except (IntakeError, PermissionDenied) as error:
        bar.empty()
        st.error(str(error))
        return
    bar.empty()
    st.session_state[RESULT_KEY] = (upload_id, result)


def _show_result(upload_id: str, *, name: str) -> None:
    stored = st.session_state.get(RESULT_KEY)
    if not stored or stored[0] != upload_id:
        return
    result: ImportResult = stored[1]
    if result.committed and result.ok:
        st.success(result.summary(), icon=":material/check_circle:")
    elif result.committed or (result.ok and not result.written):
        st.warning(result.summary(), icon=":material/warning:")
    else:
        st.error(result.summary(), icon=":material/error:")
    if result.problems:
        problems = intake.problems_frame(result.problems)
        st.dataframe(problems, hide_index=True, width="stretch")
        st.download_button(
            "Download the problem list (CSV)",
            csv_bytes(problems),
            file_name=f"{name.rsplit('.', 1)[0]}-problems.csv",
            mime="text/csv",
            key=f"problems-{upload_id}",
            on_click="ignore",
            icon=":material/download:",
        )


# --- a report by hand ----------------------------------------------------------------------------


def staff_entry(*, actor: Actor, today: date) -> None:
    """A report received by phone or post: case, target, channel, count, date, note."""
    engine = session.engine()
    choices = queries.case_choices(engine)
    if not choices:
        st.info("There are no cases yet. Load the case files with `uadash init`.")
        return
    labels = {choice.ref: f"{choice.label} — {choice.title}" for choice in choices}
    ref = st.selectbox("Case", list(labels), format_func=labels.__getitem__, key="entry-case")
    case = queries.find_case(engine, ref)
    if case is None:  # deleted since the page was drawn
        return
    targets: dict[int | None, str] = {None: "No target given"}
    targets.update({t.id: t.name + (f" — {t.title}" if t.title else "") for t in case.targets})
    with st.form("staff-entry", clear_on_submit=True, border=True):
        left, right = st.columns(2)
        target_id = left.selectbox("Target", list(targets), format_func=targets.__getitem__)
        channel: Channel = (
            right.selectbox(
                "Channel", list(Channel), format_func=lambda c: Channel(c).value.capitalize()
            )
            or Channel.letter
        )
        count = left.number_input("Count", min_value=1, value=1, step=1)
        day = right.date_input("Date of the action", value=today, max_value=today)
        note = st.text_input(
            "Note", help="For staff: how the report arrived. No names or contact details."
        )
        submitted = st.form_submit_button("Add report", type="primary")
    if not submitted:
        return
    try:
        result = intake.enter_report(
            engine,
            actor=actor,
            case_id=case.id,
            target_id=target_id,
            channel=Channel(channel),
            count=int(count),
            action_date=day if isinstance(day, date) else today,
            note=note,
        )
    except (IntakeError, PermissionDenied) as error:
        st.session_state[NOTICE_KEY] = ("error", str(error))
    else:
        st.session_state[NOTICE_KEY] = (
            "success",
            f"Added {number(int(count))} {Channel(channel).value} action(s) for {case.label} "
            f"as entry #{result.batch_id}.",
        )
    st.rerun()


# --- past imports --------------------------------------------------------------------------------


def past_imports(*, actor: Actor) -> None:
    """The imports and entries, newest first, and undo for one of them."""
    engine = session.engine()
    history = intake.import_history(engine)
    if history.empty:
        st.info("No imports yet.")
        return
    # No file, no note: an empty cell, not the grid's "None".
    history = history.assign(
        filename=history["filename"].fillna(""), note=history["note"].fillna("")
    )
    st.dataframe(
        history.rename(
            columns={
                "id": "#",
                "created_at": "When",
                "source": "Source",
                "filename": "File",
                "actor": "By",
                "reports": "Reports",
                "note": "Note",
            }
        ),
        column_config={"Reports": st.column_config.NumberColumn(format="localized")},
        hide_index=True,
        width="stretch",
    )
    rows: dict[int, dict[Any, Any]] = {
        int(record["id"]): record for record in history.to_dict("records")
    }

    def label(batch_id: int) -> str:
        row = rows[batch_id]
        what = row["filename"] or row["source"]
        return f"#{batch_id} — {what}, {number(int(row['reports']))} reports, by {row['actor']}"

    with st.container(border=True):
        # The latest import first, not the demo data (which `uadash init` may add later).
        imported = [i for i, row in rows.items() if row["source"] != "demo"]
        latest = list(rows).index(imported[0]) if imported else 0
        batch_id = st.selectbox(
            "Undo an import", list(rows), index=latest, format_func=label, key="undo-pick"
        )
        sure = st.checkbox(
            "Yes: delete this import's reports and take them out of every total",
            key=f"undo-sure-{batch_id}",
        )
        if st.button("Undo import", disabled=not sure, key="undo-go", icon=":material/undo:"):
            try:
                deleted = intake.undo_import(engine, int(batch_id), actor=actor)
            except (IntakeError, PermissionDenied) as error:
                st.session_state[NOTICE_KEY] = ("error", str(error))
            else:
                st.session_state[NOTICE_KEY] = (
                    "success",
                    f"Undid import #{batch_id}: {number(deleted)} reports deleted.",
                )
            st.rerun()


# --- exports -------------------------------------------------------------------------------------


def export_downloads(*, today: date) -> None:
    """Reports (nothing personal) and totals as CSV, for the cases and days chosen."""
    engine = session.engine()
    choices = queries.case_choices(engine)
    labels = {choice.id: choice.label for choice in choices}
    case_ids = st.multiselect(
        "Cases", list(labels), format_func=labels.__getitem__, placeholder="All cases"
    )
    left, right = st.columns(2)
    start = left.date_input("From", value=None, max_value=today, format="YYYY-MM-DD")
    end = right.date_input("To", value=None, max_value=today, format="YYYY-MM-DD")
    period = _period(start, end, today=today)
    if period is False:
        st.error("“To” is before “From”.")
        return
    chosen_period = period if isinstance(period, queries.Period) else None
    st.markdown("**Totals** by case, target and channel, from the daily tallies")
    by_left, by_right = st.columns(2)
    by = by_left.multiselect(
        "Totals by", list(report_exports.DIMENSIONS), default=list(report_exports.DIMENSIONS)
    )
    bucket = by_right.selectbox(
        "Per",
        [None, *queries.Bucket],
        format_func=lambda b: "the whole period" if b is None else queries.Bucket(b).value,
    )
    totals = report_exports.totals(
        engine,
        by=by,
        bucket=queries.Bucket(bucket) if bucket else None,
        case_ids=tuple(case_ids),
        period=chosen_period,
    )
    st.dataframe(
        totals,
        column_config={"actions": st.column_config.NumberColumn(format="localized")},
        hide_index=True,
        width="stretch",
        height=240,
    )
    st.download_button(
        "Download totals (CSV)",
        csv_bytes(totals),
        file_name="uadash-totals.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="export-totals",
    )
    st.markdown("**Reports**, one row each: no reporter email or hash")
    notes = st.checkbox(
        "Include staff notes", help="Notes are free text: check them before sharing the file."
    )
    filters = report_exports.ReportFilter(case_ids=tuple(case_ids), period=chosen_period)
    st.download_button(
        "Download reports (CSV)",
        _deferred(report_exports.reports_csv, engine, filters, notes=notes),
        file_name="uadash-reports.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="export-reports",
        help="Made when you click: a large export takes a moment.",
    )


def _deferred(function: Callable[..., bytes], *args: Any, **kwargs: Any) -> Callable[[], bytes]:
    return lambda: function(*args, **kwargs)


def _period(start: Any, end: Any, *, today: date) -> queries.Period | bool | None:
    if start is None and end is None:
        return None
    first = start if isinstance(start, date) else date(1973, 1, 1)
    last = end if isinstance(end, date) else today
    if last < first:
        return False
    return queries.Period(first, last)
