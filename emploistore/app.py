"""The application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from emploistore.config import configure, instance_path_from


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the store: config, extensions, host blueprints, then plugins."""
    # Imported here so that importing the package (e.g. by a plugin) stays light.
    from emploistore import cli, web
    from emploistore.accounts import views as accounts_views
    from emploistore.accounts.services import load_user
    from emploistore.admin import models as _admin_models  # noqa: F401 - tables
    from emploistore.admin import partners as admin_partners
    from emploistore.admin import review as admin_review
    from emploistore.admin import views as admin_views
    from emploistore.api import views as api_views
    from emploistore.api.plugin_endpoints import register_public_api
    from emploistore.api.seeker_resources import register_seeker_resources
    from emploistore.catalog import views as catalog_views
    from emploistore.catalog.loader import disabled_plugins
    from emploistore.engagement import views as engagement_views
    from emploistore.extensions import babel, csrf, db, login_manager, migrate
    from emploistore.oauth import views as oauth_views
    from emploistore.oauth.server import init_oauth
    from emploistore.partners import api as partner_api
    from emploistore.partners import models as _partner_models  # noqa: F401 - tables
    from emploistore.partners import portal as partner_portal
    from emploistore.partners.stats import init_view_counter
    from emploistore.plugins.manager import PluginHost
    from emploistore.search import views as search_views
    from emploistore.search.services import init_search

    app = Flask(
        "emploistore",
        instance_path=instance_path_from(config),
        instance_relative_config=True,
    )
    configure(app, config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    init_search(app, config.get("SEARCH_BACKEND") if config else None)
    init_oauth(app)

    web.init_web(app)
    for module in (
        catalog_views,
        search_views,
        accounts_views,
        engagement_views,
        admin_views,
        api_views,
        oauth_views,
        partner_portal,
        admin_partners,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(partner_api.bp)
    app.register_blueprint(admin_review.bp)
    app.register_blueprint(partner_api.media_bp)
    init_view_counter(app)
    cli.register_commands(app)

    host = PluginHost(app, disabled=disabled_plugins(app.config["CATALOG"]))
    host.load_all()
    register_seeker_resources(app, host)
    register_public_api(app, host)
    host.start()
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=app.config["PROXY_FIX"],
            x_proto=app.config["PROXY_FIX"],
            x_host=app.config["PROXY_FIX"],
        )
    return app
