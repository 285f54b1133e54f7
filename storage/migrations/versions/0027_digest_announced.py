"""the daily digest's announced planned people: each is announced to a member once

One row a (member, planned person) the digest has told her of, with the digest's day. A table
rather than a list of ids in a column of ``members``: the digest's one query a batch for the
planned cards leaves the announced out in SQL (an anti-join on the primary key), nothing is
parsed on the event loop, a member's erasure takes her rows with her (either side), and rows past
the digest's keeping window are dropped by a range of the key.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_announced",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["candidate_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id", "candidate_id"),
    )
    op.create_index("ix_digest_announced_candidate", "digest_announced", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_digest_announced_candidate", table_name="digest_announced")
    op.drop_table("digest_announced")
