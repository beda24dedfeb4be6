"""Accounts: registration, log-in and its throttling, profile, export and deletion."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing
from emploistore.database import db
from emploistore.engagement.models import Favourite, LaunchEvent, Review
from tests.fixtures import PASSWORD, Accounts

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
TOO_MANY_ATTEMPTS = "Trop de tentatives de connexion. Attendez 15 minutes puis réessayez."
LOGIN_PATH = "/compte/connexion"


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str | None:
    """The error shown under the input whose id is ``field_id`` (see _macros.field)."""
    found = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-erreur">(.*?)</p>',
        response.get_data(as_text=True),
        re.S,
    )
    return html.unescape(found.group(1)) if found else None


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user_row(app, email: str) -> dict | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        return {
            "id": user.id,
            "display_name": user.display_name,
            "password_hash": user.password_hash,
            "role": user.role,
        }


def is_logged_in(client) -> bool:
    response = client.get("/compte")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    return False


def browser_target(location: str) -> tuple[str, str]:
    """(scheme, host) a browser would go to: it drops tabs and newlines, reads \\ as /."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme, parts.netloc


def launch_and_review(client, slug: str, rating: int, text: str = "") -> None:
    assert client.post(f"/services/{slug}/lancer").status_code == 303
    response = client.post(f"/services/{slug}/avis", data={"rating": str(rating), "text": text})
    assert response.status_code == 303, field_error(response, "note")


# -- registration -----------------------------------------------------------------------


def test_register_logs_in_and_redirects(app, client):
    response = client.post(
        "/compte/inscription",
        data={"email": "Nadia@Example.org", "display_name": "Nadia", "password": PASSWORD},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Adresse e-mail : nadia@example.org" in page_text(client.get("/compte"))
    stored = user_row(app, "nadia@example.org")
    assert stored is not None
    assert stored["display_name"] == "Nadia"
    assert stored["role"] == "seeker"
    assert stored["password_hash"] != PASSWORD


def test_register_refuses_an_e_mail_already_used_whatever_its_case(app, client, accounts):
    accounts.create("camille@example.org")

    response = client.post(
        "/compte/inscription", data={"email": "Camille@EXAMPLE.org", "password": PASSWORD}
    )

    assert response.status_code == 422
    assert field_error(response, "email") == "Un compte existe déjà avec cette adresse e-mail."
    assert count(app, User) == 1
    assert not is_logged_in(client)


def test_register_refuses_a_short_password_naming_the_password_field(app, client):
    response = client.post(
        "/compte/inscription", data={"email": "nadia@example.org", "password": "court123"}
    )

    assert response.status_code == 422
    assert field_error(response, "password") == (
        "Le mot de passe doit contenir au moins 10 caractères."
    )
    assert field_error(response, "email") is None
    assert count(app, User) == 0
    assert not is_logged_in(client)


@pytest.mark.parametrize("email", ["pas-une-adresse", "nadia@", "@example.org"])
def test_register_refuses_an_invalid_e_mail(app, client, email):
    response = client.post("/compte/inscription", data={"email": email, "password": PASSWORD})

    assert response.status_code == 422
    message = field_error(response, "email")
    assert message is not None
    assert message.startswith("Cette adresse e-mail n'est pas valide")
    assert count(app, User) == 0


def test_register_page_shows_the_form(client):
    response = client.get("/compte/inscription")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("email", "display_name", "password"):
        assert f'name="{name}"' in body
    assert "Au moins 10 caractères." in page_text(response)


# -- logging in ---------------------------------------------------------------------------


def test_login_with_the_right_password_signs_in(app, client, accounts):
    accounts.create("camille@example.org")
    assert not is_logged_in(client)

    response = accounts.login("Camille@Example.org")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Adresse e-mail : camille@example.org" in page_text(client.get("/compte"))


def test_wrong_password_and_unknown_e_mail_get_identical_answers(app, client, accounts):
    email = "camille@example.org"
    unknown = accounts.login(email, PASSWORD)  # no account yet
    accounts.create(email)
    wrong = accounts.login(email, "pas le bon mot de passe")

    assert unknown.status_code == wrong.status_code == 401
    assert WRONG_CREDENTIALS in page_text(unknown)
    assert unknown.get_data() == wrong.get_data()
    assert sorted(unknown.headers.keys()) == sorted(wrong.headers.keys())
    assert not is_logged_in(client)


def test_login_with_missing_fields_names_them(client):
    response = client.post(LOGIN_PATH, data={"email": "", "password": ""})

    assert response.status_code == 422
    assert field_error(response, "email") == "Indiquez votre adresse e-mail."
    assert field_error(response, "password") == "Indiquez votre mot de passe."


def test_account_locks_after_five_failures_even_with_the_right_password(app, client, accounts):
    accounts.create("camille@example.org")
    accounts.create("other@example.org", name="Other")
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 5
    # The same account however its e-mail is typed.
    for email in (
        "camille@example.org",
        "CAMILLE@example.org",
        " Camille@Example.org ",
        "camille@EXAMPLE.ORG",
        "Camille@example.org",
    ):
        assert accounts.login(email, "mauvais mot de passe").status_code == 401

    locked = accounts.login("camille@example.org", PASSWORD)

    assert locked.status_code == 429
    assert TOO_MANY_ATTEMPTS in page_text(locked)
    assert WRONG_CREDENTIALS not in page_text(locked)
    assert not is_logged_in(client)
    # Only that account is locked.
    assert accounts.login("other@example.org").status_code == 303


def test_client_address_locks_after_too_many_failures(make_app):
    app = make_app(LOGIN_MAX_FAILURES_PER_CLIENT=3)
    client = app.test_client()
    accounts = Accounts(app, client)
    accounts.create("camille@example.org")
    for n in range(3):
        assert accounts.login(f"inconnu{n}@example.org", PASSWORD).status_code == 401

    locked = accounts.login("camille@example.org", PASSWORD)

    assert locked.status_code == 429
    assert TOO_MANY_ATTEMPTS in page_text(locked)
    assert not is_logged_in(client)
    # The same account from another address is not locked.
    other = app.test_client()
    response = other.post(
        LOGIN_PATH,
        data={"email": "camille@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.55"},
    )
    assert response.status_code == 303


def test_successful_login_clears_the_account_failures(make_app):
    app = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=2)
    client = app.test_client()
    accounts = Accounts(app, client)
    accounts.create("camille@example.org")

    assert accounts.login("camille@example.org", "mauvais mot de passe").status_code == 401
    assert accounts.login("camille@example.org").status_code == 303
    assert accounts.logout().status_code == 303
    assert accounts.login("camille@example.org", "mauvais mot de passe").status_code == 401
    # Two failures in the window, but the success in between reset the count.
    assert accounts.login("camille@example.org").status_code == 303


