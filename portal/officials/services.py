"""Official accounts: create, change wards, deactivate, lift a login pause. The caller commits."""
import logging

from sqlalchemy import func, select

from ..audit.services import record
from ..auth.models import OFFICIAL_ROLES, User, UserWard
from ..auth.services import AccountError, create_user, end_sessions, set_password
from ..divisions.models import Division
from ..extensions import db
from ..inspection.scopes import ScopeError, checked_scope, scope_of, set_scope

log = logging.getLogger(__name__)


class OfficialError(ValueError):
    """A rule stopped the change; `field` names the form field, `code` the reason."""

    def __init__(self, field, code):
        super().__init__(code)
        self.field = field
        self.code = code


#: Roles that work for wards: ward officials and ward health officials (user_wards), inspectors
#: (inspector_wards).
WARD_ROLES = ("ward_official", "inspector", "ward_health")


def _check_wards(role, ward_codes, province_code):
    codes = sorted({str(c).strip() for c in ward_codes or () if str(c).strip()})
    if role not in WARD_ROLES:
        if codes:
            raise OfficialError("wards", "wards_not_allowed")
        return []
    if not codes:
        raise OfficialError("wards", "wards_missing_inspector" if role == "inspector" else "wards_missing")
    found = set(db.session.scalars(
        select(Division.code).where(Division.code.in_(codes), Division.province_code == str(province_code))
    ))
    if found != set(codes):
        raise OfficialError("wards", "ward_unknown")
    return codes


def _check_scope(role, department, categories, codes, province_code):
    """An inspector's department and categories (ScopeError as OfficialError); none for others."""
    if role != "inspector":
        if department or categories:
            raise OfficialError("categories", "scope_not_allowed")
        return None
    try:
        return checked_scope(department, categories, codes, province_code)
    except ScopeError as exc:
        raise OfficialError(exc.field, exc.code) from exc


def create_official(*, role, full_name, phone, password, ward_codes=(), province_code, department=None,
                    categories=()):
    """A ward official (with wards), tracer, province admin, or inspector (with a department,
    categories and wards); OfficialError when a rule fails."""
    if role not in OFFICIAL_ROLES:
        raise OfficialError("role", "role")
    codes = _check_wards(role, ward_codes, province_code)
    scope = _check_scope(role, department, categories, codes, province_code)
    try:
        user = create_user(role=role, full_name=full_name, phone=phone, password=password,
                           ward_codes=codes if role in ("ward_official", "ward_health") else ())
    except AccountError as exc:
        raise OfficialError("phone", "phone_taken") from exc
    except ValueError as exc:  # normalise_phone
        raise OfficialError("phone", "phone") from exc
    if scope is not None:
        set_scope(user, *scope, province_code)
    return user


def official_wards(user):
    """The ward codes an official works for (an inspector's from their scope)."""
    if user.role == "inspector":
        return scope_of(user)[2]
    return [w.division_code for w in user.wards]


def update_official(user, *, full_name, ward_codes, province_code, department=None, categories=()):
    """Change an official's name and, for a ward official, their wards; for an inspector, their
    department, categories and wards."""
    codes = _check_wards(user.role, ward_codes, province_code)
    scope = _check_scope(user.role, department, categories, codes, province_code)
    user.full_name = full_name
    if scope is not None:
        set_scope(user, *scope, province_code)
        db.session.flush()
        return user
    current = {w.division_code for w in user.wards}
    for link in list(user.wards):
        if link.division_code not in codes:
            user.wards.remove(link)
    for code in codes:
        if code not in current:
            user.wards.append(UserWard(division_code=code))
    if current != set(codes):  # what the official may see changed: sessions start again
        end_sessions(user)
    db.session.flush()
    return user


def set_active(user, active, actor):
    """Deactivate or reactivate an account; nobody deactivates themselves or the last province admin."""
    if not active:
        if user.id == actor.id:
            raise OfficialError("account", "self")
        if user.role == "province_admin":
            others = db.session.scalar(select(func.count()).select_from(User).where(
                User.role == "province_admin", User.active.is_(True), User.id != user.id))
            if not others:
                raise OfficialError("account", "last_admin")
    if user.active != active:
        end_sessions(user)
    user.active = active
    db.session.flush()
    return user


def give_new_password(user, password, actor, now):
    """A province administrator sets an account's first password again (audited); every
    session of the account ends and any login pause is lifted."""
    from ..audit.services import record

    set_password(user, password)
    record(actor, None, "new_password", {"account": user.id}, 1, now)


def official_accounts():
    """Every official account, by role then name."""
    return db.session.scalars(
        select(User).where(User.role.in_(OFFICIAL_ROLES)).order_by(User.role, User.full_name_sort, User.id)
    ).all()


def official_by_id(user_id):
    """An official account by id, or None (owners and staff are not managed here)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.role in OFFICIAL_ROLES else None


def lift_login_pause(user, actor, now):
    """The account may log in again at once (flushes). `actor`: the province administrator,
    whose action is audited; None from the server's command line, which is logged only."""
    user.failed_logins = 0
    user.login_blocked_until = None
    db.session.flush()
    if actor is not None:
        record(actor, None, "login_unpause", {"account": user.id}, 1, now)
    log.info("login pause of account %s lifted by %s", user.id, f"account {actor.id}" if actor else "the CLI")
