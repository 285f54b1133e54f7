"""hardening: contact requests between matched members

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shared_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asked_id"],
            ["members.id"],
            name=op.f("fk_contact_requests_asked_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["members.id"],
            name=op.f("fk_contact_requests_requester_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_requests")),
        sa.UniqueConstraint("asked_id", "requester_id", name=op.f("uq_contact_requests_asked_id")),
    )
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_requests_asked_id"), ["asked_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_requests_requester_id"), ["requester_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_contact_requests_asked_id"))

    op.drop_table("contact_requests")
