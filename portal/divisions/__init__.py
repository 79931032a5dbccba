"""Administrative divisions: the province's wards and communes."""


def init_app(app):
    """Register `flask divisions`."""
    from .cli import divisions_cli

    app.cli.add_command(divisions_cli)
