"""The tables: cases and their targets, action reports, their daily rollup, the audit trail,
and the people who sign in.

Every schema change here needs an Alembic migration in `migrations/versions/`; the test
`test_store.py::test_models_match_migrations` fails when the two drift apart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from uadash.vocab import CaseStatus, Channel, Outcome, ReportSource, Role, TargetRole

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Big on PostgreSQL, plain INTEGER on SQLite so that it stays the rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _enum(cls: type, name: str) -> Enum:
    # Stored as the value strings with a CHECK, not as a native PostgreSQL enum type: the
    # vocabularies may grow, and a VARCHAR is one migration away from any new value.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Case(Base):
    """One Urgent Action at one update: `UA 44.22`, update 2."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("ua_number", "update_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ua_number: Mapped[str] = mapped_column(String(16), index=True)  # "44.22"
    update_number: Mapped[int] = mapped_column(default=0)  # 0 = new, 1 = first update …
    title: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(100), index=True)
    people_at_risk: Mapped[list[Any]] = mapped_column(default=list)  # [{name, native_name, …}]
    tags: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[CaseStatus] = mapped_column(
        _enum(CaseStatus, "case_status"), default=CaseStatus.draft
    )
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, "case_outcome"))
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_note: Mapped[str | None] = mapped_column(Text)  # "This action has no end date."
    issued: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    sample_letter: Mapped[str | None] = mapped_column(Text)
    sign_off: Mapped[str | None] = mapped_column(Text)  # "Yours sincerely,\n\n[YOUR NAME]"
    language: Mapped[str] = mapped_column(String(16), default="en")
    source_text: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Whether supporters may report on the public form /report/<case>; staff close it per case.
    report_form_open: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Where the case came from, and the hash of that file when it was last loaded: loading
    # an unchanged file again changes nothing, so edits made in the app survive a restart.
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_hash: Mapped[str | None] = mapped_column(String(64))
    # What the file gave for each field when it was last loaded: a field whose stored value
    # differs from it was changed in the app since, and a load must not overwrite it.
    file_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The update of the same UA this one replaces; the replaced update is "superseded"
    # (derived: some case supersedes it) and keeps its reports.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    version: Mapped[int] = mapped_column(default=1)

    targets: Mapped[list[Target]] = relationship(
        back_populates="case",
        order_by="Target.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        """`UA 44.22` for a new case, `UA 44.22 (update 2)` for an update."""
        if self.update_number:
            return f"UA {self.ua_number} (update {self.update_number})"
        return f"UA {self.ua_number}"


class Target(Base):
    """An official a case asks supporters to contact; `cc` targets get a copy (the embassy)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("case_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # order on the page and in the file
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)  # postal address lines, one per line
    email: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(100))
    fax: Mapped[str | None] = mapped_column(String(100))
    social_handle: Mapped[str | None] = mapped_column(String(100))
    salutation: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[TargetRole] = mapped_column(
        _enum(TargetRole, "target_role"), default=TargetRole.primary
    )
    note: Mapped[str | None] = mapped_column(Text)
    # A target removed in the app although reports name it: kept, with its totals, but no
    # longer written to. Targets without reports are deleted instead.
    retired_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="targets")


class ReportBatch(Base):
    """One import, one staff entry session or one demo run: reports can be undone by batch."""

    __tablename__ = "report_batches"
    __table_args__ = (UniqueConstraint("intake_source_id", "intake_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource, "report_source"))
    filename: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(200))
    # Set here to the microsecond (SQLite's CURRENT_TIMESTAMP has whole seconds): the newest
    # batch's time is part of the cache stamp (`queries.data_stamp`).
    created_at: Mapped[datetime] = mapped_column(
        default=lambda: datetime.now(UTC), server_default=func.now()
    )
    reports: Mapped[int] = mapped_column(default=0)  # how many reports it wrote
    note: Mapped[str | None] = mapped_column(Text)
    # Reports that arrive live (the report form, the intake API) gather in one batch per
    # intake source and day, so they can be seen and undone like an import.
    intake_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_sources.id", ondelete="RESTRICT"), index=True
    )
    intake_day: Mapped[date | None] = mapped_column(Date)
    last_report_at: Mapped[datetime | None]


