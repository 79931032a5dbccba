"""Re-encrypt personal data under a new PORTAL_DATA_KEY and recompute the look-up hashes.

Every column typed EncryptedText, in any table, is re-encrypted. A value that already opens with
the new key is left as it is, so an interrupted rotation can simply be run again.
"""
import base64
import binascii

from cryptography.fernet import InvalidToken
from sqlalchemy import LargeBinary, String, bindparam, column, select, table, update

from ..crypto import EncryptedText, keys_for, lookup_hash
from ..extensions import db
from ..text import normalise_phone
from ..tracing.services import normalise_id_number

BATCH = 1000


def _same_or_raw(normalise):
    def run(value):
        try:
            return normalise(value)
        except ValueError:
            return value
    return run


#: Keyed-hash columns and the encrypted column (and normaliser) each is computed from.
KEYED_HASHES = {
    "visitors": {"phone_hash": ("phone", _same_or_raw(normalise_phone)),
                 "id_number_hash": ("id_number", _same_or_raw(normalise_id_number))},
}


class KeyRotationError(ValueError):
    """The new key cannot be used."""


def check_new_key(new_key, old_key):
    """Raise KeyRotationError unless `new_key` is 32 random bytes in URL-safe base64, not the old key."""
    try:
        raw = base64.urlsafe_b64decode(new_key.encode())
    except (binascii.Error, ValueError, AttributeError) as exc:
        raise KeyRotationError("the new key is not URL-safe base64") from exc
    if len(raw) != 32:
        raise KeyRotationError("the new key must be 32 bytes (44 characters of URL-safe base64)")
    if new_key == old_key:
        raise KeyRotationError("the new key is the same as the current key")


def encrypted_tables():
    """{table name: (primary key column name, [encrypted column names])}."""
    found = {}
    for t in db.metadata.sorted_tables:
        names = [c.name for c in t.columns if isinstance(c.type, EncryptedText)]
        if names:
            pk = list(t.primary_key.columns)
            if len(pk) != 1:
                raise RuntimeError(f"{t.name}: encrypted columns need a single-column primary key")
            found[t.name] = (pk[0].name, names)
    return found


def _reencrypt(blob, old, new):
    """(new ciphertext, plaintext) for one value; ciphertext already under `new` stays."""
    if blob is None:
        return None, None
    blob = bytes(blob)
    try:
        plain = old.decrypt(blob)
    except InvalidToken:
        plain = new.decrypt(blob)  # rotated by an earlier, interrupted run (else InvalidToken)
        return blob, plain.decode("utf-8")
    return new.encrypt(plain), plain.decode("utf-8")


def rotate_table(name, pk_name, columns, old_key, new_key):
    """Re-encrypt one table in batches; returns the number of rows rewritten."""
    old, new = keys_for(old_key)[0], keys_for(new_key)[0]
    hashes = KEYED_HASHES.get(name, {})
    raw = table(name, column(pk_name), *[column(c, LargeBinary()) for c in columns],
                *[column(h, String()) for h in hashes])
    pk = raw.c[pk_name]
    count, after = 0, None
    while True:
        query = select(pk, *[raw.c[c] for c in columns]).order_by(pk).limit(BATCH)
        if after is not None:
            query = query.where(pk > after)
        rows = db.session.execute(query).all()
        if not rows:
            return count
        params = []
        for row in rows:
            values, plain = {"v_pk": row[0]}, {}
            for i, c in enumerate(columns, start=1):
                values["v_" + c], plain[c] = _reencrypt(row[i], old, new)
            for hash_column, (source, normalise) in hashes.items():
                text = plain.get(source)
                values["v_" + hash_column] = lookup_hash(normalise(text), new_key) if text else None
            params.append(values)
        targets = {c: bindparam("v_" + c) for c in [*columns, *hashes]}
        db.session.execute(update(raw).where(pk == bindparam("v_pk")).values(targets), params)
        count += len(rows)
        after = rows[-1][0]


def rotate(old_key, new_key):
    """Re-encrypt every encrypted column under `new_key`; {table: rows}. The caller commits."""
    check_new_key(new_key, old_key)
    done = {}
    for name, (pk_name, columns) in encrypted_tables().items():
        done[name] = rotate_table(name, pk_name, columns, old_key, new_key)
    db.session.flush()
    return done
