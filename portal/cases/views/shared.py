"""What the register's pages share: settings, the province's wards, error texts, labels."""
from flask import current_app, flash
from flask_babel import gettext as _
from sqlalchemy import select

from ...divisions.models import Division
from ...extensions import db
from .. import services
from ..classification import CARE_PLACES, CONTACT_STATUSES, RISK_LEVELS, STATUSES, TEST_KINDS, TEST_RESULTS, label


def settings():
    return services.settings_from(current_app.config)


def wards():
    province = str(current_app.config["PORTAL_PROVINCE"])
    return db.session.scalars(select(Division).where(Division.province_code == province)
                              .order_by(Division.name_sort, Division.code)).all()


def error_message(code):
    """The text shown for a CaseError code."""
    return {
        "phone": _("Enter a Vietnamese phone number, for example 0912 345 678."),
        "id_number": _("Enter the 9 or 12 digits of the ID card."),
        "pass_number": _("This is not a pass number: check the digits under the QR code."),
        "name_missing": _("Enter the person's full name, or a phone, ID or pass number to find them."),
        "not_found": _("Nobody was found with this phone, ID or pass number: enter the person's full name."),
        "ward": _("Choose a ward of the province."),
        "positive_missing": _("Enter the date of the positive test."),
        "positive_future": _("The date of the positive test cannot be in the future."),
        "positive_old": _("The positive test is too old to be entered (at most 60 days)."),
        "risk_level": _("Choose the risk level."),
        "care_place": _("Choose where the person is cared for."),
        "status": _("Choose the status."),
        "duplicate": _("This person already has an open case in the register."),
        "unchanged": _("Nothing changed: choose a different level, place or status."),
        "no_person": _("The trace has no person yet: look the person up on the trace page first."),
        "none_chosen": _("Choose at least one contact."),
        "none_found": _("The contacts chosen are no longer in the list: show the list again."),
        "tested_missing": _("Enter the day of the test."),
        "tested_future": _("The day of the test cannot be in the future."),
        "kind": _("Choose the kind of test."),
        "result": _("Choose the result."),
        "already_case": _("This person already became a confirmed case."),
        "not_in_quarantine": _("This person is not in quarantine."),
        "f2_trace": _("Only an F1 is traced for F2s."),
    }[code]


def fail(form, exc):
    db.session.rollback()
    field = getattr(form, exc.field, None)
    if field is None:
        flash(error_message(exc.code))
    else:
        field.errors = list(field.errors) + [error_message(exc.code)]


def labels():
    return dict(risk=RISK_LEVELS, care=CARE_PLACES, statuses=STATUSES, contact_statuses=CONTACT_STATUSES,
                kinds=TEST_KINDS, results=TEST_RESULTS, label=label)
