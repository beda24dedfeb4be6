"""Share links: the owner makes, lists and cuts them; anyone with a live link reads the CV.

A shared page never sends the link in a Referer (``Referrer-Policy: no-referrer``) and asks
search engines not to index it. An unknown, expired or cut link answers 404, whatever the
reason, so the answer says nothing about which links exist.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import login_required

from cv_builder import rendering, services, sharing
from cv_builder.blueprint import bp, cv_or_404, page_context
from cv_builder.models import CV, ShareLink
from cv_builder.views import pdf_response, photo_response
from emploistore import utcnow

NEW_LINK_KEY = "cv_builder.new_link"


def shares_page(
    cv: CV, new_link: str | None = None, error: str = "", status: int = 200
) -> tuple[str, int]:
    return render_template(
        "cv_builder/shares.html",
        shares=sharing.shares_of(cv),
        now=utcnow(),
        new_link=new_link,
        error=error,
        choices=sharing.EXPIRY_CHOICES,
        default_days=sharing.DEFAULT_EXPIRY_DAYS,
        **page_context(cv),
    ), status


@bp.route("/cv/<int:cv_id>/partage", methods=["GET", "POST"])
@login_required
def shares(cv_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    if request.method == "GET":
        # A link made by the POST below is shown once, on the page it redirects to; the
        # database keeps nothing but its hash, and the session forgets it here.
        fresh = session.pop(NEW_LINK_KEY, None)
        token = fresh.get("token") if isinstance(fresh, dict) and fresh.get("cv") == cv.id else None
        link = url_for("cv_builder.shared", token=token, _external=True) if token else None
        return shares_page(cv, new_link=link)
    days = request.form.get("jours", "")
    if not days.isdigit() or int(days) not in sharing.EXPIRY_CHOICES:
        return shares_page(cv, error="Choisissez une durée dans la liste.", status=422)
    try:
        _share, token = sharing.create_share(cv, int(days))
    except ValueError as refused:
        return shares_page(cv, error=str(refused), status=409)
    session[NEW_LINK_KEY] = {"cv": cv.id, "token": token}
    return redirect(url_for("cv_builder.shares", cv_id=cv.id, _anchor="nouveau-lien"), code=303)


@bp.post("/cv/<int:cv_id>/partage/<int:share_id>/couper")
@login_required
def revoke_share(cv_id: int, share_id: int) -> Response | tuple[str, int]:
    cv = cv_or_404(cv_id)
    if not sharing.revoke_share(cv, share_id):
        return render_template(
            "cv_builder/refused.html", message="Ce lien de partage n'existe pas.", cv=cv
        ), 404
    flash("Le lien est coupé : plus personne ne peut voir le CV avec ce lien.", "success")
    return redirect(url_for("cv_builder.shares", cv_id=cv.id), code=303)


def _shared_or_404(token: str) -> tuple[ShareLink, CV] | tuple[None, None]:
    share = sharing.active_share(token)
    return (share, share.cv) if share is not None else (None, None)


def _gone() -> tuple[str, int]:
    return render_template("cv_builder/share_gone.html"), 404


def _private(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/partage/<token>")
def shared(token: str) -> Response | tuple[str, int]:
    share, cv = _shared_or_404(token)
    if share is None or cv is None:
        return _gone()
    sharing.count_view(share)
    photo = services.photo_of(cv)
    photo_src = (
        url_for("cv_builder.shared_photo", token=token, v=photo.sha256[:12]) if photo else None
    )
    page = render_template(
        "cv_builder/shared.html",
        cv=cv,
        token=token,
        document=rendering.build_document(cv.content, cv.template, photo_src, heading=1),
        cvh=rendering.HELPERS,
        pdf_available=rendering.pdf_available(),
    )
    return _private(Response(page))


@bp.get("/partage/<token>/cv.pdf")
def shared_pdf(token: str) -> Response | tuple[str, int]:
    share, cv = _shared_or_404(token)
    if share is None or cv is None:
        return _gone()
    answer = pdf_response(cv)
    return _private(answer) if isinstance(answer, Response) else answer


@bp.get("/partage/<token>/photo")
def shared_photo(token: str) -> Response | tuple[str, int]:
    share, cv = _shared_or_404(token)
    if share is None or cv is None or not cv.content.get("photoVisible", True):
        return _gone()
    return _private(photo_response(cv))
