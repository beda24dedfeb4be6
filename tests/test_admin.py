"""Administration: access, themes, featured services, roles and plugins."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing, Theme
from emploistore.database import db
from emploistore.plugins.models import PluginSetting
from tests.fixtures import Accounts

THEME_NAME_LENGTH = "Le nom d'un thème fait de 2 à 80 caractères."
TOP_THEMES = ["choisir-un-metier", "se-former", "preparer-sa-candidature", "trouver-un-emploi"]


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def theme_name_error(response) -> str | None:
    found = re.search(
        r'<p class="error" id="theme-name-erreur">(.*?)</p>', response.get_data(as_text=True)
    )
    return html.unescape(found.group(1)) if found else None


def theme_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


def listing_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Listing.id).where(Listing.slug == slug))


def themes_snapshot(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Theme.slug, Theme.name, Theme.position, Theme.parent_id).order_by(Theme.id)
        ).all()


def role_of(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.role).where(User.email == email))


def api_top_themes(client) -> list[dict]:
    return client.get("/api/v1/themes").get_json()["items"]


def home_theme_names(client) -> list[str]:
    body = page_text(client.get("/"))
    return re.findall(r'<h3><a href="/themes/[^"]+">(.*?)</a></h3>', body)


def featured_names(client) -> list[str]:
    body = page_text(client.get("/"))
    if 'id="une-titre"' not in body:
        return []
    section = body[body.index('id="une-titre"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'class="card-title"><a href="[^"]+">(.*?)</a>', section)


def admin_pages(app) -> list[str]:
    return [
        "/admin/",
        "/admin/themes",
        f"/admin/themes/{theme_id(app, 'se-former')}",
        "/admin/services",
        "/admin/plugins",
        "/admin/utilisateurs",
        "/admin/avis",
    ]


# -- access -------------------------------------------------------------------------------


def test_admin_pages_need_an_administrator(app, client, accounts):
    pages = admin_pages(app)
    seeker = app.test_client()
    Accounts(app, seeker).seeker("seeker@example.org")
    accounts.admin()
    anonymous = app.test_client()

    for path in pages:
        response = anonymous.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/compte/connexion?next="), path

        refused = seeker.get(path)
        assert refused.status_code == 403, path
        assert "Accès refusé" in page_text(refused)

        assert client.get(path).status_code == 200, path


def test_seekers_cannot_use_the_admin_actions(app, accounts):
    seeker_id = accounts.create("seeker@example.org")
    admin_id = accounts.create("admin@example.org", role="admin", name="Admin")
    seeker = app.test_client()
    Accounts(app, seeker).login("seeker@example.org")
    before = themes_snapshot(app)
    listing = listing_id(app, "offres-cadres")
    actions = [
        ("/admin/themes", {"name": "Thème pirate"}),
        (f"/admin/themes/{theme_id(app, 'se-former')}", {"name": "Renommé"}),
        (f"/admin/themes/{theme_id(app, 'se-former')}/deplacer", {"direction": "haut"}),
        (f"/admin/services/{listing}/une", {"featured": "1"}),
        (f"/admin/utilisateurs/{seeker_id}/role", {"role": "admin"}),
        (f"/admin/utilisateurs/{admin_id}/role", {"role": "seeker"}),
        ("/admin/plugins/quelconque", {"enabled": "0"}),
        ("/admin/avis/1", {"decision": "masquer"}),
    ]

    for path, data in actions:
        assert seeker.post(path, data=data).status_code == 403, path

    assert themes_snapshot(app) == before
    assert role_of(app, "seeker@example.org") == "seeker"
    assert role_of(app, "admin@example.org") == "admin"
    assert "Offres pour cadres" not in featured_names(seeker)
    with app.app_context():
        assert db.session.scalars(select(PluginSetting)).all() == []


# -- themes -------------------------------------------------------------------------------


def test_admin_creates_a_top_theme_and_a_sub_theme(app, client, accounts):
    accounts.admin()

    response = client.post(
        "/admin/themes",
        data={"name": "Créer son entreprise", "description": "Se lancer.", "parent_id": ""},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/themes"
    assert "Le thème est créé." in page_text(client.get("/admin/themes"))
    assert home_theme_names(client)[-1] == "Créer son entreprise"
    top = client.get("/themes/creer-son-entreprise")
    assert top.status_code == 200
    assert "<h1>Créer son entreprise</h1>" in page_text(top)

    parent = theme_id(app, "creer-son-entreprise")
    response = client.post(
        "/admin/themes", data={"name": "Trouver un financement", "parent_id": str(parent)}
    )

    assert response.status_code == 303
    sub = client.get("/themes/trouver-un-financement")
    assert sub.status_code == 200
    assert "Trouver un financement" in page_text(client.get("/themes/creer-son-entreprise"))
    assert 'href="/themes/trouver-un-financement"' in client.get("/").get_data(as_text=True)
    api = api_top_themes(client)
    assert [t["slug"] for t in api] == [*TOP_THEMES, "creer-son-entreprise"]
    assert api[-1]["position"] == 5
    assert [s["slug"] for s in api[-1]["subthemes"]] == ["trouver-un-financement"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", THEME_NAME_LENGTH),
        ("   ", THEME_NAME_LENGTH),
        ("a", THEME_NAME_LENGTH),
        ("x" * 81, THEME_NAME_LENGTH),
        ("!!", "Le nom doit contenir des lettres ou des chiffres."),
        ("Se former", "Un thème porte déjà ce nom."),
        ("SE  FORMER", "Un thème porte déjà ce nom."),
    ],
)
def test_invalid_theme_names_are_refused(app, client, accounts, name, message):
    accounts.admin()
    before = themes_snapshot(app)

    response = client.post("/admin/themes", data={"name": name, "parent_id": ""})

    assert response.status_code == 422
    assert theme_name_error(response) == message
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert themes_snapshot(app) == before


def test_renaming_a_theme_keeps_its_address(app, client, accounts):
    accounts.admin()
    theme = theme_id(app, "se-former")

    response = client.post(
        f"/admin/themes/{theme}", data={"name": "Apprendre", "description": "Formations."}
    )

    assert response.status_code == 303
    page = client.get("/themes/se-former")
    assert page.status_code == 200
    assert "<h1>Apprendre</h1>" in page_text(page)
    assert client.get("/themes/apprendre").status_code == 404
    assert "Apprendre" in home_theme_names(client)
    assert "Se former" not in home_theme_names(client)
    api = {t["slug"]: t for t in api_top_themes(client)}
    assert api["se-former"]["name"] == "Apprendre"
    assert api["se-former"]["description"] == "Formations."


def test_renaming_a_theme_to_a_too_short_name_is_refused(app, client, accounts):
    accounts.admin()
    before = themes_snapshot(app)

    response = client.post(f"/admin/themes/{theme_id(app, 'se-former')}", data={"name": "A"})

    assert response.status_code == 422
    assert theme_name_error(response) == THEME_NAME_LENGTH
    assert themes_snapshot(app) == before


def test_moving_a_theme_up_changes_the_order_everywhere(app, client, accounts):
    accounts.admin()

    response = client.post(
        f"/admin/themes/{theme_id(app, 'se-former')}/deplacer", data={"direction": "haut"}
    )

    assert response.status_code == 303
    order = ["se-former", "choisir-un-metier", "preparer-sa-candidature", "trouver-un-emploi"]
    api = api_top_themes(client)
    assert [t["slug"] for t in api] == order
    assert [t["position"] for t in api] == [1, 2, 3, 4]
    assert home_theme_names(client)[:2] == ["Se former", "Choisir un métier"]

    # The first theme cannot go higher; the last one cannot go lower.
    client.post(f"/admin/themes/{theme_id(app, 'se-former')}/deplacer", data={"direction": "haut"})
    client.post(
        f"/admin/themes/{theme_id(app, 'trouver-un-emploi')}/deplacer", data={"direction": "bas"}
    )
    assert [t["slug"] for t in api_top_themes(client)] == order


def test_moving_a_sub_theme_reorders_its_siblings_only(app, client, accounts):
    accounts.admin()

    response = client.post(
        f"/admin/themes/{theme_id(app, 'entrainement-entretien')}/deplacer",
        data={"direction": "haut"},
    )

    assert response.status_code == 303
    api = {t["slug"]: t for t in api_top_themes(client)}
    assert [s["slug"] for s in api["preparer-sa-candidature"]["subthemes"]] == [
        "entrainement-entretien",
        "redaction-du-cv",
    ]
    assert [t["slug"] for t in api_top_themes(client)] == TOP_THEMES


def test_unknown_theme_is_404(client, accounts):
    accounts.admin()

    assert client.get("/admin/themes/999999").status_code == 404
    assert client.post("/admin/themes/999999/deplacer", data={"direction": "haut"}).status_code == (
        404
    )


# -- featured services --------------------------------------------------------------------


def test_featuring_a_listing_puts_it_on_the_home_page(app, client, accounts):
    accounts.admin()
    assert featured_names(client) == ["Fiches métiers"]
    offres = listing_id(app, "offres-cadres")

    response = client.post(f"/admin/services/{offres}/une", data={"featured": "1"})

    assert response.status_code == 303
    assert featured_names(client) == ["Fiches métiers", "Offres pour cadres"]
    assert client.get("/api/v1/services/offres-cadres").get_json()["featured"] is True

    client.post(f"/admin/services/{offres}/une", data={"featured": "0"})
    assert featured_names(client) == ["Fiches métiers"]
    client.post(f"/admin/services/{listing_id(app, 'fiches-metiers')}/une", data={"featured": "0"})
    assert featured_names(client) == []
    assert "À la une" not in page_text(client.get("/"))
    assert client.get("/api/v1/services/fiches-metiers").get_json()["featured"] is False


def test_featuring_an_unknown_listing_is_404(client, accounts):
    accounts.admin()

    assert client.post("/admin/services/999999/une", data={"featured": "1"}).status_code == 404


# -- users and roles ----------------------------------------------------------------------


def test_admin_changes_a_user_role(app, client, accounts):
    user_id = accounts.create("dominique@example.org", name="Dominique")
    promoted = app.test_client()
    assert Accounts(app, promoted).login("dominique@example.org").status_code == 303
    assert promoted.get("/admin/").status_code == 403
    accounts.admin()
    assert "dominique@example.org" in page_text(client.get("/admin/utilisateurs"))

    response = client.post(f"/admin/utilisateurs/{user_id}/role", data={"role": "admin"})

    assert response.status_code == 303
    assert "Le rôle est enregistré." in page_text(client.get("/admin/utilisateurs"))
    assert role_of(app, "dominique@example.org") == "admin"
    Accounts(app, promoted).login("dominique@example.org")
    assert promoted.get("/admin/").status_code == 200


def test_admin_cannot_change_their_own_role(app, client, accounts):
    admin_id = accounts.admin()

    response = client.post(f"/admin/utilisateurs/{admin_id}/role", data={"role": "seeker"})

    assert response.status_code == 303
    assert "Vous ne pouvez pas changer votre propre rôle." in page_text(
        client.get(response.headers["Location"])
    )
    assert role_of(app, "admin@example.org") == "admin"
    assert client.get("/admin/").status_code == 200


def test_unknown_role_is_a_bad_request(app, client, accounts):
    user_id = accounts.create("dominique@example.org")
    accounts.admin()

    response = client.post(f"/admin/utilisateurs/{user_id}/role", data={"role": "superadmin"})

    assert response.status_code == 400
    assert "Demande incorrecte" in page_text(response)
    assert role_of(app, "dominique@example.org") == "seeker"
    unknown = client.post("/admin/utilisateurs/999999/role", data={"role": "admin"})
    assert unknown.status_code == 404


# -- plugins ------------------------------------------------------------------------------

CARD_PLUGIN = """
from emploistore import HomeCard, hookimpl


