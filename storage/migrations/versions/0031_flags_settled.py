"""flags settled: an organiser's decision on what the scam screen flagged takes it off /reports

A false alarm (a meeting point's map link) could only be answered with a warning or a
suspension, and stayed listed until newer hits pushed it out. The member's row now says until
when their flagged words were decided on.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: on SQLite a batch copies the members table, and with foreign keys on,
# dropping the old copy deletes every row that refers to a member (SQLite adds and drops a
# column in place since 3.35).


def upgrade() -> None:
    op.add_column(
        "members",
        sa.Column("flags_settled_at", storage.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE members DROP COLUMN flags_settled_at"))
