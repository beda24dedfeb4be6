"""Catalogue pages: home, themes, service pages and launching a service."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from emploistore.catalog import services
from emploistore.catalog.filters import read_page_query
from emploistore.catalog.models import Listing, ListingKind
from emploistore.database import db
from emploistore.engagement import services as engagement
from emploistore.extensions import csrf
from emploistore.plugins.manager import plugin_host
from emploistore.web.redirects import local_path

bp = Blueprint("catalog", __name__)


def signed_in_user():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


@bp.get("/")
def home() -> str:
    host = plugin_host(current_app)
    cards = [
        card
        for _name, found in host.call_each("home_cards", user=signed_in_user())
        for card in found
    ]
    return render_template(
        "catalog/home.html",
        themes=services.top_themes(),
        featured=services.featured_listings(),
        helpful=services.most_helpful(),
        cards=cards,
    )


@bp.get("/themes/<slug>")
def theme(slug: str) -> str:
    found = services.get_theme(slug)
    if found is None:
        abort(404)
    query = read_page_query(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    page = services.listing_page(query.filters, query.sort, query.page, per_page, theme=found)
    return render_template(
        "catalog/theme.html",
        theme=found,
        top=found.top,
        page=page,
        query=query,
        providers=services.providers_in(found),
        favourites=engagement.favourite_ids(current_user)
        if current_user.is_authenticated
        else set(),
    )


@bp.get("/services/<slug>")
def service(slug: str) -> str:
    listing = services.get_visible_listing(slug)
    if listing is None:
        abort(404)
    user = signed_in_user()
    return render_template(
        "catalog/service.html",
        listing=listing,
        reviews=engagement.visible_reviews(listing),
        is_favourite=bool(user and listing.id in engagement.favourite_ids(user)),
        own_review=engagement.review_of(user, listing) if user else None,
        can_review=bool(user and engagement.has_launched(user, listing)),
    )


def launch_target(listing: Listing) -> str:
    if listing.kind == ListingKind.BUILTIN.value:
        try:
            return url_for(f"{listing.plugin}.index")
        except BuildError:
            return "/" + str(listing.plugin).replace("_", "-") + "/"
    return str(listing.launch_url)


def from_this_site() -> bool:
    """Launches count only when the button on our own page was pressed."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    return origin is None or urlsplit(origin).netloc == request.host


@bp.post("/services/<slug>/lancer")
@csrf.exempt  # anonymous visitors launch too; counted only from our own pages (see above)
def launch(slug: str) -> Response:
    listing = services.get_visible_listing(slug)
    if listing is None:
        abort(404)
    sign_in = sign_in_target(listing)
    if sign_in is not None and signed_in_user() is None:
        # The service signs people in with their store account: log in here first.
        flash(_("Connectez-vous pour ouvrir ce service avec votre compte Emploi Store."), "info")
        return redirect(
            url_for("accounts.login", next=url_for("catalog.service", slug=slug)), code=303
        )
    if from_this_site():
        engagement.record_launch(listing, signed_in_user())
    return redirect(sign_in or launch_target(listing), code=303)


def sign_in_target(listing: Listing) -> str | None:
    """Where to send a launch that signs the seeker in (OpenID Connect §4), if it does.

    The partner's initiate_login_uri receives the issuer and the service's address; the
    partner then starts a normal authorization request (consent shown the first time).
    """
    if listing.sign_in_client_id is None:
        return None
    from emploistore.oauth.models import OAuthClient
    from emploistore.oauth.server import issuer

    client = db.session.get(OAuthClient, listing.sign_in_client_id)
    if client is None or not client.is_active or not client.initiate_login_uri:
        return None
    query = urlencode({"iss": issuer(), "target_link_uri": listing.launch_url or ""})
    separator = "&" if "?" in client.initiate_login_uri else "?"
    return client.initiate_login_uri + separator + query


@bp.post("/langue")
@csrf.exempt  # no token, so anonymous pages set no cookie; other sites cannot switch it
def choose_language() -> Response:
    language = request.form.get("lang", "fr")
    if language in current_app.config["LANGUAGES"] and from_this_site():
        session["lang"] = language
    return redirect(local_path(request.form.get("next"), "/"), code=303)


@bp.get("/healthz")
def health() -> Response:
    """Liveness for load balancers: answers without touching the database."""
    return jsonify(status="ok")
