"""Form shapes for scanning, assisted check-in, staff accounts, checkpoint officers and lanes."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..auth.passwords import StrongPassword
from ..forms_common import birth_year_field, full_name_field, options
from ..text import VietnamesePhone


#: The two ways through a checkpoint, as a lane's or a scan's choice.
DIRECTION_CHOICES = (("in", _l("Into the area")), ("out", _l("Out of the area")))

_NONCE = re.compile(r"^[0-9a-f]{32}$")


def nonce_field():
    """The page's one-time key: a page submitted twice (a reload, a double click) records once.

    Anything but 32 hex digits reads as no key at all, so odd input never reaches the database.
    """
    return HiddenField(filters=[lambda value: value if value and _NONCE.match(value) else None])


class ScanForm(FlaskForm):
    token = StringField(
        _l("Pass or ID card"),
        description=_l("Scan the pass or the QR code on the back of a chip ID card, or type the pass's 40 digits "
                       "and press Enter."),
    )
    nonce = nonce_field()
    # At a checkpoint without lanes the officer says which way each person crosses; the route
    # checks the value (validate_choice=False: a missing choice is answered with its own message).
    direction = RadioField(_l("Which way do they cross?"), choices=options(DIRECTION_CHOICES), validate_choice=False)


class LaneForm(FlaskForm):
    """A new lane at a checkpoint: its name and the one direction people cross it in."""

    venue = SelectField(_l("Checkpoint"), choices=[], validators=[DataRequired(_l("Choose a checkpoint."))])
    name = StringField(
        _l("Lane name"), description=_l("As the officers call it, e.g. “Lane 1, towards the city”."),
        validators=[DataRequired(_l("Enter the lane's name.")), Length(max=60, message=_l("Use at most 60 characters."))],
    )
    direction = RadioField(_l("Direction"), choices=options(DIRECTION_CHOICES),
                           validators=[DataRequired(_l("Choose the lane's direction."))])


class LookupForm(FlaskForm):
    """A phone number alone finds nobody: the year of birth must match too."""

    phone = StringField(
        _l("Phone number"),
        validators=[DataRequired(_l("Enter the person's phone number.")), VietnamesePhone()],
    )
    birth_year = birth_year_field()


class ChooseForm(FlaskForm):
    # The signed state of the look-up (see staff/assist.py); the choices are opaque handles.
    state = HiddenField(validators=[DataRequired(), Length(max=400)])
    # validate_choice=False: the route checks the handle, with a message in the user's language.
    person = RadioField(_l("Who is it?"), choices=[], validate_choice=False,
                        validators=[DataRequired(_l("Choose the person."))])
    nonce = nonce_field()


class PersonForm(FlaskForm):
    full_name = full_name_field()
    phone = StringField(
        _l("Phone number (optional)"),
        description=_l("Leave empty if the person has no phone."),
        validators=[Optional(), VietnamesePhone()],
    )
    birth_year = birth_year_field()
    nonce = nonce_field()


class AccountForm(FlaskForm):
    full_name = full_name_field()
    phone = StringField(
        _l("Phone number"),
        description=_l("They log in with this number."),
        validators=[DataRequired(_l("Enter the phone number.")), VietnamesePhone()],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 8 characters. Give it to them in person."),
        validators=[DataRequired(_l("Choose a password.")), Length(min=8, max=128, message=_l("Use 8 to 128 characters.")),
                    StrongPassword()],
    )


class AssignForm(FlaskForm):
    officer = SelectField(_l("Officer"), choices=[], validators=[DataRequired(_l("Choose an officer."))])
    venue = SelectField(_l("Checkpoint"), choices=[], validators=[DataRequired(_l("Choose a checkpoint."))])


class MemberForm(FlaskForm):
    """A POST naming one account (remove, unassign, deactivate)."""

    user = HiddenField(validators=[DataRequired()])
    venue = HiddenField()
