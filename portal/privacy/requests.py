"""/data-requests/: a person without their phone asks a ward official to see, correct or delete their
data; the official verifies them in person and acts for them here.

Ward officials see the requests received in their wards only (404 for any other), province
administrators every ward's; other roles get 404. The list shows no personal data; a request's
page shows the person only while it is open, and each showing is audited.
"""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import signals
from ..clock import local_date, utcnow
from ..divisions.access import ward_for
from ..errors import not_found
from ..exports import download, to_csv
from ..extensions import checkpoint_sqlite, db
from ..forms_common import INVALID, render_form
from ..security import OFFICIAL_VIEWERS, roles_required
from ..text import display_phone
from . import bp
from . import requests_service as service
from .forms import (FIND_LABELS, KIND_LABELS, KIND_NAMES, VERIFIED_LABELS, ActionForm, CorrectForm, NewRequestForm,
                    category_label, outcome_text)

FIND_ERRORS = {
    "pass_malformed": lambda: _("A pass number has 40 digits; check the number and try again."),
    "pass_mistyped": lambda: _("One digit of this pass number is wrong; check it against the card."),
    "pass_venue_code": lambda: _("This is a venue's code, not a personal pass."),
    "pass_replaced": lambda: _("This pass was replaced by a newer one: ask for the new pass or an ID document."),
    "card_malformed": lambda: _("An ID card number has 9 or 12 digits."),
    "phone_malformed": lambda: _("Enter a Vietnamese phone number, for example 0912 345 678."),
    "by": lambda: _("Choose how to find them."),
}


def _labels():
    return {"kind_names": KIND_NAMES, "kind_labels": KIND_LABELS, "verified_labels": VERIFIED_LABELS,
            "find_labels": FIND_LABELS, "category_label": category_label,
            "outcome_text": outcome_text}


@bp.route("/data-requests/")
@roles_required(*OFFICIAL_VIEWERS)
def request_list():
    """Open requests of the official's wards, soonest due first (overdue ones marked), then done ones."""
    now = utcnow()
    opened, done = service.open_requests(current_user), service.done_requests(current_user)
    return render_template("privacy/requests/index.html", opened=opened, done=done, now=now,
                           wards=service.ward_names([*opened, *done]), shown=service.DONE_SHOWN, **_labels())


def _new_page(form, status=None):
    page, code = render_form("privacy/requests/new.html", form, **_labels())
    return page, status or code


@bp.route("/data-requests/new", methods=["GET", "POST"])
@roles_required(*OFFICIAL_VIEWERS)
def request_new():
    """Find the person (pass, ID card or phone number), confirm who they are, open the request."""
    form = NewRequestForm()
    wards = service.wards_for(current_user)
    form.set_wards(wards)
    if request.method == "GET" and len(wards) == 1:
        form.ward.data = wards[0].code
    if request.method == "GET" or not form.validate_on_submit():
        return _new_page(form)
    now = utcnow()
    pick = form.person.data
    try:
        # The look-up is audited when the official asks; choosing among its answers looks up again.
        people = (service.people_for(form.find_by.data, form.number.data) if pick
                  else service.find(current_user, form.find_by.data, form.number.data, now))
    except service.FindProblem as problem:
        form.number.errors.append(FIND_ERRORS[problem.code]())
        return _new_page(form, INVALID)
    db.session.commit()
    if not people:
        form.number.errors.append(_("Nobody is kept under this number. Their data may have been deleted "
                                    "after %(days)d days, or they registered with another number.",
                                    days=int(current_app.config["PORTAL_RETENTION_DAYS"])))
        return _new_page(form, INVALID)
    if pick:
        person = next((p for p in people if p.ref == pick), None)
        if person is not None:
            ward = ward_for(current_user, form.ward.data)
            opened = service.open_request(current_user, ward, form.kind.data, form.verified_with.data, person, now)
            db.session.commit()
            return redirect(url_for("privacy.request_show", request_ref=opened.ref), 303)
    households = {p.id: service.household_of(p) for p in people}
    return render_template("privacy/requests/choose.html", form=form, people=people, households=households,
                           display_phone=display_phone, **_labels())


