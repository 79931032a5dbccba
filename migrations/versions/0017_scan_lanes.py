"""scan log: the lane and direction of a checkpoint scan, and scans sent late from a lane's queue

Revision ID: 0017_scan_lanes
Revises: 0016_crossings
"""
from alembic import op
import sqlalchemy as sa

revision = "0017_scan_lanes"
down_revision = "0016_crossings"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lane_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("direction", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f("fk_scans_lane_id_lanes"), "lanes", ["lane_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_scans_lane_id_lanes"), type_="foreignkey")
        batch_op.drop_column("late")
        batch_op.drop_column("received_at")
        batch_op.drop_column("direction")
        batch_op.drop_column("lane_id")
