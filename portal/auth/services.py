"""Account rules: creating users, passwords and ending sessions. Functions flush, never commit."""
from sqlalchemy import select

from ..extensions import db
from ..text import normalise_phone
from .models import ROLES, User, UserWard


class AccountError(ValueError):
    """A rule stopped the change; the message is for the user."""


def user_by_phone(phone):
    """The account for a phone number in any common format, or None."""
    try:
        e164 = normalise_phone(phone)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.phone == e164))


def create_user(*, role, full_name, phone, password, email=None, ward_codes=()):
    """Add an account; raises AccountError if the phone is taken or the role unknown."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role}")
    e164 = normalise_phone(phone)
    if db.session.scalar(select(User.id).where(User.phone == e164)) is not None:
        raise AccountError("phone taken")
    user = User(role=role, full_name=full_name, phone=e164, email=email or None, session_version=0)
    user.set_password(password)
    for code in ward_codes:
        user.wards.append(UserWard(division_code=code))
    db.session.add(user)
    db.session.flush()
    return user


def end_sessions(user):
    """Every session and remember cookie issued to this account so far stops working.

    Sessions carry the account's session version (User.get_id); the login manager refuses an
    older one. Incremented in SQL, so two changes at the same moment both count.
    """
    user.session_version = User.session_version + 1
    db.session.flush()


def set_password(user, password):
    """A new password: earlier sessions end and any login pause is lifted."""
    user.set_password(password)
    user.failed_logins = 0
    user.login_blocked_until = None
    end_sessions(user)
