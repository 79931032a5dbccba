"""checkpoint lanes and crossings: a checkpoint scan is a crossing with a direction, not a stay

Revision ID: 0016_crossings
Revises: 0015_data_requests
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_crossings"
down_revision = "0015_data_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lanes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], ondelete="CASCADE",
                                name=op.f("fk_lanes_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanes")),
    )
    with op.batch_alter_table("lanes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lanes_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "crossings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("lane_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("crossed_at", sa.DateTime(), nullable=False),
        sa.Column("scanned_by_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], ondelete="CASCADE",
                                name=op.f("fk_crossings_visitor_id_visitors")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], ondelete="CASCADE",
                                name=op.f("fk_crossings_venue_id_venues")),
        sa.ForeignKeyConstraint(["lane_id"], ["lanes.id"], ondelete="SET NULL",
                                name=op.f("fk_crossings_lane_id_lanes")),
        sa.ForeignKeyConstraint(["scanned_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_crossings_scanned_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossings")),
    )
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.create_index("ix_crossings_visitor_at", ["visitor_id", "crossed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_crossings_venue_id"), ["venue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crossings_crossed_at"), ["crossed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crossings_crossed_at"))
        batch_op.drop_index(batch_op.f("ix_crossings_venue_id"))
        batch_op.drop_index("ix_crossings_visitor_at")
    op.drop_table("crossings")
    with op.batch_alter_table("lanes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lanes_venue_id"))
    op.drop_table("lanes")
