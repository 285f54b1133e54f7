"""members: an index by unit with the dates the desk's overview counts

The organisers' desk counts a scope's members by state (verified, profile complete, paused,
active) and by the month they were verified and completed their profile. With only the index on
unit_id, SQLite fetched every member's whole row through it; this index holds what those counts
read, so they read the index alone.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["unit_id", "verified_at", "profile_completed_at", "last_seen_at", "paused"]


def upgrade() -> None:
    op.create_index("ix_members_unit_states", "members", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_members_unit_states", table_name="members")