# -- logging out and the login redirect -----------------------------------------------------


def test_logout_ends_the_session(client, accounts):
    accounts.seeker()
    assert is_logged_in(client)

    response = accounts.logout()

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert not is_logged_in(client)


def test_logout_needs_a_post(client, accounts):
    accounts.seeker()

    assert client.get("/compte/deconnexion").status_code == 405
    assert is_logged_in(client)


def test_account_page_sends_visitors_to_log_in_then_back(client, accounts):
    accounts.create()

    response = client.get("/compte")

    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/connexion?next=%2Fcompte"
    login_page = client.get(response.headers["Location"])
    assert '<input type="hidden" name="next" value="/compte">' in login_page.get_data(as_text=True)
    back = client.post(
        response.headers["Location"],
        data={"email": "camille@example.org", "password": PASSWORD},
    )
    assert back.status_code == 303
    assert back.headers["Location"] == "/compte"


def test_login_does_not_follow_a_next_to_another_site(client, accounts):
    accounts.create()

    for target in (
        "//evil.example",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
    ):
        response = client.post(
            LOGIN_PATH,
            query_string={"next": target},
            data={"email": "camille@example.org", "password": PASSWORD},
        )
        assert response.status_code == 303, target
        assert browser_target(response.headers["Location"]) == ("", ""), target
        assert is_logged_in(client)
        accounts.logout()


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(
            "/\t/evil.example",
        ),
        pytest.param(
            "/\n/evil.example",
        ),
    ],
)
def test_login_next_with_control_characters_stays_on_the_site(client, accounts, target):
    accounts.create()

    response = client.post(
        LOGIN_PATH,
        query_string={"next": target},
        data={"email": "camille@example.org", "password": PASSWORD},
    )

    assert response.status_code == 303
    assert browser_target(response.headers["Location"]) == ("", "")


