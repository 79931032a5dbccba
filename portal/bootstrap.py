"""Write instance/config.py with fresh random secrets when there is none.

Run as `python -m portal.bootstrap`; an existing file is never overwritten.
"""
import base64
import logging
import os
import secrets
import stat
import sys

log = logging.getLogger(__name__)

TEMPLATE = '''# Written by `make run` on first start. Keep this file secret; do not commit it.
SECRET_KEY = {secret!r}
# Encrypts visitors' names, phones and ID numbers at rest. Losing it loses that data.
PORTAL_DATA_KEY = {data_key!r}
'''


def new_data_key():
    """A random 256-bit key, URL-safe base64, as PORTAL_DATA_KEY expects."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def write_config(instance_path):
    """Create instance_path/config.py unless it exists; return True if written."""
    private_directory(instance_path)
    path = os.path.join(instance_path, "config.py")
    if os.path.exists(path):
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(TEMPLATE.format(secret=secrets.token_urlsafe(48), data_key=new_data_key()))
    return True


def _owner_only(path, mode):
    """chmod `path` to `mode` if group or others may read it; a warning if we may not."""
    try:
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            os.chmod(path, mode)
    except OSError as exc:
        log.warning("cannot make %s private (%s): other accounts may read it", path, exc.strerror)


def private_directory(path):
    """Create `path` readable by its owner only (0700), or tighten it if it exists."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    _owner_only(path, 0o700)


def private_sqlite_file(url):
    """Create the SQLite database file of `url` readable by its owner only (0600), or tighten it.

    SQLite itself creates files 0644, and gives the -wal and -shm files the database's mode.
    """
    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        return  # a mistyped folder: SQLite will refuse to open it, as it should
    try:  # an empty file is an empty SQLite database
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:  # a read-only folder: SQLite will say so itself
        log.warning("cannot create %s (%s)", path, exc.strerror)
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            _owner_only(path + suffix, 0o600)


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")
    written = write_config(here)
    sys.stdout.write("instance/config.py written with new secrets\n" if written else "")
