"""Visitor form shapes; CSRF comes from the device cookie (see device.py)."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..models_base import utcnow
from ..text import PlainText, VietnamesePhone
from .device import DeviceForm

NONCE_PATTERN = r"[A-Za-z0-9_-]{16,64}"
NAME_LENGTH = Length(max=100, message=_l("Use at most %(max)d characters."))


class BirthYear:
    """A four-digit year from 1900 to this year; the field's data becomes an int."""

    def __call__(self, form, field):
        from ..checkin.services import local_day

        raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
        this_year = local_day(utcnow(), current_app.config["PORTAL_TIMEZONE"]).year
        if not (isinstance(raw, int) or (isinstance(raw, str) and raw.isascii() and raw.isdigit())):
            raise ValidationError(_l("Enter the year you were born, for example 1985."))
        year = int(raw)
        if not 1900 <= year <= this_year:
            raise ValidationError(_l("Enter a year from 1900 to %(year)s.", year=this_year))
        field.data = year


def nonce_field():
    """The form's idempotency key: a retried POST records one visit, not two.

    Not validated: the route uses it only when it matches NONCE_PATTERN (see `usable_nonce`).
    """
    return HiddenField()


def usable_nonce(value):
    """The submitted nonce when well formed, else None."""
    return value if isinstance(value, str) and re.fullmatch(NONCE_PATTERN, value) else None


class VisitorForm(DeviceForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), PlainText(), NAME_LENGTH],
    )
    phone = StringField(
        _l("Phone number"),
        description=_l("Health workers call this number if you were near a confirmed case."),
        validators=[DataRequired(_l("Enter your phone number.")), VietnamesePhone()],
    )
    birth_year = StringField(
        _l("Year of birth"),
        description=_l("For example 1985."),
        validators=[DataRequired(_l("Enter the year you were born, for example 1985.")), BirthYear()],
    )
    nonce = nonce_field()


class DependentForm(DeviceForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's full name.")), PlainText(), NAME_LENGTH],
    )
    birth_year = StringField(
        _l("Year of birth"),
        description=_l("For example 2015."),
        validators=[DataRequired(_l("Enter the year the person was born, for example 2015.")), BirthYear()],
    )


class ActionForm(DeviceForm):
    """A button that changes something (forget, remove, check out): only the CSRF token."""
