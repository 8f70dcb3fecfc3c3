"""The New case page's widget groups: the text in (pasted or a file), the draft as a form with
the source line of every field beside it, the targets as editable rows, each target's
letter, the note that the UA exists (save as update N, and what differs), and the save.

The draft lives in `st.session_state` under keys named by a token that changes with each
text read, so a rerun (any widget changed) keeps every edit, and a new text starts afresh.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from uadash.access import Actor, PermissionDenied
from uadash.cases import create, drafts
from uadash.cases.create import Created, NewCase
from uadash.cases.drafts import Draft, SourceError
from uadash.cases.edits import EditRefused
from uadash.cases.files import TargetSpec
from uadash.ui import session
from uadash.ui.text import md
from uadash.vocab import OUTCOME_LABELS, STATUS_LABELS, CaseStatus, Outcome, TargetRole

DRAFT = "newcase.draft"
TOKEN = "newcase.token"
SAVED = "newcase.saved"
PROBLEMS = "newcase.problems"
ADDRESS_BREAK = " | "  # postal lines in one table cell


def _key(name: str) -> str:
    return f"newcase.{st.session_state.get(TOKEN, 0)}.{name}"


# --- the text in ---------------------------------------------------------------------------


def source_input() -> None:
    """Paste or upload, then read: a new draft, or a one-line message and no draft."""
    paste, upload = st.tabs(["Paste the text", "Upload a file"])
    with paste:
        pasted = st.text_area(
            "The UA's text", height=200, key="newcase.pasted", placeholder="UA: China 44.22 …"
        )
        read_pasted = st.button("Read the text", type="primary", key="newcase.read-pasted")
    with upload:
        file = st.file_uploader(
            "A .txt, .html, .pdf or .docx file",
            type=["txt", "html", "htm", "pdf", "docx"],
            key="newcase.file",
        )
        read_file = st.button("Read the file", type="primary", key="newcase.read-file")
    if not (read_pasted or read_file):
        return
    try:
        if read_file:
            if file is None:
                raise SourceError("choose a file first")
            text = drafts.source_text(data=file.getvalue(), filename=file.name)
        else:
            text = drafts.source_text(pasted=pasted)
    except SourceError as error:
        st.session_state.pop(DRAFT, None)
        st.error(f"Nothing was read: {md(error, inline=True)}", icon=":material/block:")
        return
    _install(drafts.draft_from_text(text))
    st.rerun()


def _install(draft: Draft) -> None:
    """Make `draft` the one on the page, its values the widgets' starting values."""
    st.session_state[TOKEN] = st.session_state.get(TOKEN, 0) + 1
    st.session_state[DRAFT] = draft
    st.session_state.pop(SAVED, None)
    st.session_state.pop(PROBLEMS, None)
    case = draft.case
    people = "\n".join(
        " | ".join(str(p.get(k) or "") for k in ("name", "native_name", "description")).rstrip(" |")
        for p in case.people_at_risk
    )
    values: dict[str, Any] = {
        "ua_number": case.ua_number,
        "update_number": case.update_number,
        "title": case.title,
        "country": case.country,
        "status": case.status,
        "outcome": case.outcome,
        "deadline": case.deadline,
        "no_end": case.deadline is None,
        "deadline_note": case.deadline_note or "",
        "issued": case.issued,
        "people": people,
        "tags": ", ".join(case.tags),
        "language": case.language,
        "summary": case.summary,
        "sample_letter": case.sample_letter or "",
        "sign_off": case.sign_off or "",
    }
    for name, value in values.items():
        st.session_state[_key(name)] = value


def current_draft() -> Draft | None:
    return st.session_state.get(DRAFT)


# --- the draft as a form ---------------------------------------------------------------------


def warnings(draft: Draft) -> None:
    if draft.warnings:
        lines = "\n".join(f"- {md(warning, inline=True)}" for warning in draft.warnings)
        st.warning(f"Check these before saving:\n{lines}", icon=":material/warning:")


def _source(draft: Draft, *names: str) -> None:
    """The line(s) of the text a field came from, or that the text does not give it."""
    lines = next((draft.sources[name] for name in names if draft.sources.get(name)), ())
    if not lines:
        st.caption("Not in the text")
        return
    first = draft.lines[lines[0] - 1].strip() if 0 < lines[0] <= len(draft.lines) else ""
    where = _lines_text(lines)
    quoted = first if len(first) <= 80 else first[:79] + "…"
    st.caption(md(f"{where}: “{quoted}”", inline=True))


def _row(draft: Draft, *names: str) -> Any:
    field, source = st.columns([3, 2], vertical_alignment="center")
    with source:
        _source(draft, *names)
    return field


