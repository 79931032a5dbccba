"""The database extension: the SQLAlchemy object with its naming convention, the session that
sends a marked page's reads to the reports replica, and Flask-Migrate."""
import functools

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as _Session
from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The bind key of the read-only copy that heavy report pages read from (PORTAL_REPORTS_DATABASE_URL).
REPORTS_BIND = "reports"


class RoutingSession(_Session):
    """The portal's session: inside a request marked with `reads_from_replica`, plain SELECTs go to
    the reports database (a streaming replica) when one is configured; every write, every flush and
    everything outside such a request goes to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and not self._flushing and _replica_wanted():
            replica = self._db.engines.get(REPORTS_BIND)
            if replica is not None and (clause is None or getattr(clause, "is_select", False)):
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _replica_wanted():
    from flask import g, has_app_context

    return has_app_context() and g.get("portal_read_replica", False)


def reads_from_replica(view):
    """Mark a read-only page or export: its SELECTs may read a replica a few seconds behind the
    primary. The role guard (put this under it) loads the account from the primary, so a logout or
    a removed account takes effect at once; the page's writes (audit entries) go to the primary."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        from flask import g

        g.portal_read_replica = True
        try:
            return view(*args, **kwargs)
        finally:
            g.portal_read_replica = False

    return wrapped


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                session_options={"class_": RoutingSession})
migrate = Migrate(compare_type=True, render_as_batch=True)
