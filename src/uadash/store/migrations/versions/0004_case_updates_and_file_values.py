"""Updates of a UA linked to the update they supersede; the values a case file last gave, so
that a load never overwrites what was changed in the app; targets retired instead of deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("file_values", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_cases_supersedes_id_cases"),
            "cases",
            ["supersedes_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_unique_constraint(op.f("uq_cases_supersedes_id"), ["supersedes_id"])
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("retired_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("uq_cases_supersedes_id"), type_="unique")
        batch.drop_constraint(op.f("fk_cases_supersedes_id_cases"), type_="foreignkey")
        batch.drop_column("file_values")
        batch.drop_column("supersedes_id")
