"""The publishing API under /api/v1/partner (client_credentials tokens), and /media."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from authlib.integrations.flask_oauth2 import current_token
from flask import Blueprint, Response, abort, jsonify, request, url_for
from marshmallow import ValidationError

from emploistore.api.problems import problem
from emploistore.catalog.models import Listing, Organisation
from emploistore.database import db, utcnow
from emploistore.extensions import csrf
from emploistore.oauth.server import require_oauth
from emploistore.partners import media, publishing
from emploistore.partners.manifest import manifest_of
from emploistore.partners.models import ListingRevision
from emploistore.partners.publishing import PublishingError
from emploistore.partners.query_schemas import MAX_DAYS, StatsQuerySchema
from emploistore.partners.stats import listing_stats

bp = Blueprint("partner_api", __name__, url_prefix="/api/v1/partner")
csrf.exempt(bp)
media_bp = Blueprint("media", __name__)


def _organisation() -> Organisation:
    return current_token.client.organisation


def _actor() -> str:
    return f"client:{current_token.client.client_id}"


def _listing_or_404(listing_id: int) -> Listing:
    listing = publishing.get_listing(_organisation(), listing_id)
    if listing is None:
        raise PublishingError(404, "Not found", f"Your organisation has no listing {listing_id}.")
    return listing


def _media_url(sha: str | None) -> str | None:
    return url_for("media.image", sha=sha, _external=True) if sha else None


def _public_manifest(manifest: dict[str, Any] | None) -> dict[str, Any] | None:
    if manifest is None:
        return None
    shown = {k: v for k, v in manifest.items() if k not in ("logo", "screenshots")}
    shown["logo"] = _media_url(manifest.get("logo"))
    shown["screenshots"] = [
        {"url": _media_url(shot["image"]), "alt": shot["alt"]}
        for shot in manifest.get("screenshots") or []
    ]
    return shown


def _iso(moment: Any) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def _revision(revision: ListingRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "state": revision.state,
        "submitted_at": _iso(revision.submitted_at),
        "decided_at": _iso(revision.decided_at),
        "reason": revision.reason or None,
    }


def dump_listing(listing: Listing, detail: bool = True) -> dict[str, Any]:
    history = publishing.revisions(listing)
    current = publishing.current_revision(listing) or (history[0] if history else None)
    body: dict[str, Any] = {
        "id": listing.id,
        "slug": listing.slug,
        "name": listing.name,
        "status": listing.status,
        "public_url": url_for("catalog.service", slug=listing.slug, _external=True)
        if publishing.is_published(listing)
        else None,
        "revision": _revision(current) if current else None,
    }
    if detail:
        body["published"] = (
            _public_manifest(manifest_of(listing)) if listing.published_at is not None else None
        )
        body["draft"] = _public_manifest(current.manifest) if current else None
        body["history"] = [_revision(revision) for revision in history]
    return body


@bp.errorhandler(PublishingError)
def publishing_error(error: PublishingError) -> Response:
    db.session.rollback()
    return problem(error.status, error.title, error.detail, error.errors or None)


def _json_body() -> Any:
    if not request.is_json:
        raise PublishingError(
            415, "Unsupported media type", "Send the manifest as application/json."
        )
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise PublishingError(400, "Bad request", "The body must be a JSON object.")
    return body


def _saved(listing: Listing, status: int = 200) -> Response:
    db.session.commit()
    from emploistore.search.services import sync_search_index

    sync_search_index()
    response = jsonify(dump_listing(listing))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("partner_api.get_listing", listing_id=listing.id)
    return response


@bp.get("/listings")
@require_oauth("services:write")
def list_listings() -> Response:
    listings = publishing.organisation_listings(_organisation())
    return jsonify(items=[dump_listing(listing, detail=False) for listing in listings])


@bp.post("/listings")
@require_oauth("services:write")
def create_listing() -> Response:
    listing = publishing.create_listing(_organisation(), _json_body(), _actor())
    return _saved(listing, 201)


@bp.get("/listings/<int:listing_id>")
@require_oauth("services:write")
def get_listing(listing_id: int) -> Response:
    return jsonify(dump_listing(_listing_or_404(listing_id)))


@bp.patch("/listings/<int:listing_id>")
@require_oauth("services:write")
def update_listing(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    publishing.update_listing(listing, _json_body(), _actor())
    return _saved(listing)


@bp.delete("/listings/<int:listing_id>")
@require_oauth("services:write")
def delete_listing(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    publishing.delete_draft(listing, _actor())
    db.session.commit()
    return Response(status=204)


@bp.post("/listings/<int:listing_id>/submit")
@require_oauth("services:write")
def submit(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    publishing.submit(listing, _actor())
    return _saved(listing)


@bp.delete("/listings/<int:listing_id>/submission")
@require_oauth("services:write")
def cancel_submission(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    publishing.cancel_submission(listing, _actor())
    return _saved(listing)


@bp.post("/listings/<int:listing_id>/withdraw")
@require_oauth("services:write")
def withdraw(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    publishing.withdraw(listing, _actor())
    return _saved(listing)


def _upload() -> bytes:
    upload = request.files.get("file")
    if upload is None:
        raise PublishingError(
            422,
            "Invalid upload",
            "Send the image as multipart/form-data in a field named 'file'.",
            {"file": ["Missing."]},
        )
    return upload.read()


@bp.put("/listings/<int:listing_id>/logo")
@require_oauth("services:write")
def set_logo(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    media.set_logo(listing, _upload(), _actor())
    return _saved(listing)


@bp.post("/listings/<int:listing_id>/screenshots")
@require_oauth("services:write")
def add_screenshot(listing_id: int) -> Response:
    listing = _listing_or_404(listing_id)
    media.add_screenshot(listing, _upload(), request.form.get("alt", ""), _actor())
    return _saved(listing)


@bp.delete("/listings/<int:listing_id>/screenshots/<int:index>")
@require_oauth("services:write")
def remove_screenshot(listing_id: int, index: int) -> Response:
    listing = _listing_or_404(listing_id)
    media.remove_screenshot(listing, index, _actor())
    return _saved(listing)


@bp.get("/stats")
@require_oauth("stats:read")
def stats() -> Response:
    try:
        args = StatsQuerySchema().load(request.args.to_dict())
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        names = ", ".join(sorted(str(key) for key in messages))
        return problem(400, "Bad request parameters", f"Invalid parameter(s): {names}.", messages)
    today = utcnow().date()
    end: date = args.get("end") or today
    start: date = args.get("start") or end - timedelta(days=29)
    if start > end:
        return problem(
            400,
            "Bad request parameters",
            "Invalid parameter(s): from.",
            {"from": ["Must not be after 'to' (default: today)."]},
        )
    if (end - start).days >= MAX_DAYS:
        return problem(
            400,
            "Bad request parameters",
            "Invalid parameter(s): from.",
            {"from": [f"At most {MAX_DAYS} days at once (from {start} to {end})."]},
        )
    listings = publishing.organisation_listings(_organisation())
    if "listing" in args:
        listings = [listing for listing in listings if listing.id == args["listing"]]
        if not listings:
            raise PublishingError(404, "Not found", "Your organisation has no such listing.")
    return jsonify(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "listings": listing_stats(listings, start, end),
        }
    )


@media_bp.get("/media/<sha>.webp")
def image(sha: str) -> Response:
    found = media.media(sha)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.mimetype)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response
