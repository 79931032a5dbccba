"""`flask demo load`: every role's demo account, venues and a week of visits in former Bình Dương."""
import os

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .data import ACCOUNTS, VENUES
from .loader import DemoError, load_demo

__all__ = ["ACCOUNTS", "VENUES", "demo_cli"]

demo_cli = AppGroup("demo", help="Demo data.")


def _logins_path():
    return os.path.join(current_app.instance_path, "demo-logins.txt")


def _remember(path, created):
    """Add the new accounts' logins to the file (only the owner of the file may read it)."""
    lines = []
    if os.path.exists(path):
        with open(path) as handle:
            lines = handle.read().splitlines()
    lines += [f"{role:15} {phone}  {password}" for role, phone, password in created]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")


@demo_cli.command("load")
def load_command():
    """Load whatever demo data is missing (accounts, venues, visits); print the logins."""
    try:
        created = load_demo(current_app.config["PORTAL_PROVINCE"])
    except DemoError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    path = _logins_path()
    if created:
        _remember(path, created)
    if os.path.exists(path):
        click.echo("Demo logins (role, phone, password), also in instance/demo-logins.txt:")
        with open(path) as handle:
            click.echo(handle.read().rstrip())
