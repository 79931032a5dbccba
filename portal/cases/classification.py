"""The classification of a confirmed case: risk level, care place, status (docs/cases.md).

Risk levels follow the Ministry of Health's four-level scheme for people infected with
SARS-CoV-2 (Decision 4111/QĐ-BYT of 26 August 2021): green (low), yellow (medium), orange (high),
red (very high). Health staff assess the level; the portal records it and its changes.
"""
from flask_babel import lazy_gettext as _l

RISK_LEVELS = {
    "green": _l("Green – low risk"),
    "yellow": _l("Yellow – medium risk"),
    "orange": _l("Orange – high risk"),
    "red": _l("Red – very high risk"),
}
CARE_PLACES = {
    "home": _l("Cared for at home"),
    "facility": _l("Isolation facility"),
    "hospital": _l("Hospital"),
}
STATUSES = {
    "under_care": _l("Under care"),
    "recovered": _l("Recovered"),
    "transferred": _l("Transferred"),
    "deceased": _l("Deceased"),
}
#: The status of a case still open; any other closes it and starts its retention period.
OPEN_STATUS = "under_care"

CONTACT_STATUSES = {
    "quarantine": _l("In quarantine"),
    "released": _l("Released from quarantine"),
    "became_case": _l("Tested positive: now a confirmed case"),
}
TEST_KINDS = {"pcr": _l("RT-PCR"), "antigen": _l("Rapid antigen test")}
TEST_RESULTS = {"negative": _l("Negative"), "positive": _l("Positive")}


def label(table, code):
    """A code's label as text; an unknown code shows as itself."""
    value = table.get(code)
    return str(value) if value is not None else code
