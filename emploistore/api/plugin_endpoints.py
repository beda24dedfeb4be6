"""Public API routes that plugins serve under /api/v1 (the ``public_api`` hook)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask

from emploistore.api.problems import problem
from emploistore.plugins.manager import PluginHost
from emploistore.plugins.types import PublicEndpoint

log = logging.getLogger(__name__)
EXTENSION_KEY = "emploistore.public_api"
RULE = re.compile(r"^/[a-z][a-z0-9-]{1,30}(/[a-z0-9<>:_-]+)*$")
RESERVED = ("/me", "/partner", "/openapi.json", "/services", "/themes")


def registered_endpoints(app: Flask) -> list[tuple[str, PublicEndpoint]]:
    """(plugin, endpoint) for the OpenAPI document."""
    return app.extensions.get(EXTENSION_KEY, [])


def register_public_api(app: Flask, host: PluginHost) -> None:
    """Collect the plugins' endpoints and add their routes (once, at app creation)."""
    found: list[tuple[str, PublicEndpoint]] = []
    taken = {rule.rule for rule in app.url_map.iter_rules()}
    for plugin, endpoints in host.call_loaded("public_api"):
        for number, endpoint in enumerate(endpoints or ()):
            trouble = _problem_with(endpoint, taken)
            if trouble:
                summary = f"public_api: {trouble}"
                host.records[plugin].errors.append(summary)
                log.error("plugin %s: %s", plugin, summary)
                continue
            rule = "/api/v1" + endpoint.rule
            taken.add(rule)
            app.add_url_rule(
                rule,
                f"api_{plugin}_{number}",
                _guarded(host, plugin, endpoint.view),
                methods=["GET"],
            )
            found.append((plugin, endpoint))
    app.extensions[EXTENSION_KEY] = found


def _problem_with(endpoint: Any, taken: set[str]) -> str | None:
    if not isinstance(endpoint, PublicEndpoint):
        return f"not a PublicEndpoint: {endpoint!r}"
    first = "/" + endpoint.rule.split("/")[1] if RULE.match(endpoint.rule) else ""
    if not first or first in RESERVED:
        return f"{endpoint.rule!r}: not an acceptable path"
    if "/api/v1" + endpoint.rule in taken:
        return f"{endpoint.rule!r}: already served"
    return None


def _guarded(host: PluginHost, plugin: str, view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(**kwargs: Any) -> Any:
        if plugin not in host.active_names():
            return problem(404, "Not found", "This service is not available.")
        return view(**kwargs)

    return guarded


def add_to_document(document: dict[str, Any], endpoints: list[tuple[str, PublicEndpoint]]) -> None:
    """Add the plugins' operations and schemas to an OpenAPI document (a dict)."""
    paths = document.setdefault("paths", {})
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for _plugin, endpoint in endpoints:
        operation = endpoint.operation() if callable(endpoint.operation) else endpoint.operation
        paths.setdefault("/" + endpoint.openapi_path.lstrip("/"), {})["get"] = dict(operation)
        for name, schema in (endpoint.schemas or {}).items():
            schemas.setdefault(name, dict(schema))
