"""Inspection form shapes: one poster's content, the record, confirming a proposed suspension."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import DayField, options
from ..text import PlainText
from .models import CHECKLIST, RESULTS


class PosterForm(FlaskForm):
    # No length validator: the service answers a 10 KB paste with its own clear message.
    payload = StringField(
        _l("Poster's QR content or code"),
        description=_l("Scan the QR with a barcode scanner (it types and presses Enter), or type the code "
                       "printed under it."),
    )


class RecordForm(FlaskForm):
    result = RadioField(_l("Result"), choices=options(RESULTS.items()), validate_choice=False,
                        validators=[DataRequired(_l("Choose the result."))])
    fix_by = DayField(_l("To fix by"), format=["%Y-%m-%d", "%d/%m/%Y"], validators=[Optional()],
                      description=_l("Only for “to fix by a date”, for example 25/12/2026."))
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=1000, message=_l("Use at most %(max)d characters.")),
                                PlainText()],
        description=_l("What to fix or what was wrong; the owner reads it. Required unless the venue meets "
                       "the conditions."),
    )
    propose_suspension = BooleanField(_l("Propose suspending the venue (an official of the ward decides)"))


for _column, _label in CHECKLIST:
    setattr(RecordForm, _column, BooleanField(_label))


class ConfirmSuspensionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the suspension"), description=_l("The venue's owner reads it. At most 300 characters."),
        validators=[DataRequired(_l("Write the reason for the suspension: the venue's owner reads it.")),
                    Length(max=300, message=_l("Use at most %(max)d characters.")), PlainText()],
    )


class FlagDecisionForm(FlaskForm):
    """Deciding a suspicious-check-ins entry: the CSRF token; the button pressed names the decision."""
