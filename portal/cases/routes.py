"""Pages of the case register. Thin: forms in, services out; scoping in access.py (404 outside);
every page that shows a person's health data is audited by the service it calls."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..clock import utcnow
from ..divisions.models import Division
from ..extensions import db
from ..forms_common import INVALID, form_status
from ..security import roles_required
from ..tracing.windows import window_from_args
from ..tracing.services import TracingError
from . import bp, followups, services
from .access import CARE_ROLES, HEALTH_ROLES, case_for, contact_for, may_see_case
from .classification import CARE_PLACES, CONTACT_STATUSES, RISK_LEVELS, STATUSES, TEST_KINDS, TEST_RESULTS, label
from .forms import BecomeCaseForm, CaseForm, ClassifyForm, ConfirmForm, ResidenceForm, TestForm, ward_choices
from .services import CaseError


def _settings():
    return services.settings_from(current_app.config)


def _wards():
    province = str(current_app.config["PORTAL_PROVINCE"])
    return db.session.scalars(select(Division).where(Division.province_code == province)
                              .order_by(Division.name_sort, Division.code)).all()


def error_message(code):
    """The text shown for a CaseError code."""
    return {
        "phone": _("Enter a Vietnamese phone number, for example 0912 345 678."),
        "id_number": _("Enter the 9 or 12 digits of the ID card."),
        "pass_number": _("This is not a pass number: check the digits under the QR code."),
        "name_missing": _("Enter the person's full name, or a phone, ID or pass number to find them."),
        "not_found": _("Nobody was found with this phone, ID or pass number: enter the person's full name."),
        "ward": _("Choose a ward of the province."),
        "positive_missing": _("Enter the date of the positive test."),
        "positive_future": _("The date of the positive test cannot be in the future."),
        "positive_old": _("The positive test is too old to be entered (at most 60 days)."),
        "risk_level": _("Choose the risk level."),
        "care_place": _("Choose where the person is cared for."),
        "status": _("Choose the status."),
        "duplicate": _("This person already has an open case in the register."),
        "unchanged": _("Nothing changed: choose a different level, place or status."),
        "no_person": _("The trace has no person yet: look the person up on the trace page first."),
        "none_chosen": _("Choose at least one contact."),
        "none_found": _("The contacts chosen are no longer in the list: show the list again."),
        "tested_missing": _("Enter the day of the test."),
        "tested_future": _("The day of the test cannot be in the future."),
        "kind": _("Choose the kind of test."),
        "result": _("Choose the result."),
        "already_case": _("This person already became a confirmed case."),
        "not_in_quarantine": _("This person is not in quarantine."),
        "f2_trace": _("Only an F1 is traced for F2s."),
    }[code]


def _fail(form, exc):
    db.session.rollback()
    field = getattr(form, exc.field, None)
    if field is None:
        flash(error_message(exc.code))
    else:
        field.errors = list(field.errors) + [error_message(exc.code)]


def _labels():
    return dict(risk=RISK_LEVELS, care=CARE_PLACES, statuses=STATUSES, contact_statuses=CONTACT_STATUSES,
                kinds=TEST_KINDS, results=TEST_RESULTS, label=label)


@bp.route("/")
@roles_required(*HEALTH_ROLES)
def index():
    """The cases the user may see, by name (audited)."""
    rows = services.case_list(current_user, utcnow())
    html = render_template("cases/index.html", cases=rows, **_labels())
    db.session.commit()
    return html


@bp.route("/f/")
@roles_required(*HEALTH_ROLES)
def contacts_index():
    """The F1s and F2s the user may see, by name (audited)."""
    now = utcnow()
    rows = followups.contact_list(current_user, now)
    tz = _settings().tz_name
    html = render_template("cases/contacts_index.html", contacts=rows,
                           status_of=lambda c: followups.display_status(c, now, tz), **_labels())
    db.session.commit()
    return html


@bp.route("/new", methods=["GET", "POST"])
@roles_required("tracer")
def new():
    """A tracer records a confirmed case: the person (found or new), test date, ward, classification."""
    form = CaseForm()
    ward_choices(form.ward, _wards())
    if form.validate_on_submit():
        now, settings = utcnow(), _settings()
        try:
            person = services.person_from(
                full_name=form.full_name.data, phone=(form.phone.data or "").strip(),
                id_number=(form.id_number.data or "").strip(), pass_number=(form.pass_number.data or "").strip(),
                birth_year=form.birth_year.data, now=now, settings=settings)
            case = services.new_case(current_user, person, ward_code=form.ward.data, positive_on=form.positive_on.data,
                                     risk_level=form.risk_level.data, care_place=form.care_place.data, now=now,
                                     settings=settings, purpose=_("Find the contacts of a confirmed case"))
        except CaseError as exc:
            _fail(form, exc)
        except TracingError:
            db.session.rollback()
            form.full_name.errors = [_("The case could not be opened for tracing; try again.")]
        else:
            db.session.commit()
            flash(_("Case %(code)s recorded.", code=case.code))
            return redirect(url_for("cases.case", ref=case.ref))
    return render_template("cases/new.html", form=form), form_status(form)


def _case_page(case, classify_form=None, status=200):
    now = utcnow()
    services.view_case(current_user, case, now)
    form = classify_form or ClassifyForm(formdata=None, data={"risk_level": case.risk_level,
                                                              "care_place": case.care_place, "status": case.status})
    tz = _settings().tz_name
    html = render_template(
        "cases/case.html", case=case, form=form, before=services.chain_before(case), after=services.cases_from(case),
        contacts=followups.contact_list(current_user, now, case=case), may_see=lambda c: may_see_case(current_user, c),
        status_of=lambda c: followups.display_status(c, now, tz), **_labels())
    db.session.commit()
    return html, status


@bp.route("/<ref>/")
@roles_required(*HEALTH_ROLES)
def case(ref):
    """A case: person, classification and its history, chain of transmission, F1s (audited)."""
    return _case_page(case_for(current_user, ref))


@bp.route("/<ref>/classify", methods=["POST"])
@roles_required(*CARE_ROLES)
def classify(ref):
    """Change a case's classification; the old one stays in its history."""
    case = case_for(current_user, ref)
    form = ClassifyForm()
    if form.validate_on_submit():
        try:
            services.classify(current_user, case, risk_level=form.risk_level.data, care_place=form.care_place.data,
                              status=form.status.data, now=utcnow())
        except CaseError as exc:
            _fail(form, exc)
            case = case_for(current_user, ref)
        else:
            db.session.commit()
            flash(_("Classification changed."))
            return redirect(url_for("cases.case", ref=case.ref))
    return _case_page(case, form, INVALID)


