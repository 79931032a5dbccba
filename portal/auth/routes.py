"""Sign-up, login and logout."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter, login_manager
from ..i18n import safe_next
from .forms import LoginForm, SignupForm
from .models import User
from .services import AccountError, authenticate, create_user

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))


def home_for(user):
    """Where each role starts after login."""
    if user.role == "owner":
        return url_for("venues.index")
    if user.role in ("ward_official", "province_admin"):
        return url_for("reports.dashboard")
    if user.role == "tracer":
        return url_for("tracing.index")
    if user.role in ("staff", "checkpoint"):
        return url_for("staff.index")
    return url_for("public.index")


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
            login_user(user)
            flash(_("Welcome! Now register your first venue."))
            return redirect(url_for("venues.new"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def login():
    """Log in with phone and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.phone.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The phone number or password is wrong."))
        else:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST, so a link cannot do it)."""
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("public.index"))


@bp.route("/")
def start():
    """The signed-in user's start page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))
