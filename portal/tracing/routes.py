"""Tracer pages: cases, a person's visits, their contacts, exports and exposure windows.

Only the `tracer` role reaches these URLs (everyone else gets 404). Every page or export that
shows visitors' personal data goes through an operation (operations.py), which writes its audit
entry in the same transaction; the route commits once.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..exports import download
from ..extensions import db
from ..forms_common import INVALID, form_status, render_form
from ..clock import utcnow
from ..security import roles_required
from .access import case_for
from ..venues.access import find_venue
from . import export, operations
from .contacts import contact_count
from .exposures import ADVICE
from .forms import CaseForm, ExposureForm, LookupForm
from .windows import error_message, window_from_args
from .services import TracingError, recent_cases, same_person_ids
from . import bp



def connect(app):
    """Connect the exposure warnings shown to visitors and kept in their download."""
    from .. import signals
    from . import holds
    from .exposures import person_data, visitor_notices

    signals.visitor_notices.connect(visitor_notices, sender=app)
    signals.person_data.connect(person_data, sender=app)
    signals.person_holds.connect(holds.person_holds, sender=app)
    signals.erase_person_data.connect(holds.erase_person_data, sender=app)


def _settings():
    return operations.settings_from(current_app.config)


@bp.route("/")
@roles_required("tracer")
def index():
    """Recent cases and the button to start a trace."""
    return render_template("tracing/index.html", cases=recent_cases())


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required("tracer")
def new_case():
    """Start a trace: a case reference and a purpose are required."""
    form = CaseForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            case = operations.open_case(current_user, form.reference.data, form.purpose.data, now=now)
        except TracingError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(error_message(exc.code))
        else:
            db.session.commit()
            return redirect(url_for("tracing.case", ref=case.ref))
    return render_form("tracing/case_new.html", form)


@bp.route("/cases/<ref>/")
@roles_required("tracer")
def case(ref):
    """A case: its reference, purpose, person look-up and exposure windows (no personal data)."""
    case = case_for(current_user, ref)
    return render_template("tracing/case.html", case=case, form=LookupForm(), advice=ADVICE)


@bp.route("/cases/<ref>/lookup", methods=["POST"])
@roles_required("tracer")
def lookup(ref):
    """Find the case's person by phone or ID number (audited, even when nobody is found)."""
    case = case_for(current_user, ref)
    form = LookupForm()
    status = None
    if form.validate_on_submit():
        now = utcnow()
        by = "phone" if (form.phone.data or "").strip() else "id_number"
        settings = _settings()
        retention = settings.retention_days
        try:
            person = operations.look_up_person(current_user, case, by, getattr(form, by).data, now=now,
                                               settings=settings)
        except ValueError:
            field = form.phone if by == "phone" else form.id_number
            field.errors.append(_("Enter a Vietnamese phone number, for example 0912 345 678.") if by == "phone"
                                else _("Enter the 9 or 12 digits of the ID card."))
        else:
            db.session.commit()
            if person is not None:
                return redirect(url_for("tracing.visits", ref=case.ref))
            message = (_("Nobody with this phone number checked in during the last %(days)d days.", days=retention)
                       if by == "phone" else
                       _("Nobody with this ID number checked in during the last %(days)d days.", days=retention))
            status = 200  # a valid look-up that found nobody: the message is its answer, not an error
            (form.phone if by == "phone" else form.id_number).errors.append(message)
    return render_template("tracing/case.html", case=case, form=form, advice=ADVICE), status or form_status(form)


def _window():
    """The window form from the query string (defaults filled in) and its checked Window, or None."""
    now = utcnow()
    form, window = window_from_args(request.args, _settings(), now)
    return form, window, now


def _person_or_redirect(case):
    if case.visitor is None:
        flash(_("Look up the person of this case first."))
        return redirect(url_for("tracing.case", ref=case.ref))
    return None


