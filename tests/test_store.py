"""The store: migrations build the schema the models describe, on SQLite and PostgreSQL alike;
SQLite gets WAL and foreign keys; edits are guarded by the version column; enums are stored as
their values behind a CHECK; the database URL comes from the environment, then secrets.toml."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, MetaData, String, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tests.conftest import POSTGRES_URL, _postgres_database
from uadash import config
from uadash.store.engine import (
    MIGRATION_LOCK_ID,
    alembic_config,
    make_engine,
    session_factory,
    transaction,
    upgrade,
)
from uadash.store.models import Base, Case, Target
from uadash.vocab import CaseStatus, Outcome, TargetRole

MODEL_TABLES = set(Base.metadata.tables)


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def recorded_revisions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("select version_num from alembic_version")))


def schema_snapshot(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """Every table's columns and types, to tell whether anything changed."""
    inspector = inspect(engine)
    return {
        table: [(column["name"], str(column["type"])) for column in inspector.get_columns(table)]
        for table in sorted(inspector.get_table_names())
    }


def add_case(engine: Engine, **values: object) -> int:
    with transaction(engine) as session:
        case = Case(ua_number="1.26", title="A test case", country="Testland", **values)
        session.add(case)
        session.flush()
        return case.id


# --- migrations ----------------------------------------------------------------------------


