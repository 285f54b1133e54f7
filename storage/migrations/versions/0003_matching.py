"""matching: match profiles, decisions, matches, blocks, reports, card views

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("matchmaker_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["members.id"],
            name=op.f("fk_suggestion_reviews_viewer_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["members.id"],
            name=op.f("fk_suggestion_reviews_candidate_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_reviews")),
        sa.UniqueConstraint(
            "viewer_id", "candidate_id", name=op.f("uq_suggestion_reviews_viewer_id")
        ),
    )
    with op.batch_alter_table("suggestion_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_reviews_viewer_id"), ["viewer_id"])
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_threshold", sa.Double(), nullable=True))

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matchmaker_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("member_a", sa.Integer(), nullable=False),
        sa.Column("member_b", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("a_accepts", sa.Boolean(), nullable=True),
        sa.Column("b_accepts", sa.Boolean(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_a"],
            ["members.id"],
            name=op.f("fk_proposals_member_a_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_b"],
            ["members.id"],
            name=op.f("fk_proposals_member_b_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposals_matchmaker_telegram_id"), ["matchmaker_telegram_id"]
        )
        batch_op.create_index(batch_op.f("ix_proposals_member_a"), ["member_a"])
        batch_op.create_index(batch_op.f("ix_proposals_member_b"), ["member_b"])

    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["members.id"],
            name=op.f("fk_blocks_blocked_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["members.id"],
            name=op.f("fk_blocks_blocker_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_blocks")),
    )
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blocks_blocked_id"), ["blocked_id"], unique=False)

    op.create_table(
        "card_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("shown_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["members.id"],
            name=op.f("fk_card_views_candidate_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["members.id"],
            name=op.f("fk_card_views_viewer_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_views")),
    )
    with op.batch_alter_table("card_views", schema=None) as batch_op:
        batch_op.create_index(
            "ix_card_views_candidate_shown", ["candidate_id", "shown_at"], unique=False
        )
        batch_op.create_index("ix_card_views_viewer_shown", ["viewer_id", "shown_at"], unique=False)

    op.create_table(
        "match_decisions",
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("liked", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["members.id"],
            name=op.f("fk_match_decisions_candidate_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["viewer_id"],
            ["members.id"],
            name=op.f("fk_match_decisions_viewer_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("viewer_id", "candidate_id", name=op.f("pk_match_decisions")),
    )
    with op.batch_alter_table("match_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_decisions_candidate_id"), ["candidate_id"], unique=False
        )

    op.create_table(
        "match_profiles",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("seeks", sa.String(length=8), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("age_must", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(length=40), nullable=True),
        sa.Column("employer", sa.String(length=100), nullable=True),
        sa.Column("avoid_colleagues", sa.Boolean(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("shuffle", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_match_profiles_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_match_profiles")),
    )
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_profiles_sample", ["eligible", "gender", "shuffle"], unique=False
        )
        batch_op.create_index(
            "ix_match_profiles_district_sample",
            ["eligible", "gender", "district", "shuffle"],
            unique=False,
        )

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_a", sa.Integer(), nullable=False),
        sa.Column("member_b", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_a"],
            ["members.id"],
            name=op.f("fk_matches_member_a_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_b"],
            ["members.id"],
            name=op.f("fk_matches_member_b_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("member_a", "member_b", name=op.f("uq_matches_member_a")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_member_a"), ["member_a"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_member_b"), ["member_b"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reported_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reported_id"],
            ["members.id"],
            name=op.f("fk_reports_reported_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["members.id"],
            name=op.f("fk_reports_reporter_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_reported_status", ["reported_id", "status"], unique=False)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("avoid_colleagues", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("username", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_column("review_threshold")
    op.drop_table("suggestion_reviews")
    op.drop_table("proposals")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("username")
        batch_op.drop_column("digest")
        batch_op.drop_column("avoid_colleagues")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_reported_status")

    op.drop_table("reports")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matches_member_b"))
        batch_op.drop_index(batch_op.f("ix_matches_member_a"))

    op.drop_table("matches")
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_match_profiles_district_sample")
        batch_op.drop_index("ix_match_profiles_sample")

    op.drop_table("match_profiles")
    with op.batch_alter_table("match_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_decisions_candidate_id"))

    op.drop_table("match_decisions")
    with op.batch_alter_table("card_views", schema=None) as batch_op:
        batch_op.drop_index("ix_card_views_viewer_shown")
        batch_op.drop_index("ix_card_views_candidate_shown")

    op.drop_table("card_views")
    with op.batch_alter_table("blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocks_blocked_id"))

    op.drop_table("blocks")
