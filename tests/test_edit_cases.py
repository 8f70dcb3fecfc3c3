"""Editing cases: one case or a batch, the rules, the version guard and the audit trail, on
every backend (SQLite, and PostgreSQL when `UADASH_TEST_POSTGRES_URL` is set)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from uadash.access import ANONYMOUS, Actor, PermissionDenied
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit, ConflictError, EditRefused
from uadash.store.engine import transaction
from uadash.store.models import AuditEvent, Case
from uadash.vocab import CaseStatus, Outcome, Role

ALICE = Actor("alice@example.org", Role.editor, "Alice")
BOB = Actor("bob@example.org", Role.editor)
VIEWER = Actor("viola@example.org", Role.viewer)
ISSUED = date(2026, 3, 1)


def add_case(engine: Engine, ua_number: str = "12.26", update: int = 0, **values: object) -> int:
    values = {"status": CaseStatus.active, "issued": ISSUED, **values}
    with transaction(engine) as session:
        case = Case(
            ua_number=ua_number, update_number=update, title=f"Case {ua_number}", country="X"
        )
        for name, value in values.items():
            setattr(case, name, value)
        session.add(case)
        session.flush()
        return case.id


def audit_count(engine: Engine, case_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def stored(engine: Engine, case_id: int) -> case_edits.CaseState:
    state = case_edits.case_state(engine, case_id)
    assert state is not None
    return state


# --- one case ------------------------------------------------------------------------------


def test_editor_changes_status_and_deadline_with_one_audit_entry_per_field(
    engine: Engine,
) -> None:
    case_id = add_case(engine, deadline=date(2026, 12, 1))
    before = stored(engine, case_id)

    after = case_edits.edit_case(
        engine,
        CaseEdit(
            case_id,
            before.version,
            status=CaseStatus.paused,
            deadline=None,
            note="  waiting for the family  ",
        ),
        actor=ALICE,
    )

    assert (after.status, after.deadline, after.version) == (CaseStatus.paused, None, 2)
    assert stored(engine, case_id) == after
    history = case_edits.case_history(engine, case_id)
    assert sorted(history["field"]) == ["deadline", "status"]
    assert set(history["actor"]) == {"alice@example.org"}
    assert set(history["note"]) == {"waiting for the family"}
    rows = history.set_index("field")
    assert (rows.loc["status", "old_value"], rows.loc["status", "new_value"]) == (
        "active",
        "paused",
    )
    assert rows.loc["deadline", "old_value"] == "2026-12-01"
    assert pd.isna(rows.loc["deadline", "new_value"])  # no end date
    assert all(moment.tzinfo is not None for moment in history["at"])


def test_closing_with_an_outcome_and_changing_the_update_number(engine: Engine) -> None:
    case_id = add_case(engine)
    after = case_edits.edit_case(
        engine,
        CaseEdit(case_id, 1, status=CaseStatus.closed, outcome=Outcome.released, update_number=3),
        actor=BOB,
    )
    assert (after.status, after.outcome, after.update_number) == (
        CaseStatus.closed,
        Outcome.released,
        3,
    )
    assert after.label == "UA 12.26 (update 3)"
    assert audit_count(engine, case_id) == 3


def test_an_edit_that_changes_nothing_writes_nothing(engine: Engine) -> None:
    case_id = add_case(engine)
    after = case_edits.edit_case(
        engine, CaseEdit(case_id, 1, status=CaseStatus.active), actor=ALICE
    )
    assert after.version == 1
    assert audit_count(engine) == 0


def test_history_is_newest_first(engine: Engine) -> None:
    case_id = add_case(engine)
    case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.paused), actor=ALICE)
    case_edits.edit_case(engine, CaseEdit(case_id, 2, status=CaseStatus.active), actor=BOB)
    history = case_edits.case_history(engine, case_id)
    assert list(history["actor"]) == ["bob@example.org", "alice@example.org"]
    assert list(history["new_value"]) == ["active", "paused"]


def test_history_of_a_case_without_changes_is_an_empty_table(engine: Engine) -> None:
    history = case_edits.case_history(engine, add_case(engine))
    assert history.empty
    assert list(history.columns) == ["at", "actor", "field", "old_value", "new_value", "note"]


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [ANONYMOUS, VIEWER], ids=["anonymous", "viewer"])
def test_the_domain_refuses_a_viewer_whatever_the_page_shows(engine: Engine, actor: Actor) -> None:
    case_id = add_case(engine)
    with pytest.raises(PermissionDenied, match="only an editor may edit cases"):
        case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.paused), actor=actor)
    with pytest.raises(PermissionDenied):
        case_edits.edit_cases(engine, [], actor=actor)
    assert stored(engine, case_id).status is CaseStatus.active
    assert audit_count(engine) == 0


def test_an_admin_may_edit(engine: Engine) -> None:
    case_id = add_case(engine)
    admin = Actor("root@example.org", Role.admin)
    assert case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.draft), actor=admin)


# --- rules -----------------------------------------------------------------------------------

REFUSED = [
    pytest.param(
        {"status": CaseStatus.closed}, "outcome", "closing a case needs an outcome", id="close"
    ),
    pytest.param(
        {"outcome": Outcome.released}, "outcome", "only a closed case has an outcome", id="open"
    ),
    pytest.param(
        {"deadline": date(2026, 2, 28)},
        "deadline",
        "28 February 2026 is before the issue date, 1 March 2026",
        id="deadline",
    ),
    pytest.param({"update_number": -1}, "update number", "0 (new) or more", id="negative"),
    pytest.param({"update_number": 1}, "update number", "already has an update 1", id="taken"),
    pytest.param({"status": None}, "status", "choose one of", id="blank-status"),
]


@pytest.mark.parametrize(("changes", "field", "message"), REFUSED)
def test_a_refused_edit_names_case_and_field_and_writes_nothing(
    engine: Engine, changes: dict[str, object], field: str, message: str
) -> None:
    case_id = add_case(engine, deadline=date(2026, 6, 1))
    add_case(engine, update=1)  # UA 12.26 update 1 exists already
    before = stored(engine, case_id)

    with pytest.raises(EditRefused) as refused:
        case_edits.edit_case(engine, CaseEdit(case_id, 1, note="why", **changes), actor=ALICE)  # type: ignore[arg-type]

    assert str(refused.value).startswith(f"UA 12.26, {field}: ")
    assert message in str(refused.value)
    assert stored(engine, case_id) == before
    assert audit_count(engine) == 0


def test_reopening_a_closed_case_needs_its_outcome_cleared(engine: Engine) -> None:
    case_id = add_case(engine, status=CaseStatus.closed, outcome=Outcome.other)
    with pytest.raises(EditRefused, match="clear the outcome or close the case"):
        case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.active), actor=ALICE)
    after = case_edits.edit_case(
        engine, CaseEdit(case_id, 1, status=CaseStatus.active, outcome=None), actor=ALICE
    )
    assert (after.status, after.outcome) == (CaseStatus.active, None)


def test_an_old_inconsistency_does_not_block_an_unrelated_change(engine: Engine) -> None:
    # Loaded from a file before the rule existed: the deadline is before the issue date.
    case_id = add_case(engine, deadline=date(2026, 1, 1))
    after = case_edits.edit_case(
        engine, CaseEdit(case_id, 1, status=CaseStatus.paused), actor=ALICE
    )
    assert after.status is CaseStatus.paused


def test_a_batch_with_one_broken_rule_saves_none_of_it(engine: Engine) -> None:
    good = add_case(engine, "1.26")
    bad = add_case(engine, "2.26")
    also_bad = add_case(engine, "3.26")

    with pytest.raises(EditRefused) as refused:
        case_edits.edit_cases(
            engine,
            [
                CaseEdit(good, 1, status=CaseStatus.paused),
                CaseEdit(bad, 1, status=CaseStatus.closed),
                CaseEdit(also_bad, 1, deadline=date(2025, 1, 1)),
            ],
            actor=ALICE,
        )

    assert [str(p).split(":")[0] for p in refused.value.problems] == [
        "UA 2.26, outcome",
        "UA 3.26, deadline",
    ]
    assert stored(engine, good).status is CaseStatus.active
    assert stored(engine, good).version == 1
    assert audit_count(engine) == 0


def test_a_batch_may_move_an_update_number_into_one_it_frees(engine: Engine) -> None:
    first = add_case(engine, update=1)
    second = add_case(engine, update=2)
    edits = [CaseEdit(first, 1, update_number=3), CaseEdit(second, 1, update_number=1)]
    saved = case_edits.edit_cases(engine, edits, actor=ALICE)
    assert [s.update_number for s in saved] == [3, 1]


def test_swapping_two_update_numbers_in_one_batch_is_refused_and_writes_nothing(
    engine: Engine,
) -> None:
    first = add_case(engine, update=1)
    second = add_case(engine, update=2)
    edits = [CaseEdit(first, 1, update_number=2), CaseEdit(second, 1, update_number=1)]
    with pytest.raises(EditRefused, match="update number: two cases of one UA cannot take"):
        case_edits.edit_cases(engine, edits, actor=ALICE)
    assert [stored(engine, i).update_number for i in (first, second)] == [1, 2]
    assert audit_count(engine) == 0


def test_a_batch_naming_one_case_twice_or_a_missing_case_is_refused(engine: Engine) -> None:
    case_id = add_case(engine)
    with pytest.raises(EditRefused, match="edited twice in one save"):
        case_edits.edit_cases(
            engine,
            [
                CaseEdit(case_id, 1, status=CaseStatus.paused),
                CaseEdit(case_id, 1, status=CaseStatus.draft),
            ],
            actor=ALICE,
        )
    with pytest.raises(EditRefused, match="case 999, case: no such case"):
        case_edits.edit_case(engine, CaseEdit(999, 1, status=CaseStatus.paused), actor=ALICE)
    assert audit_count(engine) == 0


def test_a_batch_saves_every_case_together(engine: Engine) -> None:
    ids = [add_case(engine, f"{n}.26") for n in (1, 2, 3)]
    saved = case_edits.edit_cases(
        engine,
        [CaseEdit(case_id, 1, status=CaseStatus.paused, note="summer") for case_id in ids],
        actor=ALICE,
    )
    assert [s.status for s in saved] == [CaseStatus.paused] * 3
    assert audit_count(engine) == 3


# --- the version guard -----------------------------------------------------------------------


def test_second_editor_is_told_case_changed_with_current_values_and_who(engine: Engine) -> None:
    case_id = add_case(engine)
    alice_saw = stored(engine, case_id)
    bob_saw = stored(engine, case_id)

    case_edits.edit_case(
        engine,
        CaseEdit(
            case_id,
            alice_saw.version,
            status=CaseStatus.closed,
            outcome=Outcome.released,
            note="released on bail",
        ),
        actor=ALICE,
    )
    with pytest.raises(ConflictError) as conflict:
        case_edits.edit_case(
            engine, CaseEdit(case_id, bob_saw.version, deadline=date(2026, 12, 24)), actor=BOB
        )

    (found,) = conflict.value.conflicts
    assert found.current.status is CaseStatus.closed
    assert found.current.outcome is Outcome.released
    assert found.current.version == 2
    assert found.changed_by == ["alice@example.org"]
    assert [c.describe() for c in found.changes] == [
        "status: active → closed",
        "outcome: none → released",
    ]
    assert found.changes[0].note == "released on bail"
    message = str(conflict.value)
    assert "UA 12.26 was changed by alice@example.org" in message
    assert "Now: Closed — released" in message
    # Bob's deadline was not saved, and the audit has Alice's two entries only.
    assert stored(engine, case_id).deadline is None
    assert audit_count(engine) == 2


def test_the_refused_editor_can_reapply_on_the_current_version(engine: Engine) -> None:
    case_id = add_case(engine)
    case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.paused), actor=ALICE)
    bobs = [CaseEdit(case_id, 1, deadline=date(2026, 12, 24), note="extended")]
    with pytest.raises(ConflictError) as conflict:
        case_edits.edit_cases(engine, bobs, actor=BOB)

    after = case_edits.edit_cases(engine, conflict.value.reapply(bobs), actor=BOB)[0]

    # Bob's deadline is saved and Alice's status stays: only Bob's field was re-applied.
    assert (after.status, after.deadline, after.version) == (
        CaseStatus.paused,
        date(2026, 12, 24),
        3,
    )


def test_a_conflict_in_a_batch_saves_none_of_it(engine: Engine) -> None:
    fresh = add_case(engine, "1.26")
    stale = add_case(engine, "2.26")
    case_edits.edit_case(engine, CaseEdit(stale, 1, status=CaseStatus.draft), actor=ALICE)

    with pytest.raises(ConflictError) as conflict:
        case_edits.edit_cases(
            engine,
            [
                CaseEdit(fresh, 1, status=CaseStatus.paused),
                CaseEdit(stale, 1, status=CaseStatus.paused),
            ],
            actor=BOB,
        )

    assert [c.current.case_id for c in conflict.value.conflicts] == [stale]
    assert stored(engine, fresh).status is CaseStatus.active
    assert audit_count(engine) == 1


def test_a_case_file_change_counts_as_a_change_too(engine: Engine) -> None:
    # Audit entries written without a case version (the case-file loader's) still say who.
    case_id = add_case(engine)
    with transaction(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.title = "Renamed in the file"
        session.add(
            AuditEvent(case_id=case_id, actor="uadash load-cases", field="title", new_value="x")
        )
    with pytest.raises(ConflictError) as conflict:
        case_edits.edit_case(engine, CaseEdit(case_id, 1, status=CaseStatus.paused), actor=ALICE)
    assert conflict.value.conflicts[0].changed_by == ["uadash load-cases"]


# --- the batch table -------------------------------------------------------------------------


def test_editable_cases_lists_newest_ua_first_with_versions(engine: Engine) -> None:
    add_case(engine, "9.25")
    add_case(engine, "44.22", update=2, deadline=date(2026, 5, 1))
    add_case(engine, "3.26")
    table = case_edits.editable_cases(engine)
    assert list(table["ref"]) == ["3.26", "9.25", "44.22-2"]
    assert list(table["version"]) == [1, 1, 1]
    assert table.loc[2, "deadline"] == date(2026, 5, 1)


def test_edits_from_table_holds_only_the_changed_cells(engine: Engine) -> None:
    first = add_case(engine, "1.26", deadline=date(2026, 5, 1))
    second = add_case(engine, "2.26")
    add_case(engine, "3.26")
    before = case_edits.editable_cases(engine)
    after = before.copy()
    rows = {row.case_id: index for index, row in before.iterrows()}
    after.loc[rows[first], "deadline"] = None
    after.loc[rows[second], "status"] = "closed"
    after.loc[rows[second], "outcome"] = "released"
    after.loc[rows[second], "update_number"] = 2.0  # the editor's number cells are floats

    edits = case_edits.edits_from_table(before, after, note="weekly review")

    assert sorted(edits, key=lambda e: e.case_id) == [
        CaseEdit(first, 1, deadline=None, note="weekly review"),
        CaseEdit(
            second,
            1,
            status=CaseStatus.closed,
            outcome=Outcome.released,
            update_number=2,
            note="weekly review",
        ),
    ]
    assert case_edits.edits_from_table(before, before.copy()) == []


def test_edits_from_table_reads_dates_as_the_editor_returns_them(engine: Engine) -> None:
    case_id = add_case(engine)
    before = case_edits.editable_cases(engine)
    for value in ("2026-12-24", pd.Timestamp("2026-12-24"), date(2026, 12, 24)):
        after = before.copy()
        after["deadline"] = after["deadline"].astype(object)
        after.loc[0, "deadline"] = value
        assert case_edits.edits_from_table(before, after) == [
            CaseEdit(case_id, 1, deadline=date(2026, 12, 24))
        ]
