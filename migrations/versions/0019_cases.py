"""no schema change: reserved for the case register (issue 15), which has not landed

Revision ID: 0019_cases
Revises: 0018_inspections
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0019_cases"
down_revision = "0018_inspections"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
