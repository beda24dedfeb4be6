"""Administration pages (role admin only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from emploistore.accounts.models import Role, User
from emploistore.accounts.services import AccountError, set_role
from emploistore.admin import services
from emploistore.catalog.models import Listing, ListingStatus, Theme
from emploistore.catalog.services import top_themes
from emploistore.database import db
from emploistore.engagement.models import Review, ReviewState
from emploistore.engagement.services import moderate_review
from emploistore.plugins.manager import plugin_host, set_plugin_enabled
from emploistore.plugins.models import PluginSetting
from emploistore.web.access import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def dashboard() -> str:
    flagged = db.session.scalar(
        select(db.func.count(Review.id)).where(Review.state == ReviewState.FLAGGED)
    )
    return render_template("admin/dashboard.html", flagged=flagged)


@bp.route("/themes", methods=["GET", "POST"])
@admin_required
def themes() -> Response | str:
    errors: dict[str, str] = {}
    if request.method == "POST":
        parent_id = request.form.get("parent_id", "")
        parent = None
        if parent_id:
            parent = db.session.get(Theme, int(parent_id)) if parent_id.isdigit() else None
            if parent is None or parent.parent_id is not None:
                abort(400)  # sub-themes go under a top theme only
        try:
            services.create_theme(
                request.form.get("name", ""), request.form.get("description", ""), parent
            )
        except services.CurationError as error:
            errors[error.field] = str(error)
        else:
            flash(_("Le thème est créé."), "success")
            return redirect(url_for("admin.themes"), code=303)
    return render_template("admin/themes.html", themes=top_themes(), errors=errors), (
        422 if errors else 200
    )  # type: ignore[return-value]


def choice(name: str, allowed: dict[str, Any]) -> Any:
    """The meaning of a form value among the allowed ones; anything else is a 400."""
    value = request.form.get(name)
    if value not in allowed:
        abort(400)
    return allowed[value]


def _theme_or_404(theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        abort(404)
    return theme


@bp.post("/themes/<int:theme_id>/deplacer")
@admin_required
def move_theme(theme_id: int) -> Response:
    theme = _theme_or_404(theme_id)
    services.move_theme(theme, choice("direction", {"haut": -1, "bas": 1}))
    return redirect(url_for("admin.themes") + f"#theme-{theme.id}", code=303)


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@admin_required
def edit_theme(theme_id: int) -> Response | str:
    theme = _theme_or_404(theme_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.rename_theme(
                theme, request.form.get("name", ""), request.form.get("description", "")
            )
        except services.CurationError as error:
            errors[error.field] = str(error)
        else:
            flash(_("Le thème est enregistré."), "success")
            return redirect(url_for("admin.themes"), code=303)
    return render_template("admin/theme_edit.html", theme=theme, errors=errors), (
        422 if errors else 200
    )  # type: ignore[return-value]


@bp.get("/services")
@admin_required
def listings() -> str:
    found = db.session.scalars(
        select(Listing)
        .where(Listing.status == ListingStatus.PUBLISHED.value)
        .order_by(Listing.featured.desc(), Listing.featured_position, Listing.name)
    ).all()
    return render_template("admin/listings.html", listings=found)


@bp.post("/services/<int:listing_id>/une")
@admin_required
def feature(listing_id: int) -> Response:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404)
    services.set_featured(listing, choice("featured", {"1": True, "0": False}))
    return redirect(url_for("admin.listings") + f"#service-{listing.id}", code=303)


@bp.get("/plugins")
@admin_required
def plugins() -> str:
    host = plugin_host(current_app)
    settings = {s.name: s for s in db.session.scalars(select(PluginSetting))}
    return render_template(
        "admin/plugins.html", records=host.records.values(), settings=settings, host=host
    )


@bp.post("/plugins/<name>")
@admin_required
def toggle_plugin(name: str) -> Response:
    if name not in plugin_host(current_app).records:
        abort(404)
    set_plugin_enabled(name, choice("enabled", {"1": True, "0": False}))
    flash(_("Le réglage du module est enregistré."), "success")
    return redirect(url_for("admin.plugins"), code=303)


@bp.get("/utilisateurs")
@admin_required
def users() -> str:
    email = request.args.get("email", "").strip().lower()
    query = select(User).order_by(User.created_at.desc()).limit(100)
    if email:
        query = query.where(User.email.contains(email))
    return render_template(
        "admin/users.html", users=db.session.scalars(query).all(), email=email, roles=list(Role)
    )


@bp.post("/utilisateurs/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("Vous ne pouvez pas changer votre propre rôle."), "error")
        return redirect(url_for("admin.users"), code=303)
    try:
        set_role(user, request.form.get("role", ""))
    except AccountError:
        abort(400)
    flash(_("Le rôle est enregistré."), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.get("/avis")
@admin_required
def reviews() -> str:
    flagged = db.session.scalars(
        select(Review)
        .where(Review.state == ReviewState.FLAGGED)
        .order_by(Review.flag_count.desc(), Review.updated_at)
    ).all()
    return render_template("admin/reviews.html", reviews=flagged)


@bp.post("/avis/<int:review_id>")
@admin_required
def moderate(review_id: int) -> Response:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    moderate_review(review, visible=choice("decision", {"garder": True, "masquer": False}))
    flash(_("La décision est enregistrée."), "success")
    return redirect(url_for("admin.reviews"), code=303)
