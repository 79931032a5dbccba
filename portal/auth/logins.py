"""Logins that resist guessing: a per-account pause kept in the database, so it holds across
processes and hosts whatever the rate-limit storage.

A login is two steps with a commit between them (the route does it): `start_login` counts the
attempt and, from the Nth failure on, pauses the account in one UPDATE; only then
`finish_login` runs the slow password hash, and a right password resets the count. Counting
before hashing means a burst of parallel guesses cannot all slip in before the pause is written.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..columns import UTCDateTime
from .models import User
from .services import user_by_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginPolicy:
    """Failures allowed before pauses start, the first pause, and the cap (minutes)."""

    free_failures: int = 5
    first_pause_minutes: int = 1
    max_pause_minutes: int = 15

    @classmethod
    def from_config(cls, config):
        """The policy set by PORTAL_LOGIN_* settings."""
        return cls(
            free_failures=max(1, int(config["PORTAL_LOGIN_FREE_FAILURES"])),
            first_pause_minutes=max(1, int(config["PORTAL_LOGIN_PAUSE_MINUTES"])),
            max_pause_minutes=max(1, int(config["PORTAL_LOGIN_MAX_PAUSE_MINUTES"])),
        )

    def pauses(self):
        """[(failure count, minutes)]: doubling from the first pause up to the cap, which then
        applies to every further failure. Never longer, so nobody locks an account for good."""
        steps, minutes, count = [], self.first_pause_minutes, self.free_failures
        while minutes < self.max_pause_minutes:
            steps.append((count, minutes))
            minutes, count = minutes * 2, count + 1
        steps.append((count, self.max_pause_minutes))
        return steps


@dataclass
class LoginAttempt:
    """One login attempt: the account (None for an unknown phone) and what the count says."""

    user: User | None
    refused_until: datetime | None = None  # paused: the password is not even checked
    paused_until: datetime | None = None  # the pause that applies if this password is wrong
    earlier_failures: int = 0


_dummy_hash = None


def _unknown_account_hash():
    """A hash made the same way as real ones, so an unknown phone costs the same work."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_urlsafe(16))
    return _dummy_hash


def _pause_after(count, now, policy):
    """SQL: the pause end for an account whose failure count becomes `count`, else NULL."""
    steps = policy.pauses()
    *exact, (last_count, last_minutes) = steps
    whens = [(count == n, literal(now + timedelta(minutes=m), UTCDateTime)) for n, m in exact]
    whens.append((count >= last_count, literal(now + timedelta(minutes=last_minutes), UTCDateTime)))
    return case(*whens)  # no pause yet: NULL


def start_login(phone, now, policy):
    """Count an attempt against the account, pausing it from the Nth failure on (flushes)."""
    user = user_by_phone(phone)
    if user is None:
        return LoginAttempt(None)
    counted = db.session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.login_blocked_until.is_(None), User.login_blocked_until <= now))
        .values(failed_logins=User.failed_logins + 1,
                login_blocked_until=_pause_after(User.failed_logins + 1, now, policy))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(user)
    if not counted:
        return LoginAttempt(user, refused_until=user.login_blocked_until)
    return LoginAttempt(user, paused_until=user.login_blocked_until,
                        earlier_failures=user.failed_logins - 1)


def finish_login(attempt, password):
    """The account if the password is right and it is active, else None (flushes a reset).

    An unknown phone goes through the same hash work as a known one.
    """
    user = attempt.user
    stored = user.password_hash if user is not None else _unknown_account_hash()
    if not check_password_hash(stored, password) or user is None or not user.active:
        return None
    user.failed_logins = 0
    user.login_blocked_until = None
    db.session.flush()
    return user


def paused_accounts(now):
    """Accounts whose login is paused at `now`, the longest pause first."""
    return db.session.scalars(
        select(User).where(User.login_blocked_until > now)
        .order_by(User.login_blocked_until.desc(), User.id)
    ).all()
