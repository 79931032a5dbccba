"""visits: one (venue, check-in, due-out) index instead of two

The (venue_id, checked_in_at) index is a prefix of ix_visits_venue_in_due and answers nothing
the longer one does not; dropping it saves every check-in one index write.

Revision ID: 0006_visits_venue_index
Revises: 0005_staff
"""
from alembic import op

revision = "0006_visits_venue_index"
down_revision = "0005_staff"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_visits_venue_in", table_name="visits")


def downgrade():
    op.create_index("ix_visits_venue_in", "visits", ["venue_id", "checked_in_at"], unique=False)
