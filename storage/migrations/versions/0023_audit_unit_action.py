"""audit_log: an index by unit and action

A reported member's file on the organisers' desk shows the decisions taken on them (warn,
suspend, lift, dismiss), read from the audit log of their union; without this index every look
read the whole log.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_unit_action", "audit_log", ["unit_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_unit_action", table_name="audit_log")
