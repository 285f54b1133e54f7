"""conversation states: when each last moved, so long idle ones expire

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_states") as batch:
        batch.add_column(
            sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index("ix_conversation_states_updated_at", "conversation_states", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_states_updated_at", table_name="conversation_states")
    with op.batch_alter_table("conversation_states") as batch:
        batch.drop_column("updated_at")
