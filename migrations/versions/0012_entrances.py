"""entrances: several gates of one venue, each with its own poster; visits name the one scanned

Revision ID: 0012_entrances
Revises: 0011_import_problems
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_entrances"
down_revision = "0011_import_problems"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entrances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("short_code", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_entrances_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entrances")),
        sa.UniqueConstraint("short_code", name=op.f("uq_entrances_short_code")),
        sa.UniqueConstraint("token", name=op.f("uq_entrances_token")),
    )
    with op.batch_alter_table("entrances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entrances_venue_id"), ["venue_id"], unique=False)
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entrance_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_visits_entrance_id_entrances"), "entrances",
                                    ["entrance_id"], ["id"])


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_visits_entrance_id_entrances"), type_="foreignkey")
        batch_op.drop_column("entrance_id")
    with op.batch_alter_table("entrances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entrances_venue_id"))
    op.drop_table("entrances")
