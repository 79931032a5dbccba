"""Venue form shape."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional, Regexp

from ..forms_common import options
from ..text import MaxLength, PhoneField, PlainText, VietnamesePhone
from .models import CATEGORIES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _hour_minute(value):
    """'7:30', '7h30' or '07.30' as '07:30'; empty as None; anything else as typed (the regexp refuses it)."""
    value = (value or "").strip().lower().replace("h", ":").replace(".", ":")
    if not value:
        return None
    hours, _sep, minutes = value.partition(":")
    if hours.isdigit() and len(hours) <= 2 and (minutes.isdigit() and len(minutes) == 2 or not minutes):
        return f"{int(hours):02d}:{minutes or '00'}"
    return value


class VenueForm(FlaskForm):
    name = StringField(
        _l("Name of the place"),
        validators=[DataRequired(_l("Enter the name of the place.")), PlainText(), MaxLength(200)],
    )
    # validate_choice=False: WTForms' own "Not a valid choice" has no Vietnamese translation.
    category = SelectField(
        _l("Kind of place"),
        choices=options([("", _l("Choose…"))] + list(CATEGORIES.items())),
        validate_choice=False,
        validators=[
            DataRequired(_l("Choose the kind of place.")),
            AnyOf(list(CATEGORIES), message=_l("Choose the kind of place.")),
        ],
    )
    registration_number = StringField(
        _l("Business registration or tax number"),
        description=_l("10 or 13 digits, e.g. 3700123456. Household businesses may leave it empty."),
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(
                r"^[0-9]{10}(-?[0-9]{3})?$",
                message=_l("Enter 10 digits, or 10 digits and a 3-digit branch number."),
            ),
        ],
    )
    address = StringField(
        _l("Street address"),
        description=_l("House number and street; the ward is chosen below."),
        validators=[DataRequired(_l("Enter the address.")), PlainText(), MaxLength(300)],
    )
    ward_code = SelectField(
        _l("Ward or commune"),
        choices=[],
        validate_choice=False,  # the service checks the ward belongs to the province
        validators=[
            DataRequired(_l("Choose the ward or commune.")),
            Regexp(r"^\d{1,10}$", message=_l("Choose the ward or commune.")),
        ],
    )
    contact_phone = PhoneField(
        _l("Contact phone"),
        validators=[DataRequired(_l("Enter a contact phone number.")), VietnamesePhone()],
    )
    default_stay_minutes = IntegerField(
        _l("Usual length of a visit (minutes)"),
        description=_l("Visitors who forget to check out are checked out after this time."),
        default=60,
        validators=[
            DataRequired(_l("Enter the usual length of a visit in minutes.")),
            NumberRange(min=5, max=720, message=_l("Enter a number of minutes from 5 to 720.")),
        ],
    )

    # Optional; a plain "HH:MM" text box works with JavaScript off and in every browser.
    opens_at = StringField(
        _l("Opens at (optional)"),
        description=_l("24-hour time, e.g. 07:00. Leave both times empty if the hours vary."),
        filters=[_hour_minute],
        validators=[Optional(), Regexp(HOUR_MINUTE, message=_l("Enter a time such as 07:00."))],
    )
    closes_at = StringField(
        _l("Closes at (optional)"),
        description=_l("24-hour time, e.g. 22:00; a time before the opening time means after midnight."),
        filters=[_hour_minute],
        validators=[Optional(), Regexp(HOUR_MINUTE, message=_l("Enter a time such as 22:00."))],
    )

    def validate(self, extra_validators=None):
        """The fields, then: both opening times or neither, and not the same time."""
        if not super().validate(extra_validators):
            return False
        opens, closes = self.opens_at.data, self.closes_at.data
        if bool(opens) != bool(closes):
            missing = self.closes_at if opens else self.opens_at
            missing.errors.append(_l("Enter both the opening and the closing time, or leave both empty."))
            return False
        if opens and opens == closes:
            self.closes_at.errors.append(_l("The closing time must differ from the opening time."))
            return False
        return True

    def set_categories(self, allowed):
        """Offer only the kinds of place this account may register (the service checks again)."""
        offered = [(c, CATEGORIES[c]) for c in allowed if c in CATEGORIES]
        self.category.choices = offered if len(offered) == 1 else [("", _l("Choose…"))] + offered

    def set_wards(self, wards):
        """Offer the loaded wards of the province (a plain select works without JavaScript)."""
        self.ward_code.choices = [("", _l("Choose…"))] + [(w.code, w.name) for w in wards]


class EntranceForm(FlaskForm):
    """The name of a new entrance (gate or area) of a venue."""

    name = StringField(
        _l("Name of the entrance or area"),
        description=_l("As people at the gate know it, e.g. North gate, Gate 2, Emergency department."),
        validators=[DataRequired(_l("Enter the name of the entrance.")), PlainText(), MaxLength(100)],
    )
