"""The shapes of every identifier people type or URLs carry, in one place.

A value that does not have its identifier's shape is never looked up: a URL may carry anything
(PostgreSQL rejects NUL bytes), and a shape check costs nothing next to a query.
"""
import re

#: Short codes people type from a poster. No look-alikes: no 0/O/D/Q, 1/I/L/J, 2/Z, 5/S, 8/B, 6/G, U/V.
SHORT_CODE_ALPHABET = "ACEFHKMNPRTWXY3479"
SHORT_CODE_LENGTH = 7  # new codes; 6 to 8 characters are accepted when typed
_SHORT_CODE = re.compile(f"[{SHORT_CODE_ALPHABET}]{{6,8}}")
#: Poster tokens in /v/<token> (current or retired); 32 characters when the portal makes them.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: Public references of visits and people (/visit/<ref>, /me/dependents/<ref>).
_REF = re.compile(r"[A-Za-z0-9_-]{16,32}")
#: A form's idempotency key on the visitor's pages.
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: A business registration number: 10 digits, or 13 with a branch's 3-digit suffix.
_REGISTRATION = re.compile(r"\d{10}(\d{3})?")


def normalise_short_code(code):
    """Upper-case, without spaces or dashes people add while typing."""
    return "".join((code or "").split()).replace("-", "").upper()


def is_short_code(code):
    """True when the text has the shape of a short code (upper case, our alphabet)."""
    return bool(_SHORT_CODE.fullmatch(code or ""))


def is_token(token):
    """True when the text has the shape of a poster token."""
    return bool(token) and _TOKEN.fullmatch(token) is not None


def is_ref(ref):
    """True when the text has the shape of a visit's or a person's public reference."""
    return bool(ref) and _REF.fullmatch(ref) is not None


def usable_nonce(value):
    """The submitted nonce when well formed, else None."""
    return value if isinstance(value, str) and _NONCE.fullmatch(value) else None


def registration_digits(raw):
    """A registration number as digits only (10, or 13 for a branch), or None when it is not one.

    Spreadsheets drop a leading zero (Hà Nội numbers start with 0), so 9 and 12 digits get it back.
    """
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if digits.isdigit() and len(digits) in (9, 12):
        digits = "0" + digits
    return digits if _REGISTRATION.fullmatch(digits) else None


def digits_only(number):
    """Every digit of a registration number as typed, nothing else (how the registry compares them)."""
    return re.sub(r"\D", "", number or "")


def dashed_registration_number(number):
    """As venues show it: digits only, with the 3-digit branch suffix after a dash (3700123456-001)."""
    digits = re.sub(r"[^0-9]", "", number or "")
    if len(digits) == 13:
        return f"{digits[:10]}-{digits[10:]}"
    return digits or None
