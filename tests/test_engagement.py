"""Favourites, launches, reviews and their moderation."""

from __future__ import annotations

import html
import re
import warnings

from sqlalchemy import func, select

from emploistore.catalog.models import Listing
from emploistore.database import db
from emploistore.engagement.models import Favourite, LaunchEvent, Review
from tests.fixtures import Accounts

SERVICE = "fiches-metiers"
HIDDEN_SLUGS = ("service-en-preparation", "ancien-service", "service-inconnu")
LAUNCH_BEFORE_REVIEW = (
    "Vous pourrez donner votre avis après avoir ouvert ce service depuis le store."
)


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def rating_error(response) -> str | None:
    found = re.search(r'<p class="error" id="note-erreur">(.*?)</p>', response.get_data(True))
    return html.unescape(found.group(1)) if found else None


def text_error(response) -> str | None:
    found = re.search(r'<p class="error" id="text-erreur">(.*?)</p>', response.get_data(True))
    return html.unescape(found.group(1)) if found else None


def reviews_section(client, slug: str = SERVICE) -> str:
    body = client.get(f"/services/{slug}").get_data(as_text=True)
    return html.unescape(body[body.index('id="avis"') : body.index("</main>")])


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def listing_counters(app, slug: str = SERVICE) -> dict[str, int]:
    with app.app_context():
        listing = db.session.scalar(select(Listing).where(Listing.slug == slug))
        return {
            "favourites": listing.favourite_count,
            "launches": listing.launch_count,
            "ratings": listing.rating_count,
        }


def api_detail(client, slug: str = SERVICE) -> dict:
    response = client.get(f"/api/v1/services/{slug}")
    assert response.status_code == 200
    return response.get_json()


def user_client(app, email: str, name: str) -> tuple:
    """A new test client logged in as a new seeker."""
    client = app.test_client()
    accounts = Accounts(app, client)
    user_id = accounts.create(email, name=name)
    assert accounts.login(email).status_code == 303
    return client, user_id


def launch(client, slug: str = SERVICE) -> None:
    assert client.post(f"/services/{slug}/lancer").status_code == 303


def review(client, rating, text: str = "", slug: str = SERVICE):
    data = {"text": text}
    if rating is not None:
        data["rating"] = str(rating)
    return client.post(f"/services/{slug}/avis", data=data)


# -- favourites ---------------------------------------------------------------------------


def test_favourite_add_is_idempotent_and_remove_works(app, client, accounts):
    user_id = accounts.seeker()

    first = client.post(f"/services/{SERVICE}/favori", data={"action": "ajouter"})
    second = client.post(f"/services/{SERVICE}/favori")

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == f"/services/{SERVICE}"
    assert count(app, Favourite, Favourite.user_id == user_id) == 1
    assert listing_counters(app)["favourites"] == 1
    assert "Fiches métiers" in page_text(client.get("/mes-services"))
    assert "Retirer de mes services" in page_text(client.get(f"/services/{SERVICE}"))

    removed = client.post(
        f"/services/{SERVICE}/favori", data={"action": "retirer", "next": "/mes-services"}
    )
    again = client.post(f"/services/{SERVICE}/favori", data={"action": "retirer"})

    assert removed.status_code == again.status_code == 303
    assert removed.headers["Location"] == "/mes-services"
    assert count(app, Favourite) == 0
    assert listing_counters(app)["favourites"] == 0
    page = page_text(client.get("/mes-services"))
    assert "Fiches métiers" not in page
    assert "Vous n'avez pas encore de service favori." in page


def test_my_services_lists_only_my_favourites(app, client, accounts):
    accounts.seeker("camille@example.org")
    other, _ = user_client(app, "dominique@example.org", "Dominique")
    other.post("/services/offres-cadres/favori")
    client.post(f"/services/{SERVICE}/favori")
    client.post("/services/mooc-numerique/favori")

    mine = page_text(client.get("/mes-services"))
    theirs = page_text(other.get("/mes-services"))

    assert "Fiches métiers" in mine
    assert "Apprendre le numérique" in mine
    assert "Offres pour cadres" not in mine
    assert "Offres pour cadres" in theirs
    assert "Fiches métiers" not in theirs


def test_favouriting_or_reviewing_a_draft_archived_or_unknown_listing_is_404(app, client, accounts):
    accounts.seeker()

    for slug in HIDDEN_SLUGS:
        response = client.post(f"/services/{slug}/favori")
        assert response.status_code == 404, slug
        assert "Page introuvable" in page_text(response)
        assert client.get(f"/services/{slug}/avis").status_code == 404, slug
        assert client.post(f"/services/{slug}/avis", data={"rating": "5"}).status_code == 404

    assert count(app, Favourite) == 0
    assert count(app, Review) == 0


def test_anonymous_favourite_redirects_to_login(app, client):
    response = client.post(f"/services/{SERVICE}/favori")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/compte/connexion?next=")
    assert count(app, Favourite) == 0
    anonymous_list = client.get("/mes-services")
    assert anonymous_list.status_code == 302
    assert anonymous_list.headers["Location"] == "/compte/connexion?next=%2Fmes-services"


