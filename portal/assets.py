"""Static files under names that carry their content's hash, so a phone keeps them for a year.

`url_for('static', filename='css/site.css')` gives `/static/css/site.<10 hex>.css`; that name is
answered with `Cache-Control: public, max-age=31536000, immutable`, so a visitor's phone does not
ask for the stylesheet again at every scan. A new release changes the hash, hence the name. The
plain name (and a hash of an older release) still answers, with a revalidated copy of today's file.
nginx serves the same names from disk in a multi-host set-up (deploy/nginx-site.conf).
"""
import hashlib
import os
import re

from flask import send_from_directory

#: A year, in seconds: the longest time browsers keep a file.
YEAR = 365 * 24 * 3600
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")


def digests(folder):
    """{path under the folder (with /): first 10 hex digits of its SHA-256} of every file in it."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder).replace(os.sep, "/")] = hashlib.sha256(f.read()).hexdigest()[:10]
    return found


def hashed_name(filename, digest):
    """`css/site.css` with digest `0123456789` -> `css/site.0123456789.css`."""
    stem, ext = os.path.splitext(filename)
    return f"{stem}.{digest}{ext}"


def init_app(app):
    """Name static files by their hash in every URL the app builds, and serve those names."""
    folder = app.static_folder
    known = digests(folder)

    def current():
        return digests(folder) if app.debug else known  # a developer's edits show at once

    @app.url_defaults
    def _hash_static_names(endpoint, values):
        if endpoint == "static" and values.get("filename") in current():
            values["filename"] = hashed_name(values["filename"], current()[values["filename"]])

    def static(filename):
        found = _HASHED.match(filename)
        if found:
            plain = found["stem"] + found["ext"]
            if current().get(plain) == found["digest"]:
                response = send_from_directory(folder, plain, max_age=YEAR)
                response.cache_control.public = True
                response.cache_control.immutable = True
                return response
            if plain in current():  # an older release's name: today's file, checked each time
                return send_from_directory(folder, plain, max_age=0)
        return send_from_directory(folder, filename, max_age=0)

    app.view_functions["static"] = static
