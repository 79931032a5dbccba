"""Sign-up, login and logout."""
import math

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter, login_manager
from ..forms_common import render_form
from ..i18n import safe_next
from ..clock import utcnow
from .forms import LoginForm, SignupForm
from .home import home_for, template_values
from .logins import LoginPolicy, finish_login, start_login
from .models import User
from .services import AccountError, create_user, end_sessions
from . import bp

# Every page of the app draws the header link to the user's own space.
bp.app_context_processor(template_values)

login_manager.login_view = "auth.login"

# Failed logins per IP address, beside the per-account pause (which holds whatever the
# storage): a successful login (a redirect) does not count, so an office behind one address
# is not slowed down by its own people.
login_ip_limit = limiter.shared_limit(
    lambda: current_app.config["PORTAL_LOGIN_IP_LIMIT"], "login-ip", methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)


@login_manager.user_loader
def load_user(session_id):
    """The account of a session or remember cookie, unless its session version is stale."""
    user_id, _sep, version = str(session_id).partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 12 or len(version) > 12:
        return None  # includes ids from before session versions: log in again
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _start_session(user):
    """A fresh session for this account: nothing from before login survives (no fixation)."""
    session.clear()
    login_user(user)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def signup():
    """An owner creates an account."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                role="owner",
                full_name=form.full_name.data,
                phone=form.phone.data,
                password=form.password.data,
                email=form.email.data,
            )
            db.session.commit()
        except (AccountError, IntegrityError):  # IntegrityError: the same phone at the same moment
            db.session.rollback()
            form.phone.errors.append(_("An account with this phone number already exists."))
        else:
            _start_session(user)
            flash(_("Welcome! Now register your first venue."))
            return redirect(url_for("venues.new"))
    return render_form("auth/signup.html", form)


def _pause_text(until):
    return format_datetime(until, "HH:mm:ss dd/MM/yyyy")


@bp.route("/login", methods=["GET", "POST"])
@login_ip_limit
def login():
    """Log in with phone and password; an account guessed at pauses for a few minutes."""
    form = LoginForm()
    paused_until = None
    if form.validate_on_submit():
        now = utcnow()
        attempt = start_login(form.phone.data, now, LoginPolicy.from_config(current_app.config))
        db.session.commit()  # the attempt counts on every host before the slow hash below
        if attempt.refused_until is not None:
            wait = max(1, math.ceil((attempt.refused_until - now).total_seconds()))
            page = render_template("auth/login.html", form=form, paused_until=_pause_text(attempt.refused_until))
            return page, 429, {"Retry-After": str(wait)}
        user = finish_login(attempt, form.password.data)
        db.session.commit()
        if user is not None:
            _start_session(user)
            if attempt.earlier_failures:
                flash(_("Wrong passwords tried on your account since your last login: %(count)d.",
                        count=attempt.earlier_failures))
            return redirect(safe_next(request.args.get("next"), home_for(user)))
        form.password.errors.append(_("The phone number or password is wrong."))
        paused_until = attempt.paused_until
    return render_form("auth/login.html", form, paused_until=_pause_text(paused_until) if paused_until else None)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST, so a link cannot do it): every session of this account ends."""
    end_sessions(current_user._get_current_object())
    db.session.commit()
    session.clear()
    logout_user()  # after clearing: it marks the remember cookie for deletion in the session
    flash(_("You are logged out."))
    return redirect(url_for("public.index"))


@bp.route("/")
def start():
    """The signed-in user's start page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))