# -- profile and password -----------------------------------------------------------------


def test_profile_update_saves_the_display_name(app, client, accounts):
    accounts.seeker()

    response = client.post("/compte", data={"profile-display_name": "  Cam  "})

    assert response.status_code == 303
    assert response.headers["Location"] == "/compte"
    page = client.get("/compte")
    assert "Votre profil est enregistré." in page_text(page)
    assert 'value="Cam"' in page.get_data(as_text=True)
    assert user_row(app, "camille@example.org")["display_name"] == "Cam"


def test_profile_update_refuses_a_name_too_long(app, client, accounts):
    accounts.seeker()

    response = client.post("/compte", data={"profile-display_name": "x" * 81})

    assert response.status_code == 422
    assert field_error(response, "profile-display_name") == "80 caractères au maximum."
    assert user_row(app, "camille@example.org")["display_name"] == "Camille"


def test_password_change_with_a_wrong_current_password_is_refused(app, client, accounts):
    accounts.seeker()
    before = user_row(app, "camille@example.org")

    response = client.post(
        "/compte",
        data={
            "password-current_password": "ce n'est pas le mien",
            "password-new_password": "un tout nouveau mot de passe",
        },
    )

    assert response.status_code == 422
    assert field_error(response, "password-current_password") == (
        "Le mot de passe actuel n'est pas le bon."
    )
    assert field_error(response, "password-new_password") is None
    assert user_row(app, "camille@example.org") == before
    assert is_logged_in(client)


def test_password_change_refuses_a_short_new_password(app, client, accounts):
    accounts.seeker()
    before = user_row(app, "camille@example.org")

    response = client.post(
        "/compte",
        data={"password-current_password": PASSWORD, "password-new_password": "court"},
    )

    assert response.status_code == 422
    assert field_error(response, "password-new_password") == (
        "Le mot de passe doit contenir au moins 10 caractères."
    )
    assert user_row(app, "camille@example.org") == before


def test_password_change_signs_out_the_other_sessions(app, client, accounts):
    accounts.create()
    other = app.test_client()
    Accounts(app, other).login()
    accounts.login()
    assert is_logged_in(other)

    response = client.post(
        "/compte",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": "un tout nouveau mot de passe",
        },
    )

    assert response.status_code == 303
    assert "Vos autres sessions sont fermées." in page_text(client.get("/compte"))
    assert is_logged_in(client)
    assert not is_logged_in(other)
    assert Accounts(app, other).login().status_code == 401
    assert Accounts(app, other).login(password="un tout nouveau mot de passe").status_code == 303


# -- export -------------------------------------------------------------------------------


