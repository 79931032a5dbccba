"""Pass numbers: 39 random digits (≈129.5 bits) and a Damm check digit.

Digits only, because barcode scanners "type" into whatever keyboard layout is active: Vietnamese
input methods (Telex, VNI) rewrite letters after vowels, but never a run of digits. The check
digit catches every single mistyped digit and every swap of two neighbours, so a typo reads
"mistyped" instead of "unknown".
"""
import re
import secrets

RANDOM_DIGITS = 39
LENGTH = RANDOM_DIGITS + 1

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-.]+")


def damm(digits):
    """The Damm interim digit of a string of digits (0 for a valid number with its check digit)."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def new_token():
    """A fresh pass number: 39 random digits and the check digit."""
    body = str(secrets.randbelow(10**RANDOM_DIGITS)).zfill(RANDOM_DIGITS)
    return body + str(damm(body))


def grouped(token):
    """The number in groups of four, for reading aloud and typing."""
    return " ".join(token[i:i + 4] for i in range(0, len(token), 4))


class TokenProblem(ValueError):
    """What is wrong with a scanned value: `code` is venue_code, malformed or mistyped."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def parse(raw):
    """The pass number in a scanned or typed value, or TokenProblem.

    Accepts the bare number (with spaces or dashes as printed) and a pass URL ending in /p/<number>.
    """
    value = (raw or "").strip()
    if "/v/" in value or "/c/" in value:
        raise TokenProblem("venue_code")
    if "/p/" in value:
        value = value.rsplit("/p/", 1)[1].split("?")[0]
    value = _SEPARATORS.sub("", value)
    if not value or not value.isascii() or not value.isdigit() or len(value) != LENGTH:
        raise TokenProblem("malformed")
    if damm(value) != 0:
        raise TokenProblem("mistyped")
    return value
