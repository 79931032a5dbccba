"""Static files carry their content's hash in their name and are kept by browsers for a year; the
plain name still works and is revalidated."""
import re

from portal import assets

from ..html import check_page


def stylesheet(html):
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)


def test_pages_link_the_stylesheet_by_its_hash(client, app):
    href = stylesheet(client.get("/").get_data(as_text=True))
    digest = assets.digests(app.static_folder)["css/site.css"]
    assert href == f"/static/css/site.{digest}.css"
    with client.get(href) as response:
        assert response.status_code == 200
        with open(f"{app.static_folder}/css/site.css", "rb") as f:
            assert response.get_data() == f.read()
        cache = response.headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache


def test_the_plain_name_and_an_old_hash_are_revalidated(client):
    for name in ("/static/css/site.css", "/static/css/site.0123456789.css"):
        with client.get(name) as response:
            assert response.status_code == 200
            assert b"body" in response.get_data()
            cache = response.headers["Cache-Control"]
        assert "immutable" not in cache and ("no-cache" in cache or "max-age=0" in cache)


def test_unknown_files_and_paths_outside_static_are_not_found(client):
    for name in ("/static/css/nothing.0123456789.css", "/static/../config.py", "/static/%2e%2e/config.py"):
        with client.get(name) as response:
            assert response.status_code == 404


def test_the_name_changes_with_the_content(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body{color:red}")
    first = assets.digests(tmp_path)["css/a.css"]
    (tmp_path / "css" / "a.css").write_text("body{color:blue}")
    second = assets.digests(tmp_path)["css/a.css"]
    assert first != second and re.fullmatch(r"[0-9a-f]{10}", first)
    assert assets.hashed_name("css/a.css", first) == f"css/a.{first}.css"


def test_scripts_are_hashed_too(client, make, login):
    from ..factories import staff_at

    venue = make.venue()
    login(staff_at(make, venue))
    html = check_page(client.get(f"/staff/{venue.short_code}/scan"))
    assert re.search(r'src="/static/js/scanner-queue\.[0-9a-f]{10}\.js"', html)
