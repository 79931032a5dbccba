"""Tracer pages: cases, a person's visits, their contacts, exports and exposure windows.

Only the `tracer` role reaches these URLs (everyone else gets 404). Every page or export that
shows visitors' personal data writes an audit entry first, in the same transaction.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..audit.services import record
from ..extensions import db
from ..models_base import utcnow
from ..security import case_for, find_venue, roles_required
from . import export
from .contacts import contact_count, find_contacts
from .exposures import ADVICE, create_exposure
from .forms import CaseForm, ExposureForm, LookupForm, WindowForm
from .services import (TracingError, attach_person, create_case, default_window, find_person, person_visits,
                       recent_cases, retention_cutoff, same_person_ids, window_bounds)

bp = Blueprint("tracing", __name__, url_prefix="/tracing")


def init_app(app):
    """Register the blueprint, the exposure warnings shown to visitors and the audit panel."""
    from ..audit.routes import province_panel
    from .exposures import visitor_notices

    app.register_blueprint(bp)
    app.extensions.setdefault("visitor_notices", []).append(visitor_notices)
    app.extensions.setdefault("province_panels", []).append(province_panel)


def error_message(code):
    """The tracer-facing text for a TracingError code."""
    days = current_app.config["PORTAL_RETENTION_DAYS"]
    return {
        "reference": _("Enter the case reference."),
        "purpose": _("Enter the purpose of this trace."),
        "personal_number": _("Do not write phone or ID numbers here: this text is kept in the audit log."),
        "date_missing": _("Enter the first and the last day."),
        "reversed": _("The first day must be on or before the last day."),
        "future": _("The last day cannot be in the future."),
        "too_old": _("Data older than %(days)d days is deleted; choose a later first day.", days=days),
        "window_missing": _("Enter when the window starts and ends."),
        "window_reversed": _("The end must be after the start."),
        "window_long": _("An exposure window can be at most 24 hours long."),
        "window_future": _("The window cannot end in the future."),
        "window_old": _("Data older than %(days)d days is deleted; choose a later start.", days=days),
        "advice": _("Choose the advice for visitors."),
    }[code]


def _settings():
    config = current_app.config
    return config["PORTAL_RETENTION_DAYS"], config["PORTAL_TIMEZONE"]


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
            case = create_case(current_user, form.reference.data, form.purpose.data, now)
        except TracingError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(error_message(exc.code))
        else:
            record(current_user, case, "case", {}, 0, now)
            db.session.commit()
            return redirect(url_for("tracing.case", ref=case.ref))
    return render_template("tracing/case_new.html", form=form)


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
    if form.validate_on_submit():
        now = utcnow()
        by = "phone" if (form.phone.data or "").strip() else "id_number"
        retention, _tz = _settings()
        try:
            person = find_person(cutoff=retention_cutoff(now, retention),
                                 phone=form.phone.data if by == "phone" else None,
                                 id_number=form.id_number.data if by == "id_number" else None)
        except ValueError:
            field = form.phone if by == "phone" else form.id_number
            field.errors.append(_("Enter a Vietnamese phone number, for example 0912 345 678.") if by == "phone"
                                else _("Enter the 9 or 12 digits of the ID card."))
        else:
            record(current_user, case, "lookup", {"by": by}, 1 if person else 0, now)
            if person is not None:
                attach_person(case, person)
            db.session.commit()
            if person is not None:
                return redirect(url_for("tracing.visits", ref=case.ref))
            message = (_("Nobody with this phone number checked in during the last %(days)d days.", days=retention)
                       if by == "phone" else
                       _("Nobody with this ID number checked in during the last %(days)d days.", days=retention))
            (form.phone if by == "phone" else form.id_number).errors.append(message)
    return render_template("tracing/case.html", case=case, form=form, advice=ADVICE), 200


def _window():
    """The window form from the query string (defaults filled in) and its UTC bounds, or None."""
    retention, tz_name = _settings()
    now = utcnow()
    date_from, date_to = default_window(now, current_app.config["PORTAL_TRACE_DAYS"], tz_name)
    values = MultiDict({"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "rule": "overlap",
                        "minutes": str(current_app.config["PORTAL_CONTACT_MINUTES"])})
    for key in values.keys():
        if key in request.args:
            values[key] = request.args[key]
    form = WindowForm(formdata=values)
    if not form.validate():
        return form, None, now
    try:
        bounds = window_bounds(form.date_from.data, form.date_to.data, now=now, retention_days=retention,
                               tz_name=tz_name)
    except TracingError as exc:
        getattr(form, exc.field).errors.append(error_message(exc.code))
        return form, None, now
    return form, bounds, now


def _window_params(form, with_rule):
    params = {"from": form.date_from.data.isoformat(), "to": form.date_to.data.isoformat()}
    if with_rule:
        params.update(rule=form.rule.data, minutes=form.minutes.data if form.rule.data == "overlap" else None)
    return params


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
    form, bounds, now = _window()
    rows, profiles = None, same_person_ids(case.visitor)
    if bounds is not None:
        rows = person_visits(profiles, *bounds)
        record(current_user, case, "visits", _window_params(form, False), len(rows), now)
        db.session.commit()
    return render_template("tracing/visits.html", case=case, form=form, visits=rows, profiles=len(profiles))


def _contacts(case):
    form, bounds, now = _window()
    if bounds is None:
        return form, None, now
    retention, _tz = _settings()
    profiles = same_person_ids(case.visitor)
    groups = find_contacts(person_visits(profiles, *bounds), rule=form.rule.data, minutes=form.minutes.data,
                           cutoff=retention_cutoff(now, retention), now=now, exclude_visitor_ids=profiles)
    return form, groups, now


@bp.route("/cases/<ref>/contacts")
@roles_required("tracer")
def contacts(ref):
    """The people whose stays overlapped the case's, grouped by venue (audited)."""
    case = case_for(current_user, ref)
    redirect_ = _person_or_redirect(case)
    if redirect_:
        return redirect_
    form, groups, now = _contacts(case)
    counts = None
    if groups is not None:
        counts = contact_count(groups)
        record(current_user, case, "contacts", _window_params(form, True), counts[0], now)
        db.session.commit()
    return render_template("tracing/contacts.html", case=case, form=form, groups=groups, counts=counts,
                           local_input=_local_input, now=now)


