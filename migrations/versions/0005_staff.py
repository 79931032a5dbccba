"""passes, staff and checkpoints

Revision ID: 0005_staff
Revises: 0004_tracing
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_staff"
down_revision = "0004_tracing"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
