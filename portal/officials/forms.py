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
from ..inspection.models import DEPARTMENTS
from ..venues.models import CATEGORIES
from ..text import PlainText, VietnamesePhone

ROLE_LABELS = {role: ROLE_NAMES[role] for role in OFFICIAL_ROLES}


class WardsMixin:
    def set_wards(self, wards):
        """Offer the wards of the province as checkboxes."""
        self.wards.choices = [(w.code, w.name) for w in wards]
        self.ward_rows = list(wards)


def _department_field():
    return SelectField(
        _l("Department"), choices=options([("", _l("Choose…"))] + list(DEPARTMENTS.items())), validate_choice=False,
        description=_l("Only for inspectors: the department they inspect for."),
    )


def _categories_field():
    return SelectMultipleField(
        _l("Kinds of venue inspected"), choices=options(CATEGORIES.items()), validate_choice=False,
        description=_l("Only for inspectors: the kinds of venue they inspect in their wards."),
    )


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
        description=_l("For ward officials and inspectors: the wards they work for."),
    )
    department = _department_field()
    categories = _categories_field()

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
        description=_l("For ward officials and inspectors: the wards they work for."),
    )
    department = _department_field()
    categories = _categories_field()
