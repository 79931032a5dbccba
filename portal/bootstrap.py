"""Write instance/config.py with fresh random secrets when there is none.

Run as `python -m portal.bootstrap`; an existing file is never overwritten.
"""
import base64
import os
import secrets
import sys

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
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "config.py")
    if os.path.exists(path):
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(TEMPLATE.format(secret=secrets.token_urlsafe(48), data_key=new_data_key()))
    return True


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")
    written = write_config(here)
    sys.stdout.write("instance/config.py written with new secrets\n" if written else "")
