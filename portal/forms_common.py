"""One answer for every form page: a submitted form that shows errors answers 422, not 200.

Browsers show the page either way; the status tells tests, monitoring and scripts that nothing
was saved.
"""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .clock import local_date, utcnow
from .text import PlainText
from wtforms.fields.choices import SelectChoice

INVALID = 422


def options(pairs):
    """(value, label) pairs as the SelectChoice a field's declared `choices=` takes (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_status(*forms):
    """422 when this request submitted a form (a POST) and one of `forms` shows errors, else 200."""
    if request.method == "POST" and any(form is not None and form.errors for form in forms):
        return INVALID
    return 200


def render_form(template, form, **context):
    """Render a form page: 422 when the submitted form shows errors, 200 otherwise."""
    return render_template(template, form=form, **context), form_status(form)


class DayField(DateField):
    """A date typed as 2026-11-25 (date picker) or 25/11/2026, with our own message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter the date as day/month/year, for example 25/11/2026.")) from exc


class BirthYear:
    """A four-digit year from 1900 to this year; the field's data becomes an int."""

    def __call__(self, form, field):
        raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
        this_year = local_date(utcnow()).year
        if not (isinstance(raw, int) or (isinstance(raw, str) and raw.isascii() and raw.isdigit())):
            raise ValidationError(_l("Enter the year you were born, for example 1985."))
        year = int(raw)
        if not 1900 <= year <= this_year:
            raise ValidationError(_l("Enter a year from 1900 to %(year)s.", year=this_year))
        field.data = year


#: How long a person's name may be, everywhere a name is typed.
NAME_MAX = 100


def full_name_field(label=_l("Full name"), required=_l("Enter the person's full name.")):
    """A person's full name as on their ID card: required, plain text, at most NAME_MAX characters."""
    return StringField(label, validators=[
        DataRequired(required), PlainText(), Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
    ])


def birth_year_field(example="1985", required=None):
    """A year of birth, four digits (the field's data becomes an int)."""
    required = required or _l("Enter the year the person was born, for example %(year)s.", year=example)
    return StringField(_l("Year of birth"), description=_l("For example %(year)s.", year=example),
                       validators=[DataRequired(required), BirthYear()])
