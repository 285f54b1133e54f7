"""the day's market plan: whom each member is shown first today

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
# To be chained after 0019 once 0018 and 0019 land (they are written at the same time).
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planned_cards",
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["viewer_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["candidate_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("viewer_id", "day", "position"),
    )
    op.create_index("ix_planned_cards_candidate", "planned_cards", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_planned_cards_candidate", table_name="planned_cards")
    op.drop_table("planned_cards")
