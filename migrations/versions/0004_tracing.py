"""tracing, exposures and audit

Revision ID: 0004_tracing
Revises: 0003_officials
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_tracing"
down_revision = "0003_officials"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
