"""Owners manage their venue's staff; province administrators manage checkpoint officers."""
from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from ...extensions import db
from ...security import roles_required
from ...venues.access import venue_for
from flask_babel import gettext as _
from flask import abort, flash
from ...text import display_phone
from ...clock import utcnow
from ...errors import not_found
from .. import crossings, services
from ..forms import AccountForm, AssignForm, LaneForm, MemberForm
from .. import bp

STAFF_ERRORS = {
    "phone_taken": lambda: _("This phone number belongs to another account. Use the person's own number."),
    "already_here": lambda: _("This person already works at this venue."),
    "not_checkpoint": lambda: _("Only venues registered as traffic checkpoints take checkpoint officers."),
}

LANE_ERRORS = {
    "name_taken": lambda: _("This checkpoint already has a lane with this name."),
    "not_checkpoint": lambda: _("Only traffic checkpoints have lanes."),
}


def _staff_error(form, field, exc):
    message = STAFF_ERRORS.get(exc.code, lambda: _("That change is not possible."))()
    getattr(form, field).errors.append(message)
    db.session.rollback()


def _user_id(form):
    try:
        return int(form.user.data)
    except (TypeError, ValueError):
        abort(400)


@bp.route("/<code>/team", methods=["GET", "POST"])
@roles_required("owner")
def team(code):
    """A venue's staff accounts: add a person (name, phone, password) or remove one."""
    venue = venue_for(current_user, code)
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user, created = services.add_staff(
                current_user, venue, form.full_name.data, form.phone.data, form.password.data
            )
            db.session.commit()
        except services.StaffError as exc:
            _staff_error(form, "phone", exc)
        except IntegrityError:  # the same phone added twice at the same moment
            db.session.rollback()
            form.phone.errors.append(STAFF_ERRORS["phone_taken"]())
        else:
            if created:
                flash(_("%(name)s can now log in with their phone number and scan at this venue.", name=user.full_name))
            else:
                flash(_("%(name)s already had a staff account and now also works at this venue; their password is unchanged.", name=user.full_name))
            return redirect(url_for("staff.team", code=venue.short_code))
    status = 422 if form.errors else 200
    return render_template(
        "staff/team.html", venue=venue, form=form, members=services.staff_of(venue), remove=MemberForm(formdata=None)
    ), status


@bp.route("/<code>/team/remove", methods=["POST"])
@roles_required("owner")
def team_remove(code):
    """Take a staff member off this venue."""
    venue = venue_for(current_user, code)
    form = MemberForm()
    if not form.validate():
        abort(400)
    user = services.staff_member(venue, _user_id(form))
    if user is None:
        abort(404)
    services.remove_staff(venue, user)
    db.session.commit()
    flash(_("%(name)s can no longer scan at this venue.", name=user.full_name))
    return redirect(url_for("staff.team", code=venue.short_code))


def _assign_form(formdata=True):
    form = AssignForm() if formdata else AssignForm(formdata=None)
    form.officer.choices = [("", _("Choose…"))] + [
        (str(o.id), f"{o.full_name} ({display_phone(o.phone)})") for o in services.officers()
    ]
    form.venue.choices = [("", _("Choose…"))] + [
        (v.short_code, f"{v.name} · {v.ward.name}") for v in services.checkpoint_venues()
    ]
    return form


def _lane_form(formdata=True):
    form = LaneForm(prefix="lane") if formdata else LaneForm(formdata=None, prefix="lane")
    form.venue.choices = [("", _("Choose…"))] + [
        (v.short_code, f"{v.name} · {v.ward.name}") for v in services.checkpoint_venues()
    ]
    return form


def _checkpoints_page(account=None, assign=None, lane=None, status=200):
    officers = services.officers()
    venues = services.checkpoint_venues()
    lanes = crossings.lanes_by_venue([v.id for v in venues])
    return render_template(
        "staff/checkpoints.html",
        officers=[(o, services.venues_of(o)) for o in officers],
        account=account or AccountForm(formdata=None),
        assign=assign or _assign_form(formdata=False),
        member=MemberForm(formdata=None),
        checkpoints=[(v, lanes[v.id]) for v in venues],
        lane_form=lane or _lane_form(formdata=False),
    ), status


