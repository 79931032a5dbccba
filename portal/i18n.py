"""Language choice (Vietnamese first), local times, and the `flask translate` commands."""
import functools
import os
import subprocess
import sys
from datetime import timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
from flask import Blueprint, current_app, has_request_context, redirect, request
from flask.cli import AppGroup
from babel import Locale
from flask_babel import format_decimal, get_locale, get_translations
from markupsafe import Markup, escape

from .extensions import babel

LANG_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale():
    """The remembered choice, else Vietnamese (also outside a request: CLI commands); the same
    Locale object every time, so nothing is parsed per request."""
    return _locale(page_locale() if has_request_context() else current_app.config["PORTAL_DEFAULT_LOCALE"])


def page_locale():
    """This request's language code ("vi", "en"): the one `select_locale` gives Flask-Babel, read
    without Flask-Babel's per-request machinery (the visitor's check-in pages need only the code)."""
    cookies = request.cookies
    chosen = cookies[LANG_COOKIE] if LANG_COOKIE in cookies else None  # a miss by .get() raises inside
    config = current_app.config
    return chosen if chosen in config["PORTAL_LOCALES"] else config["PORTAL_DEFAULT_LOCALE"]


@functools.cache
def _locale(code):
    return Locale.parse(code)


#: {(locale, message): translation} for the templates' `_()`: each message is looked up once per
#: process and language (the catalogs do not change while the process runs).
_translated = {}


def template_gettext(message):
    """`_()` and `gettext()` in templates: Flask-Babel's answer, kept for the process."""
    key = (get_locale(), message)
    found = _translated.get(key)
    if found is None:
        found = get_translations().ugettext(message)
        if len(_translated) < 20000:  # templates pass literal messages; a bound all the same
            _translated[key] = found
    return found


def page_gettext():
    """A `_()` for one page rendered straight by Jinja (the visitor's check-in pages), bound to
    this request's language: what Jinja's own `_()` does (the translation trusted as markup, the
    variables escaped into it), without looking up the language again at every message."""
    return _page_gettext(page_locale())


@functools.cache
def _page_gettext(_code):
    translations = get_translations()  # this request's, whose language is _code
    table = {}

    def gettext(message, **variables):
        found = table.get(message)
        if found is None:
            found = Markup(translations.ugettext(message))
            if len(table) < 20000:
                table[message] = found
        if variables:  # what Markup % does, for the few types pages pass: numbers as they are, the rest escaped
            return Markup(str.__mod__(found, {name: value if isinstance(value, (int, float)) else escape(value)
                                              for name, value in variables.items()}))
        return found % variables if "%" in found else found

    return gettext


def template_ngettext(singular, plural, number):
    """`ngettext()` in templates (rare: not kept)."""
    return get_translations().ungettext(singular, plural, number)


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


#: The two shapes of local_datetime, all digits, the same in every language.
_SHAPES = {"time": "%H:%M", "short": "%d/%m/%Y %H:%M"}


def local_datetime(value, fmt="short"):
    """A stored UTC time shown in the portal's timezone (Asia/Ho_Chi_Minh): 18:05, or
    04/12/2026 18:05. Numbers only, so no locale's rules are needed (it is on every visitor page)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_zone(current_app.config["PORTAL_TIMEZONE"])).strftime(_SHAPES.get(fmt, _SHAPES["short"]))


@functools.cache
def _zone(name):
    return ZoneInfo(name)


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
    app.jinja_env.install_gettext_callables(template_gettext, template_ngettext, newstyle=True)


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
