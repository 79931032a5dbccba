"""Form shapes of the case register; the rules are in services.py and followups.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..forms_common import NAME_MAX, DayField, options
from ..text import MaxLength, PlainText
from .classification import CARE_PLACES, RISK_LEVELS, STATUSES, TEST_KINDS, TEST_RESULTS


class _Choice:
    """A choice among `table`'s codes, with a clear message (WTForms' own is English)."""

    def __init__(self, table, message):
        self.table, self.message = table, message

    def __call__(self, form, field):
        if field.data not in self.table:
            raise ValidationError(self.message)


def _year(form, field):
    raw = (field.data or "").strip()
    if not raw:
        field.data = None
        return
    if not (raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 2100):
        raise ValidationError(_l("Enter the year the person was born, for example 1985."))
    field.data = int(raw)


def _ward_field(label, required=True, description=None):
    validators = [InputRequired(_l("Choose the ward."))] if required else [Optional()]
    return SelectField(label, description=description, validators=validators, validate_choice=False)


class CaseForm(FlaskForm):
    phone = StringField(_l("Phone number"), description=_l("For example 0912 345 678."),
                        validators=[Optional(), MaxLength(20)])
    id_number = StringField(_l("ID card number"), description=_l("9 or 12 digits."),
                            validators=[Optional(), MaxLength(20)])
    pass_number = StringField(_l("Pass number"), description=_l("The number under the person's pass QR code."),
                              validators=[Optional(), MaxLength(40)])
    full_name = StringField(_l("Full name"),
                            description=_l("Leave empty to use the name of the person found by phone, ID or pass."),
                            validators=[Optional(), PlainText(), Length(max=NAME_MAX)])
    birth_year = StringField(_l("Year of birth"), description=_l("For example 1985."), validators=[_year])
    ward = _ward_field(_l("Ward of residence"))
    positive_on = DayField(_l("Date of the positive test"), validators=[InputRequired(_l("Enter the date of the "
                                                                                         "positive test."))])
    risk_level = RadioField(_l("Risk level"), choices=options(RISK_LEVELS.items()), validate_choice=False,
                            validators=[_Choice(RISK_LEVELS, _l("Choose the risk level."))])
    care_place = RadioField(_l("Where the person is cared for"), choices=options(CARE_PLACES.items()),
                            validate_choice=False, validators=[_Choice(CARE_PLACES, _l("Choose where the person "
                                                                                        "is cared for."))])


class ClassifyForm(FlaskForm):
    risk_level = RadioField(_l("Risk level"), choices=options(RISK_LEVELS.items()), validate_choice=False,
                            validators=[_Choice(RISK_LEVELS, _l("Choose the risk level."))])
    care_place = RadioField(_l("Where the person is cared for"), choices=options(CARE_PLACES.items()),
                            validate_choice=False, validators=[_Choice(CARE_PLACES, _l("Choose where the person "
                                                                                        "is cared for."))])
    status = RadioField(_l("Status"), choices=options(STATUSES.items()), validate_choice=False,
                        validators=[_Choice(STATUSES, _l("Choose the status."))])


class ConfirmForm(FlaskForm):
    """The contacts chosen on a trace's contact list, and their ward of residence if known."""

    residence = _ward_field(_l("Ward of residence of the people chosen"), required=False,
                            description=_l("Leave empty when not known: each person then belongs to the ward of "
                                           "the place they were exposed."))


class TestForm(FlaskForm):
    tested_on = DayField(_l("Day of the test"), validators=[InputRequired(_l("Enter the day of the test."))])
    kind = RadioField(_l("Kind of test"), choices=options(TEST_KINDS.items()), validate_choice=False,
                      validators=[_Choice(TEST_KINDS, _l("Choose the kind of test."))])
    result = RadioField(_l("Result"), choices=options(TEST_RESULTS.items()), validate_choice=False,
                        validators=[_Choice(TEST_RESULTS, _l("Choose the result."))])


class BecomeCaseForm(FlaskForm):
    tested_on = DayField(_l("Date of the positive test"),
                         validators=[InputRequired(_l("Enter the date of the positive test."))])
    kind = RadioField(_l("Kind of test"), choices=options(TEST_KINDS.items()), validate_choice=False,
                      validators=[_Choice(TEST_KINDS, _l("Choose the kind of test."))])
    risk_level = ClassifyForm.risk_level
    care_place = ClassifyForm.care_place


class ResidenceForm(FlaskForm):
    residence = _ward_field(_l("Ward of residence"))


def ward_choices(form_field, wards, blank=_l("Choose…")):
    """Offer the province's wards (already in Vietnamese order) in a select."""
    form_field.choices = options([("", blank)] + [(w.code, w.name) for w in wards])