@bp.route("/checkpoints/lanes", methods=["POST"])
@roles_required("province_admin")
def lane_new():
    """Add a lane (name and direction) to a checkpoint."""
    form = _lane_form()
    if form.validate():
        venue = venue_for(current_user, form.venue.data)
        try:
            lane = crossings.add_lane(venue, form.name.data, form.direction.data, utcnow())
            db.session.commit()
        except crossings.LaneError as exc:
            db.session.rollback()
            message = LANE_ERRORS.get(exc.code, lambda: _("That change is not possible."))()
            (form.venue if exc.code == "not_checkpoint" else form.name).errors.append(message)
        else:
            flash(_("Lane %(name)s added at %(venue)s.", name=lane.name, venue=venue.name))
            return redirect(url_for("staff.checkpoints"))
    return _checkpoints_page(lane=form, status=422)


@bp.route("/checkpoints/lanes/retire", methods=["POST"])
@roles_required("province_admin")
def lane_retire():
    """Retire a lane: its scanners are asked to choose another; its crossings keep their lane."""
    form = MemberForm()  # `venue` names the checkpoint, `user` carries the lane's id
    if not form.validate():
        abort(400)
    venue = venue_for(current_user, form.venue.data)
    lane = crossings.lane_at(venue, form.user.data)
    if lane is None:
        not_found()
    crossings.retire_lane(lane)
    db.session.commit()
    flash(_("Lane %(name)s at %(venue)s is retired.", name=lane.name, venue=venue.name))
    return redirect(url_for("staff.checkpoints"))


@bp.route("/checkpoints")
@roles_required("province_admin")
def checkpoints():
    """Checkpoint officers, the checkpoints they work at, and forms to add and assign them."""
    return _checkpoints_page()


@bp.route("/checkpoints/officers", methods=["POST"])
@roles_required("province_admin")
def officer_new():
    """Create a checkpoint officer account."""
    form = AccountForm()
    if form.validate():
        try:
            user = services.create_officer(form.full_name.data, form.phone.data, form.password.data)
            db.session.commit()
        except (services.StaffError, IntegrityError):
            db.session.rollback()
            form.phone.errors.append(STAFF_ERRORS["phone_taken"]())
        else:
            flash(_("Officer %(name)s added. Now assign them to a checkpoint.", name=user.full_name))
            return redirect(url_for("staff.checkpoints"))
    return _checkpoints_page(account=form, status=422)


@bp.route("/checkpoints/assign", methods=["POST"])
@roles_required("province_admin")
def officer_assign():
    """Put an officer on a checkpoint."""
    form = _assign_form()
    if form.validate():
        user = services.officer(int(form.officer.data))
        venue = venue_for(current_user, form.venue.data)
        try:
            services.assign_officer(user, venue)
            db.session.commit()
        except services.StaffError as exc:
            _staff_error(form, "venue", exc)
        else:
            flash(_("%(name)s now scans at %(venue)s.", name=user.full_name, venue=venue.name))
            return redirect(url_for("staff.checkpoints"))
    return _checkpoints_page(assign=form, status=422)


def _officer_and_venue(form):
    if not form.validate():
        abort(400)
    user = services.officer(_user_id(form))
    if user is None:
        abort(404)
    return user


@bp.route("/checkpoints/unassign", methods=["POST"])
@roles_required("province_admin")
def officer_unassign():
    """Take an officer off one checkpoint."""
    form = MemberForm()
    user = _officer_and_venue(form)
    venue = venue_for(current_user, form.venue.data)
    try:
        services.unassign_officer(user, venue)
    except services.StaffError:
        abort(404)
    db.session.commit()
    flash(_("%(name)s no longer scans at %(venue)s.", name=user.full_name, venue=venue.name))
    return redirect(url_for("staff.checkpoints"))


@bp.route("/checkpoints/deactivate", methods=["POST"])
@roles_required("province_admin")
def officer_deactivate():
    """Switch an officer's account off."""
    user = _officer_and_venue(MemberForm())
    services.deactivate_officer(user)
    db.session.commit()
    flash(_("%(name)s's account is switched off.", name=user.full_name))
    return redirect(url_for("staff.checkpoints"))
