"""The scopes the store grants, and how the consent screen words them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Granted to a partner's own client (client_credentials): the partner acts for itself.
CLIENT_SCOPES: dict[str, object] = {
    "services:write": _l("Publier et modifier les services de l'organisation"),
    "stats:read": _l("Consulter les statistiques des services de l'organisation"),
}

# Granted by a job seeker on the consent screen (authorization_code + PKCE).
DELEGATION_SCOPES: dict[str, object] = {
    "openid": _l("Vous reconnaître quand vous vous connectez avec votre compte Emploi Store"),
    "profile": _l("Connaître votre nom d'affichage"),
    "email": _l("Connaître votre adresse e-mail"),
    "cv:read": _l("Lire les CV que vous avez créés dans l'Emploi Store"),
    "favorites:read": _l("Voir la liste de vos services favoris"),
}

ALL_SCOPES = (*CLIENT_SCOPES, *DELEGATION_SCOPES)


def split_scope(scope: str | None) -> list[str]:
    """The scopes of a space-separated string, without duplicates, in order."""
    seen: dict[str, None] = {}
    for item in (scope or "").split():
        seen.setdefault(item, None)
    return list(seen)


def describe(scope: str) -> list[str]:
    """Plain-language sentences for the scopes a seeker is asked to grant."""
    return [str(DELEGATION_SCOPES[s]) for s in split_scope(scope) if s in DELEGATION_SCOPES]
