"""A partner reads a seeker's CVs with the seeker's consent (scope cv:read), over HTTP."""

from __future__ import annotations

from typing import Any

from tests.test_oauth import SEEKER, bearer, browser, code_flow

from .helpers import create_cv, cv_id


def test_a_partner_reads_the_seekers_cvs_as_json_resume(
    live_store: Any, accounts: Any, partners: Any
) -> None:
    org = partners.organisation()
    app_client = partners.client(org, scope="openid cv:read")
    accounts.create(SEEKER, name="Léa")
    seeker = live_store.app.test_client()
    seeker.post("/compte/connexion", data={"email": SEEKER, "password": "un mot de passe solide"})
    mine = cv_id(create_cv(seeker, "CV cuisinière"))
    accounts.create("autre@example.org")
    other = live_store.app.test_client()
    other.post(
        "/compte/connexion",
        data={"email": "autre@example.org", "password": "un mot de passe solide"},
    )
    theirs = cv_id(create_cv(other, "CV de quelqu'un d'autre"))

    _, token, _ = code_flow(live_store, app_client, scope="openid cv:read")
    listing = bearer(live_store, "/api/v1/me/cvs", token["access_token"])
    assert listing.status_code == 200
    [summary] = listing.json()["items"]
    assert summary["id"] == mine and summary["title"] == "CV cuisinière"
    resume = bearer(live_store, f"/api/v1/me/cvs/{mine}", token["access_token"]).json()
    assert resume["basics"]["email"] == SEEKER
    assert "x-emploistore" in resume
    # Another person's CV is not found; without the scope, or after revoking: refused.
    assert bearer(live_store, f"/api/v1/me/cvs/{theirs}", token["access_token"]).status_code == 404
    _, openid_only, _ = code_flow(live_store, app_client, scope="openid")
    assert bearer(live_store, "/api/v1/me/cvs", openid_only["access_token"]).status_code == 403
    page = browser(live_store).get(live_store.url + "/compte/applications").text
    assert "Lire les CV que vous avez créés" in page
    action = page.split('action="/compte/applications/')[1].split('"')[0]
    browser(live_store).post(live_store.url + "/compte/applications/" + action)
    assert bearer(live_store, "/api/v1/me/cvs", token["access_token"]).status_code == 401
