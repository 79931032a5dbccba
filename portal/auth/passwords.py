"""Password strength: one rule for every place a password is set (forms and the CLI)."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

from ..text import normalise_phone

#: zxcvbn's score from 0 to 4; 3 means about 10^8 guesses or more, beyond an online attack
#: and slow even offline against the salted scrypt hash.
MIN_SCORE = 3
#: zxcvbn refuses longer input; the forms allow at most 128 characters.
MAX_CHECKED = 128
#: Words of this site that a guesser would try first (zxcvbn's advice for "user inputs").
SITE_WORDS = ("vaora", "vào ra", "vao ra")

WEAK = _l("This password is too easy to guess. Use a few words that go together only for you: "
          "not a run of digits or keys, a common word, or your name.")
HAS_PHONE = _l("Do not use the phone number in the password.")


def _fold(text):
    """Lower case without Vietnamese diacritics: 'Nguyễn Đức' -> 'nguyen duc'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _phone_forms(phone):
    """The ways people write this phone number: +84912…, 84912…, 0912…, 912…."""
    try:
        e164 = normalise_phone(phone)
    except ValueError:
        digits = re.sub(r"\D", "", phone or "")
        return [digits] if len(digits) >= 6 else []
    national = e164[3:]
    return [e164, e164[1:], "0" + national, national]


def _context_words(phone, full_name, email):
    words = set(SITE_WORDS)
    words.update(_phone_forms(phone))
    for text in (full_name, email):
        if not text:
            continue
        for form in (text.lower(), _fold(text)):
            words.add(form)
            words.update(part for part in re.split(r"[\s@._-]+", form) if len(part) >= 2)
    return sorted(words)


def password_problem(password, *, phone=None, full_name=None, email=None):
    """None when the password is hard to guess, else why not (a message for the user).

    The phone number, name and email of the account count as known to a guesser.
    """
    password = password or ""
    national = _phone_forms(phone)[-1:] if phone else []
    if national and national[0] in re.sub(r"\D", "", password):
        return HAS_PHONE
    result = zxcvbn(password[:MAX_CHECKED], user_inputs=_context_words(phone, full_name, email),
                    max_length=MAX_CHECKED)
    return WEAK if result["score"] < MIN_SCORE else None


class StrongPassword:
    """WTForms validator: refuse guessable passwords, knowing the form's phone, name and email.

    A form may add what it knows of the account in `password_context` (a dict with phone,
    full_name, email). It stays silent while another rule (length, required) already failed.
    """

    FIELDS = ("phone", "full_name", "email")

    def __call__(self, form, field):
        if field.errors or not field.data:
            return
        context = {name: form[name].data for name in self.FIELDS if name in form}
        context.update(getattr(form, "password_context", None) or {})
        problem = password_problem(field.data, **context)
        if problem is not None:
            raise ValidationError(problem)
