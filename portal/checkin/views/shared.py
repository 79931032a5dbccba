"""What the visitor's pages share: the timezone, a form's nonce, the venue as pages show it,
rendering before the commit."""
import secrets
from functools import cache
from typing import NamedTuple

from flask import current_app, redirect, request, url_for
from flask_babel import get_locale, gettext

from ...extensions import db
from ...i18n import page_gettext
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
    return redirect(layout_links().visits + ref, 303)


def render_page(template, **context):
    """A visitor's page in the small layout, rendered straight by Jinja: none of the context
    processors the portal's other pages need (the account, its links) run for it."""
    return current_app.jinja_env.get_or_select_template(template).render(links=layout_links(), _=page_gettext(),
                                                                         **context)


def render_then_commit(template, **context):
    """Render first, then commit the automatic check-outs applied while reading (committing
    earlier would expire the loaded objects and reload them while rendering); a page that wrote
    nothing commits nothing."""
    html = render_page(template, **context)
    session = db.session
    if core.wrote() or session.new or session.dirty or session.deleted:
        session.commit()
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
    return _layout_links(str(get_locale() or "vi"), request.script_root)


@cache
def _layout_links(locale, _script_root):
    other, other_name = OTHER_LANGUAGE.get(locale, OTHER_LANGUAGE["vi"])
    return LayoutLinks(
        locale, url_for("static", filename="css/site.css"), url_for("public.index"), url_for("visitors.me"),
        gettext("Skip to content"), gettext("Language"), other, other_name,
        url_for("i18n.set_language", code=other) + "?next=", url_for("checkin.confirmation", ref="-")[:-1],
    )
