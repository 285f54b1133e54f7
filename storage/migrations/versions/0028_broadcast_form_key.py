"""broadcast form key: the desk composer's form a broadcast was sent from, one broadcast a form

The desk's composer carries a key made when it is shown and renewed once a message is sent; a
send stores it beside the broadcast, and the same form posted again (a second press, a request
repeated, even after the ten minutes in which the same words count as the same broadcast) finds
the broadcast instead of making another. Unique per author, so two posts at once make one.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_broadcasts_form", "broadcasts", ["author_telegram_id", "form_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_broadcasts_form", table_name="broadcasts")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("form_key")
