"""API fuzzing: schemathesis drives /api/v1 from the app's own OpenAPI document.

Every generated request (valid and invalid parameters alike) must get no 5xx, a response
that conforms to the document (status, content type, body schema), and a problem-details
answer when it is refused.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fixtures import SHIPPED_CATALOG


@pytest.fixture
def api_schema(make_app):  # type: ignore[no-untyped-def]
    app = make_app(catalog=SHIPPED_CATALOG)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")

TOKENS: dict[str, str] = {}


@pytest.fixture
def partner_api_schema(make_app):  # type: ignore[no-untyped-def]
    """The same document, fuzzed with a real partner token (services:write stats:read)."""
    from tests.fixtures import Partners

    app = make_app(catalog=SHIPPED_CATALOG)
    org = Partners(app).organisation()
    answer = app.test_client().post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(org["client_id"], org["client_secret"]),
    )
    TOKENS["partner"] = answer.get_json()["access_token"]
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(
        path_regex="^/partner/"
    )


partner_schema = schemathesis.pytest.from_fixture("partner_api_schema")


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case):  # type: ignore[no-untyped-def]
    # A schema-valid `where` may name no commune in France (the document cannot list the
    # 35,000 communes): /jobs then answers 400 naming `where`. Every other check stays on.
    excluded = [positive_data_acceptance] if case.path == "/jobs" else []
    response = case.call_and_validate(excluded_checks=excluded)
    assert response.status_code < 500


@partner_schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_publishing_api_conforms_with_a_token(case):  # type: ignore[no-untyped-def]
    # A schema-valid manifest may still be refused (422) for what no public document can
    # say: the launch URL must be on *this* organisation's verified domains. Every other
    # check stays on: no 5xx, documented statuses, content types and bodies.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKENS['partner']}"},
        excluded_checks=[positive_data_acceptance],
    )
    assert response.status_code < 500


def test_the_document_covers_every_api_route(make_app):
    app = make_app()
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in {"api.index", "api.openapi"}
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert routes == documented


def test_the_document_declares_the_oauth_security_schemes(make_app):
    document = make_app().test_client().get("/api/v1/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    flows = schemes["partnerClient"]["flows"]["clientCredentials"]
    assert flows["tokenUrl"].endswith("/oauth/token")
    assert set(flows["scopes"]) == {"services:write", "stats:read"}
    code = schemes["seekerConsent"]["flows"]["authorizationCode"]
    assert code["authorizationUrl"].endswith("/oauth/authorize")
    assert {"openid", "cv:read", "favorites:read"} <= set(code["scopes"])
    assert document["paths"]["/partner/listings"]["post"]["security"] == [
        {"partnerClient": ["services:write"]}
    ]
