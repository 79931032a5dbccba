"""An inspector's scope: their department, the venue categories and the wards they cover.

Province administrators set it when they create or change the account (portal/officials). Functions
flush; the caller commits.
"""
from sqlalchemy import delete, select

from ..auth.services import end_sessions
from ..divisions.models import Division
from ..extensions import db
from ..venues.models import CATEGORIES
from .models import DEPARTMENTS, InspectorCategory, InspectorScope, InspectorWard


class ScopeError(ValueError):
    """A scope rule failed; `field` names the form field, `code` the reason."""

    def __init__(self, field, code):
        super().__init__(code)
        self.field = field
        self.code = code


def checked_scope(department, categories, ward_codes, province_code):
    """(department, sorted categories, sorted ward codes) when valid, else ScopeError."""
    if department not in DEPARTMENTS:
        raise ScopeError("department", "department_missing")
    cats = sorted({str(c) for c in categories or ()})
    if not cats:
        raise ScopeError("categories", "categories_missing")
    if any(c not in CATEGORIES for c in cats):
        raise ScopeError("categories", "category_unknown")
    codes = sorted({str(c).strip() for c in ward_codes or () if str(c).strip()})
    if not codes:
        raise ScopeError("wards", "wards_missing_inspector")
    found = set(db.session.scalars(
        select(Division.code).where(Division.code.in_(codes), Division.province_code == str(province_code))))
    if found != set(codes):
        raise ScopeError("wards", "ward_unknown")
    return department, cats, codes


def scope_of(user):
    """(department or None, [categories], [ward codes]) of an inspector."""
    scope = db.session.get(InspectorScope, user.id)
    cats = db.session.scalars(select(InspectorCategory.category).where(InspectorCategory.user_id == user.id)
                              .order_by(InspectorCategory.category)).all()
    wards = db.session.scalars(select(InspectorWard.division_code).where(InspectorWard.user_id == user.id)
                               .order_by(InspectorWard.division_code)).all()
    return (scope.department if scope else None), list(cats), list(wards)


def set_scope(user, department, categories, ward_codes, province_code):
    """Give an inspector exactly this scope; their sessions end when what they may see changes."""
    department, cats, codes = checked_scope(department, categories, ward_codes, province_code)
    before = scope_of(user)
    scope = db.session.get(InspectorScope, user.id)
    if scope is None:
        db.session.add(InspectorScope(user_id=user.id, department=department))
    else:
        scope.department = department
    db.session.execute(delete(InspectorCategory).where(InspectorCategory.user_id == user.id))
    db.session.execute(delete(InspectorWard).where(InspectorWard.user_id == user.id))
    db.session.add_all([InspectorCategory(user_id=user.id, category=c) for c in cats])
    db.session.add_all([InspectorWard(user_id=user.id, division_code=c) for c in codes])
    db.session.flush()
    if before[0] is not None and (before[1], before[2]) != (cats, codes):
        end_sessions(user)
    return department, cats, codes
