"""`flask data purge`, `rotate-key`, `record`, `backup` and `restore`: run by the operator on the server."""
import json
import logging
import os
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from .. import partitions
from ..bootstrap import new_data_key
from ..cases.expiry import purge_all as purge_register
from ..checkin.addresses import address_cutoff
from ..extensions import db
from ..clock import utcnow
from .backup import BackupError, backup, restore
from .keys import KeyRotationError, rotate
from .record import as_json, as_lines, figures
from ..extensions import checkpoint_sqlite
from .services import MAX_CHUNK, SQLITE_CHUNK, SQLITE_PAUSE, chunking_for, purge

log = logging.getLogger(__name__)
data_cli = AppGroup("data", help="Personal data: retention, encryption key, the record of processing.")


@data_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days instead of PORTAL_RETENTION_DAYS.")
@click.option("--chunk", type=click.IntRange(1, MAX_CHUNK), default=None,
              help=f"Rows deleted per transaction (at most {MAX_CHUNK}; default {MAX_CHUNK}, "
                   f"{SQLITE_CHUNK} on SQLite).")
@click.option("--pause", type=click.FloatRange(0, 10), default=None,
              help=f"Seconds to wait after each transaction (default 0, {SQLITE_PAUSE} on SQLite).")
def purge_command(days, chunk, pause):
    """Delete visits, warnings and visitor profiles older than the retention period."""
    days = days or current_app.config["PORTAL_RETENTION_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    default_chunk, default_pause = chunking_for(db.engine.dialect.name)
    chunk = chunk or default_chunk
    pause = default_pause if pause is None else pause

    def commit():
        db.session.commit()
        if pause:
            time.sleep(pause)  # let waiting check-ins take the write lock

    now = utcnow()
    totals = purge(cutoff, chunk, commit=commit, addresses_before=address_cutoff(cutoff, now))
    log.info("purge older than %d days: %s", days, totals)
    click.echo(
        f"Deleted data older than {days} days: {totals['visits']} visits, {totals['crossings']} crossings, "
        f"{totals['warnings']} warnings, {totals['visitors']} visitor profiles; "
        f"{totals['addresses']} registration address hashes (kept at most 14 days)."
    )
    case_days = current_app.config["PORTAL_CASE_RETENTION_DAYS"]
    contacts, cases = purge_register(utcnow(), case_days, current_app.config["PORTAL_TIMEZONE"], chunk, commit)
    click.echo(f"Case register, kept {case_days} days after a case or quarantine closed: {cases} cases and "
               f"{contacts} people followed up deleted, with their classifications and tests.")
    db.session.close()  # give the connection back before the checkpoint
    checkpointed = checkpoint_sqlite()
    if checkpointed is False:
        log.warning("purge: the SQLite write-ahead log is busy; deleted rows stay in it until the next run")
        click.echo("The SQLite write-ahead log was busy and still holds copies of deleted rows: "
                   "run the purge again.")
    elif checkpointed:
        click.echo("The SQLite write-ahead log is checkpointed and emptied.")


@data_cli.command("partitions")
@click.option("--ahead", type=click.IntRange(1, 60), default=partitions.DAYS_AHEAD, show_default=True,
              help="Create the day partitions up to this many days ahead.")
def partitions_command(ahead):
    """PostgreSQL: create the coming days' partitions of visits and crossings (run daily)."""
    if not partitions.applies(db.session.connection()):
        click.echo("SQLite keeps plain tables: there are no partitions to create.")
        return
    done = partitions.ensure(db.session.connection(), partitions.utc_today(), ahead)
    db.session.commit()
    for table in done:
        days = ", ".join(f"{day:%Y-%m-%d}" for day in table.created) or "none"
        click.echo(f"{table.table}: partitions created for {days}.")
        if table.in_default:
            log.warning("partitions: %s_default holds %d rows", table.table, table.in_default)
            click.echo(f"Warning: {table.in_default} {table.table} rows are in {table.table}_default, outside "
                       "the days that have a partition (a clock far off, or this command not run for days). "
                       "Each run moves the rows of the days it creates out of it.")


@data_cli.command("rotate-key")
@click.option("--new-key", envvar="PORTAL_NEW_DATA_KEY", default=None,
              help="The new key (URL-safe base64 of 32 bytes); or set PORTAL_NEW_DATA_KEY. "
                   "Without it a new key is generated.")
def rotate_key_command(new_key):
    """Re-encrypt visitors' personal data under a new PORTAL_DATA_KEY (all or nothing)."""
    old_key = current_app.config.get("PORTAL_DATA_KEY")
    if not old_key:
        raise click.ClickException("PORTAL_DATA_KEY is not set: there is nothing to rotate from.")
    generated = not new_key
    new_key = new_key or new_data_key()
    try:
        done = rotate(old_key, new_key)
    except KeyRotationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except Exception:
        db.session.rollback()
        raise click.ClickException("rotation failed; nothing was changed (is PORTAL_DATA_KEY right?)") from None
    db.session.commit()
    log.info("data key rotated: %s", done)
    click.echo("Re-encrypted: " + ", ".join(f"{name} {rows} rows" for name, rows in done.items()) + ".")
    if generated:
        click.echo(f"New key: {new_key}")
    where = os.path.join(current_app.instance_path, "config.py")
    click.echo(
        "Now store the new key and restart the portal: set PORTAL_DATA_KEY to the new key in "
        f"{where} (or the environment), replacing the old one. Until then the running portal "
        "cannot read personal data."
    )


@data_cli.command("record")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain text, one line per figure, or one JSON document.")
def record_command(fmt):
    """Print the record of processing's live figures: rows and oldest row per category, accounts per role."""
    found = figures(utcnow())
    db.session.rollback()  # read only: end the transaction
    if fmt == "json":
        click.echo(json.dumps(as_json(found), indent=1))
    else:
        click.echo("\n".join(as_lines(found)))


@data_cli.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
def backup_command(dest):
    """Copy the whole database to the new file DEST while the portal keeps running."""
    db.session.close()
    try:
        size = backup(db.engine, dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    log.info("backup written to %s (%d bytes)", dest, size)
    click.echo(f"Backup written to {dest} ({size} bytes). It is readable only with PORTAL_DATA_KEY: keep the key "
               "safe, and apart from the backup.")


@data_cli.command("restore")
@click.argument("src", type=click.Path(dir_okay=False))
def restore_command(src):
    """Restore the backup file SRC into the configured database, which must be new and empty."""
    db.session.close()
    try:
        restore(db.engine, src)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    log.info("restored %s", src)
    click.echo(f"Restored {src}. Start the portal with the PORTAL_DATA_KEY the backup was made under, then run "
               "`flask db upgrade` if the portal is newer than the backup.")
