"""New cases from a checked draft, and updates of a UA: one transaction, audited "created from
text", the update linked to the one it supersedes; on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from tests.test_queries import add_reports
from uadash.access import Actor, PermissionDenied
from uadash.cases import create
from uadash.cases.create import NewCase
from uadash.cases.edits import EditRefused
from uadash.cases.files import TargetSpec
from uadash.store.models import AuditEvent, Case, Target
from uadash.vocab import CaseStatus, Role, TargetRole

ALICE = Actor("alice@example.org", Role.editor, "Alice")
VIEWER = Actor("viola@example.org", Role.viewer)

MINISTER = TargetSpec(name="Minister One", title="Minister of Justice", salutation="Dear Minister,")
EMBASSY = TargetSpec(name="Ambassador Two", organisation="Embassy", role=TargetRole.cc)


def draft(update: int = 0, **values: object) -> NewCase:
    fields: dict[str, object] = {
        "ua_number": "44.22",
        "update_number": update,
        "title": "Two activists",
        "country": "China",
        "targets": (MINISTER, EMBASSY),
        "deadline": date(2025, 3, 18),
        "sample_letter": "I am writing to express my concern.",
        "source_text": "UA: China 44.22\n…",
        "people_at_risk": ({"name": "Huang Xueqin", "native_name": None, "description": None},),
    }
    fields.update(values)
    return NewCase(**fields)  # type: ignore[arg-type]


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def test_new_case_is_saved_with_targets_source_text_and_a_created_from_text_entry(
    engine: Engine,
) -> None:
    created = create.create_case(engine, draft(), actor=ALICE, note="from the IS email")

    assert (created.label, created.ref, created.supersedes) == ("UA 44.22", "44.22", None)
    with engine.connect() as connection:
        case = connection.execute(select(Case).where(Case.id == created.case_id)).one()
        targets = connection.execute(
            select(Target.name, Target.role)
            .where(Target.case_id == created.case_id)
            .order_by(Target.position)
        ).all()
        events = connection.execute(
            select(AuditEvent.actor, AuditEvent.new_value, AuditEvent.note)
        ).all()
    assert case.source_text == "UA: China 44.22\n…"
    assert case.status is CaseStatus.active
    assert [tuple(t) for t in targets] == [
        ("Minister One", TargetRole.primary),
        ("Ambassador Two", TargetRole.cc),
    ]
    assert [tuple(e) for e in events] == [
        ("alice@example.org", "created from text", "from the IS email")
    ]


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"ua_number": ""}, "ua_number", "expected a UA number"),
        ({"title": "  "}, "title", "is required"),
        ({"country": ""}, "country", "is required"),
        ({"targets": ()}, "targets", "at least one target"),
        ({"targets": (EMBASSY,)}, "targets", "primary target"),
        ({"issued": date(2025, 4, 1)}, "deadline", "before the issue date"),
        (
            {"targets": (TargetSpec(name="A", email="not-an-email"),)},
            "target.email",
            "not an email",
        ),
        ({"language": "English!"}, "language", "language code"),
    ],
)
def test_a_draft_that_breaks_a_rule_is_refused_naming_the_field_and_writes_nothing(
    engine: Engine, values: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(EditRefused) as refused:
        create.create_case(engine, draft(**values), actor=ALICE)
    assert [problem.field for problem in refused.value.problems] == [field]
    assert words in str(refused.value)
    assert count(engine, Case) == 0 and count(engine, AuditEvent) == 0


def test_a_viewer_cannot_create_a_case(engine: Engine) -> None:
    with pytest.raises(PermissionDenied):
        create.create_case(engine, draft(), actor=VIEWER)
    assert count(engine, Case) == 0


def test_an_update_of_an_existing_ua_supersedes_the_latest_and_its_reports_stay(
    engine: Engine,
) -> None:
    first = create.create_case(engine, draft(2), actor=ALICE)
    with engine.connect() as connection:
        minister = connection.scalar(
            select(Target.id).where(Target.case_id == first.case_id).limit(1)
        )
    add_reports(engine, [(first.case_id, minister, "letter", 5, date(2025, 3, 1))])

    diff = create.update_diff(
        engine,
        draft(
            3,
            deadline=None,
            deadline_note="This action has no end date.",
            targets=(MINISTER, TargetSpec(name="Governor Three")),
            sample_letter="A new letter.",
        ),
    )
    assert diff is not None
    assert (diff.latest_label, diff.next_update) == ("UA 44.22 (update 2)", 3)
    assert diff.lines == [
        "Status words: “—” → “This action has no end date.”",
        "Deadline: 18 March 2025 → no end date",
        "Targets added: Governor Three",
        "Targets gone: Ambassador Two",
        "The sample letter changed",
    ]

    third = create.create_case(engine, draft(3), actor=ALICE)
    assert third.supersedes == "UA 44.22 (update 2)"
    assert create.is_superseded(engine, first.case_id) == "UA 44.22 (update 3)"
    assert create.is_superseded(engine, third.case_id) is None
    entries = create.timeline(engine, "44.22")
    assert [(e.label, e.superseded_by, e.created_from_text) for e in entries] == [
        ("UA 44.22 (update 2)", "UA 44.22 (update 3)", True),
        ("UA 44.22 (update 3)", None, True),
    ]
    from uadash import queries

    assert queries.total_actions(engine, [first.case_id]) == 5


def test_saving_an_update_number_the_ua_already_has_names_the_next_free_one(
    engine: Engine,
) -> None:
    create.create_case(engine, draft(2), actor=ALICE)
    with pytest.raises(EditRefused) as refused:
        create.create_case(engine, draft(2, title="Another"), actor=ALICE)
    assert "already has an update 2; save this text as update 3" in str(refused.value)
    assert count(engine, Case) == 1


def test_the_query_layer_counts_a_ua_across_its_updates_or_each_update_alone(
    engine: Engine,
) -> None:
    from uadash import queries
    from uadash.queries import CaseFilter

    second = create.create_case(engine, draft(2), actor=ALICE)
    third = create.create_case(engine, draft(3), actor=ALICE)
    other = create.create_case(engine, draft(0, ua_number="7.25"), actor=ALICE)
    add_reports(
        engine,
        [
            (second.case_id, None, "letter", 5, date(2025, 3, 1)),
            (third.case_id, None, "email", 3, date(2025, 3, 2)),
            (other.case_id, None, "call", 2, date(2025, 3, 2)),
        ],
    )
    today = date(2025, 3, 3)

    alone = queries.list_cases(engine, CaseFilter(), today=today)
    assert dict(zip(alone["ref"], alone["total_actions"], strict=True)) == {
        "44.22-2": 5,
        "44.22-3": 3,
        "7.25": 2,
    }
    assert dict(zip(alone["ref"], alone["superseded_by"], strict=True))["44.22-2"] == (
        "UA 44.22 (update 3)"
    )
    whole = queries.list_cases(engine, CaseFilter(whole_ua=True), today=today)
    assert dict(zip(whole["ref"], whole["total_actions"], strict=True)) == {"44.22-3": 8, "7.25": 2}

    one = CaseFilter(case_ids=(third.case_id,))
    assert queries.total_actions(engine, queries.matching_case_ids(engine, one)) == 3
    both = CaseFilter(case_ids=(third.case_id,), whole_ua=True)
    assert sorted(queries.matching_case_ids(engine, both) or []) == [second.case_id, third.case_id]
    assert queries.total_actions(engine, queries.matching_case_ids(engine, both)) == 8
