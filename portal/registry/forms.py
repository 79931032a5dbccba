"""Registry form shapes: the file upload, a follow-up, and suspending or reopening a venue."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from ..forms_common import DayField, options
from ..text import PlainText
from .models import ACTIONS




class ImportForm(FlaskForm):
    file = FileField(
        _l("Registry file (CSV or XLSX)"),
        description=_l("First row: registration or tax number, name, address, ward (code or name), "
                       "category. Vietnamese or English headers."),
        validators=[FileRequired(_l("Choose the file to import."))],
    )


class ConfirmForm(FlaskForm):
    """Import a checked file, kept under `check`, with its types read as shown."""

    check = HiddenField(validators=[DataRequired(), Length(max=32)])


def _reason_field(label, description, *validators):
    return TextAreaField(label, description=description, validators=[
        *validators, Length(max=300, message=_l("Use at most %(max)d characters.")), PlainText()])


class SuspendForm(FlaskForm):
    reason = _reason_field(
        _l("Reason for the suspension"), _l("The venue's owner reads it. At most 300 characters."),
        DataRequired(_l("Write the reason for the suspension: the venue's owner reads it.")),
    )


class ReopenForm(FlaskForm):
    # Same field name as SuspendForm: one of the two shows at a time, under the same heading.
    reason = _reason_field(
        _l("Note for the owner (optional)"), _l("For example what was put right. At most 300 characters."),
        Optional(),
    )


class FollowUpForm(FlaskForm):
    # validate_choice=False: WTForms' own "Not a valid choice" has no Vietnamese translation.
    action = SelectField(
        _l("Action"), choices=options([("", _l("Choose…"))] + list(ACTIONS.items())), validate_choice=False,
        validators=[DataRequired(_l("Choose what was done.")),
                    AnyOf(list(ACTIONS), message=_l("Choose what was done."))],
    )
    action_on = DayField(
        _l("Date"), format=["%Y-%m-%d", "%d/%m/%Y"], description=_l("For example 25/11/2026."),
        validators=[DataRequired(_l("Enter the date as day/month/year, for example 25/11/2026."))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=500, message=_l("Use at most %(max)d characters.")), PlainText()],
        description=_l("Optional, except for a suspension: then write the reason, which the venue's owner "
                       "reads. Suspended or Reopened changes the venue's status at once."),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        if today is not None and not self.is_submitted() and self.action_on.data is None:
            self.action_on.data = today

    def validate_note(self, field):
        if self.action.data == "suspended" and not field.data:
            raise ValidationError(_l("Write the reason for the suspension: the venue's owner reads it."))

    def validate_action_on(self, field):
        if self.today is not None and field.data and field.data > self.today:
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data and field.data.year < 2020:
            raise ValidationError(_l("Enter a date from 2020 on."))
