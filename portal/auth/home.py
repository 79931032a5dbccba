"""Each role's own space: the one mapping used by the login redirect, the header and the home page."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

#: Per role, the links to the person's own pages; the first is where they land after login.
#: Each link: (endpoint, header label, call to action on the home page).
HOMES = {
    "owner": (("venues.index", _l("Your venues"), _l("Go to your venues")),),
    "staff": (("staff.index", _l("Your scanner"), _l("Go to your scanner")),),
    "checkpoint": (("staff.index", _l("Your scanner"), _l("Go to your scanner")),),
    "ward_official": (
        ("reports.dashboard", _l("Your wards"), _l("Go to your wards")),
        ("inspection.index", _l("Inspections"), _l("Inspect venues")),
        ("inspection.suspicious", _l("Suspicious check-ins"), _l("Review suspicious check-ins")),
    ),
    "tracer": (("tracing.index", _l("Tracing"), _l("Go to tracing")),
               ("cases.index", _l("Case register"), _l("Go to the case register"))),
    "ward_health": (("cases.index", _l("Case register"), _l("Go to the case register")),
                    ("rounds.index", _l("Testing rounds"), _l("Plan testing rounds"))),
    "province_health": (("cases.index", _l("Case register"), _l("Go to the case register")),
                        ("rounds.index", _l("Testing rounds"), _l("Plan testing rounds"))),
    "inspector": (("inspection.index", _l("Inspections"), _l("Go to your inspections")),),
    "province_admin": (
        ("reports.dashboard", _l("Province dashboard"), _l("Go to the province dashboard")),
        ("officials.index", _l("Accounts"), _l("Manage official accounts")),
        ("inspection.suspicious", _l("Suspicious check-ins"), _l("Review suspicious check-ins")),
    ),
}


def home_links(user):
    """The (url, label, call to action) of a user's own pages; empty for visitors."""
    if user is None or not user.is_authenticated:
        return []
    return [(url_for(endpoint), label, action) for endpoint, label, action in HOMES.get(user.role, ())]


def home_for(user):
    """Where a user starts: the first of their own pages, else the public home page."""
    links = home_links(user)
    return links[0][0] if links else url_for("public.index")


def template_values():
    """For every template: `my_links()`, called only where drawn (error pages may skip the user)."""
    return {"my_links": lambda: home_links(current_user)}
