"""Visitor form shapes; CSRF comes from the device cookie (see device.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from ..text import VietnamesePhone
from ..forms_common import birth_year_field, full_name_field
from .device import DeviceForm





def nonce_field():
    """The form's idempotency key: a retried POST records one visit, not two.

    Not validated: the route uses it only when well formed (see `identifiers.usable_nonce`).
    """
    return HiddenField()



class VisitorForm(DeviceForm):
    full_name = full_name_field(required=_l("Enter your full name."))
    phone = StringField(
        _l("Phone number"),
        description=_l("Health workers call this number if you were near a confirmed case."),
        validators=[DataRequired(_l("Enter your phone number.")), VietnamesePhone()],
    )
    birth_year = birth_year_field(required=_l("Enter the year you were born, for example 1985."))
    nonce = nonce_field()
    notice = HiddenField()  # the privacy notice version shown with the form (visitors/notice.py)


class DependentForm(DeviceForm):
    full_name = full_name_field()
    birth_year = birth_year_field(example="2015")


class ProfileForm(DeviceForm):
    """The person's own name and year of birth (/me/profile)."""

    full_name = full_name_field(required=_l("Enter your full name."))
    birth_year = birth_year_field(required=_l("Enter the year you were born, for example 1985."))


class ActionForm(DeviceForm):
    """A button that changes something (forget, remove, check out): only the CSRF token."""
