"""One benchmark database: created, migrated, seeded, counted and measured."""
import logging
import os
import random
import subprocess
import time

from sqlalchemy import func, select, text

from . import seed as seeding
from .server import BENCH_LIMIT, BIN, ROOT, flask, portal_env, prepare_postgresql

log = logging.getLogger("bench")
VENUE_SAMPLE = 19_997


class Database:
    """A fresh portal database (SQLite file in `workdir`, or the PostgreSQL URL given)."""

    def __init__(self, workdir, port, url=None, sizes=None):
        self.kind = "postgresql" if url else "sqlite"
        self.workdir = workdir
        self.url = url or f"sqlite:///{os.path.join(workdir, 'bench.sqlite3')}"
        self.env = portal_env(self.url, port)
        self.sizes = sizes or {}
        self.app = None
        self.info = {}
        self._device_cursor = 0

    def create(self):
        """Migrate with `flask db upgrade`, load the wards, seed; returns seconds taken."""
        started = time.perf_counter()
        if self.kind == "postgresql":
            prepare_postgresql(self.url)
        flask(self.env, "db", "upgrade")
        flask(self.env, "divisions", "load")
        from portal import create_app
        from portal.extensions import db

        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"], "SECRET_KEY": self.env["SECRET_KEY"],
            "PORTAL_DATA_KEY": self.env["PORTAL_DATA_KEY"], "PORTAL_BASE_URL": self.env["PORTAL_BASE_URL"],
            "PORTAL_CHECKIN_LIMIT": BENCH_LIMIT, "PORTAL_CHECKIN_IP_LIMIT": BENCH_LIMIT,
            "PORTAL_LOOKUP_LIMIT": BENCH_LIMIT,
            "PORTAL_LOG_LEVEL": "WARNING",
        })
        with self.app.app_context():
            self.info = seeding.seed(self.env["PORTAL_DATA_KEY"], self.app.config["PORTAL_PROVINCE"],
                                     **self.sizes)
            if self.kind == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            occupied = self._occupied_tokens()
            db.session.remove()
        # The load walks a random sample of venues from every ward; a prime count, so that a
        # client's sequence of (device, venue) pairs never repeats within a run. No venue of it has
        # anyone the seed left inside: a check-in of that very person there returns their open visit
        # and records none, which the count check would take for a lost visit.
        tokens = [token for token in self.info.pop("venue_tokens") if token not in occupied]
        sample = random.Random(11).sample(tokens, min(VENUE_SAMPLE, len(tokens)))
        self.venues_file = os.path.join(self.workdir, f"{self.kind}-venues.txt")
        with open(self.venues_file, "w") as handle:
            handle.write("\n".join(sample))
        self.devices = self.info.pop("device_tokens")
        return time.perf_counter() - started

    @staticmethod
    def _occupied_tokens():
        """The poster tokens of the venues where the seed left someone inside."""
        from portal.extensions import db
        from portal.models import Venue, Visit

        open_here = select(Visit.venue_id).where(Visit.checked_out_at.is_(None))
        return set(db.session.scalars(select(Venue.token).where(Venue.id.in_(open_here))))

    def devices_file(self, count):
        """A file with the next `count` remembered devices (no device checks in twice in a run)."""
        chosen = [self.devices[(self._device_cursor + i) % len(self.devices)] for i in range(count)]
        self._device_cursor += count
        path = os.path.join(self.workdir, f"{self.kind}-devices-{self._device_cursor}.txt")
        with open(path, "w") as handle:
            handle.write("\n".join(chosen))
        return path

    def visits(self):
        """How many visits the database holds now."""
        from portal.extensions import db
        from portal.models import Visit

        with self.app.app_context():
            count = db.session.scalar(select(func.count()).select_from(Visit))
            db.session.remove()
        return count

    def old_visits(self, days=28):
        """How many visits began more than `days` days ago (what the retention purge removes)."""
        from datetime import datetime, timedelta, timezone

        from portal.extensions import db
        from portal.models import Visit

        cutoff = datetime.now(timezone.utc) - timedelta(days=days)
        with self.app.app_context():
            count = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.checked_in_at < cutoff))
            db.session.remove()
        return count

    def bytes_per_visit(self):
        """(bytes on disk per visit, table and indexes, and the visits counted)."""
        from portal.extensions import db

        with self.app.app_context():
            with db.engine.connect() as conn:
                count = conn.scalar(text("SELECT count(*) FROM visits"))
                if self.kind == "postgresql":
                    # visits is partitioned by day: the parent holds nothing, its partitions the rows.
                    size = conn.scalar(text(
                        "SELECT pg_total_relation_size('visits') + coalesce(sum(pg_total_relation_size(inhrelid)), 0) "
                        "FROM pg_inherits WHERE inhparent = 'visits'::regclass"))
                else:
                    size = conn.scalar(text(
                        "SELECT sum(pgsize) FROM dbstat WHERE name IN "
                        "(SELECT name FROM sqlite_master WHERE tbl_name = 'visits')"))
            db.session.remove()
        return size / max(count, 1), size, count

    def server_version(self):
        """The database engine and version."""
        from portal.extensions import db

        with self.app.app_context():
            with db.engine.connect() as conn:
                if self.kind == "postgresql":
                    version = conn.scalar(text("SHOW server_version"))
                else:
                    version = conn.scalar(text("SELECT sqlite_version()"))
            db.session.remove()
        return f"{'PostgreSQL' if self.kind == 'postgresql' else 'SQLite'} {version.split()[0]}"

    def start_purge(self):
        """Start `flask data purge` (retention: visits older than PORTAL_RETENTION_DAYS)."""
        return subprocess.Popen([os.path.join(BIN, "flask"), "data", "purge"], env=self.env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def close(self):
        """Release the bench process's own connections."""
        if self.app is not None:
            from portal.extensions import db

            with self.app.app_context():
                db.engine.dispose()
