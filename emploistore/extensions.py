"""Flask extensions, created here unbound and attached to an app in ``create_app``."""

from __future__ import annotations

import os
from pathlib import Path

from alembic.config import Config
from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from emploistore.database import db

migrate = Migrate()


@migrate.configure
def add_plugin_migrations(alembic_config: Config) -> Config:
    """Alembic looks for revisions in the host's folder and in every plugin's branch."""
    from emploistore.plugins.manager import plugin_host

    host_versions = Path(__file__).parent / "migrations" / "versions"
    plugin_versions = plugin_host(current_app).migration_dirs
    locations = [str(host_versions), *(str(path) for path in plugin_versions)]
    alembic_config.set_main_option("version_locations", os.pathsep.join(locations))
    return alembic_config


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

__all__ = ["babel", "csrf", "db", "login_manager", "migrate"]
