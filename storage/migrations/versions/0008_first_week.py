"""first week: digests of what is new, a union's contact line, members who
left the roster

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_until", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact", sa.String(length=200), nullable=True))
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("left_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.drop_column("left_at")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_column("contact")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("digest_until")
