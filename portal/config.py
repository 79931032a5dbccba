"""Safe defaults only; secrets come from instance/config.py or the environment."""
import os


class Defaults:
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: instance/portal.sqlite3
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {}

    PORTAL_BASE_URL = "http://127.0.0.1:8000"
    PORTAL_PROVINCE = "79"
    PORTAL_TIMEZONE = "Asia/Ho_Chi_Minh"
    PORTAL_DEFAULT_LOCALE = "vi"
    PORTAL_LOCALES = ("vi", "en")
    PORTAL_RETENTION_DAYS = 28
    PORTAL_TRACE_DAYS = 14  # days of a case's visits a trace looks at by default
    PORTAL_CONTACT_MINUTES = 15  # minimum overlap that makes a contact by default
    PORTAL_DATA_REQUEST_DAYS = 10  # days an official has to answer a data request made in person
    # The case register (portal/cases): quarantine of an F1/F2 in local days after the exposure's
    # day, and how long case, contact and test records are kept after the case or quarantine closed.
    PORTAL_QUARANTINE_DAYS = 14
    PORTAL_CASE_RETENTION_DAYS = 28
    # New cases per 100,000 residents over 7 days at which the suggested zone level becomes 2, 3
    # and 4: criterion 1 of the Ministry of Health's Decision 4800/QĐ-BYT of 12 October 2021.
    PORTAL_ZONE_THRESHOLDS = (20, 50, 150)
    # Testing rounds (portal/rounds): the days of a plan counted from its start (day 1), and the
    # zone levels (4 red, 3 orange) whose wards are due for one.
    PORTAL_TESTING_DAYS = (1, 3, 5)
    PORTAL_TESTING_LEVELS = (4, 3)
    # A risk group (portal/rounds/riskgroups.py): at least this many visits to a ward's markets,
    # supermarkets, stations and boarding houses, or checkpoint crossings, in 14 days.
    PORTAL_RISK_GROUP_VISITS = 3
    PORTAL_DATA_KEY = None
    PORTAL_RATELIMIT_STORAGE_URL = "portal-memory://"
    PORTAL_CHECKIN_LIMIT = "30 per minute"  # per device
    # Per IP address: generous, as a carrier's NAT puts many phones behind one address.
    PORTAL_CHECKIN_IP_LIMIT = "600 per minute"
    PORTAL_LOOKUP_LIMIT = "60 per minute"
    PORTAL_LOGIN_IP_LIMIT = "30 per hour"  # failed logins per IP address
    # Per account, in the database: after this many failures each further one pauses logins,
    # from the first pause doubling up to the cap (minutes); a right password resets.
    PORTAL_LOGIN_FREE_FAILURES = 5
    PORTAL_LOGIN_PAUSE_MINUTES = 1
    PORTAL_LOGIN_MAX_PAUSE_MINUTES = 15
    # New visitor profiles (first-time registrations) per IP address: a carrier's NAT shares an
    # address between many phones, but each registers once; a script cannot make hundreds a minute.
    PORTAL_REGISTRATION_IP_LIMIT = "60 per minute;600 per hour"
    # Staff finding a person by phone and year of birth for an assisted check-in, per staff account.
    PORTAL_ASSIST_LOOKUP_LIMIT = "30 per hour;100 per day"
    PORTAL_ASSIST_PICK_SECONDS = 600  # how long the list of matching people may be chosen from
    # A pass scanned this soon after its holder went out with their household answers "already out".
    PORTAL_HOUSEHOLD_WINDOW_SECONDS = 120
    # A scan a lane kept while offline is accepted up to this many hours after it was taken.
    PORTAL_SCAN_QUEUE_MAX_AGE_HOURS = 12
    # Suspicious check-ins (portal/inspection/suspicious.py, `flask inspection suspicious`).
    # A burst: at least COUNT first-time registrations at one venue within MINUTES from at most
    # ADDRESSES client addresses (kept as keyed hashes for ADDRESS_DAYS, at most 14).
    PORTAL_SUSPICIOUS_BURST_COUNT = 15
    PORTAL_SUSPICIOUS_BURST_MINUTES = 5
    PORTAL_SUSPICIOUS_BURST_ADDRESSES = 2
    PORTAL_SUSPICIOUS_ADDRESS_DAYS = 14
    # Out of hours: at least COUNT check-ins a day more than MARGIN minutes outside the venue's
    # opening hours (or, without them, the hours of its last 14 days' visits, once it had
    # BASELINE_VISITS of them).
    PORTAL_SUSPICIOUS_HOURS_COUNT = 5
    PORTAL_SUSPICIOUS_HOURS_MARGIN_MINUTES = 60
    PORTAL_SUSPICIOUS_BASELINE_VISITS = 20
    # A jump: a day's check-ins at least FACTOR times the venue's 14-day daily average, and at least COUNT.
    PORTAL_SUSPICIOUS_JUMP_FACTOR = 4
    PORTAL_SUSPICIOUS_JUMP_COUNT = 50
    # Almost no check-outs: under PERCENT of a day's finished visits checked out, with at least VISITS.
    PORTAL_SUSPICIOUS_CHECKOUT_PERCENT = 5
    PORTAL_SUSPICIOUS_CHECKOUT_VISITS = 30
    # QR compliance (portal/inspection/compliance.py): a venue must have check-ins in the last SCAN_DAYS
    # days and, once it has CHECKOUT_VISITS finished visits in them, at least CHECKOUT_PERCENT in 100
    # checked out by the visitor; an inspection older than INSPECTION_DAYS no longer counts, and a
    # printed compliance certificate is current for CERTIFICATE_DAYS.
    PORTAL_COMPLIANCE_SCAN_DAYS = 7
    PORTAL_COMPLIANCE_CHECKOUT_PERCENT = 50
    PORTAL_COMPLIANCE_CHECKOUT_VISITS = 20
    PORTAL_COMPLIANCE_INSPECTION_DAYS = 365
    PORTAL_COMPLIANCE_CERTIFICATE_DAYS = 90
    PORTAL_SECURE_COOKIES = None  # None: Secure when PORTAL_BASE_URL is https
    PORTAL_SQLITE_BUSY_TIMEOUT_MS = 10000
    # How long the portal waits on PostgreSQL, in seconds, before it answers 503 instead of
    # hanging. A frozen server on the same host still acknowledges TCP, so only waits measured
    # here (not the server's statement_timeout) end a request.
    PORTAL_DB_CONNECT_TIMEOUT = 5  # to open a connection (libpq: at least 2)
    PORTAL_DB_QUERY_TIMEOUT = 15  # for any answer during a web request; 0: wait for ever
    PORTAL_DB_SOCKET_TIMEOUT = 10  # unacknowledged data or a silent peer (TCP user timeout, keep-alive)
    PORTAL_DB_POOL_TIMEOUT = 10  # for a free connection of the process's pool
    # psycopg prepares statements it runs often; off behind PgBouncer in transaction mode (1.18 and
    # older), where the next transaction may land on a server connection that never prepared them.
    PORTAL_DB_PREPARED_STATEMENTS = True
    PORTAL_PROXY_COUNT = 0  # reverse proxies in front (nginx: 1) whose X-Forwarded-* to trust
    # A read-only copy (a PostgreSQL streaming replica) for the heavy report pages and exports.
    PORTAL_REPORTS_DATABASE_URL = None
    PORTAL_LOG_LEVEL = "INFO"

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = "translations"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Redis unreachable: count in each process's memory instead of refusing check-ins.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024


