"""PORTAL_DB_PREPARED_STATEMENTS: off behind PgBouncer in transaction mode (runs in every suite)."""
from portal.config import Defaults, from_environment, postgresql_engine_options


def options(**settings):
    config = {name: getattr(Defaults, name) for name in dir(Defaults) if name.isupper()}
    config.update(settings)
    return postgresql_engine_options(config)["connect_args"]


def test_prepared_statements_are_on_by_default():
    assert "prepare_threshold" not in options()


def test_turning_them_off_stops_psycopg_preparing():
    settings = from_environment({"PORTAL_DB_PREPARED_STATEMENTS": "false"})
    assert settings["PORTAL_DB_PREPARED_STATEMENTS"] is False
    connect_args = options(**settings)
    assert "prepare_threshold" in connect_args and connect_args["prepare_threshold"] is None
    assert connect_args["connect_timeout"] == Defaults.PORTAL_DB_CONNECT_TIMEOUT


def test_the_pool_s_connections_prepare_nothing_when_off(make_app):
    app = make_app(PORTAL_DB_PREPARED_STATEMENTS=False)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        from portal.extensions import db
        with app.app_context():
            with db.engine.connect() as conn:
                assert conn.connection.dbapi_connection.prepare_threshold is None
    else:  # SQLite takes no PostgreSQL options
        assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
