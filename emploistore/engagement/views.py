"""Favourites ("Mes services"), reviews and reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from emploistore.catalog import services as catalog
from emploistore.database import db
from emploistore.engagement import services
from emploistore.engagement.forms import ReviewForm
from emploistore.engagement.models import Review
from emploistore.web.redirects import local_path

bp = Blueprint("engagement", __name__)


@bp.get("/mes-services")
@login_required
def favourites() -> str:
    listings = services.favourites_of(current_user)
    return render_template("engagement/favourites.html", listings=listings)


@bp.post("/services/<slug>/favori")
@login_required
def favourite(slug: str) -> Response:
    listing = catalog.get_visible_listing(slug)
    if listing is None:
        abort(404)
    wanted = request.form.get("action", "ajouter") == "ajouter"
    services.set_favourite(current_user, listing, wanted)
    flash(
        _("Ajouté à « Mes services ».") if wanted else _("Retiré de « Mes services »."),
        "success",
    )
    target = local_path(request.form.get("next"), url_for("catalog.service", slug=slug))
    return redirect(target, code=303)


@bp.route("/services/<slug>/avis", methods=["GET", "POST"])
@login_required
def review(slug: str) -> Response | str:
    listing = catalog.get_visible_listing(slug)
    if listing is None:
        abort(404)
    existing = services.review_of(current_user, listing)
    form = ReviewForm(
        rating=str(existing.rating) if existing else None, text=existing.text if existing else ""
    )
    if not services.has_launched(current_user, listing):
        form.form_errors.append(
            _("Vous pourrez donner votre avis après avoir ouvert ce service depuis le store.")
        )
        return render_template("engagement/review.html", form=form, listing=listing), 403  # type: ignore[return-value]
    if form.validate_on_submit():
        try:
            services.save_review(
                current_user, listing, int(form.rating.data or 0), form.text.data or ""
            )
        except services.ReviewRefused as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("Merci, votre avis est publié."), "success")
            return redirect(url_for("catalog.service", slug=slug) + "#avis", code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("engagement/review.html", form=form, listing=listing), status  # type: ignore[return-value]


@bp.post("/avis/<int:review_id>/signaler")
@login_required
def flag(review_id: int) -> Response:
    review = db.session.get(Review, review_id)
    if review is None or catalog.get_visible_listing(review.listing.slug) is None:
        abort(404)
    if services.flag_review(review, current_user):
        flash(_("Merci, un administrateur va relire cet avis."), "success")
    else:
        flash(_("Vous avez déjà signalé cet avis."), "success")
    return redirect(url_for("catalog.service", slug=review.listing.slug) + "#avis", code=303)
