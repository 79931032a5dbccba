"""officials, registry and reports

Revision ID: 0003_officials
Revises: 0002_checkin
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_officials"
down_revision = "0002_checkin"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "establishments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("matched_at", sa.DateTime(), nullable=True),
        sa.Column("matched_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("departed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["matched_by_id"], ["users.id"], name=op.f("fk_establishments_matched_by_id_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_establishments_venue_id_venues")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_establishments_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_establishments")),
        sa.UniqueConstraint("registration_number", name=op.f("uq_establishments_registration_number")),
    )
    with op.batch_alter_table("establishments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_establishments_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_establishments_venue_id"), ["venue_id"], unique=True)
        batch_op.create_index("ix_establishments_ward_status", ["ward_code", "status", "venue_id"], unique=False)

    op.create_table(
        "match_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_match_proposals_decided_by_id_users")),
        sa.ForeignKeyConstraint(["establishment_id"], ["establishments.id"], name=op.f("fk_match_proposals_establishment_id_establishments")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_match_proposals_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_proposals")),
        sa.UniqueConstraint("establishment_id", "venue_id", name=op.f("uq_match_proposals_establishment_id")),
    )
    with op.batch_alter_table("match_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_proposals_establishment_id"), ["establishment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposals_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_proposals_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("action_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["establishment_id"], ["establishments.id"], name=op.f("fk_follow_ups_establishment_id_establishments")),
        sa.ForeignKeyConstraint(["official_id"], ["users.id"], name=op.f("fk_follow_ups_official_id_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_follow_ups_venue_id_venues")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_follow_ups_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_establishment_id"), ["establishment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_venue_id"), ["venue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_ward_code"), ["ward_code"], unique=False)

    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("departed", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["official_id"], ["users.id"], name=op.f("fk_registry_imports_official_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_imports")),
    )
    with op.batch_alter_table("registry_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_imports_official_id"), ["official_id"], unique=False)

    op.create_table(
        "zone_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_zone_levels_level")),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"], name=op.f("fk_zone_levels_set_by_id_users")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_zone_levels_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_levels")),
    )
    with op.batch_alter_table("zone_levels", schema=None) as batch_op:
        batch_op.create_index("ix_zone_levels_ward_effective", ["ward_code", "effective_on"], unique=False)


def downgrade():
    with op.batch_alter_table("zone_levels", schema=None) as batch_op:
        batch_op.drop_index("ix_zone_levels_ward_effective")
    op.drop_table("zone_levels")
    with op.batch_alter_table("registry_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_imports_official_id"))
    op.drop_table("registry_imports")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_ward_code"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_venue_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_establishment_id"))
    op.drop_table("follow_ups")
    with op.batch_alter_table("match_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_proposals_venue_id"))
        batch_op.drop_index(batch_op.f("ix_match_proposals_status"))
        batch_op.drop_index(batch_op.f("ix_match_proposals_establishment_id"))
    op.drop_table("match_proposals")
    with op.batch_alter_table("establishments", schema=None) as batch_op:
        batch_op.drop_index("ix_establishments_ward_status")
        batch_op.drop_index(batch_op.f("ix_establishments_venue_id"))
        batch_op.drop_index(batch_op.f("ix_establishments_category"))
    op.drop_table("establishments")
