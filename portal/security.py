"""Response headers, role guards, and the ward rule every scoping helper builds on.

Each kind of thing has its one scoping helper in its own package's `access.py`
(`venues.access`, `divisions.access`, `registry.access`, `tracing.access`); they all start
from `visible_ward_codes` here.
"""
from functools import wraps

from flask import abort
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

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


class CookieSession(SecureCookieSessionInterface):
    """Flask's signed-cookie session, opened without building its signer when the request sends
    no session cookie, as no visitor's page does (Flask builds one for every request first)."""

    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app):
    """Install the header hook and the session."""
    app.after_request(add_security_headers)
    app.session_interface = CookieSession()


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


#: Roles that work from the ward lists, dashboards and reports.
OFFICIAL_VIEWERS = ("ward_official", "province_admin")
