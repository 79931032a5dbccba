"""Language choice (Vietnamese first), local times, and the `flask translate` commands."""
import os
import subprocess
import sys
from datetime import timezone
from urllib.parse import urlsplit

import click
from flask import Blueprint, current_app, has_request_context, redirect, request
from flask.cli import AppGroup
from flask_babel import format_datetime, format_decimal, get_locale

from .extensions import babel

LANG_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale():
    """The remembered choice, else Vietnamese (also outside a request: CLI commands)."""
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen in current_app.config["PORTAL_LOCALES"]:
        return chosen
    return current_app.config["PORTAL_DEFAULT_LOCALE"]


def safe_next(target, fallback="/"):
    """Only same-site relative paths, so the language link cannot redirect elsewhere."""
    if not target:
        return fallback
    # Browsers read "\\" as "/" and drop tabs and newlines: "/\\evil.example" is off-site.
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.route("/lang/<code>")
def set_language(code):
    """Switch the interface language and remember it in a cookie."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["PORTAL_LOCALES"]:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def local_datetime(value, fmt="short"):
    """A stored UTC time shown in the portal's timezone (Asia/Ho_Chi_Minh)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if fmt == "time":
        return format_datetime(value, "HH:mm")
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def local_number(value, decimals=0):
    """A number as the reader writes it: 12.345,6 in Vietnamese, 12,345.6 in English."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0" + ("." + "#" * decimals if decimals else ""))


def init_app(app):
    """Register Babel, the language route and the time and number filters."""
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    from .text import display_phone

    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.filters["phone"] = display_phone
    app.jinja_env.filters["number"] = local_number
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "vi")
    app.jinja_env.add_extension("jinja2.ext.i18n")


translate_cli = AppGroup("translate", help="Extract, update and compile the translation catalogs.")
_ROOT = os.path.dirname(os.path.abspath(__file__))


def _pybabel(*args):
    # The venv's Babel, even when .venv/bin is not on PATH.
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, check=True, cwd=os.path.dirname(_ROOT))


@translate_cli.command("update")
def translate_update():
    """Extract strings and merge them into every catalog."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", "portal")
    _pybabel("update", "-i", "messages.pot", "-d", "portal/translations", "--no-fuzzy-matching")
    os.remove(os.path.join(os.path.dirname(_ROOT), "messages.pot"))


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs to .mo files."""
    _pybabel("compile", "-d", "portal/translations")


@translate_cli.command("init")
@click.argument("lang")
def translate_init(lang):
    """Start a catalog for a new language."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", "portal")
    _pybabel("init", "-i", "messages.pot", "-d", "portal/translations", "-l", lang)
    os.remove(os.path.join(os.path.dirname(_ROOT), "messages.pot"))
