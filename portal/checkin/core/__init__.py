"""The check-in rules, once, for every caller: the visitor's pages, the staff scanner, assisted
check-ins and the demo. One open visit per person; the household's dependents follow their lead;
a form's nonce records one visit however often it is posted; an overdue visit closes by itself
at its due time; checking in elsewhere closes the visit before.

Written with SQLAlchemy Core statements built once per process and compiled once
(`extensions.execute_compiled`, which runs them on the DBAPI cursor), returning plain rows, run on
the session's connection (so that ORM callers share their transaction) or, on the visitor's pages,
on a connection of the page's own without the session (`reading`, `writing`). A remembered visitor's
check-in POST costs three statements: the look-up of venue, device and person (`arrival`, which
also takes the person's lock on PostgreSQL), the `close` of the visit before and the `insert` of
the new one, which PostgreSQL runs as one statement (`recording._close_and_insert`). The ORM
models stay the schema and
serve the rest of the portal; `services` adapts these functions for callers holding ORM objects.

Every function takes `now` (aware UTC) and leaves the commit to the caller.

Modules by sub-area: `statements` (running them, committing a page), `arrival` (the QR
target's look-up and the household), `closing`, `recording` and `confirmation` (the visit's page).
Callers import this package and use the names below.
"""
from .arrival import Member, Person, Stay, arrival, arrival_page, household, named
from .closing import close_moving, close_overdue, close_visit
from .confirmation import Companion, companions, confirmation_page, owns, visit_page
from .recording import NonceTaken, Recorded, check_in, lock_person
from .statements import (
    commit, commit_page, new_ref, quiet_receivers, reading, rollback, run, stop_writing, writing,
)

__all__ = ["Companion", "Member", "NonceTaken", "Person", "Recorded", "Stay", "arrival", "arrival_page", "check_in",
           "close_moving", "close_overdue", "close_visit", "commit", "commit_page", "companions", "confirmation_page",
           "household", "lock_person", "named", "new_ref", "owns", "quiet_receivers", "reading", "rollback", "run",
           "stop_writing", "visit_page", "writing"]