class IntakeSource(Base):
    """Where live reports come from: the report form, or a form tool posting to the intake
    API with its own key. Only the SHA-256 of a key is kept; a revoked source is refused."""

    __tablename__ = "intake_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # None: the form
    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    revoked_at: Mapped[datetime | None]


class ActionReport(Base):
    """One supporter's report of what they did. Never holds a name or an email in clear."""

    __tablename__ = "action_reports"
    __table_args__ = (Index(None, "case_id", "action_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"))
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("targets.id", ondelete="RESTRICT"), index=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    count: Mapped[int] = mapped_column(default=1)
    action_date: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime]
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource, "report_source"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_batches.id", ondelete="RESTRICT"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    reporter_hash: Mapped[str | None] = mapped_column(String(64))  # keyed hash, for dedupe
    # The same report imported twice counts once: NULL for reports that need no dedupe
    # (demo data), otherwise a hash of the external id or of the report's content.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)


class ActionDaily(Base):
    """The daily tally of reports, kept in the same transaction as the reports themselves.

    `target_key` is the target's id, or 0 for reports that named no target (a primary key
    cannot hold NULL). Every read of totals goes through this table.
    """

    __tablename__ = "action_daily"
    __table_args__ = (Index(None, "day"),)

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    target_key: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    actions: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of the reports' counts
    reports: Mapped[int] = mapped_column(BigInteger, default=0)  # number of reports


class _CoarseRollup:
    """The daily rollup summed over targets into weeks or months, kept in the same transaction.

    `day` is the first day of the week (a Monday) or of the month. Figures over long periods
    read whole weeks and months from these and only the days at either end from
    `action_daily`, so a lifetime costs about what a quarter does.
    """

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    actions: Mapped[int] = mapped_column(BigInteger, default=0)
    reports: Mapped[int] = mapped_column(BigInteger, default=0)


# Covering indexes: a chart over a lifetime reads every week, grouped by channel or by case,
# from the index alone (migration 0007).
def _covering() -> tuple[Index, Index]:
    return (Index(None, "day", "channel", "actions"), Index(None, "day", "case_id", "actions"))


class ActionWeekly(_CoarseRollup, Base):
    __tablename__ = "action_weekly"
    __table_args__ = _covering()


class ActionMonthly(_CoarseRollup, Base):
    __tablename__ = "action_monthly"
    __table_args__ = _covering()


class AuditEvent(Base):
    """Who changed which field of which case, from what to what, when and why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # The case's version this change produced; lets an editor whose save was refused see
    # exactly what happened since the version they had. NULL for events written before it.
    case_version: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    """A person who may sign in, and their role; OIDC sign-ins get their role here too.

    `password_hash` is an argon2 hash, or NULL for someone who signs in through the identity
    provider or with one-time links only. Emails are stored lower-case.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"), default=Role.viewer)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]

    sign_in_tokens: Mapped[list[SignInToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class SignInToken(Base):
    """A one-time sign-in link: only the SHA-256 of the token is kept; used once, then dead."""

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="sign_in_tokens")


class SignInFailure(Base):
    """Failed sign-ins per email, kept for unknown emails too so that the slow-down and the
    lock never tell whether an account exists. Keyed by a hash: no stray emails in clear."""

    __tablename__ = "sign_in_failures"

    email_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    # When the next attempt may be checked (the slow-down, or the end of the lock): kept in
    # the row so that checking it and counting a failure is one conditional UPDATE.
    next_attempt_at: Mapped[datetime | None]


class SignInSession(Base):
    """A browser's sign-in, named by the signed cookie that holds its random id.

    Only the SHA-256 of the id is kept (`secret_hash`), so that a copy of the database (a
    backup, a leaked dump) holds no cookie anyone could use; the id is 256 random bits, so an
    unsalted hash cannot be reversed. A session started by the app's script has no id yet:
    it is handed to the browser by a short-lived single-use `handover` secret (also only
    hashed) that a route swaps for the cookie.
    """

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handover_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    handover_expires_at: Mapped[datetime | None]
    method: Mapped[str] = mapped_column(String(16))  # "password", "link" or "provider"
    user_agent: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute end, whatever the activity
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))


class ServerSecret(Base):
    """Secrets the app makes for itself and every replica must share (the key that signs
    session cookies): kept in the shared database, so that nothing has to be configured."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