def draft_form(draft: Draft, *, today: date) -> NewCase:
    """Every case field, filled from the draft, each with its source; the case as now edited."""
    key = _key
    _row(draft, "ua_number").text_input("UA number", key=key("ua_number"), help="e.g. 44.22")
    _row(draft, "update").number_input(
        "Update number", min_value=0, step=1, key=key("update_number"), help="0 for a new UA"
    )
    _row(draft, "title").text_input("Title", key=key("title"))
    _row(draft, "country").text_input("Country", key=key("country"))
    _row(draft, "people").text_area(
        "People at risk", key=key("people"), help="One per line: name | native name | description"
    )
    status_field = _row(draft, "outcome", "no_further_action")
    left, right = status_field.columns(2)
    left.selectbox(
        "Status",
        list(CaseStatus),
        format_func=lambda s: STATUS_LABELS[CaseStatus(s)],
        key=key("status"),
    )
    outcomes: list[Outcome | None] = [None, *Outcome]
    right.selectbox(
        "Outcome",
        outcomes,
        format_func=lambda o: "— none —" if o is None else OUTCOME_LABELS[Outcome(o)],
        key=key("outcome"),
    )
    deadline_field = _row(draft, "deadline", "no_end_date")
    left, right = deadline_field.columns([2, 1], vertical_alignment="bottom")
    left.date_input("Deadline", format="YYYY-MM-DD", key=key("deadline"))
    right.checkbox("No end date", key=key("no_end"))
    _row(draft, "deadline_note", "no_end_date").text_input(
        "What the text says about the deadline", key=key("deadline_note")
    )
    _row(draft, "issued").date_input("Issue date", format="YYYY-MM-DD", key=key("issued"))
    _row(draft, "languages").text_input(
        "Language of the letter", key=key("language"), help="A code: en, es, zh …"
    )
    _row(draft).text_input("Tags", key=key("tags"), help="Comma-separated: metoo, health")
    _row(draft, "summary").text_area("Summary", key=key("summary"), height=150)
    st.markdown("**Targets**: edit any cell; add or delete rows; *Order* sets the order")
    targets = _targets(draft)
    _row(draft, "letter").text_area(
        "Sample letter (the body: no salutation, no closing)", key=key("sample_letter"), height=250
    )
    _row(draft, "sign_off").text_area("Sign-off", key=key("sign_off"), height=80)
    return _case(draft, targets)


def _targets(draft: Draft) -> tuple[TargetSpec, ...]:
    base = pd.DataFrame(
        [
            {
                "order": position + 1,
                "role": target.role.value,
                "name": target.name,
                "title": target.title,
                "organisation": target.organisation,
                "address": ADDRESS_BREAK.join((target.address or "").splitlines()) or None,
                "salutation": target.salutation,
                "email": target.email,
                "phone": target.phone,
                "fax": target.fax,
                "social_handle": target.social_handle,
                "note": target.note,
            }
            for position, target in enumerate(draft.case.targets)
        ],
        columns=[
            "order",
            "role",
            "name",
            "title",
            "organisation",
            "address",
            "salutation",
            "email",
            "phone",
            "fax",
            "social_handle",
            "note",
        ],
    )
    edited = st.data_editor(
        base,
        num_rows="dynamic",
        hide_index=True,
        key=_key("targets"),
        column_config={
            "order": st.column_config.NumberColumn("Order", min_value=1, step=1, width="small"),
            "role": st.column_config.SelectboxColumn(
                "Role", options=["primary", "cc"], required=True, default="primary"
            ),
            "name": st.column_config.TextColumn("Name", required=True),
            "title": "Title",
            "organisation": "Organisation",
            "address": st.column_config.TextColumn(
                "Address", help=f"Postal lines separated by “{ADDRESS_BREAK.strip()}”"
            ),
            "salutation": "Salutation",
            "email": "Email",
            "phone": "Phone",
            "fax": "Fax",
            "social_handle": "Social",
            "note": st.column_config.TextColumn("Note", help="For staff: anything to know"),
        },
    )
    found = [
        f"{target.name or f'target {n + 1}'}: {_lines_text(draft.sources.get(f'targets.{n}', ()))}"
        for n, target in enumerate(draft.case.targets)
    ]
    st.caption(
        md("From the text: " + "; ".join(found), inline=True) if found else "No targets in the text"
    )
    records: list[dict[str, Any]] = [
        {str(name): value for name, value in row.items()} for row in edited.to_dict("records")
    ]
    rows = sorted(
        enumerate(records),
        key=lambda pair: (_number(pair[1].get("order"), default=pair[0] + 1), pair[0]),
    )
    return tuple(
        TargetSpec(
            name=_text(row.get("name")) or "",
            title=_text(row.get("title")),
            organisation=_text(row.get("organisation")),
            address="\n".join(
                part.strip()
                for part in (_text(row.get("address")) or "").split("|")
                if part.strip()
            )
            or None,
            email=_text(row.get("email")),
            phone=_text(row.get("phone")),
            fax=_text(row.get("fax")),
            social_handle=_text(row.get("social_handle")),
            salutation=_text(row.get("salutation")),
            role=TargetRole.cc if row.get("role") == "cc" else TargetRole.primary,
            note=_text(row.get("note")),
        )
        for _, row in rows
        if _text(row.get("name")) or any(_text(v) for k, v in row.items() if k != "order")
    )


