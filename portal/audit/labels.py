"""What each audit action and role is called on the page and in exports (Vietnamese first)."""
from flask_babel import lazy_gettext as _l

from ..auth.forms import ROLE_NAMES

#: Every action code of portal.audit.services.ACTIONS, as the audit page and its exports name it.
ACTION_LABELS = {
    "case": _l("Opened the case"),
    "lookup": _l("Looked a person up"),
    "visits": _l("Listed the person's visits"),
    "contacts": _l("Listed contacts"),
    "export": _l("Exported contacts"),
    "exposure": _l("Marked an exposure window"),
    "suspend": _l("Suspended a venue"),
    "reopen": _l("Reopened a venue"),
    "assist_lookup": _l("Staff looked a person up by phone and year of birth"),
    "assist_in": _l("Staff checked a person in (assisted)"),
    "assist_out": _l("Staff checked a person out (assisted)"),
    "card": _l("Printed a pass card for someone else"),
    "login_unpause": _l("Allowed an account to log in again after wrong passwords"),
    "new_password": _l("Gave an account a new first password"),
    "expire": _l("Deleted audit entries older than the period given"),
    "audit_export": _l("Exported the audit log"),
    "own_data": _l("Downloaded their own account's data"),
    "request_find": _l("Looked a person up for a data request made in person"),
    "request_open": _l("Received a data request in person"),
    "request_view": _l("Saw the person of a data request"),
    "request_data": _l("Downloaded a person's data for their request"),
    "request_correct": _l("Corrected a person's data at their request"),
    "request_delete": _l("Deleted a person's data at their request"),
    "request_done": _l("Closed a data request"),
}


def action_label(code):
    """The action's label as text; an unknown code (an older release's) shows as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def role_label(code):
    """The role's name as people say it; an unknown code shows as itself."""
    label = ROLE_NAMES.get(code)
    return str(label) if label is not None else code
