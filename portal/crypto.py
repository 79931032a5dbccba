"""Personal data at rest: Fernet encryption and keyed hashes for look-ups.

PORTAL_DATA_KEY is 32 random bytes, URL-safe base64. Two sub-keys are derived from it:
one encrypts (Fernet), one keys the HMAC used to find a visitor by phone or ID number.
"""
import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import LargeBinary, TypeDecorator

_cache = {}


def _derive(master, purpose):
    raw = base64.urlsafe_b64decode(master.encode() if isinstance(master, str) else master)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(raw)


def keys_for(master):
    """(Fernet, hmac key) for a master key, cached."""
    if master not in _cache:
        fernet = Fernet(base64.urlsafe_b64encode(_derive(master, b"vaora-encrypt")))
        _cache[master] = (fernet, _derive(master, b"vaora-lookup"), _derive(master, b"vaora-address"))
    return _cache[master]


def _master():
    key = current_app.config.get("PORTAL_DATA_KEY")
    if not key:
        raise RuntimeError("PORTAL_DATA_KEY is not configured")
    return key


def encrypt(text, master=None):
    """Encrypt a string; None stays None."""
    if text is None:
        return None
    return keys_for(master or _master())[0].encrypt(text.encode("utf-8"))


def decrypt(blob, master=None):
    """Decrypt to a string; None stays None."""
    if blob is None:
        return None
    try:
        return keys_for(master or _master())[0].decrypt(bytes(blob)).decode("utf-8")
    except InvalidToken as exc:
        raise RuntimeError("personal data cannot be decrypted with PORTAL_DATA_KEY") from exc


def lookup_hash(value, master=None):
    """A keyed hash of a normalised phone or ID number, for equality look-ups."""
    if value is None:
        return None
    digest = hmac.new(keys_for(master or _master())[1], value.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()


def address_hash(address, master=None):
    """A keyed hash of a client IP address (its own sub-key): equal addresses compare, none can be read back."""
    if address is None:
        return None
    key = keys_for(master or _master())[2]
    return hmac.new(key, address.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def plain_hash(token):
    """SHA-256 of a random token (device cookies): enough for 128+ bit secrets."""
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


class EncryptedText(TypeDecorator):
    """A string column stored encrypted under PORTAL_DATA_KEY."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encrypt(value)

    def process_result_value(self, value, dialect):
        return decrypt(value)
