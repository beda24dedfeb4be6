"""The RSA key that signs ID tokens, and the JWKS that publishes its public half."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from joserfc.jwk import RSAKey

from emploistore.config import ConfigurationError, instance_secret

KEY_FILE = "oidc-signing-key.pem"


@cache
def _load(path: str) -> RSAKey:
    pem = instance_secret(
        Path(path), lambda: RSAKey.generate_key(2048).as_pem(private=True).decode("ascii")
    )
    key = RSAKey.import_key(pem)
    if not key.is_private:
        raise ValueError(f"{path}: the signing key must be an RSA private key")
    return key


def signing_key() -> RSAKey:
    """The private key; ``kid`` is its RFC 7638 thumbprint.

    The default file in the instance folder is created on first use; a file named by
    OAUTH_SIGNING_KEY_FILE must exist (a typo must not silently mint a new key).
    """
    configured = current_app.config.get("OAUTH_SIGNING_KEY_FILE")
    if configured and not Path(configured).is_file():
        raise ConfigurationError(f"OAUTH_SIGNING_KEY_FILE: no such file: {configured}")
    path = configured or str(Path(current_app.instance_path) / KEY_FILE)
    return _load(str(path))


def key_id() -> str:
    return signing_key().thumbprint()


def jwks() -> dict[str, Any]:
    """The public key set served at /oauth/jwks."""
    public = signing_key().as_dict(private=False)
    return {"keys": [{**public, "kid": key_id(), "use": "sig", "alg": "RS256"}]}
