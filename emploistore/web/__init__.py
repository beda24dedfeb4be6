"""Request plumbing shared by every page: locale, security headers, errors, helpers."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session

from emploistore.web.errors import register_error_handlers
from emploistore.web.page_cache import init_page_cache
from emploistore.web.security import add_security_headers
from emploistore.web.templating import register_template_helpers


def select_locale() -> str:
    """French unless the visitor chose another available language."""
    chosen = session.get("lang") if has_request_context() else None
    config = current_app.config
    return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def init_web(app: Flask) -> None:
    app.after_request(add_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)
    init_page_cache(app)
