"""Account forms; every message is French and tied to its field in the page."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from emploistore.accounts.services import MIN_PASSWORD_LENGTH


def new_password_field(label: LazyString, missing: LazyString) -> PasswordField:
    """A field for choosing a password, with the length rule the services enforce."""
    return PasswordField(
        label,
        description=_l("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH),
        validators=[
            DataRequired(missing),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Le mot de passe doit contenir au moins %(n)s caractères.",
                    n=MIN_PASSWORD_LENGTH,
                ),
            ),
        ],
    )


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Email(_l("Cette adresse e-mail n'est pas valide (exemple : nom@domaine.fr).")),
            Length(max=254),
        ],
    )
    display_name = StringField(
        _l("Prénom ou pseudonyme (facultatif)"),
        validators=[Length(max=80, message=_l("80 caractères au maximum."))],
    )
    password = new_password_field(_l("Mot de passe"), _l("Choisissez un mot de passe."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(_l("Indiquez votre adresse e-mail."))]
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))]
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Prénom ou pseudonyme"),
        validators=[Length(max=80, message=_l("80 caractères au maximum."))],
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))],
    )
    new_password = new_password_field(
        _l("Nouveau mot de passe"), _l("Choisissez un nouveau mot de passe.")
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Confirmez avec votre mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe pour confirmer."))],
    )
