"""Vietnamese sort order for names, with numbers compared by value.

The order comes from ICU's collator for the CLDR "vi" locale (a < ă < â, d < đ, e < ê, o < ô < ơ,
u < ư, tones in Vietnamese order) with ICU's numeric collation on, so "Lô 69" sorts before
"Lô 161". ICU is the maintained reference implementation of CLDR collation; we use it through
the `pyicu-wheels` distribution, a binary wheel of PyICU bundling its own libicu (cp311
manylinux_2_28), so `make run` needs only Python 3.11: no compiler and no system libicu.
`pyuca` (pure Python) was the fallback, but it only knows the untailored DUCET, which puts
"âm" before "an" and has no Vietnamese tailoring; PyPI's `PyICU` builds from source.

Lists sorted in Python use `sorted_vi`. Lists ordered and paged in SQL use a persisted sort-key
column (`stored_key`): the ICU sort key written as lowercase hex, so plain byte or text order of
the column is Vietnamese order on SQLite and PostgreSQL alike (the column is also COLLATE "C"
on PostgreSQL). `sort_key_column` and `keep_sorted` keep such a column filled on every write
path: ORM objects, ORM bulk inserts and Core inserts.
"""
import threading
from functools import lru_cache

import icu
from sqlalchemy import String, event
from sqlalchemy.orm import mapped_column

LOCALE = "vi"
#: The column type of persisted sort keys: bytewise order on PostgreSQL whatever the database's
#: default collation (hex digits sort the same in any collation, "C" also keeps indexes cheap).
SORT_KEY_TYPE = String().with_variant(String(collation="C"), "postgresql")

_local = threading.local()


def _collator():
    # ICU collators are not documented as safe to share across threads: one per thread.
    collator = getattr(_local, "collator", None)
    if collator is None:
        collator = icu.Collator.createInstance(icu.Locale(LOCALE))
        collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
        _local.collator = collator
    return collator


def _clean(text):
    # Stray and doubled spaces ("Phường  An Nhơn") must not change a name's place in a list.
    return " ".join(str(text).split()) if text is not None else ""


@lru_cache(maxsize=8192)
def _key(cleaned):
    return _collator().getSortKey(cleaned)


def sort_key(text):
    """The bytes that order `text` the Vietnamese way, numbers by value (None sorts first)."""
    return _key(_clean(text))


def stored_key(text):
    """`sort_key` as lowercase hex: text whose plain order is the Vietnamese order."""
    return sort_key(text).hex()


def sorted_vi(items, key=None, reverse=False):
    """A new list of `items` in Vietnamese order of `key(item)` (the item itself by default)."""
    if key is None:
        return sorted(items, key=sort_key, reverse=reverse)
    return sorted(items, key=lambda item: sort_key(key(item)), reverse=reverse)


def sort_key_column(source):
    """A mapped column holding the stored key of the column named `source`, filled on insert."""

    def default(context):
        return stored_key(context.get_current_parameters().get(source))

    return mapped_column(SORT_KEY_TYPE, default=default)


def keep_sorted(model, source, target):
    """Refresh `model.target` whenever `model.source` is set on an ORM object."""

    @event.listens_for(getattr(model, source), "set", retval=False)
    def _refresh(obj, value, _old, _initiator):
        setattr(obj, target, stored_key(value))

    return _refresh
