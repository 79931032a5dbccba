"""The audit log's filter form, read from the query string so it works without JavaScript."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf, Optional, ValidationError

from ..forms_common import DayField, options
from ..text import MaxLength, PlainText
from .filters import AuditFilter, matching_actors
from .labels import ACTION_LABELS

#: Days outside these cannot be turned into UTC instants safely (year 1 or 9999 overflow).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DATE_FORMAT = "%d/%m/%Y"


class FilterDay(DayField):
    """A day typed as 25/11/2026 (shown that way) or 2026-11-25, spaces around ignored."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=[DATE_FORMAT, "%Y-%m-%d"], description=_l("For example 25/11/2026."),
                         validators=[Optional(), _plausible_day], **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata([value.strip() for value in valuelist])

    def _value(self):
        # A valid day is shown back as 25/11/2026 even when typed (or picked) as 2026-11-25.
        if self.data and not self.errors:
            return self.data.strftime(DATE_FORMAT)
        return super()._value()


def _plausible_day(form, field):
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Enter a date between 2000 and 2099."))


class AuditFilterForm(FlaskForm):
    """Account, action and local days; every field may stay empty."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    person = StringField(
        _l("Account"), description=_l("The name or phone number of the account, or part of it."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), MaxLength(120), PlainText()],
    )
    # validate_choice=False: WTForms' own "Not a valid choice" has no Vietnamese translation.
    action = SelectField(
        _l("Action"), choices=options([("", _l("All actions"))] + list(ACTION_LABELS.items())), validate_choice=False,
        validators=[Optional(), AnyOf(list(ACTION_LABELS), message=_l("Choose an action from the list."))],
    )
    date_from = FilterDay(_l("From"))
    date_to = FilterDay(_l("To (inclusive)"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def audit_filter(self):
        """The checked filters as an AuditFilter (call after validate())."""
        actors = matching_actors(self.person.data) if self.person.data else None
        return AuditFilter(actor_ids=actors, action=self.action.data or None,
                           first_day=self.date_from.data, last_day=self.date_to.data)

    def query_args(self):
        """The filters as query-string values, to carry into page and export links."""
        values = {
            "person": self.person.data or "",
            "action": self.action.data or "",
            "date_from": self.date_from.data.strftime(DATE_FORMAT) if self.date_from.data else "",
            "date_to": self.date_to.data.strftime(DATE_FORMAT) if self.date_to.data else "",
        }
        return {key: value for key, value in values.items() if value}
