"""The ward's follow-up list: last action, reminders, and who is still not registered."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from ...extensions import reads_from_replica
from ...security import OFFICIAL_VIEWERS, roles_required
from ...divisions.access import ward_for
from ...exports import export_response
from ...paging import page_count, page_slice
from ...venues.models import CATEGORIES
from ..followups import follow_up_places, with_last_actions
from .. import bp

def _follow_up_rows(places):
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    kinds = {"establishment": _("Establishment"), "venue": _("Venue")}
    stuck = _("yes")
    for row in places:
        last = row["last"]
        yield [
            kinds[row["kind"]], row["registration_number"], row["short_code"], row["name"], row["address"],
            labels.get(row["category"], row["category"]), row["reminders"], row["actions"],
            str(last.action_label) if last else "", last.action_on.isoformat() if last else "",
            last.note if last else "", stuck if row["stuck"] else "",
        ]


@bp.route("/wards/<code>/follow-ups", defaults={"fmt": "html"})
@bp.route("/wards/<code>/follow-ups.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
def follow_ups(code, fmt):
    """Places of a ward with follow-ups: last action, reminders, and who is still not registered."""
    ward = ward_for(current_user, code)
    stuck = request.args.get("stuck") == "1"
    places = follow_up_places(ward.code, stuck_only=stuck)
    if fmt != "html":
        header = [_("Kind"), _("Registration number"), _("Venue code"), _("Place name"), _("Address"),
                  _("Category"), _("Reminders"), _("Follow-ups"), _("Last action"), _("Date"), _("Note"),
                  _("Reminded 3+ times, not registered")]
        return export_response(fmt, f"follow-ups-{ward.code}", _("Follow-ups"), header,
                               _follow_up_rows(with_last_actions(places, ward.code)))
    pages = page_count(len(places))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = with_last_actions(page_slice(places, page), ward.code)
    return render_template("registry/follow_ups.html", ward=ward, places=shown, stuck=stuck, page=page,
                           pages=pages, total=len(places), categories=CATEGORIES,
                           stuck_count=sum(1 for p in places if p["stuck"]))
