"""The people followed up (F1, F2): the list, a contact's page, tests, quarantine, becoming a case."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import utcnow
from ...extensions import db
from ...forms_common import INVALID
from ...security import roles_required
from .. import bp, followups, services
from ..access import CARE_ROLES, HEALTH_ROLES, contact_for, may_see_case
from ..forms import BecomeCaseForm, ResidenceForm, TestForm, ward_choices
from ..services import CaseError
from ...tracing.services import TracingError
from .shared import error_message, fail, labels, settings, wards


@bp.route("/f/")
@roles_required(*HEALTH_ROLES)
def contacts_index():
    """The F1s and F2s the user may see, by name (audited)."""
    now = utcnow()
    rows = followups.contact_list(current_user, now)
    tz = settings().tz_name
    html = render_template("cases/contacts_index.html", contacts=rows,
                           status_of=lambda c: followups.display_status(c, now, tz), **labels())
    db.session.commit()
    return html


def _contact_forms(contact):
    forms = {"test": TestForm(prefix="test"), "positive": BecomeCaseForm(prefix="positive"),
             "residence": ResidenceForm(prefix="residence")}
    ward_choices(forms["residence"].residence, wards())
    return forms


def _contact_page(contact, forms=None, status=200):
    now = utcnow()
    followups.view_contact(current_user, contact, now)
    forms = forms or _contact_forms(contact)
    if not forms["residence"].residence.data:
        forms["residence"].residence.data = contact.residence_ward_code or ""
    tz = settings().tz_name
    html = render_template("cases/contact.html", contact=contact, forms=forms,
                           status=followups.display_status(contact, now, tz),
                           became=services.case_from_contact(contact),
                           may_see=lambda c: may_see_case(current_user, c), **labels())
    db.session.commit()
    return html, status


@bp.route("/f/<ref>/")
@roles_required(*HEALTH_ROLES)
def contact(ref):
    """An F1 or F2: exposure, quarantine end, tests, status (audited)."""
    return _contact_page(contact_for(current_user, ref))


def _contact_action(ref, name, act):
    """Run `act(contact, form, now, settings)` for a valid submitted form; redraw the page with errors."""
    contact = contact_for(current_user, ref)
    forms = _contact_forms(contact)
    form = forms[name]
    if form.validate_on_submit():
        try:
            message, target = act(contact, form, utcnow(), settings())
        except CaseError as exc:
            fail(form, exc)
            contact = contact_for(current_user, ref)
        else:
            db.session.commit()
            flash(message)
            return redirect(target)
    return _contact_page(contact, forms, INVALID)


@bp.route("/f/<ref>/tests", methods=["POST"])
@roles_required(*CARE_ROLES)
def add_test(ref):
    """Record a test result of an F1 or F2."""
    def act(contact, form, now, settings):
        followups.record_test(current_user, contact, tested_on=form.tested_on.data, kind=form.kind.data,
                              result=form.result.data, now=now, settings=settings)
        return _("Test result recorded."), url_for("cases.contact", ref=contact.ref)
    return _contact_action(ref, "test", act)


@bp.route("/f/<ref>/positive", methods=["POST"])
@roles_required(*CARE_ROLES)
def positive(ref):
    """An F1 or F2 tested positive becomes a confirmed case, linked to the case they came from."""
    def act(contact, form, now, settings):
        case = followups.become_case(current_user, contact, tested_on=form.tested_on.data, kind=form.kind.data,
                                     risk_level=form.risk_level.data, care_place=form.care_place.data, now=now,
                                     settings=settings, purpose=_("Find the contacts of a confirmed case"))
        return _("Case %(code)s recorded.", code=case.code), url_for("cases.case", ref=case.ref)
    return _contact_action(ref, "positive", act)


@bp.route("/f/<ref>/residence", methods=["POST"])
@roles_required("tracer")
def residence(ref):
    """Record where an F1 or F2 lives: they belong to that ward from now on."""
    def act(contact, form, now, settings):
        followups.set_residence(current_user, contact, form.residence.data, now=now, settings=settings)
        return _("Ward of residence saved."), url_for("cases.contact", ref=contact.ref)
    return _contact_action(ref, "residence", act)


@bp.route("/f/<ref>/release", methods=["POST"])
@roles_required(*CARE_ROLES)
def release(ref):
    """End an F1's or F2's quarantine."""
    contact = contact_for(current_user, ref)
    try:
        followups.release(current_user, contact, now=utcnow())
    except CaseError as exc:
        db.session.rollback()
        flash(error_message(exc.code))
    else:
        db.session.commit()
        flash(_("Quarantine ended."))
    return redirect(url_for("cases.contact", ref=contact.ref))


@bp.route("/f/<ref>/trace", methods=["POST"])
@roles_required("tracer")
def trace(ref):
    """Open an F1's own trace, to confirm F2s from their contacts."""
    contact = contact_for(current_user, ref)
    try:
        followups.open_trace(current_user, contact, now=utcnow(), purpose=_("Find the contacts of an F1"))
    except (CaseError, TracingError):
        db.session.rollback()
        flash(_("Only an F1 is traced for F2s."))
        return redirect(url_for("cases.contact", ref=contact.ref))
    db.session.commit()
    return redirect(url_for("cases.contact_contacts", ref=contact.ref))
