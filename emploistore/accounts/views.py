"""Register, log in and out, profile, data export and account deletion."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from emploistore.accounts import services
from emploistore.accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
)
from emploistore.database import db
from emploistore.plugins.manager import plugin_host
from emploistore.web.redirects import local_path

bp = Blueprint("accounts", __name__, url_prefix="/compte")


def safe_next(default: str) -> str:
    return local_path(request.args.get("next") or request.form.get("next"), default)


@bp.route("/inscription", methods=["GET", "POST"])
def register() -> Response | str:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data or "",
                form.password.data or "",
                display_name=form.display_name.data or "",
            )
        except services.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Votre compte est créé. Bienvenue !"), "success")
            return redirect(safe_next(url_for("catalog.home")), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form), status  # type: ignore[return-value]


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Response | str:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or ""
            )
        except services.TooManyAttempts:
            minutes = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60
            form.form_errors.append(
                _(
                    "Trop de tentatives de connexion. Attendez %(n)s minutes puis réessayez.",
                    n=minutes,
                )
            )
            status = 429
        else:
            if user is not None:
                session.clear()  # a fresh session on log-in: no fixation
                login_user(user)
                return redirect(safe_next(url_for("catalog.home")), code=303)
            form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
            status = 401
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status  # type: ignore[return-value]


@bp.post("/deconnexion")
def logout() -> Response:
    logout_user()
    session.clear()
    return redirect(url_for("catalog.home"), code=303)


@bp.route("", methods=["GET", "POST"])
@login_required
def account() -> Response | str:
    profile = ProfileForm(prefix="profile", display_name=current_user.display_name)
    password = PasswordForm(prefix="password")
    status = 200
    if request.method == "POST":
        if "profile-display_name" in request.form and profile.validate_on_submit():
            services.update_profile(current_user, profile.display_name.data or "")
            flash(_("Votre profil est enregistré."), "success")
            return redirect(url_for("accounts.account"), code=303)
        if "password-new_password" in request.form and password.validate_on_submit():
            try:
                services.change_password(
                    current_user,
                    password.current_password.data or "",
                    password.new_password.data or "",
                )
            except services.AccountError as error:
                getattr(password, error.field).errors.append(str(error))
            else:
                login_user(current_user)  # keep this session alive with the new epoch
                flash(
                    _("Votre mot de passe est changé. Vos autres sessions sont fermées."), "success"
                )
                return redirect(url_for("accounts.account"), code=303)
        status = 422
    tabs = [
        tab
        for _name, found in plugin_host(current_app).call_each("account_tabs", user=current_user)
        for tab in found
    ]
    return render_template(
        "accounts/account.html",
        profile=profile,
        password=password,
        delete=DeleteAccountForm(prefix="delete"),
        tabs=tabs,
    ), status  # type: ignore[return-value]


@bp.post("/export")
@login_required
def export() -> Response:
    body = json.dumps(services.export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mes-donnees-emploi-store.json"'},
    )


@bp.route("/supprimer", methods=["GET", "POST"])
@login_required
def delete() -> Response | str:
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data or "")
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            session.clear()
            flash(_("Votre compte et vos données ont été supprimés."), "success")
            return redirect(url_for("catalog.home"), code=303)
    status = 422 if form.errors else 200
    return render_template("accounts/delete.html", form=form), status  # type: ignore[return-value]
