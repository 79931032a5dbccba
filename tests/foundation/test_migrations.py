"""The schema comes only from the migrations, and they match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal import partitions
from portal.extensions import db


def _partitioned_table_differences(diff):
    """What a table partitioned by day cannot declare on PostgreSQL (portal/partitions.py and
    docs/operations.md): visits' unique nonce and ref (unique per day's partition instead) and the
    foreign key from a dependent's visit to their lead's."""
    kind, item = diff[0], diff[1]
    if kind == "add_constraint":
        return item.table.name == "visits" and sorted(c.name for c in item.columns) in (["nonce"], ["ref"])
    if kind == "add_fk":
        return item.name == "fk_visits_lead_visit_id_visits"
    return False


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        include = {"include_name": lambda name, type_, parents: not (type_ == "table" and partitions.is_partition(name))}
        context = MigrationContext.configure(conn, opts={"compare_type": True, **include})
        diffs = compare_metadata(context, db.metadata)
        if partitions.applies(conn):
            assert {t for t in partitions.TABLES if partitions.is_partitioned(conn, t)} == set(partitions.TABLES)
            accepted = [d for d in diffs if _partitioned_table_differences(d)]
            assert len(accepted) == 3, accepted  # exactly the three, no more and no fewer
            diffs = [d for d in diffs if d not in accepted]
    assert diffs == [], f"models and migrations disagree: {diffs}"


def test_migrations_have_one_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads
