"""Response headers, role guards, and the one place that decides what an actor may see."""
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def add_security_headers(response):
    """Every response: CSP without inline script, no sniffing, no Referer, no framing."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def init_app(app):
    """Install the header hook."""
    app.after_request(add_security_headers)


def roles_required(*roles):
    """Allow only logged-in users with one of these roles; others get 404 (no hint it exists)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            # A deactivated account loses access at once, even with a live session.
            if not current_user.is_authenticated or not current_user.is_active:
                from flask import redirect, request, url_for

                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_ward_codes(actor):
    """The ward codes an official may see; None means every ward of the province."""
    if actor.role == "province_admin":
        return None
    if actor.role in ("ward_official",):
        return {w.division_code for w in actor.wards}
    return set()


def visible_venues(actor):
    """A select() of the venues this actor may see: the single scoping rule for venues."""
    from .venues.models import Venue

    query = select(Venue)
    if actor.role == "owner":
        return query.where(Venue.owner_id == actor.id)
    if actor.role in ("staff", "checkpoint"):
        from .auth.models import VenueStaff

        staff_venue_ids = select(VenueStaff.venue_id).where(VenueStaff.user_id == actor.id)
        return query.where(Venue.id.in_(staff_venue_ids))
    if actor.role == "tracer":  # exposure windows may concern any venue of the province
        return query
    wards = visible_ward_codes(actor)
    if wards is None:
        return query
    return query.where(Venue.ward_code.in_(wards))


def venue_for(actor, short_code):
    """The venue with this short code if the actor may see it, else 404."""
    from .extensions import db
    from .venues.models import Venue
    from .venues.services import is_short_code

    code = (short_code or "").upper()
    if not is_short_code(code):  # never send arbitrary URL text (e.g. NUL) to the database
        abort(404)
    venue = db.session.scalar(visible_venues(actor).where(Venue.short_code == code))
    if venue is None:
        abort(404)
    return venue


#: Roles that work from the ward lists, dashboards and reports.
OFFICIAL_VIEWERS = ("ward_official", "province_admin")


def visible_wards(actor):
    """A select() of the wards of the portal's province this actor may see, by name."""
    from flask import current_app

    from .divisions.models import Division

    query = select(Division).where(
        Division.province_code == str(current_app.config["PORTAL_PROVINCE"])
    ).order_by(Division.name)
    codes = visible_ward_codes(actor)
    if codes is None:
        return query
    return query.where(Division.code.in_(codes))


def ward_for(actor, code):
    """The ward with this code if the actor may see it, else 404."""
    from .divisions.models import Division
    from .extensions import db

    code = (code or "")[:10]
    ward = db.session.scalar(visible_wards(actor).where(Division.code == code)) if code.isdigit() else None
    if ward is None:
        abort(404)
    return ward


def visible_establishments(actor):
    """A select() of the registry establishments in the actor's wards."""
    from .registry.models import Establishment

    query = select(Establishment)
    codes = visible_ward_codes(actor)
    if codes is None:
        return query
    return query.where(Establishment.ward_code.in_(codes))


def establishment_for(actor, registration_number):
    """The establishment with this registration number if the actor may see it, else 404."""
    from .extensions import db
    from .registry.models import Establishment

    number = (registration_number or "")[:20]
    if not number.isdigit():
        abort(404)
    found = db.session.scalar(
        visible_establishments(actor).where(Establishment.registration_number == number)
    )
    if found is None:
        abort(404)
    return found


def find_venue(actor, short_code):
    """The venue with this short code if the actor may see it, else None (for form errors)."""
    from .extensions import db
    from .venues.models import Venue
    from .venues.services import is_short_code

    code = (short_code or "").strip().upper()
    if not is_short_code(code):
        return None
    return db.session.scalar(visible_venues(actor).where(Venue.short_code == code))


def case_for(actor, ref):
    """The tracing case with this reference; 404 for anyone but a tracer, or an unknown case."""
    from .extensions import db
    from .tracing.models import Case

    if actor.role != "tracer" or not ref or len(ref) > 32:
        abort(404)
    case = db.session.scalar(select(Case).where(Case.ref == ref))
    if case is None:
        abort(404)
    return case
