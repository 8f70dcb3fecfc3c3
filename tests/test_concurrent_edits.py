"""Racing editors: two people load the same case and both save. Exactly one wins, the other
is told the case changed, the audit holds the winner's entry only, and the stored value is
the winner's. On SQLite and on PostgreSQL, sequentially and with threads, many times."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from tests.test_edit_cases import add_case
from uadash.access import Actor
from uadash.cases import edits as case_edits
from uadash.cases.edits import CaseEdit, CaseState, ConflictError
from uadash.store.engine import make_engine
from uadash.store.models import AuditEvent
from uadash.vocab import CaseStatus, Role

EDITORS = [Actor(f"editor{n}@example.org", Role.editor) for n in range(2)]
ROUNDS = 40


def audit_entries(engine: Engine, case_id: int) -> list[tuple[str, str | None, int | None]]:
    query = (
        select(AuditEvent.actor, AuditEvent.new_value, AuditEvent.case_version)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.id)
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def loaded(engine: Engine, case_id: int) -> CaseState:
    state = case_edits.case_state(engine, case_id)
    assert state is not None
    return state


def test_two_editors_load_then_save_one_after_the_other(engine: Engine) -> None:
    case_id = add_case(engine)
    first_saw, second_saw = loaded(engine, case_id), loaded(engine, case_id)

    winner = case_edits.edit_case(
        engine, CaseEdit(case_id, first_saw.version, status=CaseStatus.paused), actor=EDITORS[0]
    )
    with pytest.raises(ConflictError) as lost:
        case_edits.edit_case(
            engine, CaseEdit(case_id, second_saw.version, status=CaseStatus.draft), actor=EDITORS[1]
        )

    assert lost.value.conflicts[0].current == winner
    assert lost.value.conflicts[0].changed_by == ["editor0@example.org"]
    assert loaded(engine, case_id).status is CaseStatus.paused
    assert audit_entries(engine, case_id) == [("editor0@example.org", "paused", 2)]


@pytest.mark.parametrize("replicas", [False, True], ids=["one-engine", "two-replicas"])
def test_racing_editors_with_threads_exactly_one_wins_every_time(
    engine: Engine, database_url: str, replicas: bool
) -> None:
    """Each round, both editors read the case, wait for each other, then save at once. With
    `replicas`, each saves through its own engine, as two app servers sharing a database."""
    engines = [make_engine(database_url), make_engine(database_url)] if replicas else [engine] * 2
    case_id = add_case(engine)
    open_statuses = [CaseStatus.draft, CaseStatus.active, CaseStatus.paused]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for round_ in range(ROUNDS):
                saw = loaded(engine, case_id)
                # Two statuses other than the current one: whoever wins changes the case.
                values = [status for status in open_statuses if status is not saw.status]
                barrier = threading.Barrier(2)

                def save(
                    n: int,
                    saw: CaseState = saw,
                    values: list[CaseStatus] = values,
                    barrier: threading.Barrier = barrier,
                ) -> object:
                    edit = CaseEdit(case_id, saw.version, status=values[n], note=f"round {n}")
                    barrier.wait()
                    try:
                        return case_edits.edit_case(engines[n], edit, actor=EDITORS[n])
                    except ConflictError as error:
                        return error

                results = list(pool.map(save, [0, 1]))
                won = [n for n, result in enumerate(results) if isinstance(result, CaseState)]
                lost = [n for n, result in enumerate(results) if isinstance(result, ConflictError)]
                assert len(won) == 1 and len(lost) == 1, (round_, results)
                winner, loser = won[0], lost[0]

                conflict = results[loser].conflicts[0]  # type: ignore[union-attr]
                assert conflict.current == results[winner]
                assert conflict.changed_by == [EDITORS[winner].identity]
                now = loaded(engine, case_id)
                assert now.status is values[winner]
                assert now.version == saw.version + 1
                this_round = [e for e in audit_entries(engine, case_id) if e[2] == now.version]
                assert this_round == [(EDITORS[winner].identity, values[winner].value, now.version)]
        assert len(audit_entries(engine, case_id)) == ROUNDS
    finally:
        if replicas:
            for one in engines:
                one.dispose()


def test_many_editors_racing_on_one_case_lose_nothing_silently(engine: Engine) -> None:
    """Eight editors, one version: one save lands, seven are told, the audit has one entry."""
    case_id = add_case(engine)
    saw = loaded(engine, case_id)
    editors = [Actor(f"e{n}@example.org", Role.editor) for n in range(8)]
    deadlines = [date(2026, 12, n + 1) for n in range(8)]
    barrier = threading.Barrier(len(editors))

    def save(n: int) -> object:
        barrier.wait()
        try:
            edit = CaseEdit(case_id, saw.version, deadline=deadlines[n])
            return case_edits.edit_case(engine, edit, actor=editors[n])
        except ConflictError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(editors)) as pool:
        results = list(pool.map(save, range(len(editors))))

    won = [n for n, result in enumerate(results) if isinstance(result, CaseState)]
    assert len(won) == 1
    assert sum(isinstance(result, ConflictError) for result in results) == len(editors) - 1
    assert loaded(engine, case_id).deadline == deadlines[won[0]]
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(AuditEvent))
    assert count == 1
