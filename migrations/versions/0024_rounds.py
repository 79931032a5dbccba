"""testing rounds of red and orange wards and the places each tests, with their counts

Revision ID: 0024_rounds
Revises: 0023_population
"""
from alembic import op
import sqlalchemy as sa

revision = "0024_rounds"
down_revision = "0023_population"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "testing_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("plan_start_on", sa.Date(), nullable=False),
        sa.Column("day_number", sa.SmallInteger(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["planned_by_id"], ["users.id"], name=op.f("fk_testing_rounds_planned_by_id_users")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_testing_rounds_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testing_rounds")),
        sa.UniqueConstraint("ward_code", "held_on", name=op.f("uq_testing_rounds_ward_code")),
    )
    op.create_index(op.f("ix_testing_rounds_held_on"), "testing_rounds", ["held_on"])
    op.create_index(op.f("ix_testing_rounds_ward_code"), "testing_rounds", ["ward_code"])
    op.create_table(
        "round_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=True),
        sa.Column("tested", sa.Integer(), nullable=True),
        sa.Column("positive", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("positive <= tested", name=op.f("ck_round_places_positive")),
        sa.CheckConstraint("tested >= 0 AND positive >= 0", name=op.f("ck_round_places_counts")),
        sa.ForeignKeyConstraint(["establishment_id"], ["establishments.id"],
                                name=op.f("fk_round_places_establishment_id_establishments")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_round_places_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["testing_rounds.id"], ondelete="CASCADE",
                                name=op.f("fk_round_places_round_id_testing_rounds")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_round_places_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_places")),
    )
    op.create_index(op.f("ix_round_places_round_id"), "round_places", ["round_id"])


def downgrade():
    op.drop_index(op.f("ix_round_places_round_id"), table_name="round_places")
    op.drop_table("round_places")
    op.drop_index(op.f("ix_testing_rounds_ward_code"), table_name="testing_rounds")
    op.drop_index(op.f("ix_testing_rounds_held_on"), table_name="testing_rounds")
    op.drop_table("testing_rounds")
