"""Extension objects, created unbound and registered by create_app, and the database's
connection rules. Modules by sub-area: `database` (db, the routing session, migrations),
`connections` (a request's statement connection), `compiled` (statements compiled once,
run on the cursor), `engines` (SQLite and PostgreSQL connection
settings), `web` (accounts, CSRF, languages, rate limits)."""
from .compiled import execute_compiled
from .connections import close_page_connection, open_page_connection, page_connection, statement_connection
from .database import NAMING_CONVENTION, REPORTS_BIND, RoutingSession, db, migrate, reads_from_replica
from .engines import (bound_postgresql_answers, checkpoint_sqlite, configure_sqlite,
                      drop_closed_postgresql_connections)
from .web import ProcessMemoryStorage, babel, csrf, limiter, login_manager, spare_blueprints

__all__ = ["NAMING_CONVENTION", "REPORTS_BIND", "ProcessMemoryStorage", "RoutingSession", "babel",
           "bound_postgresql_answers", "checkpoint_sqlite", "close_page_connection", "configure_sqlite", "csrf",
           "db", "drop_closed_postgresql_connections", "execute_compiled", "limiter", "login_manager", "migrate", "open_page_connection",
           "page_connection", "reads_from_replica", "spare_blueprints", "statement_connection"]
