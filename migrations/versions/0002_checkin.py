"""check-in and visitors: a random reference for each visitor (dependents' URLs)

Revision ID: 0002_checkin
Revises: 0001_core
"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = "0002_checkin"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=32), nullable=True))
    # Rows that exist already get a reference before the column becomes required.
    visitors = sa.table("visitors", sa.column("id", sa.Integer()), sa.column("ref", sa.String()))
    conn = op.get_bind()
    for (visitor_id,) in conn.execute(sa.select(visitors.c.id).where(visitors.c.ref.is_(None))):
        conn.execute(
            visitors.update().where(visitors.c.id == visitor_id).values(ref=secrets.token_urlsafe(16))
        )
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.alter_column("ref", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_visitors_ref"), ["ref"])


def downgrade():
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_visitors_ref"), type_="unique")
        batch_op.drop_column("ref")
