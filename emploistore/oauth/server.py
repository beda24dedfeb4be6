"""The OAuth 2.0 / OpenID Connect authorization server, on Authlib's Flask integration.

Authlib's defaults are weaker than RFC 9700; this module closes each gap:

- PKCE is required for every client and only ``S256`` is accepted (``plain`` is refused);
- the redirect URI is required and compared exactly (``OAuthClient.check_redirect_uri``);
- codes are stored hashed, live ``OAUTH_CODE_SECONDS`` and are consumed by one atomic
  UPDATE: of two parallel redemptions exactly one wins, and a replayed code revokes every
  token it gave;
- tokens and client secrets are stored as SHA-256 digests, never in clear;
- refresh tokens rotate on every use; reusing a rotated one revokes its whole family;
- a client_credentials token only carries the publishing scopes its client was given;
- authorization responses carry ``iss`` (RFC 9207) against mix-up attacks.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, current_app, request
from sqlalchemy import or_, select, update

from emploistore.accounts.models import User
from emploistore.database import db, utcnow
from emploistore.oauth.keys import key_id, signing_key
from emploistore.oauth.models import (
    AuthorizationCode,
    OAuthClient,
    OAuthConsent,
    OAuthToken,
    PairwiseSubject,
    digest,
)
from emploistore.oauth.scopes import ALL_SCOPES, CLIENT_SCOPES, split_scope

PUBLIC_CLIENT_AUTH = ["client_secret_basic", "client_secret_post", "none"]
CONFIDENTIAL_CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


def issuer() -> str:
    """The issuer identifier: configured, else the address this request came to."""
    configured = current_app.config.get("OAUTH_ISSUER")
    return str(configured).rstrip("/") if configured else request.url_root.rstrip("/")


def find_client(client_id: str | None) -> OAuthClient | None:
    """An active client: not disabled, and its organisation approved."""
    if not client_id or len(client_id) > 48:
        return None
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    return client if client is not None and client.is_active else None


def find_token(token_string: str) -> tuple[OAuthToken | None, bool]:
    """The token row a presented string belongs to, and whether it was its refresh token."""
    if not token_string or len(token_string) > 200:
        return None, False
    hashed = digest(token_string)
    row = db.session.scalar(
        select(OAuthToken).where(
            or_(OAuthToken.access_hash == hashed, OAuthToken.refresh_hash == hashed)
        )
    )
    return row, bool(row is not None and row.refresh_hash == hashed)


def subject_for(user_id: int, organisation_id: int) -> str:
    """The pairwise ``sub`` of a seeker for an organisation, created on first use."""
    subject = db.session.scalar(
        select(PairwiseSubject.subject).where(
            PairwiseSubject.user_id == user_id,
            PairwiseSubject.organisation_id == organisation_id,
        )
    )
    if subject is None:
        subject = secrets.token_urlsafe(32)
        db.session.add(
            PairwiseSubject(user_id=user_id, organisation_id=organisation_id, subject=subject)
        )
        db.session.flush()
    return subject


def user_claims(user: User, client: OAuthClient, scope: str) -> dict[str, Any]:
    """The OpenID Connect claims the granted scopes allow (``sub`` always)."""
    scopes = set(split_scope(scope))
    claims: dict[str, Any] = {"sub": subject_for(user.id, client.organisation_id)}
    if "profile" in scopes:
        if user.display_name:
            claims["name"] = user.display_name
        claims["locale"] = "fr-FR"
    if "email" in scopes:
        claims["email"] = user.email
        # The store does not check e-mail addresses by sending a link: say so.
        claims["email_verified"] = False
    return claims


def revoke_family(family: str) -> None:
    db.session.execute(
        update(OAuthToken)
        .where(OAuthToken.family == family, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_code_tokens(code_id: int) -> None:
    families = select(OAuthToken.family).where(OAuthToken.code_id == code_id)
    db.session.execute(
        update(OAuthToken)
        .where(OAuthToken.family.in_(families), OAuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_grant(user_id: int, client_id: int) -> None:
    """Kill every token and unused code a client holds for a seeker, at once."""
    now = utcnow()
    db.session.execute(
        update(OAuthToken)
        .where(
            OAuthToken.user_id == user_id,
            OAuthToken.client_id == client_id,
            OAuthToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    db.session.execute(
        update(AuthorizationCode)
        .where(
            AuthorizationCode.user_id == user_id,
            AuthorizationCode.client_id == client_id,
            AuthorizationCode.used_at.is_(None),
        )
        .values(used_at=now)
    )


def _auth_time(user: User) -> int:
    """When the seeker last logged in (OpenID Connect ``auth_time``)."""
    if user.last_login_at is None:
        return int(time.time())
    return _epoch(user.last_login_at)


# --- grants ----------------------------------------------------------------------------


class S256CodeChallenge(CodeChallenge):
    """PKCE for every client, S256 only."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    CODE_CHALLENGE_METHODS: ClassVar[dict[str, Any]] = {"S256": compare_s256_code_challenge}

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError(
                "PKCE is required: send 'code_challenge' with 'code_challenge_method=S256'."
            )
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError(
                "'code_challenge_method' must be 'S256' ('plain' is refused)."
            )
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_CLIENT_AUTH

    def validate_authorization_request(self) -> str:
        redirect_uri = super().validate_authorization_request()
        store_only = [s for s in split_scope(self.request.payload.scope) if s in CLIENT_SCOPES]
        if store_only:
            error = InvalidScopeError(f"Scope {store_only[0]!r} cannot be granted by a person.")
            error.redirect_uri = redirect_uri
            raise error
        return redirect_uri

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        now = utcnow()
        db.session.add(
            AuthorizationCode(
                code_hash=digest(code),
                client_id=request.client.id,
                user_id=request.user.id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method="S256",
                auth_time=_auth_time(request.user),
                created_at=now,
                expires_at=now + timedelta(seconds=current_app.config["OAUTH_CODE_SECONDS"]),
            )
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> Any:
        if len(code) > 200:
            return None
        row = db.session.scalar(
            select(AuthorizationCode).where(AuthorizationCode.code_hash == digest(code))
        )
        if row is None or row.client_id != client.id:
            return None
        if row.used_at is not None:
            revoke_code_tokens(row.id)  # replay: what the code gave is revoked
            return None
        if row.expires_at <= utcnow():
            return None
        return row

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing to do: the code was consumed atomically in create_token_response."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User | None:
        return db.session.get(User, authorization_code.user_id)

    def create_token_response(self) -> Any:
        code = self.request.authorization_code
        consumed = db.session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.id == code.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=utcnow())
        ).rowcount
        if consumed != 1:
            # Another request redeemed it first: this one is a replay.
            revoke_code_tokens(code.id)
            raise InvalidGrantError("The authorization code was already used.")
        self.request.store_code_id = code.id
        return super().create_token_response()


