"""The cases a tracer may open."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import defaultload

from ..extensions import db
from .models import Case, Exposure


def case_for(actor, ref):
    """The tracing case with this reference; 404 for anyone but a tracer, or an unknown case."""
    if actor.role != "tracer" or not ref or len(ref) > 32:
        abort(404)
    # The exposure windows load only on the case page; when they do, their venues come with them.
    case = db.session.scalar(
        select(Case).options(defaultload(Case.exposures).joinedload(Exposure.venue)).where(Case.ref == ref))
    if case is None:
        abort(404)
    return case
