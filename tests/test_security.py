"""Security: response headers, CSRF on every form, no inline script, no leaked e-mails."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing, Theme
from emploistore.database import db
from emploistore.engagement.models import Favourite, Review
from emploistore.plugins.models import PluginSetting
from tests.fixtures import PASSWORD, Accounts

TEMPLATES = Path(__file__).parent.parent / "emploistore" / "templates"
CSRF_MESSAGE = "Le formulaire a expiré ou a été envoyé d'ailleurs. Rechargez la page et réessayez."
EXEMPT_FROM_CSRF = {
    "/services/<slug>/lancer",
    "/langue",
    # OAuth endpoints called by partner servers: they authenticate the client (secret or
    # bearer token), never a browser cookie, so there is nothing for a forged form to use.
    "/oauth/token",
    "/oauth/revoke",
    "/oauth/introspect",
    "/oauth/userinfo",
}


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf_token(response) -> str:
    found = re.search(
        r'<input[^>]*name="[^"]*csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)
    )
    assert found, "no csrf_token input in the page"
    return found.group(1)


def login_with_token(client, email: str) -> None:
    token = csrf_token(client.get("/compte/connexion"))
    response = client.post(
        "/compte/connexion", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 303


class InlineCode(HTMLParser):
    """Collect <script> elements without src, on* event attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _value in attrs]
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        self.problems += [f"{tag} {name}=" for name in names if name.startswith("on")]
        for name, value in attrs:
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}=javascript:")


def inline_code(markup: str) -> list[str]:
    parser = InlineCode()
    parser.feed(markup)
    parser.close()
    return parser.problems


# -- headers ------------------------------------------------------------------------------


def test_security_headers(client):
    for path in (
        "/",
        "/services/fiches-metiers",
        "/compte/connexion",
        "/page-inexistante",
        "/api/v1/services",
        "/api/v1/services/inconnu",
        "/static/store.css",
    ):
        with client.get(path) as response:
            assert_security_headers(response)


def assert_security_headers(response) -> None:
    policy = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src is not None
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }


# -- CSRF ---------------------------------------------------------------------------------


def post_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
        key=lambda rule: rule.rule,
    )


def snapshot(app) -> dict:
    """What a refused form post must leave untouched (launch counters may move)."""
    with app.app_context():
        return {
            "users": db.session.execute(
                select(User.email, User.role, User.display_name, User.password_hash).order_by(
                    User.id
                )
            ).all(),
            "themes": db.session.execute(
                select(Theme.slug, Theme.name, Theme.position).order_by(Theme.id)
            ).all(),
            "featured": db.session.execute(
                select(Listing.slug, Listing.featured, Listing.favourite_count).order_by(Listing.id)
            ).all(),
            "favourites": db.session.execute(
                select(Favourite.user_id, Favourite.listing_id).order_by(Favourite.id)
            ).all(),
            "reviews": db.session.execute(
                select(Review.rating, Review.text, Review.state, Review.flag_count).order_by(
                    Review.id
                )
            ).all(),
            "plugins": db.session.execute(select(PluginSetting.name)).all(),
        }


def test_every_form_post_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin, accounts = app.test_client(), Accounts(app, app.test_client())
    accounts.create("admin@example.org", role="admin", name="Admin")
    seeker_id = accounts.create("camille@example.org", name="Camille")
    login_with_token(admin, "admin@example.org")
    # A review (posted with a valid token) so that the flag and moderation routes have one.
    seeker = app.test_client()
    login_with_token(seeker, "camille@example.org")
    assert seeker.post("/services/fiches-metiers/lancer").status_code == 303
    token = csrf_token(seeker.get("/services/fiches-metiers/avis"))
    posted = seeker.post(
        "/services/fiches-metiers/avis", data={"csrf_token": token, "rating": "4", "text": "Bien"}
    )
    assert posted.status_code == 303
    with app.app_context():
        review_id = db.session.scalar(select(Review.id))
        theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == "se-former"))
        listing_id = db.session.scalar(select(Listing.id).where(Listing.slug == "offres-cadres"))
    values = {
        "slug": "fiches-metiers",
        "review_id": review_id,
        "theme_id": theme_id,
        "listing_id": listing_id,
        "user_id": seeker_id,
        "name": "un-module",
    }
    # Data each form would accept, so that only the missing token can refuse it.
    form = {
        "email": "nouveau@example.org",
        "password": PASSWORD,
        "name": "Thème ajouté",
        "direction": "haut",
        "featured": "1",
        "role": "admin",
        "enabled": "0",
        "decision": "masquer",
        "action": "ajouter",
        "rating": "1",
        "profile-display_name": "Changé",
        "delete-password": PASSWORD,
        "lang": "fr",  # the same language, so that later answers stay in French
    }
    before = snapshot(app)

    accepted, refused = set(), set()
    for rule in post_rules(app):
        if rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", str(values.get(argument, "1")), path)
        response = admin.post(path, data=form)
        if response.status_code == 400 and CSRF_MESSAGE in page_text(response):
            refused.add(rule.rule)
        else:
            accepted.add(rule.rule)

    assert accepted == EXEMPT_FROM_CSRF
    assert {
        "/compte/inscription",
        "/compte/connexion",
        "/compte/deconnexion",
        "/compte",
        "/compte/export",
        "/compte/supprimer",
        "/services/<slug>/favori",
        "/services/<slug>/avis",
        "/avis/<int:review_id>/signaler",
        "/admin/themes",
        "/admin/themes/<int:theme_id>",
        "/admin/themes/<int:theme_id>/deplacer",
        "/admin/services/<int:listing_id>/une",
        "/admin/utilisateurs/<int:user_id>/role",
        "/admin/plugins/<name>",
        "/admin/avis/<int:review_id>",
    } <= refused
    assert snapshot(app) == before
    assert admin.get("/admin/").status_code == 200  # the log-out was refused too