#: Settings that may come from the environment, with how to read them.
ENV_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "PORTAL_BASE_URL": str,
    "PORTAL_PROVINCE": str,
    "PORTAL_TIMEZONE": str,
    "PORTAL_RETENTION_DAYS": int,
    "PORTAL_DATA_KEY": str,
    "PORTAL_RATELIMIT_STORAGE_URL": str,
    "PORTAL_CHECKIN_LIMIT": str,
    "PORTAL_CHECKIN_IP_LIMIT": str,
    "PORTAL_LOOKUP_LIMIT": str,
    "PORTAL_LOGIN_IP_LIMIT": str,
    "PORTAL_REGISTRATION_IP_LIMIT": str,
    "PORTAL_ASSIST_LOOKUP_LIMIT": str,
    "PORTAL_SCAN_QUEUE_MAX_AGE_HOURS": int,
    "PORTAL_SECURE_COOKIES": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "PORTAL_SQLITE_BUSY_TIMEOUT_MS": int,
    "PORTAL_PROXY_COUNT": int,
    "PORTAL_REPORTS_DATABASE_URL": str,
    "PORTAL_LOG_LEVEL": str,
}


def database_url(url):
    """Map the usual PostgreSQL URL forms onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def postgresql_engine_options(config):
    """Engine options that bound every wait on PostgreSQL by the PORTAL_DB_* timeouts."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A restarted database: reconnect, don't fail. Not by `pool_pre_ping` (a round trip per
    # request) but by extensions.drop_closed_postgresql_connections, which asks the socket.
    options.setdefault("pool_pre_ping", False)
    options.setdefault("pool_timeout", config["PORTAL_DB_POOL_TIMEOUT"])
    connect_args = {"connect_timeout": int(config["PORTAL_DB_CONNECT_TIMEOUT"])}
    socket_timeout = int(config["PORTAL_DB_SOCKET_TIMEOUT"])
    if socket_timeout > 0:
        # A dead host or a cut link: unacknowledged data fails after the TCP user timeout, and
        # keep-alive probes find an idle pooled connection's peer gone.
        connect_args.update(
            tcp_user_timeout=socket_timeout * 1000, keepalives=1, keepalives_idle=socket_timeout,
            keepalives_interval=max(1, socket_timeout // 3), keepalives_count=3,
        )
    if not config.get("PORTAL_DB_PREPARED_STATEMENTS", True):
        connect_args["prepare_threshold"] = None  # psycopg 3: never prepare
    connect_args.update(options.get("connect_args") or {})
    options["connect_args"] = connect_args
    return options


def _parser_for(name):
    """How to read a PORTAL_* variable: its own rule, else the type of its default."""
    if name in ENV_SETTINGS:
        return ENV_SETTINGS[name]
    default = getattr(Defaults, name, None)
    if isinstance(default, bool):
        return ENV_SETTINGS["PORTAL_SECURE_COOKIES"]
    if isinstance(default, int):
        return int
    if isinstance(default, tuple):
        return lambda v: tuple(part.strip() for part in v.split(",") if part.strip())
    return str


def from_environment(environ=None):
    """Read SECRET_KEY, DATABASE_URL and every PORTAL_* setting from the environment."""
    environ = os.environ if environ is None else environ
    found = {}
    names = set(ENV_SETTINGS) | {n for n in environ if n.startswith("PORTAL_")}
    for name in sorted(names):
        if name in environ and environ[name] != "":
            try:
                found[name] = _parser_for(name)(environ[name])
            except ValueError as exc:
                raise ValueError(f"environment variable {name}: {exc}") from exc
    if "DATABASE_URL" in found:
        found["SQLALCHEMY_DATABASE_URI"] = database_url(found.pop("DATABASE_URL"))
    return found