def test_export_contains_this_account_data_only(app, client, accounts):
    accounts.create("camille@example.org", name="Camille")
    accounts.create("dominique@example.org", name="Dominique")
    other = app.test_client()
    Accounts(app, other).login("dominique@example.org")
    launch_and_review(other, "offres-cadres", 1, "Texte de Dominique")
    other.post("/services/lettre-de-motivation/favori")
    accounts.login("camille@example.org")
    launch_and_review(client, "fiches-metiers", 4, "Très clair")
    assert client.post("/services/coaching-entretien/favori").status_code == 303

    response = client.post("/compte/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "camille@example.org"
    assert data["account"]["display_name"] == "Camille"
    assert [f["service"] for f in data["favourites"]] == ["coaching-entretien"]
    assert [(r["service"], r["rating"], r["text"]) for r in data["reviews"]] == [
        ("fiches-metiers", 4, "Très clair")
    ]
    assert [e["service"] for e in data["launches"]] == ["fiches-metiers"]
    raw = response.get_data(as_text=True)
    for foreign in ("dominique@example.org", "Dominique", "offres-cadres", "lettre-de-motivation"):
        assert foreign not in raw


def test_export_needs_a_post_and_a_login(client, accounts):
    assert client.post("/compte/export").status_code == 302
    accounts.seeker()
    assert client.get("/compte/export").status_code == 405


# -- deletion -----------------------------------------------------------------------------


def test_delete_with_a_wrong_password_deletes_nothing(app, client, accounts):
    user_id = accounts.seeker()
    launch_and_review(client, "fiches-metiers", 5)
    client.post("/services/fiches-metiers/favori")

    response = client.post("/compte/supprimer", data={"delete-password": "pas le bon"})

    assert response.status_code == 422
    assert field_error(response, "delete-password") == "Le mot de passe n'est pas le bon."
    assert user_row(app, "camille@example.org") is not None
    assert count(app, Review, Review.user_id == user_id) == 1
    assert count(app, Favourite, Favourite.user_id == user_id) == 1
    assert count(app, LaunchEvent, LaunchEvent.user_id == user_id) == 1
    assert is_logged_in(client)


def test_delete_removes_the_account_and_its_data_and_keeps_anonymous_launches(
    app, client, accounts
):
    user_id = accounts.create("camille@example.org", name="Camille")
    accounts.create("dominique@example.org", name="Dominique")
    other = app.test_client()
    Accounts(app, other).login("dominique@example.org")
    launch_and_review(other, "fiches-metiers", 2, "Moyen")
    other.post("/services/fiches-metiers/favori")
    accounts.login("camille@example.org")
    launch_and_review(client, "fiches-metiers", 5, "Parfait pour moi")
    client.post("/services/fiches-metiers/favori")
    client.post("/services/offres-cadres/favori")
    rating = client.get("/api/v1/services/fiches-metiers").get_json()["rating"]
    assert rating == {"average": 3.5, "count": 2}

    response = client.post("/compte/supprimer", data={"delete-password": PASSWORD})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert not is_logged_in(client)
    assert user_row(app, "camille@example.org") is None
    assert count(app, Review, Review.user_id == user_id) == 0
    assert count(app, Favourite, Favourite.user_id == user_id) == 0
    assert count(app, LaunchEvent, LaunchEvent.user_id == user_id) == 0
    assert count(app, LaunchEvent, LaunchEvent.user_id.is_(None)) == 1
    assert count(app, LaunchEvent) == 2
    detail = client.get("/api/v1/services/fiches-metiers").get_json()
    assert detail["rating"] == {"average": 2.0, "count": 1}
    assert detail["launch_count"] == 2
    with app.app_context():
        counters = dict(db.session.execute(select(Listing.slug, Listing.favourite_count)).all())
    assert counters["fiches-metiers"] == 1
    assert counters["offres-cadres"] == 0
    page = page_text(client.get("/services/fiches-metiers"))
    assert "2,0 sur 5 (1 avis)" in page
    assert "Parfait pour moi" not in page
    assert "Moyen" in page
    assert accounts.login("camille@example.org").status_code == 401


# -- cookies and stored passwords ---------------------------------------------------------


def test_session_cookie_is_secure_http_only_and_same_site_lax(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    accounts = Accounts(app, app.test_client())
    accounts.create()

    response = accounts.login()

    assert response.status_code == 303
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("es_session=")]
    assert len(cookies) == 1
    attributes = {part.strip().lower() for part in cookies[0].split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= attributes


def test_passwords_are_stored_hashed(app, accounts):
    accounts.create()

    stored = user_row(app, "camille@example.org")["password_hash"]

    assert stored != PASSWORD
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_passwords_are_argon2id_and_older_hashes_upgrade_at_log_in(app, client, accounts):
    from werkzeug.security import generate_password_hash

    from emploistore.accounts.models import User
    from emploistore.database import db
    from tests.fixtures import PASSWORD

    new_id = accounts.create("nouveau@example.org")
    old_id = accounts.create("ancien@example.org")
    with app.app_context():
        assert db.session.get(User, new_id).password_hash.startswith("$argon2id$v=19$m=19456,t=2")
        # An account from before: Werkzeug's scrypt hash.
        db.session.get(User, old_id).password_hash = generate_password_hash(PASSWORD)
        db.session.commit()
    assert accounts.login("ancien@example.org", "pas le bon mot de passe").status_code == 401
    with app.app_context():
        assert db.session.get(User, old_id).password_hash.startswith("scrypt:")
    assert accounts.login("ancien@example.org").status_code == 303
    with app.app_context():
        assert db.session.get(User, old_id).password_hash.startswith("$argon2id$")
    accounts.logout()
    assert accounts.login("ancien@example.org").status_code == 303
