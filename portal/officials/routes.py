"""Province admins manage official accounts."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..auth.forms import ROLE_NAMES, NewPasswordForm
from ..auth.logins import paused_accounts
from ..auth.models import User
from ..divisions.services import wards_of
from ..extensions import db
from ..forms_common import form_status, render_form
from ..clock import utcnow
from ..security import roles_required
from .forms import ROLE_LABELS, OfficialEditForm, OfficialForm
from .wards import ward_picker
from .services import (OfficialError, create_official, give_new_password, official_accounts, official_by_id,
                       official_wards, lift_login_pause, set_active, update_official)
from ..inspection.scopes import scope_of
from . import bp


ERRORS = {
    "role": lambda: _("Choose a role."),
    "wards_missing": lambda: _("Choose at least one ward for a ward official."),
    "wards_not_allowed": lambda: _("Only ward officials have wards (and inspectors, with their kinds of venue); untick them."),
    "wards_missing_inspector": lambda: _("Choose at least one ward for an inspector."),
    "department_missing": lambda: _("Choose the inspector's department."),
    "categories_missing": lambda: _("Choose at least one kind of venue for an inspector."),
    "category_unknown": lambda: _("Choose kinds of venue from the list."),
    "scope_not_allowed": lambda: _("Only inspectors have a department and kinds of venue; leave them empty."),
    "ward_unknown": lambda: _("Choose wards of this province."),
    "phone_taken": lambda: _("An account with this phone number already exists."),
    "phone": lambda: _("Enter a Vietnamese phone number, for example 0912 345 678."),
    "self": lambda: _("You cannot deactivate your own account."),
    "last_admin": lambda: _("Keep at least one active province administrator."),
}


def _province():
    return current_app.config["PORTAL_PROVINCE"]


def _filtering():
    """The "Filter wards" button: the same form again with a narrower ward list, nothing saved."""
    return request.method == "POST" and "filter" in request.form


def _picker(form):
    query = "" if request.form.get("filter") == "all" else request.form.get("ward_filter", "")
    picker = ward_picker(form.ward_rows, form.wards.data, query, _province())
    picker.filtered = _filtering()
    return picker


def _names_of(account, wards):
    codes = set(official_wards(account))
    return [w.name for w in wards if w.code in codes]


@bp.route("/")
@roles_required("province_admin")
def index():
    """Every official account."""
    accounts = official_accounts()
    wards = wards_of(_province())  # in the list's name order
    ward_names = {a.id: _names_of(a, wards) for a in accounts}
    return render_template("officials/index.html", accounts=accounts, roles=ROLE_LABELS, ward_names=ward_names,
                           paused=paused_accounts(utcnow()), role_names=ROLE_NAMES)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("province_admin")
def new():
    """Create an official account."""
    form = OfficialForm()
    form.set_wards(wards_of(_province()))
    if not _filtering() and form.validate_on_submit():
        try:
            user = create_official(role=form.role.data, full_name=form.full_name.data, phone=form.phone.data,
                                   password=form.password.data, ward_codes=form.wards.data,
                                   province_code=_province(), department=form.department.data or None,
                                   categories=form.categories.data)
        except OfficialError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(ERRORS[exc.code]())
        else:
            db.session.commit()
            flash(_("The account is created."))
            return redirect(url_for("officials.edit", user_id=user.id))
    form.keep_password()
    # The page may carry the first password back: never stored by the browser or a proxy.
    return (*render_form("officials/form.html", form, picker=_picker(form)), {"Cache-Control": "no-store"})


def _account(user_id):
    user = official_by_id(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/<int:user_id>/", methods=["GET", "POST"])
@roles_required("province_admin")
def edit(user_id):
    """Change an official's name and wards."""
    user = _account(user_id)
    form = OfficialEditForm() if request.method == "POST" else _edit_form(user)
    form.set_wards(wards_of(_province()))
    if not _filtering() and form.validate_on_submit():
        try:
            update_official(user, full_name=form.full_name.data, ward_codes=form.wards.data,
                            province_code=_province(), department=form.department.data or None,
                            categories=form.categories.data)
        except OfficialError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in ("department", "categories") else "wards").errors.append(
                ERRORS[exc.code]())
        else:
            db.session.commit()
            flash(_("Changes saved."))
            return redirect(url_for("officials.edit", user_id=user.id))
    return _edit_page(user, form, status=form_status(form))


def _edit_form(user, formdata=None):
    """The edit form filled from the account (an inspector's scope included)."""
    department, categories = (scope_of(user)[:2] if user.role == "inspector" else (None, []))
    return OfficialEditForm(formdata=formdata, full_name=user.full_name, wards=official_wards(user),
                            department=department or "", categories=categories)


def _edit_page(user, form, password_form=None, status=200):
    return render_template("officials/edit.html", form=form, account=user, roles=ROLE_LABELS, now=utcnow(),
                           picker=_picker(form), password_form=password_form or NewPasswordForm(formdata=None)), status


@bp.route("/<int:user_id>/password", methods=["POST"])
@roles_required("province_admin")
def new_password(user_id):
    """Give an official a new first password: their sessions end and any login pause is lifted."""
    user = _account(user_id)
    form = NewPasswordForm()
    form.password_context = {"phone": user.phone, "full_name": user.full_name, "email": user.email}
    if not form.validate():
        edit_form = _edit_form(user)
        edit_form.set_wards(wards_of(_province()))
        return _edit_page(user, edit_form, password_form=form, status=422)
    give_new_password(user, form.password.data, current_user, utcnow())
    db.session.commit()
    if user.id == current_user.id:  # the administrator's own: keep them logged in, afresh
        login_user(user)
    flash(_("The new first password is set; give it to the person in person. Their sessions have ended."))
    return redirect(url_for("officials.edit", user_id=user.id))


@bp.route("/logins/<int:user_id>/unpause", methods=["POST"])
@roles_required("province_admin")
def unpause(user_id):
    """Let an account whose login is paused after wrong passwords log in again now."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    lift_login_pause(user, current_user, utcnow())
    db.session.commit()
    flash(_("%(name)s can log in again now.", name=user.full_name))
    if official_by_id(user.id) is not None:
        return redirect(url_for("officials.edit", user_id=user.id))
    return redirect(url_for("officials.index"))


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles_required("province_admin")
def activate(user_id):
    """Deactivate (active=0) or reactivate (active=1) an account."""
    user = _account(user_id)
    try:
        set_active(user, request.form.get("active") == "1", current_user)
    except OfficialError as exc:
        db.session.rollback()
        flash(ERRORS[exc.code]())
    else:
        db.session.commit()
        flash(_("The account is active again.") if user.active else _("The account is deactivated."))
    return redirect(url_for("officials.edit", user_id=user_id))
