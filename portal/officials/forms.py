"""Official account form shapes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, Length
from wtforms.widgets import PasswordInput

from ..auth.forms import ROLE_NAMES
from ..auth.models import OFFICIAL_ROLES
from ..auth.passwords import StrongPassword
from ..forms_common import options
from ..text import PlainText, VietnamesePhone

ROLE_LABELS = {role: ROLE_NAMES[role] for role in OFFICIAL_ROLES}


class WardsMixin:
    def set_wards(self, wards):
        """Offer the wards of the province as checkboxes."""
        self.wards.choices = [(w.code, w.name) for w in wards]
        self.ward_rows = list(wards)


class OfficialForm(WardsMixin, FlaskForm):
    role = SelectField(
        _l("Role"), choices=options([("", _l("Choose…"))] + list(ROLE_LABELS.items())), validate_choice=False,
        validators=[DataRequired(_l("Choose a role.")), AnyOf(list(ROLE_LABELS), message=_l("Choose a role."))],
    )
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the full name.")), Length(max=120, message=_l("Use at most %(max)d characters.")), PlainText()],
    )
    phone = StringField(
        _l("Phone number"), description=_l("The official logs in with this number."),
        validators=[DataRequired(_l("Enter the phone number.")), VietnamesePhone()],
    )
    password = PasswordField(
        _l("First password"), description=_l("At least 10 characters. Give it to the official in person."),
        validators=[DataRequired(_l("Choose a password.")),
                    Length(min=10, max=128, message=_l("Use 10 to 128 characters.")),
                    StrongPassword()],
    )
    wards = SelectMultipleField(
        _l("Wards"), choices=[], validate_choice=False,
        description=_l("Only for ward officials: the wards they work for."),
    )

    def keep_password(self):
        """Show a first password that passed its checks again, so a filter or another field's
        error does not make the administrator type it twice (it is theirs to hand over anyway)."""
        if self.password.data and not self.password.errors:
            self.password.widget = PasswordInput(hide_value=False)


class OfficialEditForm(WardsMixin, FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the full name.")), Length(max=120, message=_l("Use at most %(max)d characters.")), PlainText()],
    )
    wards = SelectMultipleField(
        _l("Wards"), choices=[], validate_choice=False,
        description=_l("Only for ward officials: the wards they work for."),
    )
