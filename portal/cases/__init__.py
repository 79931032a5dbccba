"""The health side's register: confirmed cases (F0), their classification, the F1/F2 people
followed up from their traces, and test results. Builds on portal/tracing for every trace."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")


def init_app(app):
    """Register the case register's pages, and its answer to scanners: refer, or admit."""
    from .. import signals
    from .views import followed, register, traces  # noqa: F401  (routes on bp)
    from .admission import held_from_admission
    from . import holds
    from .me import me_panel

    app.register_blueprint(bp)
    signals.admission_holds.connect(held_from_admission, sender=app)
    # The person's own status and what to do, on their /me page only.
    signals.me_panels.connect(me_panel, sender=app)
    # A person's deletion of their data: held while a case or quarantine is open.
    signals.person_holds.connect(holds.person_holds, sender=app)
    signals.erase_person_data.connect(holds.erase_person_data, sender=app)
