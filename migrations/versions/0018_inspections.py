"""inspector accounts, inspections and the posters checked

Revision ID: 0018_inspections
Revises: 0017_scan_lanes
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0018_inspections"
down_revision = "0017_scan_lanes"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
