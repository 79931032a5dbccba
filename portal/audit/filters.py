"""Narrowing the audit log: by the account that acted, the action and local calendar days."""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..clock import day_start
from ..extensions import db
from .models import AuditEntry

_PHONE_LIKE = re.compile(r"[\d\s+().-]+")


@dataclass(frozen=True)
class AuditFilter:
    """None means "any"; the days are local calendar days, both included."""

    actor_ids: tuple | None = None
    action: str | None = None
    first_day: date | None = None
    last_day: date | None = None

    def conditions(self):
        """SQLAlchemy conditions for these filters."""
        found = []
        if self.actor_ids is not None:
            found.append(AuditEntry.actor_id.in_(self.actor_ids))
        if self.action is not None:
            found.append(AuditEntry.action == self.action)
        start, end = local_days(self.first_day, self.last_day)
        if start is not None:
            found.append(AuditEntry.at >= start)
        if end is not None:
            found.append(AuditEntry.at < end)
        return found

    def described(self):
        """The filters as audit parameters: account ids, never the text typed (it may be a phone)."""
        return {
            "accounts": None if self.actor_ids is None else ",".join(map(str, self.actor_ids)) or "none",
            "action": self.action,
            "from": self.first_day.isoformat() if self.first_day else None,
            "to": self.last_day.isoformat() if self.last_day else None,
        }


def local_days(first, last, tz_name=None):
    """(start, end) in UTC covering the local days `first` to `last` inclusive; None where open."""
    start = day_start(first, tz_name) if first else None
    end = day_start(last + timedelta(days=1), tz_name) if last else None
    return start, end


def _fold(text):
    # Accents and case are dropped so "nguyen" finds "Nguyễn" (đ has no combining form).
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _phone_matches(digits, e164):
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    return digits in e164.lstrip("+") or digits in national


def matching_actors(text):
    """Ids of the accounts with audit entries whose name or phone number contains `text`."""
    rows = db.session.execute(
        select(User.id, User.full_name, User.phone)
        .where(User.id.in_(select(AuditEntry.actor_id).distinct()))
        .order_by(User.id)
    ).all()
    digits = re.sub(r"\D", "", text)
    if _PHONE_LIKE.fullmatch(text) and len(digits) >= 3:
        return tuple(row.id for row in rows if row.phone and _phone_matches(digits, row.phone))
    wanted = _fold(text)
    return tuple(row.id for row in rows if wanted in _fold(row.full_name or ""))
