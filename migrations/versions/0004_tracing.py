"""tracing, exposures and audit

Revision ID: 0004_tracing
Revises: 0003_officials
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_tracing"
down_revision = "0003_officials"
branch_labels = None
depends_on = None


def upgrade():
    # The contact query's index: see portal/tracing/models.py.
    op.create_index("ix_visits_venue_in_due", "visits", ["venue_id", "checked_in_at", "due_out_at"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_cases_created_by_id_users")),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], name=op.f("fk_cases_visitor_id_visitors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("ref", name=op.f("uq_cases_ref")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "exposures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("advice", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("warned_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_exposures_case_id_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_exposures_created_by_id_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_exposures_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposures")),
        sa.UniqueConstraint("ref", name=op.f("uq_exposures_ref")),
    )
    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exposures_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exposures_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exposures_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_exposures_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "exposure_notices",
        sa.Column("exposure_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exposure_id"], ["exposures.id"], name=op.f("fk_exposure_notices_exposure_id_exposures")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["visitors.id"], name=op.f("fk_exposure_notices_visitor_id_visitors")
        ),
        sa.PrimaryKeyConstraint("exposure_id", "visitor_id", name=op.f("pk_exposure_notices")),
    )
    with op.batch_alter_table("exposure_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exposure_notices_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_entries_actor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_audit_entries_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_case_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_id"))
    op.drop_table("audit_entries")

    with op.batch_alter_table("exposure_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exposure_notices_visitor_id"))
    op.drop_table("exposure_notices")

    with op.batch_alter_table("exposures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exposures_venue_id"))
        batch_op.drop_index(batch_op.f("ix_exposures_ends_at"))
        batch_op.drop_index(batch_op.f("ix_exposures_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_exposures_case_id"))
    op.drop_table("exposures")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_cases_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_cases_created_at"))
    op.drop_table("cases")

    op.drop_index("ix_visits_venue_in_due", table_name="visits")
