"""What the scale benchmarks share: an in-process portal on a benchmark database (a schema of its
own on PostgreSQL) and bulk inserts of prepared rows."""
from datetime import timezone


def config(url, schema, data_key, **extra):
    """The portal's settings for a scale benchmark on `url` (PostgreSQL: in `schema`)."""
    settings = {
        "TESTING": True, "SECRET_KEY": "bench-" + "x" * 40, "PORTAL_DATA_KEY": data_key,
        "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "PORTAL_LOG_LEVEL": "WARNING",
        **extra,
    }
    if not url.startswith("sqlite"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    return settings


def app(url, schema, data_key, **extra):
    """The portal app on the benchmark database."""
    from portal import create_app

    settings = config(url, schema, data_key, **extra)
    portal = create_app(settings)
    if not url.startswith("sqlite"):  # create_app resets the engine options for SQLite only
        portal.config["SQLALCHEMY_ENGINE_OPTIONS"] = settings["SQLALCHEMY_ENGINE_OPTIONS"]
    return portal


def stamp(value, sqlite):
    """An aware datetime as the column stores it: naive UTC (text on SQLite)."""
    value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value


#: The Vietnamese sort-key columns the models keep beside a text (portal/collation.py): a bulk
#: insert fills them as the ORM would.
SORT_KEYS = {
    "users": (("full_name", "full_name_sort"),),
    "venues": (("name", "name_sort"),),
    "establishments": (("name", "name_sort"), ("address", "address_sort")),
}


def with_sort_keys(table, columns, rows):
    """(columns, rows) with the table's sort-key columns added, computed from their texts."""
    pairs = [(columns.index(text), key) for text, key in SORT_KEYS.get(table, ()) if key not in columns]
    if not pairs:
        return columns, rows
    from portal.collation import stored_key

    columns = tuple(columns) + tuple(key for _i, key in pairs)
    return columns, (tuple(row) + tuple(stored_key(row[i]) for i, _key in pairs) for row in rows)


def insert(table, columns, rows, sqlite=None, batch=50000, cache_kib=400000, checked=True):
    """Bulk insert tuples of database-ready values on a connection of its own: executemany on
    SQLite, COPY on PostgreSQL; returns the count. `sqlite` is taken from the engine when None.

    `checked=False` (PostgreSQL, a superuser) skips the foreign-key triggers for rows made
    consistent by construction: each checked row locks the row it points at, which for millions of
    rows writes a full page image of nearly every page of the table pointed at."""
    from portal.extensions import db

    columns, rows = with_sort_keys(table, columns, rows)

    if sqlite is None:
        sqlite = db.engine.dialect.name == "sqlite"
    count = 0
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            # A large page cache: the random-keyed unique indexes (ref, nonce, token) otherwise
            # make every insert read and write pages of a file far larger than the default cache.
            cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
        else:
            if not checked:
                cursor.execute("SET LOCAL session_replication_role = replica")  # until the commit
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        raw.commit()
    finally:
        raw.close()
    return count
