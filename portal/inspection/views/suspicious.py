"""Suspicious check-ins: the entries of the daily job, for ward officials and province administrators."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import utcnow
from ...extensions import db
from ...paging import PAGE_SIZE, page_count, page_slice
from ...security import roles_required
from .. import bp
from ..flags import DECISIONS, REVIEWERS, FlagError, decide, figure_lines, flag_for, listed
from ..forms import FlagDecisionForm
from ..models import FLAG_STATUSES

ERRORS = {
    "already_decided": lambda: _("This entry was already decided."),
    "decision_unknown": lambda: _("Choose “reviewed, fine” or “fabricated”."),
}


@bp.route("/suspicious")
@roles_required(*REVIEWERS)
def suspicious():
    """The entries of the officials' wards (every ward for a province administrator), one status at a time."""
    status = request.args.get("status", "open")
    if status not in FLAG_STATUSES and status != "all":
        status = "open"
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    rows = listed(current_user, status)
    pages = page_count(len(rows))
    entries = [(flag, figure_lines(flag)) for flag in page_slice(rows, min(page, pages), PAGE_SIZE)]
    return render_template("inspection/suspicious.html", entries=entries, status=status, statuses=FLAG_STATUSES,
                           page=min(page, pages), pages=pages, total=len(rows), form=FlagDecisionForm())


@bp.route("/suspicious/<int:flag_id>", methods=["POST"])
@roles_required(*REVIEWERS)
def decide_flag(flag_id):
    """Mark one entry reviewed (fine) or fabricated (its matched visits leave every count)."""
    flag = flag_for(current_user, flag_id)
    form = FlagDecisionForm()
    if not form.validate():
        abort(400)
    decision = request.form.get("decision", "")
    try:
        marked = decide(current_user, flag, decision if decision in DECISIONS else "", utcnow())
    except FlagError as exc:
        db.session.rollback()
        flash(ERRORS[exc.code]())
    else:
        db.session.commit()
        if decision == "fabricated":
            flash(_("Marked as fabricated: %(count)d visits no longer count.", count=marked))
        else:
            flash(_("Marked as reviewed: nothing wrong found."))
    return redirect(url_for("inspection.suspicious", status=request.args.get("status", "open")) + f"#flag-{flag.id}")
