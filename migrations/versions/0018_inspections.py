"""inspector accounts, inspections and the posters checked

Revision ID: 0018_inspections
Revises: 0017_scan_lanes
"""
from alembic import op
import sqlalchemy as sa

revision = "0018_inspections"
down_revision = "0017_scan_lanes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspector_scopes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inspector_scopes_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_inspector_scopes")),
    )
    op.create_table(
        "inspector_categories",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inspector_categories_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "category", name=op.f("pk_inspector_categories")),
    )
    op.create_table(
        "inspector_wards",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["division_code"], ["divisions.code"],
                                name=op.f("fk_inspector_wards_division_code_divisions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inspector_wards_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "division_code", name=op.f("pk_inspector_wards")),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("inspected_at", sa.DateTime(), nullable=False),
        sa.Column("poster_every_entrance", sa.Boolean(), nullable=False),
        sa.Column("staff_remind", sa.Boolean(), nullable=False),
        sa.Column("people_scanning", sa.Boolean(), nullable=False),
        sa.Column("assisted_way", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("fix_by", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("suspension", sa.String(length=12), nullable=True),
        sa.Column("suspension_decided_by", sa.Integer(), nullable=True),
        sa.Column("suspension_decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")),
        sa.ForeignKeyConstraint(["suspension_decided_by"], ["users.id"],
                                name=op.f("fk_inspections_suspension_decided_by_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_inspections_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "poster_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("found_venue_id", sa.Integer(), nullable=True),
        sa.Column("entrance_id", sa.Integer(), nullable=True),
        sa.Column("shown", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["entrance_id"], ["entrances.id"], name=op.f("fk_poster_checks_entrance_id_entrances")),
        sa.ForeignKeyConstraint(["found_venue_id"], ["venues.id"], name=op.f("fk_poster_checks_found_venue_id_venues")),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_poster_checks_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name=op.f("fk_poster_checks_inspector_id_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_poster_checks_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_checks")),
    )
    with op.batch_alter_table("poster_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poster_checks_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poster_checks_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_poster_checks_venue_id"), ["venue_id"], unique=False)


def downgrade():
    with op.batch_alter_table("poster_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poster_checks_venue_id"))
        batch_op.drop_index(batch_op.f("ix_poster_checks_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_poster_checks_inspection_id"))
    op.drop_table("poster_checks")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_venue_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_inspector_id"))
    op.drop_table("inspections")
    op.drop_table("inspector_wards")
    op.drop_table("inspector_categories")
    op.drop_table("inspector_scopes")
