"""a safe first conversation: a report's optional detail, WeChat ids for the contact exchange,
relayed messages waiting for their sender's choice, edits and albums

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("detail", sa.Text(), nullable=True))
    with op.batch_alter_table("relay_messages") as batch:
        batch.add_column(
            sa.Column("draft", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("source_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("media_group", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("edited_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "wechat_ids",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("wechat", sa.String(length=20), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )


def downgrade() -> None:
    op.drop_table("wechat_ids")
    with op.batch_alter_table("relay_messages") as batch:
        batch.drop_column("edited_at")
        batch.drop_column("media_group")
        batch.drop_column("source_message_id")
        batch.drop_column("draft")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("detail")
