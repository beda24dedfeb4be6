"""Problem details (RFC 9457) for every API error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, json


def problem(
    status: int,
    title: str,
    detail: str = "",
    errors: Mapping[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")
