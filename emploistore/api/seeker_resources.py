"""/api/v1/me/<name>: the job seeker's data that plugins let partners read, with consent.

Plugins declare them with the ``seeker_resources`` hook; the host checks each declaration,
adds the two routes, protects them with the resource's OAuth scope and only ever passes the
token's own person to the plugin.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from authlib.integrations.flask_oauth2 import current_token
from flask import Flask, Response, jsonify, url_for

from emploistore.api.problems import problem
from emploistore.database import MAX_ID
from emploistore.oauth.scopes import DELEGATION_SCOPES
from emploistore.oauth.server import require_oauth
from emploistore.plugins.manager import PluginHost
from emploistore.plugins.types import SeekerResource

log = logging.getLogger(__name__)
NAME_RULE = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
RESERVED = {"favorites"}
EXTENSION_KEY = "emploistore.seeker_resources"


def registered(app: Flask) -> dict[str, tuple[str, SeekerResource]]:
    """Resource name → (plugin, resource), for the OpenAPI document."""
    return app.extensions.get(EXTENSION_KEY, {})


def register_seeker_resources(app: Flask, host: PluginHost) -> None:
    """Collect the plugins' resources and add their routes (once, at app creation)."""
    found: dict[str, tuple[str, SeekerResource]] = {}
    for plugin, resources in host.call_loaded("seeker_resources"):
        for resource in resources or ():
            problem_text = _problem_with(resource, found)
            if problem_text:
                summary = f"seeker_resources: {problem_text}"
                host.records[plugin].errors.append(summary)
                log.error("plugin %s: %s", plugin, summary)
                continue
            found[resource.name] = (plugin, resource)
            _add_routes(app, host, plugin, resource)
    app.extensions[EXTENSION_KEY] = found


def _problem_with(resource: Any, found: dict[str, Any]) -> str | None:
    if not isinstance(resource, SeekerResource):
        return f"not a SeekerResource: {resource!r}"
    if not NAME_RULE.match(resource.name) or resource.name in RESERVED:
        return f"{resource.name!r}: not an acceptable name"
    if resource.name in found:
        return f"{resource.name!r}: already served by {found[resource.name][0]}"
    if resource.scope not in DELEGATION_SCOPES or resource.scope in ("openid", "profile"):
        return f"{resource.name!r}: scope {resource.scope!r} is not a store data scope"
    return None


def _add_routes(app: Flask, host: PluginHost, plugin: str, resource: SeekerResource) -> None:
    endpoint = f"api_me_{resource.name.replace('-', '_')}"

    def gone() -> Response | None:
        if plugin not in host.active_names():
            return problem(404, "Not found", "This service is not available.")
        return None

    def list_view() -> Response:
        refused = gone()
        if refused is not None:
            return refused
        items = resource.list_items(current_token.user.id)
        for item in items:
            if "id" in item:
                item.setdefault(
                    "url", url_for(endpoint + "_item", item_id=item["id"], _external=True)
                )
        return _private(jsonify(items=items))

    def item_view(item_id: int) -> Response:
        refused = gone()
        if refused is not None:
            return refused
        item = resource.get_item(current_token.user.id, item_id) if item_id <= MAX_ID else None
        if item is None:
            return problem(404, "Not found", f"No {resource.name} item {item_id} for this person.")
        return _private(jsonify(item))

    protect: Callable[[Callable[..., Any]], Callable[..., Any]] = require_oauth(resource.scope)
    app.add_url_rule(f"/api/v1/me/{resource.name}", endpoint, protect(list_view), methods=["GET"])
    app.add_url_rule(
        f"/api/v1/me/{resource.name}/<int:item_id>",
        endpoint + "_item",
        protect(item_view),
        methods=["GET"],
    )


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
