"""Form shapes for personal passes and printed pass cards."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from ..text import VietnamesePhone
from ..visitors.device import DeviceForm
from ..forms_common import birth_year_field, full_name_field



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
