"""Every field of a case edited in the app: text fields, people, tags, the letter and the
targets (added, changed, moved, removed, retired when reports name them), with the version
check, the conflict, the re-apply and one audit entry per change; on every backend."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import Engine, select

from tests.test_edit_cases import ALICE, BOB, stored
from tests.test_queries import add_case, add_reports
from uadash import queries
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit, ConflictError, EditRefused
from uadash.cases.targets import TargetChange, target_changes
from uadash.store.engine import make_engine
from uadash.store.models import AuditEvent, Target
from uadash.vocab import TargetRole


def history(engine: Engine, case_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    query = (
        select(AuditEvent.field, AuditEvent.old_value, AuditEvent.new_value, AuditEvent.note)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.id)
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def test_text_fields_people_tags_and_letter_are_saved_and_each_is_in_the_history(
    engine: Engine,
) -> None:
    case = add_case(engine, "5.26")
    before = stored(engine, case.id)
    edit = CaseEdit(
        case.id,
        before.version,
        title="A new title",
        country="Peru",
        summary="[link](http://x) and :red[x]",
        people_at_risk=({"name": "Ana", "native_name": None, "description": "a lawyer"},),
        tags=("detention", "health"),
        language="es",
        issued=date(2026, 1, 2),
        sample_letter="Please release Ana.",
        note="checked with the IS",
    )
    after = case_edits.edit_case(engine, edit, actor=ALICE)

    assert after.version == before.version + 1
    assert (after.title, after.country, after.language) == ("A new title", "Peru", "es")
    assert after.people_at_risk == (
        {"name": "Ana", "native_name": None, "description": "a lawyer"},
    )
    assert after.tags == ("detention", "health")
    assert after.summary == "[link](http://x) and :red[x]"
    assert after.sample_letter == "Please release Ana."
    fields = [entry[0] for entry in history(engine, case.id)]
    assert fields == [
        "title",
        "country",
        "people_at_risk",
        "tags",
        "language",
        "issued",
        "summary",
        "sample_letter",
    ]
    assert history(engine, case.id)[3][1:] == (
        '["detention"]',
        '["detention", "health"]',
        "checked with the IS",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"country": "  "}, "country"),
        ({"title": "x" * 301}, "title"),
        ({"language": "English"}, "language"),
        ({"people_at_risk": ({"name": ""},)}, "people_at_risk"),
        ({"tags": ("",)}, "tags"),
    ],
)
def test_a_broken_field_is_refused_naming_it_and_nothing_is_saved(
    engine: Engine, values: dict[str, object], field: str
) -> None:
    case = add_case(engine, "6.26")
    before = stored(engine, case.id)
    with pytest.raises(EditRefused) as refused:
        case_edits.edit_case(engine, CaseEdit(case.id, before.version, **values), actor=ALICE)  # type: ignore[arg-type]
    assert [problem.field for problem in refused.value.problems] == [field]
    assert stored(engine, case.id) == before
    assert history(engine, case.id) == []


def test_targets_are_changed_added_moved_and_removed_in_one_save(engine: Engine) -> None:
    case = add_case(engine, "7.26", targets=["Judge A", "Minister B", "Embassy C"])
    before = stored(engine, case.id)
    a, _b, c = before.targets
    rows = [
        {**c.values(), "target_id": c.target_id},
        {**a.values(), "target_id": a.target_id, "email": "judge@example.org"},
        {"target_id": None, "name": "Governor D", "role": "primary", "title": "Governor"},
    ]  # Minister B is gone; Embassy C moved first
    changes = target_changes(before.targets, rows)
    after = case_edits.edit_case(
        engine, CaseEdit(case.id, before.version, targets=changes), actor=ALICE
    )

    assert [(t.name, t.email, t.role) for t in after.targets] == [
        ("Embassy C", None, TargetRole.cc),
        ("Judge A", "judge@example.org", TargetRole.primary),
        ("Governor D", None, TargetRole.primary),
    ]
    assert after.version == before.version + 1
    with engine.connect() as connection:
        assert connection.scalar(select(Target.id).where(Target.name == "Minister B")) is None
    entries = history(engine, case.id)
    assert ("target.email", None, "judge@example.org", "target 'Judge A'") in entries
    assert ("targets", None, "Governor D", "target 'Governor D' added") in entries
    assert ("targets", "Minister B", None, "target 'Minister B' removed") in entries
    assert any(entry[0] == "targets" and entry[3] == "order" for entry in entries)


def test_a_target_with_reports_is_retired_and_keeps_its_totals(engine: Engine) -> None:
    case = add_case(engine, "8.26", targets=["Judge A", "Minister B"])
    _judge, minister = (target.id for target in case.targets)
    add_reports(engine, [(case.id, minister, "letter", 4, date(2026, 3, 2))])
    before = stored(engine, case.id)

    change = TargetChange(minister, remove=True)
    after = case_edits.edit_case(
        engine, CaseEdit(case.id, before.version, targets=(change,)), actor=ALICE
    )

    assert [t.name for t in after.targets] == ["Judge A"]
    reloaded = queries.get_case(engine, case.id)
    assert reloaded is not None
    retired = [t for t in reloaded.targets if t.retired_at is not None]
    assert [t.name for t in retired] == ["Minister B"]
    totals = queries.actions_by_target(engine, reloaded)
    assert int(totals.loc[totals["target_key"] == minister, "actions"].sum()) == 4
    assert queries.total_actions(engine, [case.id]) == 4
    assert (
        history(engine, case.id)[-1][3]
        == "target 'Minister B' retired: it has reports, which keep counting"
    )


def test_removing_the_last_primary_target_of_an_active_case_is_refused(engine: Engine) -> None:
    case = add_case(engine, "9.26", targets=["Judge A", "Embassy C"])
    before = stored(engine, case.id)
    change = TargetChange(before.targets[0].target_id, remove=True)
    with pytest.raises(EditRefused, match="needs at least one primary target"):
        case_edits.edit_case(
            engine, CaseEdit(case.id, before.version, targets=(change,)), actor=ALICE
        )
    assert stored(engine, case.id) == before


def test_racing_target_edits_second_editor_is_told_and_reapply_keeps_both(engine: Engine) -> None:
    case = add_case(engine, "10.26", targets=["Judge A", "Minister B"])
    alice_saw = bob_saw = stored(engine, case.id)
    a, b = alice_saw.targets

    case_edits.edit_case(
        engine,
        CaseEdit(
            case.id, alice_saw.version, targets=(TargetChange(a.target_id, {"email": "a@x.org"}),)
        ),
        actor=ALICE,
    )
    bobs = [
        CaseEdit(case.id, bob_saw.version, targets=(TargetChange(b.target_id, {"fax": "+1 555"}),))
    ]
    with pytest.raises(ConflictError) as lost:
        case_edits.edit_cases(engine, bobs, actor=BOB)
    conflict = lost.value.conflicts[0]
    assert conflict.changed_by == ["alice@example.org"]
    assert [change.describe() for change in conflict.changes] == ["target email: none → a@x.org"]

    case_edits.edit_cases(engine, lost.value.reapply(bobs), actor=BOB)
    now = stored(engine, case.id)
    assert [(t.email, t.fax) for t in now.targets] == [("a@x.org", None), (None, "+1 555")]


def test_racing_letter_edits_second_editor_is_told_and_nothing_is_lost(engine: Engine) -> None:
    case = add_case(engine, "11.26")
    alice_saw = bob_saw = stored(engine, case.id)
    case_edits.edit_case(
        engine, CaseEdit(case.id, alice_saw.version, sample_letter="Alice's"), actor=ALICE
    )
    with pytest.raises(ConflictError) as lost:
        case_edits.edit_case(
            engine, CaseEdit(case.id, bob_saw.version, sample_letter="Bob's"), actor=BOB
        )
    assert lost.value.conflicts[0].current.sample_letter == "Alice's"
    assert stored(engine, case.id).sample_letter == "Alice's"
    assert [entry[2] for entry in history(engine, case.id)] == ["Alice's"]


def test_racing_target_edits_from_two_replicas_at_once_one_wins_one_is_told(
    engine: Engine, database_url: str
) -> None:
    case = add_case(engine, "12.26", targets=["Judge A", "Minister B"])
    base = stored(engine, case.id)
    engines = [engine, make_engine(database_url)]
    results: list[object] = [None, None]
    start = threading.Barrier(2)

    def save(n: int) -> None:
        target = base.targets[n]
        edit = CaseEdit(
            case.id, base.version, targets=(TargetChange(target.target_id, {"phone": f"{n}"}),)
        )
        start.wait()
        try:
            results[n] = case_edits.edit_case(engines[n], edit, actor=[ALICE, BOB][n])
        except ConflictError as error:
            results[n] = error

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[1].dispose()
    assert sorted(type(result).__name__ for result in results) == ["CaseState", "ConflictError"]
    now = stored(engine, case.id)
    assert now.version == base.version + 1
    assert len(history(engine, case.id)) == 1
