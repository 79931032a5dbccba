"""Cases and the people who follow them up: the F0 register and the F1 list."""


def init_app(app):
    """Register the case pages (none yet)."""
