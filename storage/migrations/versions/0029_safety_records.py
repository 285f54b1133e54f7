"""safety records: blocks, reports and a suspension kept on the roster entry of a deleted account

A member who was reported, blocked or suspended could clear all of it with /delete_me and a new
sign-up on the same roster entry (which deletion frees). What keeps others safe is now kept on
the entry and put back when it is bound again (storage.safety).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_records",
        sa.Column("roster_entry_id", sa.Integer(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("reports", sa.JSON(), nullable=False),
        sa.Column("kept_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["roster_entry_id"], ["roster_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("roster_entry_id"),
    )


def downgrade() -> None:
    op.drop_table("safety_records")
