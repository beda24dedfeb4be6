"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrations_match_the_models(make_app):
    app = make_app(schema=False, catalog=None)
    result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
    assert result.exit_code == 0, result.output
    from emploistore.database import db

    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
