"""A ward's three lists (not registered, registered but not used, entries without exits), as pages and downloads."""
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from ...clock import utcnow
from ...extensions import reads_from_replica
from ...security import OFFICIAL_VIEWERS, roles_required
from ...divisions.access import ward_for
from ...text import display_phone
from ...venues.models import CATEGORIES
from .. import lists
from ...exports import export_response
from ...paging import page_count
from .. import bp
from ..lists import LIST_TITLES

def _list_export_rows(kind, rows):
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    actions = {}
    for row in rows:
        place, last = row["place"], row["last"]
        if last is not None and last.action not in actions:
            actions[last.action] = str(last.action_label)
        tail = [row["reminders"], actions[last.action] if last else "", last.action_on if last else None]
        category = labels.get(place.category, place.category)
        if kind == "not-registered":
            yield [place.registration_number, place.name, place.address, category] + tail
        elif kind == "not-used":
            yield [place.short_code, place.name, place.address, category, display_phone(place.contact_phone),
                   place.created_at, row["last_in"]] + tail
        else:
            yield [place.short_code, place.name, place.address, category, row["closed"],
                   row["proper"], row["share"]] + tail


def _list_header(kind):
    tail = [_("Reminders"), _("Last action"), _("Date")]
    if kind == "not-registered":
        return [_("Registration number"), _("Place name"), _("Address"), _("Category")] + tail
    if kind == "not-used":
        return [_("Venue code"), _("Place name"), _("Address"), _("Category"), _("Contact phone"),
                _("Registered on"), _("Last check-in")] + tail
    return [_("Venue code"), _("Place name"), _("Address"), _("Category"), _("Closed visits"),
            _("Checked out by the visitor"), _("Share (%)")] + tail


@bp.route("/wards/<code>/<kind>", defaults={"fmt": "html"})
@bp.route("/wards/<code>/<kind>.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
def ward_list(code, kind, fmt):
    """A ward list (not registered / not used / entries without exits): page, print, CSV or XLSX."""
    ward = ward_for(current_user, code)
    if kind not in lists.KINDS or fmt not in ("html", "csv", "xlsx"):
        abort(404)
    query = lists.ListQuery.parse(kind, ward.code, request.args)
    printing = request.args.get("print") == "1"
    rows, total = lists.fetch(query, utcnow(), everything=printing or fmt != "html")
    if fmt != "html":
        return export_response(fmt, f"{kind}-{ward.code}", LIST_TITLES[kind](), _list_header(kind),
                               _list_export_rows(kind, rows))
    template = "reports/list_print.html" if printing else "reports/list.html"
    return render_template(
        template, ward=ward, kind=kind, title=LIST_TITLES[kind](), query=query, rows=rows, total=total,
        pages=page_count(total), categories=CATEGORIES, list_titles=LIST_TITLES,
        printed=utcnow(),
    )
