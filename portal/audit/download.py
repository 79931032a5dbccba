"""The audit log as a CSV or XLSX download, through portal.exports (no formulas, local times)."""
from flask_babel import gettext as _

from ..exports import to_csv, to_xlsx
from .labels import action_label, role_label

#: Enough for months of a province's entries; narrow the dates for more.
MAX_ROWS = 10000
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header():
    """Column titles in the user's language."""
    return [_("When"), _("Who"), _("Role"), _("Case"), _("Action"), _("What was asked"), _("Rows")]


def rows(entries):
    """One row per entry; times stay aware, portal.exports writes them in local time."""
    for e in entries:
        yield [e.at, e.actor.full_name if e.actor else "", role_label(e.actor_role),
               e.case.reference if e.case else "", action_label(e.action), e.query, e.row_count]


def render(fmt, entries):
    """(body, mimetype) of the entries as 'csv' or 'xlsx'."""
    if fmt == "csv":
        body = to_csv(header(), rows(entries))
    else:
        body = to_xlsx(header(), rows(entries), title=_("Audit log"))
    return body, MIMETYPES[fmt]
