"""Form shapes for personal passes and printed pass cards."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..text import PlainText, VietnamesePhone
from ..visitors.device import DeviceForm
from ..visitors.forms import BirthYear


def full_name_field(label=_l("Full name")):
    """The person's full name, as on their ID card."""
    return StringField(label, validators=[DataRequired(_l("Enter the full name.")), Length(max=100), PlainText()])


def birth_year_field():
    """Year of birth: four digits (the same rule as the visitor's own form)."""
    return StringField(
        _l("Year of birth"),
        description=_l("Four digits, e.g. 1958."),
        validators=[DataRequired(_l("Enter the year of birth, e.g. 1958.")), BirthYear()],
    )


class CardForm(FlaskForm):
    full_name = full_name_field()
    phone = StringField(
        _l("Phone number"),
        description=_l("The person's own number or a family member's, for health workers to call."),
        validators=[DataRequired(_l("Enter the phone number.")), VietnamesePhone()],
    )
    birth_year = birth_year_field()


class PassActionForm(DeviceForm):
    """A button on /me (get or replace a pass): the device-bound CSRF token and whose pass."""

    person = HiddenField()
