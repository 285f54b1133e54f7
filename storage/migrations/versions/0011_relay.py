"""relay: 会会传话 between matched members, contacts exchanged when both agree

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        for column in ("relay_ended_at", "exchange_a_at", "exchange_b_at"):
            batch_op.add_column(
                sa.Column(column, storage.types.UTCDateTime(timezone=True), nullable=True)
            )
    op.create_table(
        "relay_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("shown_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_relay_messages_match_id", "relay_messages", ["match_id"])
    op.create_index("ix_relay_messages_sender_id", "relay_messages", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_relay_messages_sender_id", table_name="relay_messages")
    op.drop_index("ix_relay_messages_match_id", table_name="relay_messages")
    op.drop_table("relay_messages")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        for column in ("exchange_b_at", "exchange_a_at", "relay_ended_at"):
            batch_op.drop_column(column)
