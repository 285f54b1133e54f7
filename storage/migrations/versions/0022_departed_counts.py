"""departed_counts: what a member who deleted their account had done, counted without them

When a member deletes their account their rows go (verification, matches, threads,
registrations); the union's monthly figures must not change backwards, so the deletion adds
anonymous counts per unit, month and figure in the same transaction.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "departed_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("figure", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_units.id"],
            name=op.f("fk_departed_counts_unit_id_org_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departed_counts")),
    )
    op.create_index(
        op.f("ix_departed_counts_unit_id"), "departed_counts", ["unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_departed_counts_unit_id"), table_name="departed_counts")
    op.drop_table("departed_counts")
