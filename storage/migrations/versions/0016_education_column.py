"""match profiles: education as a typed column, so statistics group it without reading JSON

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each dialect's way to read a JSON integer out of the features and to drop it from them.
_MOVE_OUT = {
    "sqlite": (
        "UPDATE match_profiles SET education = json_extract(features, '$.education'),"
        " features = json_remove(features, '$.education')"
    ),
    "postgresql": (
        "UPDATE match_profiles SET education = (features ->> 'education')::smallint,"
        " features = (features::jsonb - 'education')::json"
    ),
}
_MOVE_BACK = {
    "sqlite": ("UPDATE match_profiles SET features = json_set(features, '$.education', education)"),
    "postgresql": (
        "UPDATE match_profiles SET features ="
        " jsonb_set(features::jsonb, '{education}',"
        " coalesce(to_jsonb(education), 'null'::jsonb))::json"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("match_profiles") as batch:
        batch.add_column(sa.Column("education", sa.SmallInteger(), nullable=True))
    op.execute(_MOVE_OUT[op.get_bind().dialect.name])


def downgrade() -> None:
    op.execute(_MOVE_BACK[op.get_bind().dialect.name])
    with op.batch_alter_table("match_profiles") as batch:
        batch.drop_column("education")
