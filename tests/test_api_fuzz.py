"""API fuzzing: schemathesis drives /api/v1 from the app's own OpenAPI document.

Every generated request (valid and invalid parameters alike) must get no 5xx, a response
that conforms to the document (status, content type, body schema), and a problem-details
answer when it is refused.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.fixtures import SHIPPED_CATALOG


@pytest.fixture
def api_schema(make_app):  # type: ignore[no-untyped-def]
    app = make_app(catalog=SHIPPED_CATALOG)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case):  # type: ignore[no-untyped-def]
    response = case.call_and_validate()
    assert response.status_code < 500


def test_the_document_covers_every_api_route(make_app):
    app = make_app()
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in {"api.index", "api.openapi"}
    }
    assert routes == set(document["paths"])
