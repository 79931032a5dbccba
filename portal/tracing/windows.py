"""The days a trace looks at, from a page's query string, and the tracer-facing error texts: one
implementation for the tracing pages and the case register's contact lists."""
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from . import operations
from .forms import WindowForm
from .services import TracingError


def error_message(code):
    """The tracer-facing text for a TracingError code."""
    days = current_app.config["PORTAL_RETENTION_DAYS"]
    return {
        "reference": _("Enter the case reference."),
        "purpose": _("Enter the purpose of this trace."),
        "personal_number": _("Do not write phone or ID numbers here: this text is kept in the audit log."),
        "date_missing": _("Enter the first and the last day."),
        "reversed": _("The first day must be on or before the last day."),
        "future": _("The last day cannot be in the future."),
        "too_old": _("Data older than %(days)d days is deleted; choose a later first day.", days=days),
        "window_missing": _("Enter when the window starts and ends."),
        "window_reversed": _("The end must be after the start."),
        "window_long": _("An exposure window can be at most 24 hours long."),
        "window_future": _("The window cannot end in the future."),
        "window_old": _("Data older than %(days)d days is deleted; choose a later start.", days=days),
        "advice": _("Choose the advice for visitors."),
    }[code]


def window_from_args(args, settings, now):
    """(form, checked Window or None) from `args` (a request's query string), the defaults filled in:
    the retention period's days, the overlap rule and its minutes."""
    date_from, date_to = operations.default_days(now, settings)
    values = MultiDict({"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "rule": "overlap",
                        "minutes": str(settings.contact_minutes)})
    for key in list(values.keys()):
        if key in args:
            values[key] = args[key]
    form = WindowForm(formdata=values)
    if not form.validate():
        return form, None
    try:
        window = operations.make_window(form.date_from.data, form.date_to.data, now=now, settings=settings,
                                        rule=form.rule.data, minutes=form.minutes.data)
    except TracingError as exc:
        getattr(form, exc.field).errors.append(error_message(exc.code))
        return form, None
    return form, window
