"""photo review: unions may approve new photos before they show on cards

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_photos", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "photo_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "file_id"),
    )
    op.create_index("ix_photo_reviews_member_id", "photo_reviews", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_photo_reviews_member_id", table_name="photo_reviews")
    op.drop_table("photo_reviews")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_column("review_photos")
