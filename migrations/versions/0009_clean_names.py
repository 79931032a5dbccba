"""clean division names: collapse runs of whitespace and strip the ends

The upstream list spells two wards with a double space ("Phường  An Nhơn"); the loader now
normalises names (portal/divisions/services.py), and this migration cleans rows loaded before.
The work is done in Python, row by row, so that SQLite (no regexp_replace) and PostgreSQL
give the same result; there are a few thousand divisions at most.

Revision ID: 0009_clean_names
Revises: 0008_audit_append_only
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_clean_names"
down_revision = "0008_audit_append_only"
branch_labels = None
depends_on = None

divisions = sa.table(
    "divisions",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("province_name", sa.String),
)

COLUMNS = ("name", "province_name")


def clean(text):
    """The text with every run of whitespace made one space and the ends stripped."""
    return " ".join(text.split()) if text is not None else None


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(divisions.c.code, *(divisions.c[c] for c in COLUMNS))).all()
    for row in rows:
        changes = {
            column: clean(getattr(row, column))
            for column in COLUMNS
            if clean(getattr(row, column)) != getattr(row, column)
        }
        if changes:
            bind.execute(
                divisions.update().where(divisions.c.code == row.code).values(**changes)
            )


def downgrade():
    # Nothing to undo: the old spacing was a typing slip in the source data, carries no
    # meaning, and cannot be told apart afterwards; a downgrade keeps the clean names.
    pass
