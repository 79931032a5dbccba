"""The per-request extensions: accounts (Flask-Login), CSRF (Flask-WTF), languages (Flask-Babel)
and rate limits (Flask-Limiter; counters in Redis when PORTAL_RATELIMIT_STORAGE_URL points there,
in memory otherwise), and the hooks the visitor's pages are spared."""
import functools
import threading

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits.storage import MemoryStorage

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _client_ip():
    from flask import request

    return request.remote_addr or "unknown"


class ProcessMemoryStorage(MemoryStorage):
    """`limits`' in-memory counters, swept for expired keys once a second instead of 100 times.

    The library starts a timer thread 10 ms after any counting and that thread walks every key:
    at check-in rates that is a new thread every 10 ms per worker and a walk over one key per
    device seen. Expired counters are already ignored when read; the sweep only frees memory.
    URL: `portal-memory://`.
    """

    STORAGE_SCHEME = ["portal-memory"]
    SWEEP_SECONDS = 1.0

    def _MemoryStorage__schedule_expiry(self):  # replaces the library's private scheduler
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()


limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=False)


def spare_blueprints(app, names):
    """Run Flask-Limiter's and Flask-Login's per-request hooks for every page except those of the
    blueprints `names`: the visitor's check-in pages, which log nobody in and count their own
    limits in one evaluation (checkin/limits.py). Those hooks cost about a fifth of a bare
    portal request (measured on /healthz)."""
    from flask import request

    owners = (limiter, login_manager)

    def owned(hook):
        bound = getattr(hook, "__self__", None) or (hook.args[0] if isinstance(hook, functools.partial) and hook.args
                                                    else None)
        return bound in owners

    def before(hook):
        return lambda: None if request.blueprint in names else hook()

    def after(hook):
        return lambda response: response if request.blueprint in names else hook(response)

    def teardown(hook):
        return lambda exc: None if request.blueprint in names else hook(exc)

    for funcs, wrap in ((app.before_request_funcs, before), (app.after_request_funcs, after),
                        (app.teardown_request_funcs, teardown)):
        funcs[None] = [wrap(hook) if owned(hook) else hook for hook in funcs.get(None, [])]
