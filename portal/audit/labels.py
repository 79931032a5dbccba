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
    "scan_refer": _l("A scan referred a person to health staff instead of letting them in"),
    "risk_group": _l("Saw the risk-group list of a ward (people to test)"),
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
    "flag_reviewed": _l("Reviewed suspicious check-ins: fine"),
    "flag_fabricated": _l("Marked suspicious check-ins as fabricated"),
    "health_case": _l("Recorded a confirmed case"),
    "health_view": _l("Saw a person's health record"),
    "health_list": _l("Saw a list of cases or people followed up"),
    "health_classify": _l("Changed a case's classification"),
    "health_contact": _l("Followed up contacts of a case"),
    "health_test": _l("Recorded a test result"),
    "health_update": _l("Changed a followed-up person's ward or quarantine"),
}


def action_label(code):
    """The action's label as text; an unknown code (an older release's) shows as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def role_label(code):
    """The role's name as people say it; an unknown code shows as itself."""
    label = ROLE_NAMES.get(code)
    return str(label) if label is not None else code
