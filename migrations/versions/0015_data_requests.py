"""data requests: access, correction or deletion asked of a ward official in person

Revision ID: 0015_data_requests
Revises: 0014_erasure_log
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_data_requests"
down_revision = "0014_erasure_log"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("verified_with", sa.String(length=12), nullable=False),
        # Who asked, only while the request is open.
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_data_requests_ward_code_divisions")),
        sa.ForeignKeyConstraint(["received_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_data_requests_received_by_id_users")),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_data_requests_done_by_id_users")),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], ondelete="SET NULL",
                                name=op.f("fk_data_requests_visitor_id_visitors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
        sa.UniqueConstraint("ref", name=op.f("uq_data_requests_ref")),
    )
    with op.batch_alter_table("data_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_requests_ward_code"), ["ward_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_requests_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_requests_visitor_id"), ["visitor_id"], unique=False)


def downgrade():
    with op.batch_alter_table("data_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_requests_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_data_requests_due_at"))
        batch_op.drop_index(batch_op.f("ix_data_requests_ward_code"))
    op.drop_table("data_requests")
