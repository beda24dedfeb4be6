"""The OAuth 2.0 / OpenID Connect server, driven over HTTP by Authlib's own client.

A requests.Session plays the seeker's browser (log-in, consent); Authlib's OAuth2Session
plays the partner (PKCE, token exchange, refresh, revocation, introspection).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import text

from tests.fixtures import PASSWORD

SEEKER = "lea@example.org"


@pytest.fixture
def seeker(accounts: Any) -> int:
    return accounts.create(SEEKER, name="Léa")


@pytest.fixture
def org(partners: Any) -> dict[str, Any]:
    return partners.organisation()


@pytest.fixture
def app_client(partners: Any, org: dict[str, Any]) -> dict[str, Any]:
    return partners.client(org)


def browser(store: Any, email: str = SEEKER) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        store.url + "/compte/connexion",
        data={"email": email, "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:500]
    return session


def partner_session(store: Any, client: dict[str, Any], scope: str, **kwargs: Any) -> Any:
    return OAuth2Session(
        client["client_id"],
        client["client_secret"],
        scope=scope,
        redirect_uri=client["redirect_uri"],
        code_challenge_method="S256",
        **kwargs,
    )


def authorize(
    store: Any, seeker_browser: requests.Session, url: str, decision: str = "accept"
) -> requests.Response:
    """Open the authorization URL, answer the consent screen if shown; the final redirect."""
    page = seeker_browser.get(url, allow_redirects=False)
    if page.status_code == 200 and 'name="decision"' in page.text:
        assert page.headers["Cache-Control"] == "no-store"
        path = urlsplit(url)
        return seeker_browser.post(
            store.url + path.path + "?" + path.query,
            data={"decision": decision},
            allow_redirects=False,
        )
    return page


def code_flow(
    store: Any, client: dict[str, Any], scope: str = "openid profile email favorites:read"
) -> tuple[Any, dict[str, Any], str]:
    """A complete delegation: returns the partner session, its token and the nonce."""
    session = partner_session(store, client, scope)
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, _state = session.create_authorization_url(
        store.url + "/oauth/authorize", code_verifier=verifier, nonce=nonce
    )
    answer = authorize(store, browser(store), url)
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    assert location.startswith(client["redirect_uri"] + "?")
    token = session.fetch_token(
        store.url + "/oauth/token", authorization_response=location, code_verifier=verifier
    )
    return session, token, nonce


def introspect(store: Any, client: dict[str, Any], token: str) -> dict[str, Any]:
    answer = requests.post(
        store.url + "/oauth/introspect",
        data={"token": token},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(store: Any, path: str, token: str) -> requests.Response:
    return requests.get(store.url + path, headers={"Authorization": f"Bearer {token}"})


# --- discovery ---------------------------------------------------------------------------


def test_discovery_and_jwks(live_store: Any) -> None:
    config = requests.get(live_store.url + "/.well-known/openid-configuration").json()
    assert config["issuer"] == live_store.url
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["response_types_supported"] == ["code"]
    assert "implicit" not in config["grant_types_supported"]
    assert "password" not in config["grant_types_supported"]
    assert config["authorization_response_iss_parameter_supported"] is True
    keys = requests.get(config["jwks_uri"]).json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0]  # never the private part
    same = requests.get(live_store.url + "/.well-known/oauth-authorization-server").json()
    assert same["token_endpoint"] == config["token_endpoint"]


# --- client_credentials --------------------------------------------------------------------


def test_client_credentials_gives_the_publishing_scopes(live_store: Any, org: dict) -> None:
    session = OAuth2Session(org["client_id"], org["client_secret"])
    token = session.fetch_token(live_store.url + "/oauth/token", grant_type="client_credentials")
    assert set(token["scope"].split()) == {"services:write", "stats:read"}
    assert "refresh_token" not in token
    assert token["token_type"].lower() == "bearer"
    answer = requests.post(
        live_store.url + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "stats:read"},
        auth=(org["client_id"], org["client_secret"]),
    )
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json()["scope"] == "stats:read"


@pytest.mark.parametrize(
    ("scope", "error"),
    [("openid", "invalid_scope"), ("cv:read", "invalid_scope"), ("admin", "invalid_scope")],
)
def test_client_credentials_refuses_other_scopes(
    live_store: Any, org: dict, scope: str, error: str
) -> None:
    answer = requests.post(
        live_store.url + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(org["client_id"], org["client_secret"]),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == error
    assert answer.headers["Cache-Control"] == "no-store"


def test_client_credentials_refuses_a_wrong_secret_and_unknown_client(
    live_store: Any, org: dict
) -> None:
    for auth in ((org["client_id"], "not-the-secret"), ("no-such-client", "x")):
        answer = requests.post(
            live_store.url + "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=auth,
        )
        assert answer.status_code == 401
        assert answer.json()["error"] == "invalid_client"


def test_public_clients_cannot_use_client_credentials(
    live_store: Any, partners: Any, org: dict
) -> None:
    public = partners.client(org, confidential=False, scope="openid")
    answer = requests.post(
        live_store.url + "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": public["client_id"]},
    )
    assert answer.status_code in (400, 401)
    assert answer.json()["error"] in ("invalid_client", "unauthorized_client")


def test_no_implicit_and_no_password_grant(live_store: Any, org: dict, seeker: int) -> None:
    answer = requests.post(
        live_store.url + "/oauth/token",
        data={"grant_type": "password", "username": SEEKER, "password": PASSWORD},
        auth=(org["client_id"], org["client_secret"]),
    )
    assert answer.json()["error"] == "unsupported_grant_type"


# --- authorization code + PKCE + OpenID Connect ---------------------------------------------


def test_the_whole_delegation_flow(live_store: Any, app_client: dict, seeker: int) -> None:
    _session, token, nonce = code_flow(live_store, app_client)
    assert set(token["scope"].split()) == {"openid", "profile", "email", "favorites:read"}
    assert token["expires_in"] <= 600
    # The ID token: RS256 with the published key, for this client, with the nonce.
    keys = KeySet.import_key_set(requests.get(live_store.url + "/oauth/jwks").json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    claims = decoded.claims
    assert decoded.header["kid"] == keys.keys[0].kid
    assert claims["iss"] == live_store.url
    assert claims["aud"] == app_client["client_id"]
    assert claims["nonce"] == nonce
    assert claims["email"] == SEEKER
    assert "at_hash" in claims
    # userinfo, with the same pairwise subject
    info = bearer(live_store, "/oauth/userinfo", token["access_token"])
    assert info.status_code == 200
    assert info.json()["sub"] == claims["sub"]
    assert info.json()["name"] == "Léa"
    assert info.headers["Cache-Control"] == "no-store"
    # The seeker sees the application and what it can do.
    page = browser(live_store).get(live_store.url + "/compte/applications").text
    assert "Appli partenaire" in page and "Connaître votre adresse e-mail" in page


def test_the_consent_screen_speaks_plain_french(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session = partner_session(live_store, app_client, "openid email cv:read")
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    page = browser(live_store).get(url, allow_redirects=False)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Jobboard Exemple" in page.text
    assert "Lire les CV que vous avez créés" in page.text
    assert "Connaître votre adresse e-mail" in page.text
    assert "Accepter" in page.text and "Refuser" in page.text
    assert "app.jobboard.example" in page.text  # where the seeker will be sent
    assert page.headers["X-Frame-Options"] == "DENY" or "frame-ancestors 'none'" in (
        page.headers.get("Content-Security-Policy", "")
    )


def test_refusing_sends_access_denied_with_state_and_issuer(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session = partner_session(live_store, app_client, "openid")
    url, state = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    answer = authorize(live_store, browser(live_store), url, decision="refuse")
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [state]
    assert query["iss"] == [live_store.url]
    assert "code" not in query


def test_anonymous_seekers_log_in_first_and_come_back(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session = partner_session(live_store, app_client, "openid")
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    anonymous = requests.Session()
    answer = anonymous.get(url, allow_redirects=False)
    assert answer.status_code == 303
    login = urlsplit(answer.headers["Location"])
    assert login.path == "/compte/connexion"
    back = parse_qs(login.query)["next"][0]
    assert back.startswith("/oauth/authorize?")
    logged_in = anonymous.post(
        live_store.url + "/compte/connexion?" + login.query,
        data={"email": SEEKER, "password": PASSWORD},
        allow_redirects=False,
    )
    assert logged_in.headers["Location"].endswith(back)


def test_consent_is_remembered_and_prompt_consent_asks_again(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    code_flow(live_store, app_client, scope="openid email")
    session = partner_session(live_store, app_client, "openid email")
    seeker_browser = browser(live_store)
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    direct = seeker_browser.get(url, allow_redirects=False)
    assert direct.status_code == 302 and "code=" in direct.headers["Location"]
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64), prompt="consent"
    )
    assert 'name="decision"' in seeker_browser.get(url, allow_redirects=False).text
    # More scopes than granted: asked again.
    wider = partner_session(live_store, app_client, "openid email cv:read")
    url, _ = wider.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    assert 'name="decision"' in seeker_browser.get(url, allow_redirects=False).text


def test_prompt_none_without_consent_answers_consent_required(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session = partner_session(live_store, app_client, "openid")
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64), prompt="none"
    )
    answer = browser(live_store).get(url, allow_redirects=False)
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["consent_required"]


def _authorize_query(client: dict[str, Any], **changes: Any) -> str:
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "redirect_uri": client["redirect_uri"],
        "scope": "openid",
        "state": "xyz",
        "code_challenge": create_s256_code_challenge(generate_token(64)),
        "code_challenge_method": "S256",
    }
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v is not None})


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://app.jobboard.example/callback/",
        "https://APP.jobboard.example/callback",
        "https://app.jobboard.example/callback?x=1",
        "https://app.jobboard.example/callback#frag",
        "http://app.jobboard.example/callback",
        "https://app.jobboard.example/callback/../evil",
        "https://app.jobboard.example.evil.example/callback",
        "https://evil.example/callback",
        None,
    ],
)
def test_redirect_uri_must_match_exactly_and_is_never_followed_otherwise(
    live_store: Any, app_client: dict, seeker: int, redirect_uri: str | None
) -> None:
    url = (
        live_store.url
        + "/oauth/authorize?"
        + _authorize_query(app_client, redirect_uri=redirect_uri)
    )
    answer = browser(live_store).get(url, allow_redirects=False)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "Connexion impossible" in answer.text


@pytest.mark.parametrize("client_id", ["unknown-client", "", "x" * 300])
def test_unknown_client_gets_an_error_page_not_a_redirect(
    live_store: Any, app_client: dict, seeker: int, client_id: str
) -> None:
    url = live_store.url + "/oauth/authorize?" + _authorize_query(app_client, client_id=client_id)
    answer = browser(live_store).get(url, allow_redirects=False)
    assert answer.status_code == 400
    assert "Location" not in answer.headers


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "openid services:write"}, "invalid_scope"),
        ({"scope": "openid nonsense"}, "invalid_scope"),
    ],
)
def test_bad_authorization_requests_go_back_to_the_client_with_an_error(
    live_store: Any, app_client: dict, seeker: int, changes: dict, expected: str
) -> None:
    url = live_store.url + "/oauth/authorize?" + _authorize_query(app_client, **changes)
    answer = browser(live_store).get(url, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    location = answer.headers["Location"]
    assert location.startswith(app_client["redirect_uri"] + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == [expected]
    assert query["state"] == ["xyz"]


def _code_for(live_store: Any, client: dict[str, Any], verifier: str) -> str:
    url = (
        live_store.url
        + "/oauth/authorize?"
        + _authorize_query(client, code_challenge=create_s256_code_challenge(verifier))
    )
    answer = authorize(live_store, browser(live_store), url)
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def _redeem(live_store: Any, client: dict[str, Any], code: str, **extra: Any) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client["redirect_uri"],
        **extra,
    }
    return requests.post(
        live_store.url + "/oauth/token",
        data={k: v for k, v in data.items() if v is not None},
        auth=(client["client_id"], client["client_secret"]),
    )


@pytest.mark.parametrize(
    ("verifier", "error"),
    [
        (None, "invalid_request"),
        ("w" * 64, "invalid_grant"),
        ("short", "invalid_request"),
    ],
)
def test_the_token_endpoint_checks_the_pkce_verifier(
    live_store: Any, app_client: dict, seeker: int, verifier: str | None, error: str
) -> None:
    good = generate_token(64)
    code = _code_for(live_store, app_client, good)
    answer = _redeem(live_store, app_client, code, code_verifier=verifier)
    assert answer.status_code == 400
    assert answer.json()["error"] == error


def test_the_redirect_uri_must_be_repeated_exactly_at_the_token_endpoint(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    verifier = generate_token(64)
    code = _code_for(live_store, app_client, verifier)
    answer = _redeem(
        live_store,
        app_client,
        code,
        code_verifier=verifier,
        redirect_uri=app_client["redirect_uri"] + "/",
    )
    assert answer.json()["error"] == "invalid_grant"


def test_a_replayed_code_fails_and_revokes_what_it_gave(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    verifier = generate_token(64)
    code = _code_for(live_store, app_client, verifier)
    first = _redeem(live_store, app_client, code, code_verifier=verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert bearer(live_store, "/oauth/userinfo", tokens["access_token"]).status_code == 200
    second = _redeem(live_store, app_client, code, code_verifier=verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert bearer(live_store, "/oauth/userinfo", tokens["access_token"]).status_code == 401
    assert introspect(live_store, app_client, tokens["refresh_token"]) == {"active": False}


def test_parallel_redemptions_of_one_code_give_exactly_one_token(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    verifier = generate_token(64)
    code = _code_for(live_store, app_client, verifier)
    barrier = threading.Barrier(6)
    results: list[int] = []

    def redeem() -> None:
        barrier.wait()
        results.append(_redeem(live_store, app_client, code, code_verifier=verifier).status_code)

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [200, 400, 400, 400, 400, 400]


def _sql(app: Any, statement: str, **params: Any) -> Any:
    from emploistore.database import db

    with app.app_context():
        result = db.session.execute(text(statement), params)
        rows = result.fetchall() if result.returns_rows else None
        db.session.commit()
        return rows


def test_an_expired_code_is_refused(live_store: Any, app_client: dict, seeker: int) -> None:
    verifier = generate_token(64)
    code = _code_for(live_store, app_client, verifier)
    _sql(live_store.app, "UPDATE oauth_code SET expires_at = created_at")
    answer = _redeem(live_store, app_client, code, code_verifier=verifier)
    assert answer.json()["error"] == "invalid_grant"


def test_another_clients_code_is_refused(
    live_store: Any, partners: Any, org: dict, app_client: dict, seeker: int
) -> None:
    other = partners.client(org, name="Autre appli")
    verifier = generate_token(64)
    code = _code_for(live_store, app_client, verifier)
    answer = _redeem(live_store, other, code, code_verifier=verifier)
    assert answer.json()["error"] == "invalid_grant"
    # ...and the rightful client can still redeem it.
    assert _redeem(live_store, app_client, code, code_verifier=verifier).status_code == 200


# --- refresh tokens ---------------------------------------------------------------------------


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_family(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session, first, _ = code_flow(live_store, app_client)
    second = session.refresh_token(
        live_store.url + "/oauth/token", refresh_token=first["refresh_token"]
    )
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert bearer(live_store, "/oauth/userinfo", second["access_token"]).status_code == 200
    # The first refresh token comes back (stolen copy): refused, and the family dies.
    with pytest.raises(OAuthError) as refused:
        session.refresh_token(live_store.url + "/oauth/token", refresh_token=first["refresh_token"])
    assert refused.value.error == "invalid_grant"
    assert bearer(live_store, "/oauth/userinfo", second["access_token"]).status_code == 401
    with pytest.raises(OAuthError):
        session.refresh_token(
            live_store.url + "/oauth/token", refresh_token=second["refresh_token"]
        )


def test_a_refresh_token_can_narrow_the_scope_but_not_widen_it(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session, token, _ = code_flow(live_store, app_client, scope="openid email")
    narrower = session.refresh_token(
        live_store.url + "/oauth/token", refresh_token=token["refresh_token"], scope="openid"
    )
    assert narrower["scope"] == "openid"
    with pytest.raises(OAuthError) as refused:
        session.refresh_token(
            live_store.url + "/oauth/token",
            refresh_token=narrower["refresh_token"],
            scope="openid cv:read",
        )
    assert refused.value.error == "invalid_scope"


def test_another_client_cannot_use_a_refresh_token(
    live_store: Any, partners: Any, org: dict, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client)
    other = partners.client(org, name="Autre appli")
    answer = requests.post(
        live_store.url + "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(other["client_id"], other["client_secret"]),
    )
    assert answer.json()["error"] == "invalid_grant"


# --- tokens: expiry, revocation, introspection -----------------------------------------------


def test_an_expired_access_token_is_refused(live_store: Any, app_client: dict, seeker: int) -> None:
    _, token, _ = code_flow(live_store, app_client)
    _sql(live_store.app, "UPDATE oauth_token SET expires_at = issued_at")
    answer = bearer(live_store, "/oauth/userinfo", token["access_token"])
    assert answer.status_code == 401
    assert "invalid_token" in answer.headers["WWW-Authenticate"]
    assert introspect(live_store, app_client, token["access_token"]) == {"active": False}


def test_revocation_kills_the_grant_at_once(live_store: Any, app_client: dict, seeker: int) -> None:
    session, token, _ = code_flow(live_store, app_client)
    assert introspect(live_store, app_client, token["access_token"])["active"] is True
    answer = session.revoke_token(
        live_store.url + "/oauth/revoke", token["refresh_token"], token_type_hint="refresh_token"
    )
    assert answer.status_code == 200
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 401
    with pytest.raises(OAuthError):
        session.refresh_token(live_store.url + "/oauth/token", refresh_token=token["refresh_token"])
    # Revoking an unknown token is not an error (RFC 7009 §2.2).
    assert session.revoke_token(live_store.url + "/oauth/revoke", "nope").status_code == 200


def test_introspection_describes_only_the_clients_own_tokens(
    live_store: Any, partners: Any, org: dict, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client)
    own = introspect(live_store, app_client, token["access_token"])
    assert own["active"] is True
    assert own["client_id"] == app_client["client_id"]
    assert own["token_type"] == "Bearer"
    assert set(own["scope"].split()) >= {"openid", "email"}
    assert own["sub"] and own["exp"] > own["iat"]
    other = partners.client(org, name="Autre appli")
    assert introspect(live_store, other, token["access_token"]) == {"active": False}
    # Another client cannot revoke it either.
    answer = requests.post(
        live_store.url + "/oauth/revoke",
        data={"token": token["access_token"]},
        auth=(other["client_id"], other["client_secret"]),
    )
    assert answer.status_code == 400
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 200


def test_introspection_needs_client_authentication(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client)
    answer = requests.post(live_store.url + "/oauth/introspect", data={"token": "x"})
    assert answer.status_code == 401
    answer = requests.post(
        live_store.url + "/oauth/introspect",
        data={"token": token["access_token"]},
        auth=(app_client["client_id"], "wrong"),
    )
    assert answer.status_code == 401


def test_pairwise_subjects_differ_between_organisations(
    live_store: Any, partners: Any, app_client: dict, seeker: int
) -> None:
    other_org = partners.organisation("Formations Exemple", "formation.example")
    other = partners.client(other_org)
    _, mine, _ = code_flow(live_store, app_client, scope="openid")
    _, theirs, _ = code_flow(live_store, other, scope="openid")
    sub_mine = bearer(live_store, "/oauth/userinfo", mine["access_token"]).json()["sub"]
    sub_theirs = bearer(live_store, "/oauth/userinfo", theirs["access_token"]).json()["sub"]
    assert sub_mine != sub_theirs
    # Stable for the same organisation.
    _, again, _ = code_flow(live_store, app_client, scope="openid")
    assert bearer(live_store, "/oauth/userinfo", again["access_token"]).json()["sub"] == sub_mine


def test_userinfo_gives_only_what_the_scopes_allow(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client, scope="openid")
    info = bearer(live_store, "/oauth/userinfo", token["access_token"]).json()
    assert set(info) == {"sub"}
    _, token, _ = code_flow(live_store, app_client, scope="favorites:read")
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 403


def test_client_credentials_tokens_cannot_read_userinfo(live_store: Any, org: dict) -> None:
    session = OAuth2Session(org["client_id"], org["client_secret"])
    token = session.fetch_token(live_store.url + "/oauth/token", grant_type="client_credentials")
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 403


def test_a_disabled_client_loses_its_tokens(live_store: Any, app_client: dict, seeker: int) -> None:
    _, token, _ = code_flow(live_store, app_client)
    _sql(live_store.app, "UPDATE oauth_client SET disabled_at = created_at")
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 401


def test_nothing_secret_is_stored_in_clear(
    live_store: Any, org: dict, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client)
    secrets_seen = [
        token["access_token"],
        token["refresh_token"],
        app_client["client_secret"],
        org["client_secret"],
    ]
    dump = ""
    for table in ("oauth_token", "oauth_client", "oauth_code", "audit_event"):
        dump += repr(_sql(live_store.app, f"SELECT * FROM {table}"))  # noqa: S608
    for secret in secrets_seen:
        assert secret not in dump


# --- CSRF, "Applications connectées" ----------------------------------------------------------


def test_consent_refuses_a_post_without_the_csrf_token(make_app: Any) -> None:
    from tests.fixtures import Accounts, LiveStore, Partners

    app = make_app(WTF_CSRF_ENABLED=True)
    store = LiveStore(app)
    try:
        org = Partners(app).organisation()
        client = Partners(app).client(org)
        Accounts(app, app.test_client()).create(SEEKER)
        seeker_browser = requests.Session()
        page = seeker_browser.get(store.url + "/compte/connexion").text
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        seeker_browser.post(
            store.url + "/compte/connexion",
            data={"email": SEEKER, "password": PASSWORD, "csrf_token": csrf},
        )
        url = store.url + "/oauth/authorize?" + _authorize_query(client)
        consent = seeker_browser.get(url, allow_redirects=False)
        assert consent.status_code == 200
        forged = seeker_browser.post(url, data={"decision": "accept"}, allow_redirects=False)
        assert forged.status_code == 400
        assert "Location" not in forged.headers
        assert _sql(app, "SELECT COUNT(*) FROM oauth_code")[0][0] == 0
        token = consent.text.split('name="csrf_token" value="')[1].split('"')[0]
        accepted = seeker_browser.post(
            url, data={"decision": "accept", "csrf_token": token}, allow_redirects=False
        )
        assert accepted.status_code == 302 and "code=" in accepted.headers["Location"]
    finally:
        store.stop()


def test_revoking_a_connected_app_kills_its_tokens_at_once(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    session, token, _ = code_flow(live_store, app_client)
    seeker_browser = browser(live_store)
    page = seeker_browser.get(live_store.url + "/compte/applications").text
    action = page.split('action="/compte/applications/')[1].split('"')[0]
    answer = seeker_browser.post(live_store.url + "/compte/applications/" + action)
    assert answer.status_code == 200
    assert "Aucun service partenaire" in answer.text
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 401
    with pytest.raises(OAuthError):
        session.refresh_token(live_store.url + "/oauth/token", refresh_token=token["refresh_token"])
    # The next authorization asks for consent again.
    url, _ = session.create_authorization_url(
        live_store.url + "/oauth/authorize", code_verifier=generate_token(64)
    )
    assert 'name="decision"' in seeker_browser.get(url, allow_redirects=False).text


def test_a_seeker_cannot_revoke_someone_elses_app(
    live_store: Any, accounts: Any, app_client: dict, seeker: int
) -> None:
    code_flow(live_store, app_client)
    consent_id = _sql(live_store.app, "SELECT id FROM oauth_consent")[0][0]
    accounts.create("autre@example.org")
    other = browser(live_store, "autre@example.org")
    answer = other.post(f"{live_store.url}/compte/applications/{consent_id}/revoquer")
    assert answer.status_code == 404
    assert _sql(live_store.app, "SELECT COUNT(*) FROM oauth_consent")[0][0] == 1


def test_deleting_the_account_deletes_grants_and_tokens(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    _, token, _ = code_flow(live_store, app_client)
    seeker_browser = browser(live_store)
    answer = seeker_browser.post(
        live_store.url + "/compte/supprimer",
        data={"delete-password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 303
    assert bearer(live_store, "/oauth/userinfo", token["access_token"]).status_code == 401
    for table in ("oauth_token", "oauth_consent", "oauth_code", "oauth_subject"):
        assert _sql(live_store.app, f"SELECT COUNT(*) FROM {table}")[0][0] == 0  # noqa: S608


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_partner_create_prints_working_credentials(live_store: Any, accounts: Any) -> None:
    import json

    accounts.create("dev@apec.example", role="partner")
    result = live_store.app.test_cli_runner().invoke(
        args=[
            "partner",
            "create",
            "Apec Exemple",
            "--domain",
            "apec.example",
            "--owner",
            "dev@apec.example",
        ]
    )
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.output)
    assert set(credentials) == {"organisation", "client_id", "client_secret"}
    session = OAuth2Session(credentials["client_id"], credentials["client_secret"])
    token = session.fetch_token(live_store.url + "/oauth/token", grant_type="client_credentials")
    assert set(token["scope"].split()) == {"services:write", "stats:read"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nouvelle Org", "--domain", "nouvelle.example", "--owner", "nobody@x.example"], "owner"),
        (["Nouvelle Org", "--domain", "not a domain", "--owner", "dev@apec.example"], "domain"),
        (["N", "--domain", "nouvelle.example", "--owner", "dev@apec.example"], "name"),
    ],
)
def test_cli_partner_create_refuses_bad_input(
    app: Any, accounts: Any, args: list[str], message: str
) -> None:
    accounts.create("dev@apec.example", role="partner")
    result = app.test_cli_runner().invoke(args=["partner", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert _sql(app, "SELECT COUNT(*) FROM oauth_client")[0][0] == 0


# --- details found while documenting -------------------------------------------------------


def test_every_error_redirect_carries_the_issuer(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    for changes in ({"code_challenge_method": "plain"}, {"scope": "openid nonsense"}):
        url = live_store.url + "/oauth/authorize?" + _authorize_query(app_client, **changes)
        answer = browser(live_store).get(url, allow_redirects=False)
        assert parse_qs(urlsplit(answer.headers["Location"]).query)["iss"] == [live_store.url]
    url = live_store.url + "/oauth/authorize?" + _authorize_query(app_client, prompt="none")
    answer = browser(live_store).get(url, allow_redirects=False)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["consent_required"] and query["iss"] == [live_store.url]


def test_prompt_login_asks_for_a_fresh_log_in(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    seeker_browser = browser(live_store)
    url = live_store.url + "/oauth/authorize?" + _authorize_query(app_client, prompt="login")
    answer = seeker_browser.get(url, allow_redirects=False)
    login = urlsplit(answer.headers["Location"])
    assert login.path == "/compte/connexion"
    back = parse_qs(login.query)["next"][0]
    assert "prompt" not in parse_qs(urlsplit(back).query)
    # The session was ended: the consent screen needs the log-in first.
    again = seeker_browser.get(live_store.url + back, allow_redirects=False)
    assert urlsplit(again.headers["Location"]).path == "/compte/connexion"


def test_claims_leave_out_an_empty_name(live_store: Any, accounts: Any, app_client: dict) -> None:
    accounts.create(SEEKER, name="")
    _, token, _ = code_flow(live_store, app_client, scope="openid profile")
    info = bearer(live_store, "/oauth/userinfo", token["access_token"]).json()
    assert "name" not in info and info["locale"] == "fr-FR"


def test_bearer_challenges_follow_rfc_6750(live_store: Any, org: dict) -> None:
    missing = requests.get(live_store.url + "/api/v1/partner/listings")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="Emploi Store"'
    wrong = bearer(live_store, "/api/v1/partner/listings", "not-a-token")
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    session = OAuth2Session(org["client_id"], org["client_secret"], scope="stats:read")
    token = session.fetch_token(live_store.url + "/oauth/token", grant_type="client_credentials")
    scoped = bearer(live_store, "/api/v1/partner/listings", token["access_token"])
    assert scoped.status_code == 403
    assert 'error="insufficient_scope"' in scoped.headers["WWW-Authenticate"]


def test_a_misspelt_signing_key_file_is_an_error_not_a_new_key(
    make_app: Any, tmp_path: Any
) -> None:
    from emploistore.config import ConfigurationError

    app = make_app(OAUTH_SIGNING_KEY_FILE=str(tmp_path / "no-such-key.pem"))
    with pytest.raises(ConfigurationError, match="OAUTH_SIGNING_KEY_FILE"):
        app.test_client().get("/oauth/jwks")
    assert not (tmp_path / "no-such-key.pem").exists()


def test_connected_apps_show_the_last_use(live_store: Any, app_client: dict, seeker: int) -> None:
    code_flow(live_store, app_client)
    assert _sql(live_store.app, "SELECT last_used_at FROM oauth_consent")[0][0] is not None
    page = browser(live_store).get(live_store.url + "/compte/applications").text
    assert "Dernière connexion le" in page


def test_the_data_export_lists_connected_apps(
    live_store: Any, app_client: dict, seeker: int
) -> None:
    code_flow(live_store, app_client, scope="openid email")
    seeker_browser = browser(live_store)
    exported = seeker_browser.post(live_store.url + "/compte/export").json()
    [app] = exported["connected_apps"]
    assert app["application"] == "Appli partenaire"
    assert app["organisation"] == "Jobboard Exemple"
    assert set(app["scope"].split()) == {"openid", "email"}
