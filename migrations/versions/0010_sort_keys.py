"""sort keys: Vietnamese sort-key columns for names that lists order and page by in SQL

Each key is the ICU "vi" collation key (numbers by value) written as hex by portal/collation.py,
so plain column order is Vietnamese order; PostgreSQL compares the column bytewise (COLLATE "C").
Existing rows are filled in Python, a chunk at a time, with the same function the models use.

Revision ID: 0010_sort_keys
Revises: 0009_clean_names
"""
from alembic import op
import sqlalchemy as sa

from portal.collation import SORT_KEY_TYPE, stored_key

revision = "0010_sort_keys"
down_revision = "0009_clean_names"
branch_labels = None
depends_on = None

#: (table, primary key, source column, sort-key column)
KEYS = (
    ("divisions", "code", "name", "name_sort"),
    ("users", "id", "full_name", "full_name_sort"),
    ("venues", "id", "name", "name_sort"),
    ("establishments", "id", "name", "name_sort"),
    ("establishments", "id", "address", "address_sort"),
)
CHUNK = 5000


def _backfill(bind, table_name, pk, source, target):
    table = sa.table(table_name, sa.column(pk), sa.column(source), sa.column(target))
    update = table.update().where(table.c[pk] == sa.bindparam("key")).values({target: sa.bindparam("value")})
    rows = bind.execute(sa.select(table.c[pk], table.c[source]).order_by(table.c[pk])).all()
    for start in range(0, len(rows), CHUNK):
        params = [{"key": key, "value": stored_key(text)} for key, text in rows[start:start + CHUNK]]
        bind.execute(update, params)


def _by_table():
    tables = {}
    for table, _pk, _source, target in KEYS:
        tables.setdefault(table, []).append(target)
    return tables


def upgrade():
    bind = op.get_bind()
    # One batch per table and step: SQLite rebuilds the whole table for each batch.
    for table, targets in _by_table().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for target in targets:
                batch_op.add_column(sa.Column(target, SORT_KEY_TYPE, nullable=True))
    for key in KEYS:
        _backfill(bind, *key)
    for table, targets in _by_table().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for target in targets:
                batch_op.alter_column(target, existing_type=SORT_KEY_TYPE, nullable=False)


def downgrade():
    for table, targets in reversed(list(_by_table().items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for target in reversed(targets):
                batch_op.drop_column(target)
