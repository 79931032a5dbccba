"""Shared helpers for pass and scanner tests (people and staff accounts: tests/factories.py)."""
from portal.extensions import db
from portal.clock import utcnow
from portal.passes.services import issue_pass


def with_pass(visitor, now=None):
    """Issue a pass for a visitor and commit; returns the pass number."""
    card = issue_pass(visitor, now or utcnow())
    db.session.commit()
    return card.token


DEVICE_TOKEN = "d" * 43
