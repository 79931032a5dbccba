"""Tracing form shapes: a case, a person look-up, a date window, an exposure window."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from ..forms_common import options
from ..text import MaxLength, PlainText
from .contacts import RULES
from .exposures import ADVICE
from .services import looks_like_personal_number


class _Translated:
    """Fields whose parse error is in the user's language (WTForms has no Vietnamese)."""

    message = _l("Enter a date like 14/09/2021.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(self.message)) from exc


class LocalDateField(_Translated, DateField):
    """A date typed as 14/09/2021 or picked (2021-09-14)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)


class LocalDateTimeField(_Translated, DateTimeLocalField):
    """A local date and time typed as 14/09/2021 18:30 or picked."""

    message = _l("Enter a date and time like 14/09/2021 18:30.")

    def __init__(self, label=None, validators=None, **kwargs):
        formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        super().__init__(label, validators, format=formats, **kwargs)


class MinutesField(_Translated, IntegerField):
    """A whole number of minutes."""

    message = _l("Enter a number of minutes from 1 to 720.")


def no_personal_numbers(form, field):
    """The audit log keeps this text, so it must not hold a phone or ID number."""
    if looks_like_personal_number(field.data):
        raise ValidationError(_l("Do not write phone or ID numbers here: this text is kept in the audit log."))


class CaseForm(FlaskForm):
    reference = StringField(
        _l("Case reference"),
        description=_l("The health office's reference for the confirmed case, e.g. F0-2021-0917-003."),
        validators=[DataRequired(_l("Enter the case reference.")), MaxLength(60), PlainText(), no_personal_numbers],
    )
    purpose = TextAreaField(
        _l("Purpose of this trace"),
        description=_l("Why you need the data, e.g. find the contacts of a confirmed case."),
        validators=[DataRequired(_l("Enter the purpose of this trace.")), MaxLength(300), PlainText(),
                    no_personal_numbers],
    )


class LookupForm(FlaskForm):
    phone = StringField(_l("Phone number"), description=_l("For example 0912 345 678."),
                        validators=[Optional(), MaxLength(20)])
    id_number = StringField(_l("or ID card number"), description=_l("9 or 12 digits."),
                            validators=[Optional(), MaxLength(20)])

    def validate(self, extra_validators=None):
        """One of the two is needed; with both, the phone number is used."""
        if not super().validate(extra_validators):
            return False
        if not (self.phone.data or "").strip() and not (self.id_number.data or "").strip():
            self.phone.errors.append(_l("Enter the phone number or the ID card number of the person."))
            return False
        return True


class WindowForm(FlaskForm):
    """The dates and contact rule, read from the query string."""

    class Meta:
        csrf = False

    date_from = LocalDateField(_l("From"), validators=[InputRequired(_l("Enter the first day."))])
    date_to = LocalDateField(_l("To"), validators=[InputRequired(_l("Enter the last day."))])
    rule = SelectField(
        _l("Contact rule"),
        choices=options([("overlap", _l("Stays overlapped by at least the minutes below")),
                         ("hour", _l("Scanned within one hour of the case (PC-Covid)"))]),
        default="overlap",
        validate_choice=False,
    )
    minutes = MinutesField(
        _l("Minimum overlap (minutes)"), default=15,
        validators=[InputRequired(_l("Enter the minimum overlap in minutes.")),
                    NumberRange(min=1, max=720, message=_l("Enter a number of minutes from 1 to 720."))],
    )

    def validate_rule(self, field):
        if field.data not in RULES:
            raise ValidationError(_l("Choose a contact rule."))


class ExposureForm(FlaskForm):
    venue_code = StringField(_l("Venue code"), description=_l("The code printed under the venue's QR code."),
                             validators=[DataRequired(_l("Enter the venue code.")), MaxLength(12)])
    starts_at = LocalDateTimeField(_l("From"), validators=[InputRequired(_l("Enter when the window starts."))])
    ends_at = LocalDateTimeField(_l("To"), description=_l("At most 24 hours after the start."),
                                 validators=[InputRequired(_l("Enter when the window ends."))])
    advice = RadioField(_l("Advice to visitors"), choices=options(ADVICE.items()), validate_choice=False)

    def validate_advice(self, field):
        if field.data not in ADVICE:
            raise ValidationError(_l("Choose the advice for visitors."))