def _local_input(value):
    """A UTC time as the local `YYYY-MM-DDTHH:MM` a datetime-local field expects."""
    return value.astimezone(ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")


@bp.route("/cases/<ref>/contacts.<kind>")
@roles_required("tracer")
def contacts_export(ref, kind):
    """The contacts as CSV or XLSX, neutralised against spreadsheet formulas (audited)."""
    case = case_for(current_user, ref)
    if kind not in ("csv", "xlsx"):
        return render_template("errors/404.html"), 404
    redirect_ = _person_or_redirect(case)
    if redirect_:
        return redirect_
    form, groups, now = _contacts(case)
    if groups is None:
        flash(_("Correct the dates or the rule, then export again."))
        return redirect(url_for("tracing.contacts", ref=case.ref, **request.args.to_dict()))
    body, mimetype, count = export.render(kind, groups, current_app.config["PORTAL_TIMEZONE"], _("Contacts"))
    record(current_user, case, "export", {**_window_params(form, True), "format": kind}, count, now)
    db.session.commit()
    name = f"contacts-{export.safe_name(case.reference)}-{now:%Y%m%d}.{kind}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


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
    retention, tz_name = _settings()
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
            tz, now = ZoneInfo(tz_name), utcnow()
            starts = form.starts_at.data.replace(tzinfo=tz).astimezone(timezone.utc)
            ends = form.ends_at.data.replace(tzinfo=tz).astimezone(timezone.utc)
            try:
                exposure = create_exposure(current_user, case, venue, starts, ends, form.advice.data, now=now,
                                           retention_days=retention)
            except TracingError as exc:
                db.session.rollback()
                getattr(form, exc.field).errors.append(error_message(exc.code))
            else:
                record(current_user, case, "exposure", {
                    "venue": venue.short_code, "from": f"{starts:%Y-%m-%dT%H:%MZ}", "to": f"{ends:%Y-%m-%dT%H:%MZ}",
                    "advice": exposure.advice}, exposure.warned_count, now)
                db.session.commit()
                flash(_("Exposure window saved: %(count)d visitors will see the warning.",
                        count=exposure.warned_count))
                return redirect(url_for("tracing.case", ref=case.ref))
    return render_template("tracing/exposure_form.html", case=case, form=form)