class RefreshGrant(RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = PUBLIC_CLIENT_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken | None:
        row, is_refresh = find_token(refresh_token)
        if row is None or not is_refresh:
            return None
        if row.rotated_at is not None:
            revoke_family(row.family)  # a rotated token came back: stolen, kill the family
            return None
        return row if row.refresh_usable and row.client.is_active else None

    def authenticate_user(self, refresh_token: OAuthToken) -> User | None:
        return refresh_token.user

    def create_token_response(self) -> Any:
        old = self.request.refresh_token
        rotated = db.session.execute(
            update(OAuthToken)
            .where(
                OAuthToken.id == old.id,
                OAuthToken.rotated_at.is_(None),
                OAuthToken.revoked_at.is_(None),
            )
            .values(rotated_at=utcnow())
        ).rowcount
        if rotated != 1:
            revoke_family(old.family)
            raise InvalidGrantError("The refresh token was already used.")
        self.request.store_family = old.family
        return super().create_token_response()

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        """Nothing to do: rotation marked it atomically in create_token_response."""


class PartnerCredentialsGrant(ClientCredentialsGrant):
    """A partner acting for itself: only the publishing scopes its client was given."""

    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_CLIENT_AUTH

    def validate_token_request(self) -> None:
        super().validate_token_request()
        allowed = self.request.client.publishing_scopes
        asked = split_scope(self.request.payload.scope)
        if any(scope not in allowed for scope in asked):
            raise InvalidScopeError("This client may only ask for: " + " ".join(allowed))

    def create_token_response(self) -> Any:
        if not self.request.payload.scope:
            token = self.generate_token(
                scope=" ".join(self.request.client.publishing_scopes),
                include_refresh_token=False,
            )
            self.save_token(token)
            return 200, token, self.TOKEN_RESPONSE_HEADER
        return super().create_token_response()


class OpenIDSupport(OpenIDCode):
    """ID tokens signed RS256 with the store's key; ``sub`` is pairwise per organisation."""

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return (
            db.session.scalar(
                select(AuthorizationCode.id).where(
                    AuthorizationCode.client_id == request.client.id,
                    AuthorizationCode.nonce == nonce,
                )
            )
            is not None
        )

    def resolve_client_private_key(self, client: OAuthClient) -> Any:
        return signing_key()

    def get_client_algorithm(self, client: OAuthClient) -> str:
        return "RS256"

    def get_encode_header(self, client: OAuthClient) -> dict[str, str]:
        return {"alg": "RS256", "kid": key_id(), "typ": "JWT"}

    def get_compatible_claims(self, request: Any) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": issuer(),
            "aud": request.client.client_id,
            "iat": now,
            "exp": now + current_app.config["OAUTH_ID_TOKEN_SECONDS"],
            "auth_time": _auth_time(request.user),
        }

    def generate_user_info(self, user: User, scope: str) -> dict[str, Any]:
        return user_claims(user, _current_client(), scope)


