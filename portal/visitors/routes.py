"""/me: this device's visits, the household's dependents, warnings, and "forget this device"."""
from datetime import timedelta

from flask import current_app, redirect, render_template, request, url_for

from .. import signals
from ..errors import not_found
from ..extensions import csrf, db
from ..forms_common import render_form
from ..clock import utcnow
from . import device
from .forms import ActionForm, DependentForm
from .services import (
    add_dependent, dependent_by_ref, dependents_of, device_for, forget_device, household_ids,
    remove_dependent, update_dependent,
)
from . import bp

csrf.exempt(bp)  # forms carry a CSRF token bound to the device cookie instead of the session
bp.after_request(device.write_cookie)

#: Outcomes shown on /me after a change (no session, so no flash messages).
DONE = ("added", "saved", "removed", "forgotten")


def _remembered():
    return device_for(device.presented_token())


@bp.route("/me")
def me():
    """This device's visits within the retention window, dependents and warnings."""
    now = utcnow()
    remembered = _remembered()
    done = request.args.get("done") if request.args.get("done") in DONE else None
    if remembered is None:
        return render_template("visitors/me.html", person=None, done=done)
    person = remembered.visitor
    dependents = dependents_of(person)
    ids = household_ids(person, dependents)
    since = now - timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
    names = {p.id: p.full_name for p in [person, *dependents]}
    history = signals.collect(signals.me_history, visitor_ids=ids, person_id=person.id, names=names,
                              now=now, since=since)
    notices = signals.notices_for(ids, now)
    panels = signals.collect(signals.me_panels, visitor=person, now=now)
    html = render_template(
        "visitors/me.html", person=person, dependents=dependents, history=history, names=names,
        notices=notices, panels=panels, form=ActionForm(formdata=None),
        done=done,
    )
    db.session.commit()  # automatic check-outs applied while reading (after rendering: no reload)
    return html


@bp.route("/me/dependents/new", methods=["GET", "POST"])
def new_dependent():
    """Add a household member without a phone."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"))
    form = DependentForm()
    if form.validate_on_submit():
        add_dependent(remembered.visitor, form.full_name.data, form.birth_year.data, utcnow())
        db.session.commit()
        return redirect(url_for("visitors.me", done="added"), 303)
    return render_form("visitors/dependent_form.html", form, dependent=None)


@bp.route("/me/dependents/<ref>", methods=["GET", "POST"])
def edit_dependent(ref):
    """Correct a dependent's name or year of birth."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"))
    dependent = dependent_by_ref(remembered.visitor, ref)
    if dependent is None:
        not_found("visitors/dependent_missing.html")
    form = DependentForm(data={"full_name": dependent.full_name, "birth_year": str(dependent.birth_year or "")})
    if form.validate_on_submit():
        update_dependent(dependent, form.full_name.data, form.birth_year.data)
        db.session.commit()
        return redirect(url_for("visitors.me", done="saved"), 303)
    return render_form(
        "visitors/dependent_form.html", form, dependent=dependent, remove_form=ActionForm(formdata=None)
    )


@bp.route("/me/dependents/<ref>/remove", methods=["POST"])
def delete_dependent(ref):
    """Take a dependent off this household's list."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"), 303)
    dependent = dependent_by_ref(remembered.visitor, ref)
    if dependent is None:
        not_found("visitors/dependent_missing.html")
    if not ActionForm().validate_on_submit():
        return render_template("errors/400.html", csrf=True), 400
    remove_dependent(dependent)
    db.session.commit()
    return redirect(url_for("visitors.me", done="removed"), 303)


@bp.route("/me/forget", methods=["POST"])
def forget():
    """Forget this device: the cookie goes and the device can no longer open the visits."""
    remembered = _remembered()
    if remembered is not None:
        if not ActionForm().validate_on_submit():
            return render_template("errors/400.html", csrf=True), 400
        forget_device(remembered)
        db.session.commit()
    device.forget()
    return redirect(url_for("visitors.me", done="forgotten"), 303)
