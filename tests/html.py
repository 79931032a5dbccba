"""Reading pages in tests: the checks every page passes, its text, its forms and its error summary."""
import html as entities
import re

from .bad_inputs import SUMMARY

_HIDDEN = (r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
           r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"')


def check_page(response, status=200):
    """A page: expected status, html lang, a unique-looking title and exactly one h1."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:800]
    assert re.search(r'<html lang="(vi|en)">', html)
    titles = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert len(titles) == 1 and titles[0].strip(" ·") and "Vào Ra" in titles[0]
    assert len(re.findall(r"<h1[ >]", html)) == 1
    return html


def without_tokens(html):
    """The page with the values of hidden inputs and meta tags removed.

    CSRF tokens and nonces are random letters and digits: a search for a short word such as "F0"
    in the raw source would sometimes find it inside one.
    """
    html = re.sub(r'(<input[^>]*type="hidden"[^>]*value=")[^"]*"', r'\1"', html)
    return re.sub(r'(<meta[^>]*content=")[^"]*"', r'\1"', html)


def page_text(response):
    """The response body with HTML entities decoded and markup removed."""
    body = response.get_data(as_text=True)
    return entities.unescape(re.sub(r"<[^>]+>", " ", body))


def assert_form_error(response, message, lang="vi"):
    """A 422 page showing the error summary and `message` (a (Vietnamese, English) pair), both in `lang`."""
    index = 0 if lang == "vi" else 1
    assert response.status_code == 422, response.status_code
    text = page_text(response)
    assert SUMMARY[index] in text, text[:2000]
    assert message[index] in text, (message[index], text[:3000])
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def _hidden_of(form_body):
    return dict(re.findall(_HIDDEN[0], form_body) + re.findall(_HIDDEN[1], form_body))


def hidden_fields(html, action=None):
    """The hidden inputs of the first form (or the form posting to `action`)."""
    forms = re.findall(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', html, re.S)
    for form_action, body in forms:
        if action is None or form_action == action:
            return _hidden_of(body)
    raise AssertionError(f"no form posting to {action}")


def hidden_inputs(html):
    """The hidden inputs of the first POST form of a page."""
    return _hidden_of(re.search(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, re.S).group(1))


def hidden(html, name):
    """The value of a hidden input in a page."""
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return found and found.group(1)


def form_actions(html):
    """Where the page's POST forms post to."""
    return re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html)
