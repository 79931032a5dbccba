"""import problems: what checking a registry upload leaves its official for an hour

The full problem list of a refused file (downloaded as CSV from the import page) or a good
file waiting for the official to confirm how its establishment types were read. Rows expire
after an hour and are deleted by the next check (portal/registry/checks.py).

Revision ID: 0011_import_problems
Revises: 0010_sort_keys
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_import_problems"
down_revision = "0010_sort_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registry_checks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["official_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_checks_official_id"), ["official_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_checks_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("registry_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_checks_created_at"))
        batch_op.drop_index(batch_op.f("ix_registry_checks_official_id"))
    op.drop_table("registry_checks")
