"""Who sees which cases and contacts: written once; everyone outside gets 404.

Tracers and province health officials see the whole province; a ward health official sees the
cases and contacts that belong to their wards (a case: its ward of residence; a contact: the ward
of residence the tracer recorded, else the ward of the exposure venue). Nobody else sees any.
"""
from flask import abort
from sqlalchemy import select

from ..extensions import db
from .models import CaseContact, HealthCase

#: Roles that see health data of the register.
HEALTH_ROLES = ("tracer", "province_health", "ward_health")
#: Roles that see the whole province.
PROVINCE_WIDE = ("tracer", "province_health")
#: Roles that record test results, change a classification and turn a positive contact into a case.
CARE_ROLES = HEALTH_ROLES


def health_wards(actor):
    """None for the whole province, else the ward codes the actor may see; 404 for other roles."""
    if actor is None or not actor.is_authenticated or actor.role not in HEALTH_ROLES:
        abort(404)
    if actor.role in PROVINCE_WIDE:
        return None
    return {w.division_code for w in actor.wards}


def scoped(query, column, actor):
    """`query` narrowed to what `actor` may see by the ward `column`."""
    wards = health_wards(actor)
    if wards is None:
        return query
    return query.where(column.in_(sorted(wards) or [""]))


def _valid_ref(ref):
    if not ref or len(ref) > 32:
        abort(404)


def case_for(actor, ref):
    """The case with this reference if `actor` may see it, else 404."""
    _valid_ref(ref)
    case = db.session.scalar(scoped(select(HealthCase).where(HealthCase.ref == ref), HealthCase.ward_code, actor))
    if case is None:
        abort(404)
    return case


def contact_for(actor, ref):
    """The followed-up contact with this reference if `actor` may see it, else 404."""
    _valid_ref(ref)
    contact = db.session.scalar(
        scoped(select(CaseContact).where(CaseContact.ref == ref), CaseContact.ward_code, actor))
    if contact is None:
        abort(404)
    return contact


def may_see_case(actor, case):
    """Whether `actor` may open this case's page (for links in a chain of transmission)."""
    wards = health_wards(actor)
    return wards is None or case.ward_code in wards
