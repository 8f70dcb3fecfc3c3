"""The weekly and monthly rollups (action_daily summed over targets), filled from action_daily.

Revision ID: 0006
Revises: 0005 (written on 0004; re-chained after 0005 when merged)
Create Date: 2026-12-01 23:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"action_weekly": "week", "action_monthly": "month"}


def upgrade() -> None:
    for table, bucket in TABLES.items():
        op.create_table(
            table,
            sa.Column("case_id", sa.Integer(), nullable=False),
            sa.Column(
                "channel",
                sa.Enum(
                    "letter",
                    "email",
                    "call",
                    "tweet",
                    "fax",
                    name="channel",
                    native_enum=False,
                    create_constraint=True,
                    length=24,
                ),
                nullable=False,
            ),
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("actions", sa.BigInteger(), nullable=False),
            sa.Column("reports", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(
                ["case_id"],
                ["cases.id"],
                name=op.f(f"fk_{table}_case_id_cases"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("case_id", "channel", "day", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_day"), ["day"], unique=False)
        op.execute(
            f"INSERT INTO {table} (case_id, channel, day, actions, reports) "
            f"SELECT case_id, channel, {_start(bucket)} AS start, SUM(actions), SUM(reports) "
            "FROM action_daily GROUP BY case_id, channel, start"
        )


def _start(bucket: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('{bucket}', day) AS DATE)"
    if bucket == "week":
        return "date(day, 'weekday 0', '-6 days')"
    return "strftime('%Y-%m-01', day)"


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_day"))
        op.drop_table(table)
