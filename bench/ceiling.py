"""The ceiling: a bare Flask app returning a short page, served by the portal's gunicorn settings."""
from flask import Flask

app = Flask(__name__)

PAGE = (
    "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Vào Ra</title></head>"
    "<body><h1>Vào Ra</h1><p>Xin chào.</p></body></html>"
)


@app.route("/")
def index():
    """A short page: the fastest a Flask view can answer on this server."""
    return PAGE