def test_a_post_with_the_page_token_succeeds(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user_id = Accounts(app, client).create()
    login_with_token(client, "camille@example.org")

    token = csrf_token(client.get("/services/fiches-metiers"))
    response = client.post(
        "/services/fiches-metiers/favori", data={"csrf_token": token, "action": "ajouter"}
    )

    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Favourite.user_id)).all() == [user_id]

    token = csrf_token(client.get("/compte"))
    response = client.post(
        "/compte", data={"profile-csrf_token": token, "profile-display_name": "Cam"}
    )
    assert response.status_code == 303
    assert "Votre profil est enregistré." in page_text(client.get("/compte"))

    token = csrf_token(client.get("/"))
    assert client.post("/compte/deconnexion", data={"csrf_token": token}).status_code == 303
    assert client.get("/compte").status_code == 302


def test_a_token_from_another_session_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    Accounts(app, app.test_client()).create()
    stolen = csrf_token(app.test_client().get("/compte/connexion"))
    victim = app.test_client()

    response = victim.post(
        "/compte/connexion",
        data={"csrf_token": stolen, "email": "camille@example.org", "password": PASSWORD},
    )

    assert response.status_code == 400
    assert CSRF_MESSAGE in page_text(response)
    assert victim.get("/compte").status_code == 302


def test_language_switch_is_ignored_from_another_site(client):
    response = client.post(
        "/langue", data={"lang": "en", "next": "/"}, headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.status_code == 303
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)

    client.post(
        "/langue", data={"lang": "en", "next": "/"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def browser_location(response) -> str:
    """The Location as a browser reads it: tabs and newlines dropped, \\ read as /."""
    return re.sub(r"[\t\n\r]", "", response.headers["Location"]).replace("\\", "/")


def test_language_switch_does_not_redirect_to_another_site(client):
    for target in ("//evil.example", "https://evil.example", "/\\evil.example"):
        response = client.post("/langue", data={"lang": "fr", "next": target})
        assert response.status_code == 303, target
        assert browser_location(response).startswith("/"), target
        assert not browser_location(response).startswith("//"), target


def test_language_switch_next_with_a_tab_stays_on_the_site(client):
    response = client.post("/langue", data={"lang": "fr", "next": "/\t/evil.example"})

    assert response.status_code == 303
    assert not browser_location(response).startswith("//")


# -- no inline script ---------------------------------------------------------------------


def test_templates_have_no_inline_script_or_event_handler():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 10

    problems = []
    for template in templates:
        source = template.read_text(encoding="utf-8")
        name = template.relative_to(TEMPLATES)
        problems += [
            f"{name}: {tag}"
            for tag in re.findall(r"<script\b[^>]*>", source, re.I)
            if not re.search(r"\ssrc=", tag, re.I)
        ]
        problems += [f"{name}: {found}" for found in re.findall(r"\son[a-z]+\s*=", source, re.I)]
        problems += [f"{name}: {found}" for found in re.findall(r"javascript:", source, re.I)]
    assert problems == []


def test_rendered_pages_have_no_inline_code(client, accounts):
    accounts.admin()
    assert client.post("/services/fiches-metiers/lancer").status_code == 303
    paths = [
        "/",
        "/themes/choisir-un-metier",
        "/services/fiches-metiers",
        "/services/fiches-metiers/avis",
        "/recherche?q=metier",
        "/compte/connexion",
        "/compte/inscription",
        "/compte",
        "/compte/supprimer",
        "/mes-services",
        "/admin/",
        "/admin/themes",
        "/admin/services",
        "/admin/plugins",
        "/admin/utilisateurs",
        "/admin/avis",
    ]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert inline_code(response.get_data(as_text=True)) == [], path
    missing = client.get("/page-inexistante")
    assert missing.status_code == 404
    assert inline_code(missing.get_data(as_text=True)) == []


# -- e-mail addresses stay private --------------------------------------------------------


def test_pages_never_show_a_reviewer_e_mail_to_other_visitors(app, client, accounts):
    named = app.test_client()
    Accounts(app, named).seeker("camille.martin@example.org")
    unnamed = app.test_client()
    Accounts(app, unnamed).create("sans.nom@example.org", name="")
    Accounts(app, unnamed).login("sans.nom@example.org")
    for author, text in ((named, "Avis de Camille"), (unnamed, "Avis sans nom")):
        author.post("/services/fiches-metiers/lancer")
        response = author.post("/services/fiches-metiers/avis", data={"rating": "5", "text": text})
        assert response.status_code == 303
    accounts.seeker("lectrice@example.org")

    for visitor in (app.test_client(), client):
        for path in ("/", "/services/fiches-metiers", "/themes/choisir-un-metier"):
            page = page_text(visitor.get(path)).lower()
            assert "camille.martin" not in page, path
            assert "sans.nom" not in page, path
            assert "@example.org" not in page, path
        section = page_text(visitor.get("/services/fiches-metiers"))
        assert "<strong>Camille</strong>" in section
        assert "<strong>Utilisateur</strong>" in section
        assert "Avis sans nom" in section
