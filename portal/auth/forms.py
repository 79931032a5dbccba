"""Sign-up and login form shapes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..text import EmailAddress, MaxLength, PhoneField, PlainText, VietnamesePhone
from .passwords import StrongPassword

#: Every role's name as people say it.
ROLE_NAMES = {
    "owner": _l("Venue owner"),
    "staff": _l("Venue staff"),
    "checkpoint": _l("Checkpoint officer"),
    "ward_official": _l("Ward official"),
    "tracer": _l("Health tracer"),
    "province_admin": _l("Province administrator"),
    "inspector": _l("Inspector"),
    "ward_health": _l("Ward health official"),
    "province_health": _l("Province health official"),
}


class SignupForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), PlainText(), MaxLength(120)],
    )
    phone = PhoneField(
        _l("Phone number"),
        description=_l("You log in with this number."),
        validators=[DataRequired(_l("Enter your phone number.")), VietnamesePhone()],
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), PlainText(), MaxLength(254), EmailAddress()],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters."),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=8, max=128, message=_l("Use 8 to 128 characters.")),
            StrongPassword(),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
    )


class LoginForm(FlaskForm):
    phone = StringField(
        _l("Phone number"), validators=[DataRequired(_l("Enter your phone number."))]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password."))]
    )


class NewPasswordForm(FlaskForm):
    """A province administrator gives an account a new first password.

    The route sets `password_context` (the account's phone and name) for the strength check.
    """

    password = PasswordField(
        _l("New first password"),
        description=_l("At least 10 characters. Hand it over in person."),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=10, max=128, message=_l("Use 10 to 128 characters.")),
            StrongPassword(),
        ],
    )