def _window():
    """The window form from the query string (defaults filled in) and its checked Window, or None."""
    now = utcnow()
    form, window = window_from_args(request.args, _settings().tracing, now)
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
    ward_choices(confirm.residence, _wards(), blank=_("Not known"))
    groups, status = None, 200 if window is not None else INVALID
    if window is not None and request.method == "POST" and confirm.validate_on_submit():
        try:
            added, skipped = followups.confirm_contacts(
                current_user, case, parent, window, request.form.getlist("visit", type=int),
                residence_ward_code=confirm.residence.data or None, now=now, settings=_settings())
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
        groups = followups.trace_contacts(current_user, case, parent, window, now=now, settings=_settings())
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


def _contact_forms(contact):
    forms = {"test": TestForm(prefix="test"), "positive": BecomeCaseForm(prefix="positive"),
             "residence": ResidenceForm(prefix="residence")}
    ward_choices(forms["residence"].residence, _wards())
    return forms


def _contact_page(contact, forms=None, status=200):
    now = utcnow()
    followups.view_contact(current_user, contact, now)
    forms = forms or _contact_forms(contact)
    if not forms["residence"].residence.data:
        forms["residence"].residence.data = contact.residence_ward_code or ""
    tz = _settings().tz_name
    html = render_template("cases/contact.html", contact=contact, forms=forms,
                           status=followups.display_status(contact, now, tz),
                           became=services.case_from_contact(contact),
                           may_see=lambda c: may_see_case(current_user, c), **_labels())
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
            message, target = act(contact, form, utcnow(), _settings())
        except CaseError as exc:
            _fail(form, exc)
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
