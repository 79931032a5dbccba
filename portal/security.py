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
            if not current_user.is_authenticated:
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
    wards = visible_ward_codes(actor)
    if wards is None:
        return query
    return query.where(Venue.ward_code.in_(wards))


def venue_for(actor, short_code):
    """The venue with this short code if the actor may see it, else 404."""
    from .extensions import db
    from .venues.models import Venue

    venue = db.session.scalar(
        visible_venues(actor).where(Venue.short_code == (short_code or "").upper())
    )
    if venue is None:
        abort(404)
    return venue
