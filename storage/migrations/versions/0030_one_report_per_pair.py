"""one report per pair: a member's report about another is filed once

Two reports sent at once by one member (a double tap of the Mini App's form, the chat and the
Mini App together) were both filed, weighed twice and could hide the reported member from
everyone on one person's word. Duplicates already filed are merged into the first (its status
and words kept), then the pair is made unique.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM reports WHERE id NOT IN "
            "(SELECT MIN(id) FROM reports GROUP BY reporter_id, reported_id)"
        )
    )
    op.create_index("ix_reports_once", "reports", ["reporter_id", "reported_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_reports_once", table_name="reports")
