"""The edit page's "Whole case" tab: every other field of a case (title, country, people,
tags, language, issue date, summary, the letter and its sign-off) and its targets as rows,
saved like a status edit: from the version the editor loaded, refused with the other
person's changes when the case moved on, re-appliable, and audited field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from uadash.access import Actor
from uadash.cases.edits import CaseEdit, CaseState
from uadash.cases.targets import target_changes
from uadash.ui.editing import save
from uadash.ui.text import md

ADDRESS_BREAK = " | "  # postal lines in one table cell
TARGET_COLUMNS = [
    "target_id",
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
    "language",
    "note",
]


def details_form(base: CaseState, *, actor: Actor) -> None:
    """The case's other fields and its targets, as the editor loaded them (`base`); the
    changes are saved in one go."""
    suffix = f"{base.case_id}-{base.version}"

    def key(name: str) -> str:
        return f"details-{name}-{suffix}"

    st.caption(
        md(f"{base.label}, the case chosen under “One case”, as loaded (version {base.version}).")
    )

    left, right = st.columns(2)
    title = left.text_input("Title", value=base.title, key=key("title"))
    country = right.text_input("Country", value=base.country, key=key("country"))
    people = left.text_area(
        "People at risk",
        value="\n".join(
            " | ".join(str(p.get(k) or "") for k in ("name", "native_name", "description")).rstrip(
                " |"
            )
            for p in base.people_at_risk
        ),
        help="One per line: name | native name | description",
        key=key("people"),
    )
    tags = right.text_input("Tags", value=", ".join(base.tags), key=key("tags"))
    language = right.text_input("Language", value=base.language, key=key("language"))
    issued = right.date_input(
        "Issue date", value=base.issued, format="YYYY-MM-DD", key=key("issued")
    )
    deadline_note = st.text_input(
        "What the text says about the deadline", value=base.deadline_note or "", key=key("note-dl")
    )
    summary = st.text_area("Summary", value=base.summary, height=150, key=key("summary"))
    st.markdown("**Targets**: edit any cell; add or delete rows; *Order* sets the order")
    rows = _targets(base, key=key("targets"))
    st.caption(
        "A deleted target that reports name is retired instead: it keeps its totals and "
        "leaves the letters."
    )
    letter = st.text_area(
        "Sample letter (the body: no salutation, no closing)",
        value=base.sample_letter or "",
        height=250,
        key=key("letter"),
    )
    sign_off = st.text_area("Sign-off", value=base.sign_off or "", height=80, key=key("sign-off"))
    note = st.text_input("Reason for these changes (kept in the history)", key=key("why"))
    if st.button("Save the whole case", type="primary", icon=":material/save:", key=key("save")):
        wanted: dict[str, Any] = {
            "title": title.strip(),
            "country": country.strip(),
            "people_at_risk": _people(people),
            "tags": tuple(tag.strip() for tag in tags.split(",") if tag.strip()),
            "language": language.strip(),
            "issued": issued if isinstance(issued, date) else None,
            "deadline_note": deadline_note.strip() or None,
            "summary": summary.strip(),
            "sample_letter": letter.strip() or None,
            "sign_off": sign_off.strip() or None,
        }
        changes = {name: value for name, value in wanted.items() if getattr(base, name) != value}
        targets = target_changes(base.targets, rows)
        if targets:
            changes["targets"] = targets
        if not changes:
            st.info("Nothing changed, so nothing was saved.")
        else:
            edit = CaseEdit(base.case_id, base.version, note=note, **changes)
            save([edit], actor=actor, origin="form")


def _targets(base: CaseState, *, key: str) -> list[dict[str, Any]]:
    frame = pd.DataFrame(
        [
            {
                **target.values(),
                "role": target.role.value,
                "address": ADDRESS_BREAK.join((target.address or "").splitlines()) or None,
                "target_id": target.target_id,
                "order": position + 1,
            }
            for position, target in enumerate(base.targets)
        ],
        columns=TARGET_COLUMNS,
    )
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        hide_index=True,
        column_order=TARGET_COLUMNS[1:],
        column_config={
            "order": st.column_config.NumberColumn("Order", min_value=1, step=1, width="small"),
            "role": st.column_config.SelectboxColumn(
                "Role", options=["primary", "cc"], required=True, default="primary"
            ),
            "name": st.column_config.TextColumn("Name", required=True),
            "address": st.column_config.TextColumn(
                "Address", help=f"Postal lines separated by “{ADDRESS_BREAK.strip()}”"
            ),
            "title": "Title",
            "organisation": "Organisation",
            "salutation": "Salutation",
            "email": "Email",
            "phone": "Phone",
            "fax": "Fax",
            "social_handle": "Social",
            "language": "Language",
            "note": "Note",
        },
        key=key,
    )
    records = [
        {str(name): _blank(value) for name, value in row.items()}
        for row in edited.to_dict("records")
    ]
    ordered = sorted(
        enumerate(records),
        key=lambda pair: (_number(pair[1].get("order"), default=pair[0] + 1), pair[0]),
    )
    rows = []
    for _, row in ordered:
        row["address"] = (
            "\n".join(
                part.strip() for part in str(row.get("address") or "").split("|") if part.strip()
            )
            or None
        )
        target_id = row.get("target_id")
        row["target_id"] = int(target_id) if target_id is not None else None
        rows.append(row)
    return rows


def _people(text: str) -> tuple[dict[str, str | None], ...]:
    people = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")] + ["", ""]
        if any(parts):
            people.append(
                {"name": parts[0], "native_name": parts[1] or None, "description": parts[2] or None}
            )
    return tuple(people)


def _blank(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def _number(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
