"""A case's (or an F1's) contacts from its trace, and confirming them as people to follow up."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import utcnow
from ...extensions import db
from ...forms_common import INVALID
from ...security import roles_required
from .. import bp, followups
from ..access import case_for, contact_for
from ..forms import ConfirmForm, ward_choices
from ..services import CaseError
from ...tracing.windows import window_from_args
from .shared import error_message, settings, wards


def _window():
    """The window form from the query string (defaults filled in) and its checked Window, or None."""
    now = utcnow()
    form, window = window_from_args(request.args, settings().tracing, now)
    return form, window, now


def _contacts_page(case, parent):
    """Contacts of the case's (or the F1's) trace with boxes to follow them up (tracer only)."""
    trace = followups.source_trace(case, parent)
    back = url_for("cases.contact", ref=parent.ref) if parent else url_for("cases.case", ref=case.ref)
    if trace is None or trace.visitor_id is None:
        flash(error_message("no_person"))
        return redirect(url_for("tracing.case", ref=trace.ref) if trace is not None else back)
    form, window, now = _window()
    confirm = ConfirmForm()
    ward_choices(confirm.residence, wards(), blank=_("Not known"))
    groups, status = None, 200 if window is not None else INVALID
    if window is not None and request.method == "POST" and confirm.validate_on_submit():
        try:
            added, skipped = followups.confirm_contacts(
                current_user, case, parent, window, request.form.getlist("visit", type=int),
                residence_ward_code=confirm.residence.data or None, now=now, settings=settings())
        except CaseError as exc:
            db.session.rollback()
            flash(error_message(exc.code))
            status = INVALID
        else:
            db.session.commit()
            flash(_("%(added)d people added to follow-up; %(skipped)d already followed up.", added=len(added),
                    skipped=skipped))
            return redirect(back)
    elif request.method == "POST":
        status = INVALID
    if window is not None:
        groups = followups.trace_contacts(current_user, case, parent, window, now=now, settings=settings())
    html = render_template("cases/contacts.html", case=case, parent=parent, form=form, confirm=confirm,
                           groups=groups, trace=trace, back=back)
    if window is not None:
        db.session.commit()
    return html, status


@bp.route("/<ref>/contacts", methods=["GET", "POST"])
@roles_required("tracer")
def contacts(ref):
    """The case's contacts (from its trace); the ones chosen become F1s."""
    return _contacts_page(case_for(current_user, ref), None)


@bp.route("/f/<ref>/contacts", methods=["GET", "POST"])
@roles_required("tracer")
def contact_contacts(ref):
    """An F1's own contacts (from their trace); the ones chosen become F2s."""
    contact = contact_for(current_user, ref)
    if contact.trace_case is None or contact.level != "F1":
        return redirect(url_for("cases.contact", ref=contact.ref))
    return _contacts_page(contact.case, contact)
