"""visits and checkpoint crossings partitioned by UTC day on PostgreSQL (nothing changes on SQLite)

An existing database is converted in place: its rows move into a partition per day they fall on
(portal/partitions.py says what a partitioned table keeps and how).

Revision ID: 0020_partitions
Revises: 0019_cases
"""
from alembic import op

from portal import partitions

revision = "0020_partitions"
down_revision = "0019_cases"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    if not partitions.applies(conn):
        return
    for table in partitions.TABLES:
        if not partitions.is_partitioned(conn, table):
            partitions.partition_table(conn, table, partitions.utc_today())


def downgrade():
    conn = op.get_bind()
    if not partitions.applies(conn):
        return
    for table in partitions.TABLES:
        if partitions.is_partitioned(conn, table):
            partitions.unpartition_table(conn, table)
