"""`flask users create`: official accounts from the command line (the first province admin)."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..auth.models import OFFICIAL_ROLES
from ..auth.passwords import password_problem
from ..auth.services import user_by_phone
from ..extensions import db
from ..clock import utcnow
from .services import OfficialError, create_official, lift_login_pause

users_cli = AppGroup("users", help="Official accounts.")

MESSAGES = {
    "role": "the role must be one of: " + ", ".join(OFFICIAL_ROLES),
    "wards_missing": "a ward official needs at least one --ward CODE",
    "wards_not_allowed": "only ward officials have wards",
    "ward_unknown": "unknown ward code (load the wards first: flask divisions load)",
    "phone_taken": "an account with this phone number already exists",
    "phone": "not a valid Vietnamese phone number",
    "no_account": "no account has this phone number",
}
MIN_PASSWORD = 10


@users_cli.command("create")
@click.option("--role", required=True, type=click.Choice(OFFICIAL_ROLES))
@click.option("--phone", required=True, help="The phone number the official logs in with.")
@click.option("--name", "full_name", default="", help="Full name (default: the phone number).")
@click.option("--ward", "wards", multiple=True, help="Ward code; repeat for several wards.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def create_command(role, phone, full_name, wards, password_stdin):
    """Create an official account; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    problem = password_problem(password, phone=phone, full_name=full_name)
    if problem is not None:
        raise click.ClickException(str(problem))
    try:
        user = create_official(
            role=role, full_name=(full_name.strip() or phone)[:120], phone=phone, password=password,
            ward_codes=wards, province_code=current_app.config["PORTAL_PROVINCE"],
        )
    except OfficialError as exc:
        db.session.rollback()
        raise click.ClickException(MESSAGES[exc.code]) from exc
    db.session.commit()
    click.echo(f"created {role} {user.phone}")


@users_cli.command("unpause")
@click.option("--phone", required=True, help="The phone number of the account.")
def unpause_command(phone):
    """Let an account paused after wrong passwords log in again now (e.g. the last administrator)."""
    user = user_by_phone(phone)
    if user is None:
        raise click.ClickException(MESSAGES["no_account"])
    lift_login_pause(user, None, utcnow())
    db.session.commit()
    click.echo(f"{user.phone} may log in again")