def test_favourite_does_not_redirect_to_another_site(client, accounts):
    accounts.seeker()

    for target in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/services/{SERVICE}/favori", data={"next": target})
        assert response.status_code == 303, target
        location = response.headers["Location"].replace("\\", "/")
        assert location.startswith("/") and not location.startswith("//"), target


def test_favourite_next_with_a_tab_stays_on_the_site(client, accounts):
    accounts.seeker()

    response = client.post(f"/services/{SERVICE}/favori", data={"next": "/\t/evil.example"})

    assert response.status_code == 303
    location = re.sub(r"[\t\n\r]", "", response.headers["Location"])
    assert not location.startswith("//")


# -- launches -----------------------------------------------------------------------------


def test_launch_redirects_to_the_partner_and_counts(app, client, accounts):
    response = client.post(f"/services/{SERVICE}/lancer")

    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.apec.example/fiches"
    assert api_detail(client)["launch_count"] == 1

    user_id = accounts.seeker()
    launch(client)

    assert api_detail(client)["launch_count"] == 2
    assert count(app, LaunchEvent, LaunchEvent.user_id == user_id) == 1
    assert count(app, LaunchEvent, LaunchEvent.user_id.is_(None)) == 1


def test_cross_site_launch_redirects_but_is_not_counted(app, client):
    cross_site = client.post(
        f"/services/{SERVICE}/lancer", headers={"Sec-Fetch-Site": "cross-site"}
    )
    other_origin = client.post(
        f"/services/{SERVICE}/lancer", headers={"Origin": "https://evil.example"}
    )

    for response in (cross_site, other_origin):
        assert response.status_code == 303
        assert response.headers["Location"] == "https://www.apec.example/fiches"
    assert api_detail(client)["launch_count"] == 0
    assert count(app, LaunchEvent) == 0

    same_origin = client.post(
        f"/services/{SERVICE}/lancer", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same_origin.status_code == 303
    assert api_detail(client)["launch_count"] == 1


def test_launching_a_hidden_or_unknown_listing_is_404(app, client):
    for slug in HIDDEN_SLUGS:
        response = client.post(f"/services/{slug}/lancer")
        assert response.status_code == 404, slug
        assert "Location" not in response.headers

    assert count(app, LaunchEvent) == 0
    with app.app_context():
        assert db.session.scalar(select(func.sum(Listing.launch_count))) == 0


# -- reviews ------------------------------------------------------------------------------


def test_review_form_renders_without_deprecation_warning(client, accounts):
    accounts.seeker()
    launch(client)

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = client.get(f"/services/{SERVICE}/avis")

    assert response.status_code == 200


def test_review_is_refused_before_launching_the_service(app, client, accounts):
    accounts.seeker()

    form = client.get(f"/services/{SERVICE}/avis")
    posted = review(client, 5, "Super")

    for response in (form, posted):
        assert response.status_code == 403
        assert LAUNCH_BEFORE_REVIEW in page_text(response)
    assert count(app, Review) == 0
    assert api_detail(client)["rating"] == {"average": None, "count": 0}
    assert LAUNCH_BEFORE_REVIEW in reviews_section(client)


def test_review_after_launching_is_shown_with_the_display_name(app, client, accounts):
    accounts.seeker("camille@example.org")
    launch(client)

    response = review(client, 4, "Très utile pour choisir.")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/services/{SERVICE}#avis"
    section = reviews_section(client)
    assert "Camille" in section
    assert "4 sur 5" in section
    assert "Très utile pour choisir." in section
    assert "camille@example.org" not in page_text(client.get(f"/services/{SERVICE}"))
    assert "4,0 sur 5 (1 avis)" in page_text(client.get(f"/services/{SERVICE}"))
    assert api_detail(client)["rating"] == {"average": 4.0, "count": 1}


def test_reviewing_again_edits_the_same_review(app, client, accounts):
    user_id = accounts.seeker()
    launch(client)
    assert review(client, 2, "Bof").status_code == 303

    edit_form = client.get(f"/services/{SERVICE}/avis")
    checked = re.findall(r'<input[^>]*\bchecked\b[^>]*value="(\d)"', edit_form.get_data(True))
    assert checked == ["2"]
    assert re.search(r">\s*Bof</textarea>", edit_form.get_data(as_text=True))
    assert review(client, 5, "Finalement excellent").status_code == 303

    assert count(app, Review, Review.user_id == user_id) == 1
    assert api_detail(client)["rating"] == {"average": 5.0, "count": 1}
    assert listing_counters(app)["ratings"] == 1
    section = reviews_section(client)
    assert "Finalement excellent" in section
    assert "Bof" not in section
    assert "Modifier mon avis" in section


def test_review_rating_must_be_between_one_and_five(app, client, accounts):
    accounts.seeker()
    launch(client)

    for rating in ("0", "6", "-1", "cinq", None):
        response = review(client, rating, "Texte")
        assert response.status_code == 422, rating
        message = rating_error(response)
        assert message in {"Choisissez une note de 1 à 5 étoiles.", "N'est pas un choix valide."}
        assert text_error(response) is None
    assert rating_error(review(client, None)) == "Choisissez une note de 1 à 5 étoiles."

    assert count(app, Review) == 0
    assert api_detail(client)["rating"] == {"average": None, "count": 0}


def test_review_text_is_limited_to_2000_characters(app, client, accounts):
    accounts.seeker()
    launch(client)

    too_long = review(client, 3, "a" * 2001)

    assert too_long.status_code == 422
    assert text_error(too_long) == "Votre avis est trop long."
    assert rating_error(too_long) is None
    assert count(app, Review) == 0

    assert review(client, 3, "a" * 2000).status_code == 303
    assert count(app, Review) == 1


def test_review_text_is_escaped_on_the_page(client, accounts):
    accounts.seeker()
    launch(client)
    payload = '<script>alert("avis")</script><b onmouseover="alert(2)">gras</b>'

    assert review(client, 3, payload).status_code == 303

    body = client.get(f"/services/{SERVICE}").get_data(as_text=True)
    assert "<script>alert" not in body
    assert "<b onmouseover" not in body
    assert "&lt;script&gt;alert(&#34;avis&#34;)&lt;/script&gt;" in body


def test_anonymous_visitors_cannot_open_the_review_form(client):
    response = client.get(f"/services/{SERVICE}/avis")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/compte/connexion?next=")


# -- flags and moderation -----------------------------------------------------------------


def test_flagged_reviews_are_moderated_by_an_admin(app, client, accounts):
    camille, _ = user_client(app, "camille@example.org", "Camille")
    dominique, _ = user_client(app, "dominique@example.org", "Dominique")
    for author, rating, text in ((camille, 1, "Avis insultant"), (dominique, 5, "Avis honnête")):
        launch(author)
        assert review(author, rating, text).status_code == 303
    with app.app_context():
        ids = dict(db.session.execute(select(Review.text, Review.id)).all())
    assert api_detail(client)["rating"] == {"average": 3.0, "count": 2}
    # Each flags the other's review; the flag button is on the other person's review only.
    assert reviews_section(dominique).count("Signaler cet avis") == 1
    for flagger, text in ((dominique, "Avis insultant"), (camille, "Avis honnête")):
        response = flagger.post(f"/avis/{ids[text]}/signaler")
        assert response.status_code == 303
        assert response.headers["Location"] == f"/services/{SERVICE}#avis"

    accounts.admin()
    queue = page_text(client.get("/admin/avis"))
    assert "Avis insultant" in queue
    assert "Avis honnête" in queue
    assert "camille@example.org" not in queue

    hide = client.post(f"/admin/avis/{ids['Avis insultant']}", data={"decision": "masquer"})
    keep = client.post(f"/admin/avis/{ids['Avis honnête']}", data={"decision": "garder"})

    assert hide.status_code == keep.status_code == 303
    section = reviews_section(client)
    assert "Avis insultant" not in section
    assert "Avis honnête" in section
    assert api_detail(client)["rating"] == {"average": 5.0, "count": 1}
    assert "5,0 sur 5 (1 avis)" in page_text(client.get(f"/services/{SERVICE}"))
    queue = page_text(client.get("/admin/avis"))
    assert "Avis insultant" not in queue
    assert "Avis honnête" not in queue
    assert "Aucun avis à relire." in queue


def test_flagging_an_unknown_review_is_404(client, accounts):
    accounts.seeker()

    assert client.post("/avis/999999/signaler").status_code == 404


def test_anonymous_visitors_cannot_flag(app, client):
    response = client.post("/avis/1/signaler")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/compte/connexion?next=")


def test_a_person_reports_a_review_once_and_never_their_own(app, client, accounts):
    camille, _ = user_client(app, "camille@example.org", "Camille")
    launch(camille)
    assert review(camille, 2, "Pas terrible").status_code == 303
    with app.app_context():
        review_id = db.session.scalar(select(Review.id))
    dominique, _ = user_client(app, "dominique@example.org", "Dominique")
    for _ in range(3):
        dominique.post(f"/avis/{review_id}/signaler")
    camille.post(f"/avis/{review_id}/signaler")  # one's own review: not counted
    with app.app_context():
        assert db.session.get(Review, review_id).flag_count == 1
    again = dominique.post(f"/avis/{review_id}/signaler", follow_redirects=True)
    assert "Vous avez déjà signalé cet avis." in page_text(again)


def test_withdrawn_services_leave_my_services(app, client, accounts):
    accounts.seeker()
    client.post(f"/services/{SERVICE}/favori")
    assert "Fiches métiers" in page_text(client.get("/mes-services"))
    from emploistore.catalog.models import Listing

    with app.app_context():
        listing = db.session.scalar(select(Listing).where(Listing.slug == SERVICE))
        listing.status = "archived"
        db.session.commit()
    page = page_text(client.get("/mes-services"))
    assert "Fiches métiers" not in page
    assert "pas encore de service favori" in page