def _show(data_request, now, correct_form=None, status=200, problem=None):
    """The request's page: what was asked and, while it is open, the person and the next step."""
    person = service.person_of(data_request)
    context = {"req": data_request, "person": person, "now": now, "problem": problem,
               "action_form": ActionForm(), "wards": service.ward_names([data_request]), **_labels()}
    if person is not None:
        lead, members = service.household_of(person)
        context.update(lead=lead, members=members)
        if data_request.kind == "correct":
            context["form"] = correct_form or CorrectForm(
                formdata=None, data={"full_name": person.full_name, "birth_year": person.birth_year})
        elif data_request.kind == "delete":
            try:
                context["preview"] = service.erasure_preview(person, now)
            except service.ERASE_REFUSED:  # the page says to try again later; nothing can go now
                context["problem"] = "erase_failed"
        service.viewed(current_user, data_request, now)
        db.session.commit()
    return render_template("privacy/requests/show.html", **context), status


@bp.route("/data-requests/<request_ref>/")
@roles_required(*OFFICIAL_VIEWERS)
def request_show(request_ref):
    """One request: while open, the person and the step its kind needs; once done, its outcome."""
    return _show(service.request_for(current_user, request_ref), utcnow())


def _open_request(request_ref, kind=None):
    """The actor's open request of this kind with its person, else 404."""
    data_request = service.request_for(current_user, request_ref)
    person = service.person_of(data_request)
    if data_request.done_at is not None or (kind is not None and data_request.kind != kind):
        not_found()
    return data_request, person


@bp.route("/data-requests/<request_ref>/data.csv")
@roles_required(*OFFICIAL_VIEWERS)
def request_data(request_ref):
    """The person's data file (their household's, for the one who manages it) to print or hand over."""
    data_request, person = _open_request(request_ref, "access")
    if person is None:
        not_found()
    now = utcnow()
    try:
        sections = service.data_sections(current_user, data_request, person, now)
    except signals.Incomplete:  # never a file that silently misses part of what is kept
        db.session.rollback()
        return render_template("privacy/requests/unavailable.html", req=data_request), 503, {"Retry-After": "60"}
    db.session.commit()
    lines = []
    for _key, title, header, rows in sections:
        lines.append([_("Section"), *header])
        lines.extend([title, *row] for row in rows)
    return download(to_csv(lines[0], lines[1:]), "csv", f"vao-ra-data-{local_date(now):%Y%m%d}.csv")


@bp.route("/data-requests/<request_ref>/handed-over", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def request_handed_over(request_ref):
    """The data file was handed over: the access request is done."""
    data_request, _person = _open_request(request_ref, "access")
    if ActionForm().validate_on_submit():
        service.handed_over(current_user, data_request, utcnow())
        db.session.commit()
    return redirect(url_for("privacy.request_show", request_ref=data_request.ref), 303)


@bp.route("/data-requests/<request_ref>/correct", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def request_correct(request_ref):
    """Save the corrected name and year of birth; the request is done."""
    data_request, person = _open_request(request_ref, "correct")
    if person is None:
        not_found()
    form = CorrectForm()
    now = utcnow()
    if not form.validate_on_submit():
        return _show(data_request, now, correct_form=form, status=INVALID)
    service.correct(current_user, data_request, person, form.full_name.data, form.birth_year.data, now)
    db.session.commit()
    return redirect(url_for("privacy.request_show", request_ref=data_request.ref), 303)


@bp.route("/data-requests/<request_ref>/delete", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def request_delete(request_ref):
    """Delete the person's data after the one confirmation; the page says what was kept and why."""
    data_request, person = _open_request(request_ref, "delete")
    if person is None:
        not_found()
    now = utcnow()
    if not ActionForm().validate_on_submit():
        return redirect(url_for("privacy.request_show", request_ref=data_request.ref), 303)
    try:
        result = service.erase(current_user, data_request, person, now)
    except service.ERASE_REFUSED:
        db.session.rollback()
        return _show(service.request_for(current_user, request_ref), now, status=503, problem="erase_failed")
    db.session.commit()
    checkpoint_sqlite()  # SQLite: no copy of the deleted rows stays in the write-ahead log
    return render_template("privacy/requests/erased.html", req=data_request, result=result,
                           wards=service.ward_names([data_request]), **_labels())


@bp.route("/data-requests/<request_ref>/withdraw", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def request_withdraw(request_ref):
    """Close the request without acting on it (the person withdrew it, or their data is gone)."""
    data_request, _person = _open_request(request_ref)
    if ActionForm().validate_on_submit():
        service.withdraw(current_user, data_request, utcnow())
        db.session.commit()
    return redirect(url_for("privacy.request_show", request_ref=data_request.ref), 303)