@bp.route("/cases/<ref>/visits")
@roles_required("tracer")
def visits(ref):
    """The case person's visits in a date window (audited)."""
    case = case_for(current_user, ref)
    redirect_ = _person_or_redirect(case)
    if redirect_:
        return redirect_
    form, window, now = _window()
    if window is None:
        rows, profiles, events = None, same_person_ids(case.visitor), None
    else:
        rows, profiles, events = operations.list_visits(current_user, case, window, now=now)
    # Drawn before the commit: committing expires the visits, and the page would reload them one by one.
    html = render_template("tracing/visits.html", case=case, form=form, visits=rows, profiles=len(profiles),
                           events=events)
    if window is not None:
        db.session.commit()
    return html, INVALID if window is None else 200


@bp.route("/cases/<ref>/contacts")
@roles_required("tracer")
def contacts(ref):
    """The people whose stays overlapped the case's, grouped by venue (audited)."""
    case = case_for(current_user, ref)
    redirect_ = _person_or_redirect(case)
    if redirect_:
        return redirect_
    form, window, now = _window()
    groups = counts = None
    if window is not None:
        groups = operations.trace_contacts(current_user, case, window, now=now, settings=_settings())
        counts = contact_count(groups)
    # Drawn before the commit, as the visits page is: the groups' venues and visits stay loaded.
    html = render_template("tracing/contacts.html", case=case, form=form, groups=groups, counts=counts,
                           local_input=_local_input, now=now)
    if window is not None:
        db.session.commit()
    return html, INVALID if window is None else 200


def _local_input(value):
    """A UTC time as the local `YYYY-MM-DDTHH:MM` a datetime-local field expects."""
    return value.astimezone(ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")


@bp.route("/cases/<ref>/contacts.<kind>")
@roles_required("tracer")
def contacts_export(ref, kind):
    """The contacts as CSV or XLSX, neutralised against spreadsheet formulas (audited)."""
    case = case_for(current_user, ref)
    if kind not in ("csv", "xlsx"):
        abort(404)
    redirect_ = _person_or_redirect(case)
    if redirect_:
        return redirect_
    _form, window, now = _window()
    if window is None:
        flash(_("Correct the dates or the rule, then export again."))
        return redirect(url_for("tracing.contacts", ref=case.ref, **request.args.to_dict()))
    body, _type, _groups = operations.export_contacts(current_user, case, window, kind, now=now,
                                                         settings=_settings(), title=_("Contacts"))
    db.session.commit()
    name = f"contacts-{export.safe_name(case.reference)}-{now:%Y%m%d}.{kind}"
    return download(body, kind, name)


def _prefill(text):
    try:
        return datetime.strptime((text or "")[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@bp.route("/cases/<ref>/exposures/new", methods=["GET", "POST"])
@roles_required("tracer")
def new_exposure(ref):
    """Mark a venue and time window; overlapping visitors are warned (audited)."""
    case = case_for(current_user, ref)
    settings = _settings()
    if request.method == "GET":  # prefilled from a venue on the contacts page
        form = ExposureForm(formdata=None, data={
            "venue_code": request.args.get("venue", "")[:12], "advice": "test",
            "starts_at": _prefill(request.args.get("from")), "ends_at": _prefill(request.args.get("to"))})
    else:
        form = ExposureForm()
    if form.validate_on_submit():
        venue = find_venue(current_user, form.venue_code.data)
        if venue is None:
            form.venue_code.errors.append(_("No venue has this code. Check the code under the QR."))
        else:
            tz, now = ZoneInfo(settings.tz_name), utcnow()
            starts = form.starts_at.data.replace(tzinfo=tz).astimezone(timezone.utc)
            ends = form.ends_at.data.replace(tzinfo=tz).astimezone(timezone.utc)
            try:
                exposure = operations.mark_exposure(current_user, case, venue, starts, ends, form.advice.data,
                                                    now=now, settings=settings)
            except TracingError as exc:
                db.session.rollback()
                getattr(form, exc.field).errors.append(error_message(exc.code))
            else:
                db.session.commit()
                flash(_("Exposure window saved: %(count)d visitors will see the warning.",
                        count=exposure.warned_count))
                return redirect(url_for("tracing.case", ref=case.ref))
    return render_form("tracing/exposure_form.html", form, case=case)
