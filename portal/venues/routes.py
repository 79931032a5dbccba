"""Owners register venues, edit them, print posters and retire tokens."""
from flask import (
    Response, abort, current_app, flash, redirect, render_template, request, url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import signals
from ..divisions.services import wards_of
from ..extensions import db
from ..forms_common import render_form
from ..i18n import local_datetime
from ..clock import utcnow
from ..security import roles_required
from .access import entrance_for, venue_for, visible_venues
from . import poster
from .entrances import entrances_of
from .forms import VenueForm
from .services import VenueError, categories_for, register_venue, retire_token, short_url, update_venue
from . import bp


VENUE_ERRORS = {
    "ward": lambda: _("Choose a ward or commune of this province."),
    "duplicate": lambda: " ".join((
        _("A venue with this registration number is already registered at this address."),
        _("Another gate or area of the same place? Add it as an entrance on that venue's page."))),
    "category": lambda: _("Choose one of the kinds of place offered. Traffic checkpoints are registered by the province office only."),
}


def _form(obj=None):
    form = VenueForm(obj=obj)
    form.set_categories(categories_for(current_user, obj))
    form.set_wards(wards_of(current_app.config["PORTAL_PROVINCE"]))
    return form


def _save(form, action):
    try:
        venue = action({f: getattr(form, f).data for f in form.data if f != "csrf_token"})
    except VenueError as exc:
        getattr(form, exc.field).errors.append(VENUE_ERRORS[exc.code]())
        db.session.rollback()
        return None
    db.session.commit()
    return venue


@bp.route("/")
@roles_required("owner")
def index():
    """The owner's venues."""
    venues = db.session.scalars(visible_venues(current_user).order_by("name_sort", "id")).all()
    return render_template("venues/index.html", venues=venues)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("owner", "province_admin")
def new():
    """Register a venue (a province administrator registers traffic checkpoints here)."""
    form = _form()
    if request.method == "GET" and current_user.role == "owner":
        # Most owners give their own number: start from it (shown as 0912 345 678), editable.
        form.contact_phone.data = current_user.phone
    if form.validate_on_submit():
        province = current_app.config["PORTAL_PROVINCE"]
        venue = _save(form, lambda values: register_venue(current_user, values, province))
        if venue is not None and current_user.role == "province_admin":
            flash(_("Checkpoint %(name)s is registered. Now assign officers to it.", name=venue.name))
            return redirect(url_for("staff.checkpoints"))
        if venue is not None:
            flash(_("Your venue is registered. Print the poster and put it up at the entrance."))
            return redirect(url_for("venues.show", code=venue.short_code))
    return render_form("venues/form.html", form, venue=None)


@bp.route("/<code>/")
@roles_required("owner")
def show(code):
    """One venue: details, poster links, today's figures."""
    venue = venue_for(current_user, code)
    extras = signals.collect(signals.venue_panels, venue=venue)
    return render_template("venues/show.html", venue=venue, extras=extras, entrances=entrances_of(venue))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required("owner")
def edit(code):
    """Change a venue's details."""
    venue = venue_for(current_user, code)
    form = _form(obj=venue)
    if form.validate_on_submit():
        province = current_app.config["PORTAL_PROVINCE"]
        if _save(form, lambda values: update_venue(venue, values, province)) is not None:
            flash(_("Changes saved."))
            return redirect(url_for("venues.show", code=venue.short_code))
    return render_form("venues/form.html", form, venue=venue)


@bp.route("/<code>/retire", methods=["GET", "POST"])
@roles_required("owner")
def retire(code):
    """Retire the poster's token and short code (after a confirmation page): old posters stop working."""
    venue = venue_for(current_user, code)
    if request.method == "GET":
        return render_template("venues/retire.html", venue=venue)
    old_code = venue.short_code
    retire_token(venue, utcnow())
    db.session.commit()
    flash(_("The old poster no longer works. Print the new poster and replace the old one."))
    flash(_("The old venue code %(old)s no longer works either; the new code is %(new)s.",
            old=old_code, new=venue.short_code))
    return redirect(url_for("venues.show", code=venue.short_code))


def _poster_of(code, of_entrance):
    """(venue, entrance or None) whose poster is asked for; 404 outside the owner's venues.

    `code` is the venue's short code, or an entrance's when `of_entrance` (codes never clash).
    """
    if of_entrance:
        return entrance_for(current_user, code)
    return venue_for(current_user, code), None


@bp.route("/<code>/poster", defaults={"of_entrance": False})
@bp.route("/entrances/<code>/poster", defaults={"of_entrance": True}, endpoint="entrance_poster_page")
@roles_required("owner")
def poster_page(code, of_entrance):
    """The printable A4 poster page of the venue, or of one of its entrances."""
    venue, entrance = _poster_of(code, of_entrance)
    target = entrance or venue
    base = current_app.config["PORTAL_BASE_URL"]
    return render_template(
        "venues/poster.html",
        venue=venue,
        entrance=entrance,
        qr_svg=poster.qr_svg_inline(
            base, target, _("QR code to check in and out at %(name)s", name=venue.name)
        ),
        short_url=short_url(base, target),
        printed=utcnow(),
    )


def poster_labels(venue):
    """Poster texts: Vietnamese first, English below, both from the catalogs.

    `venue` is whatever the poster prints the code of: the venue or one of its entrances.
    """
    base = current_app.config["PORTAL_BASE_URL"]

    def lines():
        return [
            _("Scan this QR code when you COME IN and when you LEAVE."),
            _("Open your phone camera, point it at the code and tap the link."),
            _("No camera? Open %(url)s or type the code %(code)s at %(home)s.",
              url=short_url(base, venue), code=venue.short_code, home=base),
        ]

    with force_locale("vi"):
        labels = {
            "heading": _("Check in and out here"),
            "code": _("Code"),
            "instructions": lines(),
            "printed": _("Printed on %(date)s", date=local_datetime(utcnow())),
        }
    with force_locale("en"):
        labels["secondary"] = lines()
    return labels


@bp.route("/<code>/poster.<kind>", defaults={"of_entrance": False})
@bp.route("/entrances/<code>/poster.<kind>", defaults={"of_entrance": True}, endpoint="entrance_poster_file")
@roles_required("owner")
def poster_file(code, kind, of_entrance):
    """The poster (of the venue or one of its entrances) as SVG, PNG or A4 PDF."""
    venue, entrance = _poster_of(code, of_entrance)
    target = entrance or venue
    base = current_app.config["PORTAL_BASE_URL"]
    name = f"poster-{target.short_code}"
    if kind == "svg":
        body, mimetype = poster.qr_svg(base, target), "image/svg+xml"
    elif kind == "png":
        body, mimetype = poster.qr_png(base, target), "image/png"
    elif kind == "pdf":
        body = poster.poster_pdf(base, venue, utcnow(), poster_labels(target), entrance=entrance)
        mimetype = "application/pdf"
    else:
        abort(404)
    download = request.args.get("download") == "1"
    headers = {"Content-Disposition": f'{"attachment" if download else "inline"}; filename="{name}.{kind}"'}
    return Response(body, mimetype=mimetype, headers=headers)
