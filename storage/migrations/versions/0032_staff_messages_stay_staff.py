"""staff messages stay staff's: a thread message says who wrote it apart from whose id it keeps

A staff member who erased their data left their answers with no author id, which is how a
member's own message was told apart: the counsellor's words then read as the member's in the
desk, in /inbox and in the member's own export. A message now says whether staff wrote it.
Answers already orphaned that way cannot be told apart any more and stay as they are.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: on SQLite a batch copies the table (SQLite adds and drops a column in
# place since 3.35).


def upgrade() -> None:
    op.add_column(
        "thread_messages",
        sa.Column("by_staff", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        sa.text("UPDATE thread_messages SET by_staff = true WHERE staff_telegram_id IS NOT NULL")
    )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE thread_messages DROP COLUMN by_staff"))