def _current_client() -> OAuthClient:
    # The client of the token request being answered (set by the token view).
    client = request.environ.get("emploistore.oauth_client")
    if client is None:
        raise RuntimeError("no OAuth client for this request")
    return client


class StoreIssuer(IssuerParameter):
    def get_issuer(self) -> str:
        return issuer()


# --- endpoints -------------------------------------------------------------------------


class TokenLookup:
    def query_token(self, token_string: str, token_type_hint: str | None) -> Any:
        row, is_refresh = find_token(token_string)
        if row is not None:
            request.environ["emploistore.presented_refresh"] = is_refresh
        return row


class Revocation(TokenLookup, RevocationEndpoint):
    CLIENT_AUTH_METHODS = PUBLIC_CLIENT_AUTH

    def revoke_token(self, token: OAuthToken, request: Any) -> None:
        # Revoking either token of a grant revokes the grant (RFC 7009 §2.1): the whole
        # rotation family, so no refresh token of it can mint new access tokens.
        revoke_family(token.family)


class Introspection(TokenLookup, IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = CONFIDENTIAL_CLIENT_AUTH

    def check_permission(self, token: OAuthToken, client: OAuthClient, request: Any) -> bool:
        return token.client_id == client.id

    def create_introspection_payload(self, token: OAuthToken | None) -> dict[str, Any]:
        if token is None or token.is_revoked():
            return {"active": False}
        if request.environ.get("emploistore.presented_refresh"):
            if not token.refresh_usable:
                return {"active": False}
            expires = token.refresh_expires_at
            kind = "refresh_token"
        else:
            if token.is_expired():
                return {"active": False}
            expires = token.expires_at
            kind = "access_token"
        assert expires is not None
        payload: dict[str, Any] = {
            "active": True,
            "token_type": "Bearer" if kind == "access_token" else "refresh_token",
            "client_id": token.client.client_id,
            "scope": token.scope,
            "iss": issuer(),
            "iat": _epoch(token.issued_at),
            "exp": _epoch(expires),
        }
        if token.user is not None:
            payload["sub"] = subject_for(token.user.id, token.client.organisation_id)
        return payload


def _epoch(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=UTC).timestamp())


class StoreBearerValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> OAuthToken | None:
        row, is_refresh = find_token(token_string)
        return None if is_refresh else row


# --- wiring ----------------------------------------------------------------------------


def _save_token(token: dict[str, Any], oauth_request: Any) -> None:
    now = utcnow()
    if oauth_request.user is not None:
        db.session.execute(
            update(OAuthConsent)
            .where(
                OAuthConsent.user_id == oauth_request.user.id,
                OAuthConsent.client_id == oauth_request.client.id,
            )
            .values(last_used_at=now)
        )
    refresh = token.get("refresh_token")
    days = current_app.config["OAUTH_REFRESH_TOKEN_DAYS"]
    db.session.add(
        OAuthToken(
            client_id=oauth_request.client.id,
            user_id=oauth_request.user.id if oauth_request.user else None,
            access_hash=digest(token["access_token"]),
            refresh_hash=digest(refresh) if refresh else None,
            scope=token.get("scope") or "",
            family=getattr(oauth_request, "store_family", None) or secrets.token_hex(16),
            code_id=getattr(oauth_request, "store_code_id", None),
            issued_at=now,
            expires_at=now + timedelta(seconds=int(token["expires_in"])),
            refresh_expires_at=now + timedelta(days=days) if refresh else None,
        )
    )


def _expires_in(client: OAuthClient, grant_type: str) -> int:
    if grant_type == "client_credentials":
        return int(current_app.config["OAUTH_CLIENT_TOKEN_SECONDS"])
    return int(current_app.config["OAUTH_ACCESS_TOKEN_SECONDS"])


class StoreAuthorizationServer(AuthorizationServer):
    def create_bearer_token_generator(self, config: Any) -> BearerTokenGenerator:
        return BearerTokenGenerator(
            lambda *args, **kwargs: generate_token(48),
            lambda *args, **kwargs: generate_token(64),
            _expires_in,
        )

    def query_client(self, client_id: str) -> OAuthClient | None:
        client = find_client(client_id)
        if client is not None:
            request.environ["emploistore.oauth_client"] = client
        return client


server = StoreAuthorizationServer()
require_oauth = ResourceProtector()


def init_oauth(app: Flask) -> None:
    """Configure the server and the resource protector for this app."""
    server.init_app(app, save_token=_save_token)  # query_client is a method above
    server.scopes_supported = list(ALL_SCOPES)
    if not getattr(server, "_store_registered", False):
        server.register_grant(CodeGrant, [S256CodeChallenge(required=True), OpenIDSupport()])
        server.register_grant(RefreshGrant)
        server.register_grant(PartnerCredentialsGrant)
        server.register_endpoint(Revocation)
        server.register_endpoint(Introspection)
        server.register_extension(StoreIssuer())
        require_oauth.register_token_validator(StoreBearerValidator())
        server._store_registered = True  # type: ignore[attr-defined]