def _case(draft: Draft, targets: tuple[TargetSpec, ...]) -> NewCase:
    state = st.session_state

    def value(name: str) -> Any:
        return state.get(_key(name))

    people = []
    for line in str(value("people") or "").splitlines():
        parts = [part.strip() for part in line.split("|")] + ["", ""]
        if any(parts):
            people.append(
                {"name": parts[0], "native_name": parts[1] or None, "description": parts[2] or None}
            )
    outcome = value("outcome")
    deadline = value("deadline")
    return NewCase(
        ua_number=str(value("ua_number") or "").strip(),
        update_number=int(value("update_number") or 0),
        title=str(value("title") or "").strip(),
        country=str(value("country") or "").strip(),
        targets=targets,
        status=CaseStatus(value("status") or CaseStatus.active),
        outcome=Outcome(outcome) if outcome else None,
        deadline=None if value("no_end") or not isinstance(deadline, date) else deadline,
        deadline_note=str(value("deadline_note") or "").strip() or None,
        issued=value("issued") if isinstance(value("issued"), date) else None,
        people_at_risk=tuple(people),
        tags=tuple(tag.strip() for tag in str(value("tags") or "").split(",") if tag.strip()),
        summary=str(value("summary") or "").strip(),
        sample_letter=str(value("sample_letter") or "").strip() or None,
        sign_off=str(value("sign_off") or "").strip() or None,
        language=str(value("language") or "en").strip(),
        source_text=draft.case.source_text,
    )


def _lines_text(lines: tuple[int, ...]) -> str:
    if not lines:
        return "not in the text"
    return f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}–{lines[-1]}"


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# --- letters, the UA's other updates, saving ---------------------------------------------------


def letter_previews(case: NewCase, *, today: date) -> None:
    """Each target's letter as the letter page shows it."""
    previews = drafts.preview_letters(case, on=today)
    if not previews:
        st.caption("No targets yet: add one to see its letter.")
        return
    tabs = st.tabs([md(preview.target) for preview in previews])
    for tab, preview in zip(tabs, previews, strict=True):
        with tab:
            for warning in preview.letter.warnings:
                st.warning(md(warning))
            with st.container(border=True):
                st.text(preview.letter.text)


def save_as(case: NewCase) -> NewCase:
    """The case as it will be saved: the next update of its UA when the UA exists (said,
    with what differs from its latest update), else as it is."""
    if not create.UA_NUMBER.fullmatch(case.ua_number):
        return case
    diff = create.update_diff(session.engine(), case)
    if diff is None:
        return case
    number = case.update_number if case.update_number >= diff.next_update else diff.next_update
    said = ""
    if number != case.update_number:
        said = f" The text says update {case.update_number}, which UA {case.ua_number} has already."
    changes = "\n".join(f"- {md(line, inline=True)}" for line in diff.lines)
    st.info(
        f"UA {md(case.ua_number, inline=True)} is already in the database: its latest is "
        f"{md(diff.latest_label, inline=True)}.{said} This text will be saved as **update "
        f"{number}**, and {md(diff.latest_label, inline=True)} marked as superseded by it (its "
        f"reports stay with it). What differs from it:\n{changes}",
        icon=":material/update:",
    )
    return drafts.with_update(case, number)


def save_button(case: NewCase, *, actor: Actor) -> None:
    existing = create.update_diff(session.engine(), case) if case.ua_number else None
    label = f"Save as update {case.update_number}" if existing else "Save the case"
    note = st.text_input("Why (kept in the history)", key=_key("note"))
    if st.button(label, type="primary", icon=":material/save:", key=_key("save")):
        try:
            created = create.create_case(session.engine(), case, actor=actor, note=note)
        except EditRefused as error:
            st.session_state[PROBLEMS] = [str(problem) for problem in error.problems]
        except PermissionDenied as error:
            st.session_state[PROBLEMS] = [str(error)]
        else:
            st.session_state[SAVED] = created
            st.session_state.pop(DRAFT, None)
            st.session_state.pop(PROBLEMS, None)
        st.rerun()


def last_save() -> None:
    """What became of the last save: the new case with links, or the broken rules."""
    problems: list[str] | None = st.session_state.get(PROBLEMS)
    if problems:
        lines = "\n".join(f"- {md(problem, inline=True)}" for problem in problems)
        st.error(f"Nothing was saved:\n{lines}", icon=":material/block:")
    created: Created | None = st.session_state.get(SAVED)
    if created is None:
        return
    superseded = (
        f" It supersedes {md(created.supersedes, inline=True)}." if created.supersedes else ""
    )
    st.success(
        f"Saved {md(created.label, inline=True)}.{superseded}", icon=":material/check_circle:"
    )
    left, right = st.columns(2, width=520)
    left.page_link("pages/case.py", label="Open the case", query_params={"case": created.ref})
    right.page_link(
        "pages/letters.py", label="Preview its letters", query_params={"case": created.ref}
    )
