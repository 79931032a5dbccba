"""notice version: the privacy notice each visitor agreed to, shown again when it changes

Revision ID: 0013_notice_version
Revises: 0012_entrances
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_notice_version"
down_revision = "0012_entrances"
branch_labels = None
depends_on = None


def upgrade():
    # NULL for everyone registered before: they see the notice at their next scan.
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_version", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.drop_column("notice_version")
