"""The register of confirmed cases: the list, recording a case, a case's page and classification."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import utcnow
from ...extensions import db
from ...forms_common import INVALID, form_status
from ...security import roles_required
from .. import bp, followups, services
from ..access import CARE_ROLES, HEALTH_ROLES, case_for, may_see_case
from ..forms import CaseForm, ClassifyForm, ward_choices
from ..services import CaseError
from ...tracing.services import TracingError
from .shared import fail, labels, settings, wards


@bp.route("/")
@roles_required(*HEALTH_ROLES)
def index():
    """The cases the user may see, by name (audited)."""
    rows = services.case_list(current_user, utcnow())
    html = render_template("cases/index.html", cases=rows, **labels())
    db.session.commit()
    return html


@bp.route("/new", methods=["GET", "POST"])
@roles_required("tracer")
def new():
    """A tracer records a confirmed case: the person (found or new), test date, ward, classification."""
    form = CaseForm()
    ward_choices(form.ward, wards())
    if form.validate_on_submit():
        now, register_settings = utcnow(), settings()
        try:
            person = services.person_from(
                full_name=form.full_name.data, phone=(form.phone.data or "").strip(),
                id_number=(form.id_number.data or "").strip(), pass_number=(form.pass_number.data or "").strip(),
                birth_year=form.birth_year.data, now=now, settings=register_settings)
            case = services.new_case(current_user, person, ward_code=form.ward.data, positive_on=form.positive_on.data,
                                     risk_level=form.risk_level.data, care_place=form.care_place.data, now=now,
                                     settings=register_settings, purpose=_("Find the contacts of a confirmed case"))
        except CaseError as exc:
            fail(form, exc)
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
    tz = settings().tz_name
    html = render_template(
        "cases/case.html", case=case, form=form, before=services.chain_before(case), after=services.cases_from(case),
        contacts=followups.contact_list(current_user, now, case=case), may_see=lambda c: may_see_case(current_user, c),
        status_of=lambda c: followups.display_status(c, now, tz), **labels())
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
            fail(form, exc)
            case = case_for(current_user, ref)
        else:
            db.session.commit()
            flash(_("Classification changed."))
            return redirect(url_for("cases.case", ref=case.ref))
    return _case_page(case, form, INVALID)
