"""events: how many came and how many pairs formed, kept when the mutual choice closes

The union's records of an event must not change backwards when a member later deletes their
account (their registration and choices go with them).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Events already closed keep what their rows still show: the best record there is.
_BACKFILL = """
UPDATE events SET
    attended = (
        SELECT count(*) FROM registrations r
        WHERE r.event_id = events.id AND r.checked_in_at IS NOT NULL
    ),
    pairs = (
        SELECT count(*) FROM event_choices c1
        JOIN event_choices c2
          ON c2.event_id = c1.event_id
         AND c2.chooser_id = c1.chosen_id
         AND c2.chosen_id = c1.chooser_id
        WHERE c1.event_id = events.id AND c1.chooser_id < c1.chosen_id
    )
WHERE choice_closed
"""


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("attended", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("pairs", sa.Integer(), nullable=True))
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("pairs")
        batch.drop_column("attended")
