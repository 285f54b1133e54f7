"""broadcasts: durable deliveries, unreachable members, industry in match profiles

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("photo_file_id", sa.String(length=200), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("button", sa.JSON(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "sending",
                "done",
                "cancelled",
                name="broadcaststatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("send_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_broadcasts_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_broadcasts_author_telegram_id"), ["author_telegram_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_broadcasts_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                "unreachable",
                "cancelled",
                name="deliverystatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_deliveries_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_broadcast_deliveries_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_deliveries")),
        sa.UniqueConstraint(
            "broadcast_id", "member_id", name=op.f("uq_broadcast_deliveries_broadcast_id")
        ),
    )
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_broadcast_deliveries_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_broadcast_deliveries_queue", ["broadcast_id", "status", "id"], unique=False
        )

    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("industry", sa.String(length=40), nullable=True))
    _backfill_industry()

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unreachable_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def _backfill_industry() -> None:
    """Match profiles built before this revision take the industry from the member's answer."""
    answers = sa.table(
        "profile_answers",
        sa.column("member_id", sa.Integer()),
        sa.column("question", sa.String()),
        sa.column("value", sa.JSON()),
    )
    profiles = sa.table(
        "match_profiles", sa.column("member_id", sa.Integer()), sa.column("industry", sa.String())
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(answers.c.member_id, answers.c.value).where(answers.c.question == "industry")
    ).all()
    updates = [{"m": member_id, "i": value} for member_id, value in rows if isinstance(value, str)]
    if updates:
        bind.execute(
            profiles.update()
            .where(profiles.c.member_id == sa.bindparam("m"))
            .values(industry=sa.bindparam("i")),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("unreachable_at")

    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.drop_column("industry")

    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_broadcast_deliveries_queue")
        batch_op.drop_index(batch_op.f("ix_broadcast_deliveries_member_id"))
    op.drop_table("broadcast_deliveries")

    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_unit_id"))
        batch_op.drop_index(batch_op.f("ix_broadcasts_author_telegram_id"))
    op.drop_table("broadcasts")
