"""officials, registry and reports

Revision ID: 0003_officials
Revises: 0002_checkin
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_officials"
down_revision = "0002_checkin"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
