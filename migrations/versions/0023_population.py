"""wards' populations, and the level the case figures suggested beside each zone level set

Revision ID: 0023_population
Revises: 0022_cases
"""
from alembic import op
import sqlalchemy as sa

revision = "0023_population"
down_revision = "0022_cases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ward_populations",
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("population > 0", name=op.f("ck_ward_populations_population")),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"],
                                name=op.f("fk_ward_populations_imported_by_id_users")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"],
                                name=op.f("fk_ward_populations_ward_code_divisions")),
        sa.PrimaryKeyConstraint("ward_code", name=op.f("pk_ward_populations")),
    )
    with op.batch_alter_table("zone_levels") as batch:
        batch.add_column(sa.Column("suggested_level", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("suggested_cases", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("suggested_population", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("zone_levels") as batch:
        batch.drop_column("suggested_population")
        batch.drop_column("suggested_cases")
        batch.drop_column("suggested_level")
    op.drop_table("ward_populations")
