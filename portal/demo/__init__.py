"""Demo data for a first look at the portal."""


def init_app(app):
    """Register `flask demo`."""
    from .cli import demo_cli

    app.cli.add_command(demo_cli)
