"""/me: the person corrects their own name and year of birth, and deletes their data (the whole
household's, or one dependent's), each deletion behind one confirmation page.

The rules are in services.py (`update_profile`) and erasure.py (`preview`, `erase`); only the
device cookie opens these pages, like the rest of /me.
"""
from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..clock import utcnow
from ..errors import not_found
from ..extensions import checkpoint_sqlite, db
from ..forms_common import render_form
from . import bp, device, erasure
from .forms import ActionForm, ProfileForm
from .services import dependent_by_ref, device_for, update_profile

#: The categories of a deletion, in the order the pages list them, with their names.
LABELS = {
    "profiles": _l("Profiles (name, phone number, ID number, year of birth)"),
    "devices": _l("Phones and browsers that remember you"),
    "visits": _l("Visits"),
    "crossings": _l("Checkpoint crossings"),
    "passes": _l("Passes and cards"),
    "warnings": _l("Health warnings"),
}


def _remembered():
    return device_for(device.presented_token())


def _unavailable():
    """Nothing was deleted: a feature could not answer (all or nothing)."""
    return render_template("visitors/erase_unavailable.html"), 503, {"Retry-After": "60"}


def _ordered(removed):
    """[(label, count)] of a deletion's categories, known ones first."""
    return [(LABELS[key], removed[key]) for key in LABELS if key in removed] + sorted(
        (key, count) for key, count in removed.items() if key not in LABELS)


@bp.route("/me/profile", methods=["GET", "POST"])
def edit_profile():
    """Correct one's own name or year of birth; the phone number by registering again."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"))
    person = remembered.visitor
    form = ProfileForm(data={"full_name": person.full_name, "birth_year": str(person.birth_year or "")})
    if form.validate_on_submit():
        update_profile(person, form.full_name.data, form.birth_year.data)
        db.session.commit()
        return redirect(url_for("visitors.me", done="saved"), 303)
    return render_form("visitors/profile_form.html", form, person=person)


def _confirm_or_erase(person, whole):
    """GET: what would go and stay, and the one confirmation button; POST: delete it."""
    now = utcnow()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            return render_template("errors/400.html", csrf=True), 400
        try:
            done = erasure.erase(person, now)
        except erasure.Incomplete:
            db.session.rollback()
            return _unavailable()
        db.session.commit()
        checkpoint_sqlite()  # SQLite: no copy of the deleted rows stays in the write-ahead log
        if whole:
            device.forget()
        return render_template("visitors/erased.html", erasure=done, removed=_ordered(done.removed), whole=whole)
    try:
        planned = erasure.preview(person, now)
    except erasure.Incomplete:
        db.session.rollback()
        return _unavailable()
    return render_template(
        "visitors/erase_confirm.html", erasure=planned, removed=_ordered(planned.removed), whole=whole,
        person=person, form=ActionForm(formdata=None),
    )


@bp.route("/me/delete", methods=["GET", "POST"])
def delete_data():
    """Delete everything kept about this device's household (the same as withdrawing consent)."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"), 303)
    return _confirm_or_erase(remembered.visitor, whole=True)


@bp.route("/me/dependents/<ref>/delete", methods=["GET", "POST"])
def delete_dependent_data(ref):
    """Delete everything kept about one dependent; the rest of the household stays."""
    remembered = _remembered()
    if remembered is None:
        return redirect(url_for("visitors.me"), 303)
    dependent = dependent_by_ref(remembered.visitor, ref)
    if dependent is None:
        not_found("visitors/dependent_missing.html")
    return _confirm_or_erase(dependent, whole=False)
