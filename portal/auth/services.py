"""Account rules: creating users and checking logins."""
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
    user = User(role=role, full_name=full_name, phone=e164, email=email or None)
    user.set_password(password)
    for code in ward_codes:
        user.wards.append(UserWard(division_code=code))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(phone, password):
    """The active user with these credentials, or None."""
    user = user_by_phone(phone)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
