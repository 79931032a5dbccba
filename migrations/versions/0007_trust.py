"""trust: session versions, login throttling, suspension reasons, retired short codes

Revision ID: 0007_trust
Revises: 0006_visits_venue_index
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_trust"
down_revision = "0006_visits_venue_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("login_blocked_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("retired_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_code", sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f("ix_retired_tokens_short_code"), ["short_code"], unique=False)


def downgrade():
    with op.batch_alter_table("retired_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_tokens_short_code"))
        batch_op.drop_column("short_code")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_reason")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("login_blocked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("session_version")
