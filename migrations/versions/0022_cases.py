"""the case register: confirmed cases, their classification history, contacts followed up, tests

Revision ID: 0022_cases
Revises: 0021_suspicious
"""
from alembic import op
import sqlalchemy as sa

import portal.columns
import portal.crypto

revision = "0022_cases"
down_revision = "0021_suspicious"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "health_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("full_name", portal.crypto.EncryptedText(), nullable=False),
        sa.Column("phone", portal.crypto.EncryptedText(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number", portal.crypto.EncryptedText(), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("positive_on", sa.Date(), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("care_place", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("trace_case_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.columns.UTCDateTime(), nullable=False),
        sa.Column("closed_at", portal.columns.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_health_cases_created_by_id_users")),
        sa.ForeignKeyConstraint(["trace_case_id"], ["cases.id"], name=op.f("fk_health_cases_trace_case_id_cases")),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], name=op.f("fk_health_cases_visitor_id_visitors")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_health_cases_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_cases")),
        sa.UniqueConstraint("ref", name=op.f("uq_health_cases_ref")),
    )
    with op.batch_alter_table("health_cases", schema=None) as batch_op:
        for column in ("closed_at", "created_at", "created_by_id", "id_number_hash", "phone_hash",
                       "trace_case_id", "visitor_id", "ward_code"):
            batch_op.create_index(batch_op.f(f"ix_health_cases_{column}"), [column], unique=False)

    op.create_table(
        "case_classifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("care_place", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", portal.columns.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["health_cases.id"],
                                name=op.f("fk_case_classifications_case_id_health_cases")),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"],
                                name=op.f("fk_case_classifications_changed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_classifications")),
    )
    with op.batch_alter_table("case_classifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_classifications_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_classifications_changed_by_id"), ["changed_by_id"], unique=False)

    op.create_table(
        "case_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=2), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("full_name", portal.crypto.EncryptedText(), nullable=False),
        sa.Column("phone", portal.crypto.EncryptedText(), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("exposed_at", portal.columns.UTCDateTime(), nullable=False),
        sa.Column("overlap_minutes", sa.Integer(), nullable=False),
        sa.Column("residence_ward_code", sa.String(length=10), nullable=True),
        sa.Column("ward_code", sa.String(length=10), nullable=False),
        sa.Column("quarantine_ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("trace_case_id", sa.Integer(), nullable=True),
        sa.Column("became_case_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.columns.UTCDateTime(), nullable=False),
        sa.Column("closed_at", portal.columns.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["became_case_id"], ["health_cases.id"],
                                name=op.f("fk_case_contacts_became_case_id_health_cases")),
        sa.ForeignKeyConstraint(["case_id"], ["health_cases.id"], name=op.f("fk_case_contacts_case_id_health_cases")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_case_contacts_created_by_id_users")),
        sa.ForeignKeyConstraint(["parent_id"], ["case_contacts.id"],
                                name=op.f("fk_case_contacts_parent_id_case_contacts")),
        sa.ForeignKeyConstraint(["residence_ward_code"], ["divisions.code"],
                                name=op.f("fk_case_contacts_residence_ward_code_divisions")),
        sa.ForeignKeyConstraint(["trace_case_id"], ["cases.id"], name=op.f("fk_case_contacts_trace_case_id_cases")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_case_contacts_venue_id_venues")),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], name=op.f("fk_case_contacts_visitor_id_visitors")),
        sa.ForeignKeyConstraint(["ward_code"], ["divisions.code"], name=op.f("fk_case_contacts_ward_code_divisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_contacts")),
        sa.UniqueConstraint("ref", name=op.f("uq_case_contacts_ref")),
    )
    with op.batch_alter_table("case_contacts", schema=None) as batch_op:
        for column in ("became_case_id", "case_id", "closed_at", "created_by_id", "parent_id", "phone_hash", "trace_case_id",
                       "venue_id", "visitor_id", "ward_code"):
            batch_op.create_index(batch_op.f(f"ix_case_contacts_{column}"), [column], unique=False)

    op.create_table(
        "case_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", portal.columns.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["case_contacts.id"],
                                name=op.f("fk_case_tests_contact_id_case_contacts")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_case_tests_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tests")),
    )
    with op.batch_alter_table("case_tests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_tests_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_tests_recorded_by_id"), ["recorded_by_id"], unique=False)


def downgrade():
    op.drop_table("case_tests")
    op.drop_table("case_contacts")
    op.drop_table("case_classifications")
    op.drop_table("health_cases")
