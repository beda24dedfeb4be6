"""OAuth 2.0 clients, authorization codes, tokens, consents and pairwise subjects.

No secret is stored in clear: client secrets, codes, access and refresh tokens are kept as
SHA-256 digests (they are long random strings, so a fast hash is enough) and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore.accounts.models import User
from emploistore.catalog.models import Organisation
from emploistore.database import db, utcnow
from emploistore.oauth.scopes import CLIENT_SCOPES, split_scope


def digest(value: str) -> str:
    """The stored form of a secret string."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class OAuthClient(db.Model):
    __tablename__ = "oauth_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    secret_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    name: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    confidential: Mapped[bool] = mapped_column(default=True)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Space-separated, like the protocol; what this client may ever ask for.
    scope: Mapped[str] = mapped_column(String(500), default="")
    # OpenID Connect third-party-initiated log-in: where a launch from the store sends the
    # seeker so that the partner starts the authorization request itself.
    initiate_login_uri: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)

    organisation: Mapped[Organisation] = relationship()

    # --- authlib.oauth2.rfc6749.ClientMixin -------------------------------------------
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # The redirect URI is required in every request: never guessed.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return ""
        allowed = set(split_scope(self.scope))
        return " ".join(s for s in split_scope(scope) if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string comparison, per RFC 9700 §4.1.3: no prefix, no pattern.
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.secret_hash or not client_secret:
            return False
        return hmac.compare_digest(self.secret_hash, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.confidential:
            return method in ("client_secret_basic", "client_secret_post")
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and bool(self.redirect_uris)

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types

    # --- store rules ---------------------------------------------------------------------
    @property
    def grant_types(self) -> list[str]:
        grants = []
        if self.redirect_uris:
            grants += ["authorization_code", "refresh_token"]
        if self.confidential and self.publishing_scopes:
            grants.append("client_credentials")
        return grants

    @property
    def publishing_scopes(self) -> list[str]:
        return [s for s in split_scope(self.scope) if s in CLIENT_SCOPES]

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None and self.organisation.is_approved


class AuthorizationCode(db.Model):
    __tablename__ = "oauth_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_client.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(500))
    nonce: Mapped[str | None] = mapped_column(String(255), default=None)
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    auth_time: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    client: Mapped[OAuthClient] = relationship()
    user: Mapped[User] = relationship()

    # --- authlib.oidc.core.AuthorizationCodeMixin --------------------------------------
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class OAuthToken(db.Model):
    """An access token and, for delegation, its refresh token.

    Rotating a refresh token issues a new row in the same ``family``; reusing an already
    rotated refresh token revokes the whole family (RFC 9700 §4.14.2).
    """

    __tablename__ = "oauth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_client.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    access_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(500), default="")
    family: Mapped[str] = mapped_column(String(32), index=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_code.id", ondelete="SET NULL"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    refresh_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    rotated_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    client: Mapped[OAuthClient] = relationship()
    user: Mapped[User | None] = relationship()

    # --- authlib.oauth2.rfc6749.TokenMixin ---------------------------------------------
    def check_client(self, client: OAuthClient) -> bool:
        return self.client_id == client.id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.expires_at - self.issued_at).total_seconds()))

    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None or not self.client.is_active

    def get_user(self) -> User | None:
        return self.user

    def get_client(self) -> OAuthClient:
        return self.client

    @property
    def refresh_usable(self) -> bool:
        return (
            self.refresh_hash is not None
            and self.revoked_at is None
            and self.rotated_at is None
            and self.refresh_expires_at is not None
            and self.refresh_expires_at > utcnow()
        )


class OAuthConsent(db.Model):
    """What a seeker allowed a client to see; listed under "Applications connectées"."""

    __tablename__ = "oauth_consent"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_client.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)

    client: Mapped[OAuthClient] = relationship()

    @property
    def scopes(self) -> list[str]:
        return split_scope(self.scope)


class PairwiseSubject(db.Model):
    """The ``sub`` a partner organisation sees for a seeker (OpenID Connect §8.1).

    Each organisation gets its own random identifier for the same person, so two partners
    cannot link their users through the store; it stays stable across consents.
    """

    __tablename__ = "oauth_subject"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(43), unique=True)
