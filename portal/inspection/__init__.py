"""Inspection: inspectors check venue posters on site and record what they found."""


def init_app(app):
    """Register the inspection pages (none yet)."""
