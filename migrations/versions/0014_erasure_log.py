"""erasure log: each deletion of a person's data at their request, without the deleted data

Revision ID: 0014_erasure_log
Revises: 0013_notice_version
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_erasure_log"
down_revision = "0013_notice_version"
branch_labels = None
depends_on = None


def upgrade():
    # Only the time, who asked (self-service or a ward official), counts per category and what
    # was kept: never a name, phone, hash, reference or id of the person (visitors/erasure.py).
    op.create_table(
        "erasure_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.Column("kept", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_log")),
    )
    with op.batch_alter_table("erasure_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasure_log_at"), ["at"], unique=False)


def downgrade():
    with op.batch_alter_table("erasure_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasure_log_at"))
    op.drop_table("erasure_log")
