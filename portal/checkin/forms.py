"""Check-in form shapes; CSRF comes from the device cookie (see visitors/device.py)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import ValidationError

from ..visitors.device import DeviceForm
from ..visitors.forms import nonce_field


class CheckInForm(DeviceForm):
    """One tap: the remembered person, plus the dependents ticked."""

    nonce = nonce_field()
    # The changed privacy notice's version, set only when the page shows it: posting it confirms it was read.
    notice = HiddenField()
    # validate_choice=False: WTForms' own message has no Vietnamese translation.
    dependents = SelectMultipleField(_l("Who is with you?"), choices=[], validate_choice=False)

    def validate_dependents(self, field):
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data or ()):
            raise ValidationError(_l("Tick only people from your household list."))