def test_upgrade_on_an_empty_database_creates_every_table_and_records_the_head(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []

        upgrade(engine)

        tables = set(inspect(engine).get_table_names())
        assert tables == MODEL_TABLES | {"alembic_version"}
        head = head_revision(engine)
        assert head is not None
        assert recorded_revisions(engine) == [head]
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing_and_keeps_the_data(engine: Engine) -> None:
    case_id = add_case(engine)
    before = schema_snapshot(engine)

    upgrade(engine)

    assert schema_snapshot(engine) == before
    assert recorded_revisions(engine) == [head_revision(engine)]
    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from cases")) == 1
        assert connection.scalar(text("select id from cases")) == case_id


def test_models_match_migrations(engine: Engine) -> None:
    """A model change without a migration fails here (autogenerate would find a difference)."""
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_model_migration_check_notices_a_column_without_a_migration(engine: Engine) -> None:
    """The check above is not vacuous: a column only the models have is reported."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["cases"].append_column(Column("nickname", String(50), nullable=True))

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), drifted)

    assert [(kind, table, column.name) for kind, _, table, column in differences] == [
        ("add_column", "cases", "nickname")
    ]


# --- SQLite connections --------------------------------------------------------------------


def test_sqlite_connections_use_wal_and_enforce_foreign_keys(sqlite_engine: Engine) -> None:
    # Two connections at once: the pragmas are set on every new connection, not just one.
    with sqlite_engine.connect() as first, sqlite_engine.connect() as second:
        for connection in (first, second):
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1


def test_target_of_a_case_that_does_not_exist_is_refused(engine: Engine) -> None:
    # On SQLite this holds only because the engine turns foreign keys on.
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Target(case_id=9999, name="Nobody"))

    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from targets")) == 0


# --- optimistic locking --------------------------------------------------------------------


def test_version_goes_up_with_every_update(engine: Engine) -> None:
    case_id = add_case(engine)
    new_session = session_factory(engine)

    with new_session() as session:
        case = session.get_one(Case, case_id)
        assert case.version == 1
        case.status = CaseStatus.paused
        session.commit()
        assert case.version == 2

    with new_session() as session:
        session.get_one(Case, case_id).title = "A renamed case"
        session.commit()

    with engine.connect() as connection:
        assert connection.scalar(text("select version from cases")) == 3


def test_second_editor_of_a_stale_case_gets_stale_data_error(engine: Engine) -> None:
    case_id = add_case(engine, status=CaseStatus.active)
    new_session = session_factory(engine)

    with new_session() as first, new_session() as second:
        mine = first.get_one(Case, case_id)
        theirs = second.get_one(Case, case_id)
        assert mine.version == theirs.version == 1

        mine.status = CaseStatus.paused
        first.commit()

        theirs.status = CaseStatus.closed
        theirs.outcome = Outcome.released
        with pytest.raises(StaleDataError):
            second.commit()

    with engine.connect() as connection:
        row = connection.execute(text("select status, outcome, version from cases")).one()
    assert tuple(row) == ("paused", None, 2)


# --- enums ---------------------------------------------------------------------------------


def test_enums_are_stored_as_their_value_strings(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(
            Case(
                ua_number="2.26",
                title="Closed case",
                country="Testland",
                status=CaseStatus.closed,
                outcome=Outcome.charges_dropped,
                targets=[Target(name="Embassy", role=TargetRole.cc)],
            )
        )

    with engine.connect() as connection:
        assert connection.scalar(text("select status from cases")) == "closed"
        assert connection.scalar(text("select outcome from cases")) == "charges_dropped"
        assert connection.scalar(text("select role from targets")) == "cc"


INSERT_CASE = text(
    "insert into cases (ua_number, update_number, title, country, people_at_risk, tags,"
    " status, outcome, summary, language, is_demo, version)"
    " values (:ua_number, 0, 'Raw', 'Testland', '[]', '[]', :status, :outcome, '', 'en',"
    " false, 1)"
)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [("archived", None), ("Active", None), ("closed", "pardoned")],
    ids=["unknown status", "status in the wrong case", "unknown outcome"],
)
def test_database_refuses_a_value_outside_the_vocabulary(
    engine: Engine, status: str, outcome: str | None
) -> None:
    # The same statement with good values goes in: only the vocabulary makes the difference.
    with engine.begin() as connection:
        connection.execute(
            INSERT_CASE, {"ua_number": "3.26", "status": "closed", "outcome": "other"}
        )

    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(INSERT_CASE, {"ua_number": "4.26", "status": status, "outcome": outcome})

    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from cases")) == 1


# --- where the database is -----------------------------------------------------------------


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working folder and no UADASH_DATABASE_URL: only what a test adds counts."""
    monkeypatch.delenv("UADASH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_secrets(folder: Path, text: str) -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_database_url_defaults_to_the_sqlite_file_under_data(no_settings: Path) -> None:
    assert config.database_url() == f"sqlite:///{(no_settings / 'data' / 'uadash.db').resolve()}"


def test_database_url_comes_from_secrets_toml(no_settings: Path) -> None:
    write_secrets(no_settings, 'database_url = "sqlite:////srv/uadash/secrets.db"\n')
    assert config.database_url() == "sqlite:////srv/uadash/secrets.db"


def test_database_url_from_the_environment_wins_over_secrets_toml(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_secrets(no_settings, 'database_url = "sqlite:////srv/uadash/secrets.db"\n')
    monkeypatch.setenv("UADASH_DATABASE_URL", "sqlite:////srv/uadash/env.db")
    assert config.database_url() == "sqlite:////srv/uadash/env.db"


def test_empty_environment_setting_falls_back_to_secrets_toml(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_secrets(no_settings, 'database_url = "sqlite:////srv/uadash/secrets.db"\n')
    monkeypatch.setenv("UADASH_DATABASE_URL", "")
    assert config.database_url() == "sqlite:////srv/uadash/secrets.db"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgresql_url_gets_the_psycopg_driver(
    no_settings: Path, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    monkeypatch.setenv("UADASH_DATABASE_URL", f"{scheme}://uadash:secret@db.internal:5432/ua")
    assert config.database_url() == "postgresql+psycopg://uadash:secret@db.internal:5432/ua"


def test_plain_postgresql_url_in_secrets_toml_gets_the_psycopg_driver(no_settings: Path) -> None:
    write_secrets(no_settings, 'database_url = "postgresql://uadash@db.internal/ua"\n')
    assert config.database_url() == "postgresql+psycopg://uadash@db.internal/ua"


def test_broken_secrets_toml_raises_config_error_naming_the_file(no_settings: Path) -> None:
    write_secrets(no_settings, 'timezone = "UTC"\ndatabase_url = sqlite:///oops.db\n')

    with pytest.raises(config.ConfigError) as caught:
        config.database_url()

    message = str(caught.value)
    assert message.startswith(str(Path(".streamlit") / "secrets.toml"))
    assert "line 2" in message


# --- several replicas starting at once (PostgreSQL) ----------------------------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database; skipped without UADASH_TEST_POSTGRES_URL."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL only: set UADASH_TEST_POSTGRES_URL")
    yield from _postgres_database()


def upgrade_at_once(engines: list[Engine]) -> None:
    """Run `upgrade` on each engine in its own thread, all released at the same moment;
    the first failure is raised here."""
    start = threading.Barrier(len(engines))

    def run(engine: Engine) -> None:
        start.wait(timeout=30)
        upgrade(engine)

    with ThreadPoolExecutor(max_workers=len(engines)) as pool:
        for future in [pool.submit(run, engine) for engine in engines]:
            future.result(timeout=120)


@pytest.mark.parametrize("replicas", [2, 4])
def test_replicas_upgrading_at_once_all_succeed_and_migrate_once(
    postgres_url: str, replicas: int
) -> None:
    engines = [make_engine(postgres_url) for _ in range(replicas)]
    try:
        upgrade_at_once(engines)

        assert set(inspect(engines[0]).get_table_names()) == MODEL_TABLES | {"alembic_version"}
        assert recorded_revisions(engines[0]) == [head_revision(engines[0])]
        with engines[0].connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        for engine in engines:
            engine.dispose()


def test_upgrade_waits_for_the_migration_lock_held_by_another_replica(postgres_url: str) -> None:
    holder = make_engine(postgres_url)
    waiter = make_engine(postgres_url)
    try:
        with holder.connect() as connection, ThreadPoolExecutor(max_workers=1) as pool:
            connection.execute(text("select pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            waiting = pool.submit(upgrade, waiter)
            time.sleep(1.0)
            assert not waiting.done(), "upgrade did not wait for the migration lock"
            assert inspect(holder).get_table_names() == []

            connection.execute(text("select pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
            waiting.result(timeout=60)

        assert recorded_revisions(holder) == [head_revision(holder)]
    finally:
        holder.dispose()
        waiter.dispose()
