"""suspicious check-ins: flags, registrations' address hashes, fabricated visits, opening hours

On PostgreSQL `visits` is partitioned (0020): a column added to the parent reaches every partition.

Revision ID: 0021_suspicious
Revises: 0020_partitions
"""
from alembic import op
import sqlalchemy as sa

revision = "0021_suspicious"
down_revision = "0020_partitions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fabricated", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opens_at", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("closes_at", sa.String(length=5), nullable=True))
    op.create_table(
        "registration_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_registration_addresses_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_addresses")),
    )
    with op.batch_alter_table("registration_addresses", schema=None) as batch_op:
        batch_op.create_index("ix_registration_addresses_venue_at", ["venue_id", "registered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_addresses_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_addresses_visitor_id"), ["visitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_addresses_registered_at"), ["registered_at"], unique=False)
    op.create_table(
        "suspicious_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("marked_visits", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_suspicious_flags_reviewer_id_users")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_suspicious_flags_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspicious_flags")),
        sa.UniqueConstraint("venue_id", "rule", "window_start", name=op.f("uq_suspicious_flags_venue_id")),
    )
    with op.batch_alter_table("suspicious_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suspicious_flags_venue_id"), ["venue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suspicious_flags_window_start"), ["window_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_suspicious_flags_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("suspicious_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suspicious_flags_status"))
        batch_op.drop_index(batch_op.f("ix_suspicious_flags_window_start"))
        batch_op.drop_index(batch_op.f("ix_suspicious_flags_venue_id"))
    op.drop_table("suspicious_flags")
    with op.batch_alter_table("registration_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_addresses_registered_at"))
        batch_op.drop_index(batch_op.f("ix_registration_addresses_visitor_id"))
        batch_op.drop_index(batch_op.f("ix_registration_addresses_visit_id"))
        batch_op.drop_index("ix_registration_addresses_venue_at")
    op.drop_table("registration_addresses")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("opens_at")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("fabricated")