@hookimpl
def home_cards(user):
    return [HomeCard(title="Reprendre votre parcours", text="Leçon 3", url="/")]
"""


def plugin_row(page: str, name: str) -> str:
    """The table row of one plugin on /admin/plugins (other plugins may be installed)."""
    start = page.index(f'<th scope="row">{name}')
    return page[start : page.index("</tr>", start)]


def test_plugins_page_lists_a_plugin_and_disabling_it_hides_its_card(
    make_app, install_plugin, accounts_for
):
    install_plugin("carte_test", CARD_PLUGIN)
    app = make_app()
    client, accounts = accounts_for(app)
    accounts.admin()

    listing = plugin_row(page_text(client.get("/admin/plugins")), "carte_test")
    assert "1.2.3" in listing
    assert "home_cards" in listing
    assert "Actif" in listing
    assert "Reprendre votre parcours" in page_text(client.get("/"))

    response = client.post("/admin/plugins/carte_test", data={"enabled": "0"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/plugins"
    assert "Reprendre votre parcours" not in page_text(client.get("/"))
    disabled = plugin_row(page_text(client.get("/admin/plugins")), "carte_test")
    assert "Désactivé" in disabled
    assert "Actif" not in disabled
    assert "Reprendre votre parcours" not in page_text(app.test_client().get("/"))

    assert client.post("/admin/plugins/carte_test", data={"enabled": "1"}).status_code == 303
    assert "Reprendre votre parcours" in page_text(client.get("/"))
    assert "Actif" in plugin_row(page_text(client.get("/admin/plugins")), "carte_test")


def test_toggling_an_unknown_plugin_is_404(app, client, accounts):
    accounts.admin()

    assert client.post("/admin/plugins/inconnu", data={"enabled": "0"}).status_code == 404
    with app.app_context():
        assert db.session.get(PluginSetting, "inconnu") is None


def test_admin_actions_refuse_values_they_do_not_know(app, client, accounts):
    accounts.admin()
    before = themes_snapshot(app)
    theme = theme_id(app, "se-former")
    listing = listing_id(app, "fiches-metiers")
    for path, data in (
        (f"/admin/themes/{theme}/deplacer", {"direction": "sideways"}),
        (f"/admin/themes/{theme}/deplacer", {}),
        (f"/admin/services/{listing}/une", {"featured": "yes"}),
        ("/admin/themes", {"name": "Nouveau thème", "parent_id": "abc"}),
    ):
        assert client.post(path, data=data).status_code == 400, (path, data)
    assert themes_snapshot(app) == before
    assert "Fiches métiers" in featured_names(client)


def test_sub_themes_go_under_a_top_theme_only(app, client, accounts):
    accounts.admin()
    sub = theme_id(app, "cours-en-ligne")
    response = client.post("/admin/themes", data={"name": "Troisième niveau", "parent_id": sub})
    assert response.status_code == 400
    assert "Troisième niveau" not in page_text(client.get("/admin/themes"))


def test_renaming_to_another_theme_name_is_refused(app, client, accounts):
    accounts.admin()
    response = client.post(
        f"/admin/themes/{theme_id(app, 'se-former')}", data={"name": "trouver un emploi"}
    )
    assert response.status_code == 422
    assert theme_name_error(response) == "Un thème porte déjà ce nom."
