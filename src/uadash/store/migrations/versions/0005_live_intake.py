"""Live reports: intake sources (the report form, API keys), one batch per source and day,
and a per-case switch for the public report form.

Revision ID: 0005
Revises: 0004 (written on 0002; re-chained after 0003 and 0004 when merged)
Create Date: 2026-12-01 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_sources")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_intake_sources_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_intake_sources_name")),
    )
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intake_source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("intake_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_report_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_report_batches_intake_source_id"), ["intake_source_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_report_batches_intake_source_id_intake_day"),
            ["intake_source_id", "intake_day"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_report_batches_intake_source_id_intake_sources"),
            "intake_sources",
            ["intake_source_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("report_form_open", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("report_form_open")
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_batches_intake_source_id_intake_sources"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_report_batches_intake_source_id_intake_day"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_report_batches_intake_source_id"))
        batch_op.drop_column("last_report_at")
        batch_op.drop_column("intake_day")
        batch_op.drop_column("intake_source_id")
    op.drop_table("intake_sources")
