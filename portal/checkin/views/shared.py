"""What the visitor's pages share: the timezone, a form's nonce, the venue as pages show it,
rendering before the commit."""
import secrets
from functools import cache
from typing import NamedTuple

from flask import current_app, redirect, request, url_for
from flask_babel import gettext

from ...i18n import page_gettext, page_locale
from .. import core


class Place(NamedTuple):
    """A venue as the visitor's pages show it: the columns of `core.arrival`'s venue."""

    id: int
    name: str
    address: str
    status: str
    default_stay_minutes: int
    short_code: str
    ward_name: str


def place_of(venue):
    """The Place of an ORM venue (pages reached through an entrance or an old poster)."""
    return Place(venue.id, venue.name, venue.address, venue.status, venue.default_stay_minutes, venue.short_code,
                 venue.ward.name)


def tz():
    """The portal's timezone name."""
    return current_app.config["PORTAL_TIMEZONE"]


def new_nonce():
    """A fresh idempotency key for a form."""
    return secrets.token_urlsafe(16)


def to_confirmation(ref):
    return redirect(_visits_prefix(request.script_root) + ref, 303)


@cache
def _visits_prefix(_script_root):
    """"/visit/": a visit's page is this + its ref (the same in every language)."""
    return url_for("checkin.confirmation", ref="-")[:-1]


def render_page(template, **context):
    """A visitor's page in the small layout, rendered straight by Jinja: none of the context
    processors the portal's other pages need (the account, its links) run for it.

    What `Template.render` does, with the template's globals taken from a plain dict kept for the
    process rather than from Jinja's ChainMap of them, which is copied name by name in Python at
    every render (they do not change once the app serves)."""
    environment = current_app.jinja_env
    page = environment.get_or_select_template(template)
    names = _globals_of(page)
    try:
        return environment.concat(page.root_render_func(environment.context_class(
            environment, {**names, "links": layout_links(), "_": page_gettext(), **context}, page.name, page.blocks,
            globals=names)))
    except Exception:  # noqa: BLE001  (Jinja's own handling: the template's line in the traceback)
        return environment.handle_exception()


_template_globals = {}


def _globals_of(page):
    """The globals `page` sees (the environment's and its own), as one plain dict."""
    found = _template_globals.get(page)
    if found is None:
        found = _template_globals[page] = dict(page.globals)
    return found


def render_then_commit(template, **context):
    """Render first, then commit the automatic check-outs applied while reading (committing
    earlier would expire the loaded objects and reload them while rendering); a page that wrote
    nothing commits nothing."""
    html = render_page(template, **context)
    core.commit_page()
    return html


class LayoutLinks(NamedTuple):
    """What the visitor's layout draws that does not change between requests of one language."""

    locale: str
    css: str
    home: str
    me: str
    skip: str
    language: str
    other: str
    other_name: str
    switch: str  # the language switch's URL, up to the `next` path the page adds
    visits: str  # "/visit/": a visit's page is visits + ref, its check-out visits + ref + "/out"


OTHER_LANGUAGE = {"vi": ("en", "English"), "en": ("vi", "Tiếng Việt")}


def layout_links():
    """The layout's links and words for this request's language, resolved once per process."""
    return _layout_links(page_locale(), request.script_root)


@cache
def _layout_links(locale, _script_root):
    other, other_name = OTHER_LANGUAGE.get(locale, OTHER_LANGUAGE["vi"])
    return LayoutLinks(
        locale, url_for("static", filename="css/site.css"), url_for("public.index"), url_for("visitors.me"),
        gettext("Skip to content"), gettext("Language"), other, other_name,
        url_for("i18n.set_language", code=other) + "?next=", _visits_prefix(_script_root),
    )
