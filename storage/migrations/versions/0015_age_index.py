"""match profiles: an index by age, to find rare ages without reading a whole gender

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_match_profiles_age", "match_profiles", ["eligible", "gender", "birth_year"])


def downgrade() -> None:
    op.drop_index("ix_match_profiles_age", table_name="match_profiles")
