"""Shared input rules: clean text and Vietnamese phone numbers."""
import re
import unicodedata

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Regexp, ValidationError

# C0/C1 controls (tab and newline aside), zero-width and bidi marks, word joiners, BOM.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Emoji presentation selectors and the keycap mark turn digits and symbols into emoji.
_EMOJI_MARKS = {"\ufe0e", "\ufe0f", "\u20e3"}
_PHONE_CHARS = re.compile(r"[0-9+()./ -]+")


def clean_text(value):
    """NFC-normalise and strip; None for None."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


def has_control_chars(value):
    """True for control, zero-width and direction-changing characters."""
    return bool(value and _CONTROL.search(value))


def has_symbols(value):
    """Emoji and pictographs: the poster font cannot print them."""
    return bool(value) and any(
        unicodedata.category(ch) in ("So", "Cs", "Co", "Me") or ord(ch) > 0xFFFF
        or ch in _EMOJI_MARKS
        for ch in value
    )


def has_markup(value):
    """True when the text holds angle brackets (HTML or script)."""
    return bool(value and re.search(r"[<>]", value))


def normalise_phone(raw):
    """A Vietnamese phone number in E.164 form (+84…), or ValueError."""
    raw = (raw or "").replace("\u00a0", " ").strip()
    if not raw or len(raw) > 20:
        raise ValueError("empty or too long")
    if not _PHONE_CHARS.fullmatch(raw):  # phonenumbers would silently drop letters and emoji
        raise ValueError("not a phone number")
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid Vietnamese number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164):
    """A stored +84 number in the national format people know (0912 345 678)."""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class PlainText:
    """Reject control characters, emoji and angle brackets; store NFC-normalised text.

    Tabs and line breaks are allowed only in text areas (or with multiline=True).
    """

    def __init__(self, allow_markup=False, multiline=None):
        self.allow_markup = allow_markup
        self.multiline = multiline

    def __call__(self, form, field):
        if field.data is None:
            return
        field.data = clean_text(field.data)
        multiline = self.multiline if self.multiline is not None else field.type == "TextAreaField"
        if multiline:
            field.data = field.data.replace("\r\n", "\n")
        if has_control_chars(field.data) or (not multiline and re.search(r"[\t\n]", field.data)):
            raise ValidationError(_l("Remove the invisible control characters."))
        if has_symbols(field.data):
            raise ValidationError(_l("Use letters, digits and punctuation only, without emoji."))
        if not self.allow_markup and has_markup(field.data):
            raise ValidationError(_l("Do not use the characters < and >."))


def MaxLength(limit):  # noqa: N802 - reads like the other validator classes
    """A length limit with a translated message."""
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


def EmailAddress():  # noqa: N802
    """A plausible email address (one @, a dot in the domain, no spaces)."""
    return Regexp(
        r"^[^@\s<>]+@[^@\s<>.]+(\.[^@\s<>.]+)+$",
        message=_l("Enter a valid email address, for example hoa@example.com."),
    )


class VietnamesePhone:
    """Validate and normalise a Vietnamese phone number to +84…."""

    def __call__(self, form, field):
        try:
            field.data = normalise_phone(field.data)
        except ValueError as exc:
            raise ValidationError(
                _l("Enter a Vietnamese phone number, for example 0912 345 678.")
            ) from exc


class PhoneField(StringField):
    """A phone input that shows a stored +84 number the way people write it (0912 345 678)."""

    def _value(self):
        if self.data and str(self.data).startswith("+84"):
            return display_phone(self.data)
        return super()._value()
