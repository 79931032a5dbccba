"""What checking an upload leaves its official for an hour: a refused file's full problem list
(downloaded as CSV) or a good file waiting for its types to be confirmed.

A refused file is not stored, and the page shows only a screenful of its problems: the full list
is kept here so the CSV link works without uploading again. It holds what the file said about
businesses (numbers, ward names, messages), never anything about visitors; only the official who
uploaded reads it back, and every new check deletes what has expired.
"""
import json
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from ..extensions import db
from .models import RegistryCheck

KEEP = timedelta(hours=1)


def _save(actor, kind, filename, body, now):
    db.session.execute(delete(RegistryCheck).where(RegistryCheck.created_at < now - KEEP))
    # One of each kind per official: a new upload replaces the last one.
    db.session.execute(delete(RegistryCheck).where(RegistryCheck.official_id == actor.id,
                                                   RegistryCheck.kind == kind))
    check = RegistryCheck(id=secrets.token_urlsafe(16), official_id=actor.id, kind=kind,
                          filename=(filename or "")[:200], body=body, created_at=now)
    db.session.add(check)
    db.session.flush()
    return check.id


def save_problems(actor, filename, rows, now):
    """Keep a refused file's problem rows ([row, column, problem, value]); returns the key of the CSV."""
    return _save(actor, "problems", filename, json.dumps(rows, ensure_ascii=False).encode(), now)


def save_pending(actor, filename, data, now):
    """Keep a good file until its official confirms how its types were read; returns its key."""
    return _save(actor, "pending", filename, data, now)


def load(actor, kind, key, now):
    """The actor's unexpired check of that kind, or None."""
    if not key or len(key) > 32:
        return None
    return db.session.scalar(select(RegistryCheck).where(
        RegistryCheck.id == key, RegistryCheck.kind == kind, RegistryCheck.official_id == actor.id,
        RegistryCheck.created_at >= now - KEEP))


def problem_rows(check):
    """The problem rows of a kept 'problems' check."""
    return json.loads(check.body.decode())


def discard(check):
    """Forget a check once it has been used."""
    db.session.delete(check)
    db.session.flush()
