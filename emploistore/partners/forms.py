"""Developer portal forms; the services check the rules, the forms check what was typed.

Choices are plain values (the templates word them), as WTForms 3.1 to 3.3 all accept.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from emploistore.oauth.scopes import ALL_SCOPES
from emploistore.partners.models import MemberRole

CONFIDENTIAL = "confidentielle"
PUBLIC = "publique"


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class MultiCheckboxField(SelectMultipleField):
    """Several choices, as a list of check boxes (rendered one by one in the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplyForm(FlaskForm):
    name = StringField(
        _l("Nom de l'organisation"),
        validators=[
            DataRequired(_l("Indiquez le nom de l'organisation.")),
            Length(max=120, message=_l("120 caractères au maximum.")),
        ],
    )
    website = URLField(
        _l("Site web"),
        description=_l("Son adresse complète, sur l'un de vos domaines (https://www.exemple.fr)."),
        validators=[
            DataRequired(_l("Indiquez l'adresse du site web.")),
            Length(max=500, message=_l("500 caractères au maximum.")),
        ],
    )
    domains = TextAreaField(
        _l("Noms de domaine"),
        description=_l(
            "Un par ligne, par exemple exemple.fr. Vos services et vos adresses de retour "
            "devront être sur ces domaines ou leurs sous-domaines."
        ),
        validators=[DataRequired(_l("Indiquez au moins un nom de domaine."))],
    )
    contact_email = EmailField(
        _l("Adresse e-mail de contact"),
        description=_l("L'équipe de l'Emploi Store l'utilise pour vérifier votre demande."),
        validators=[
            DataRequired(_l("Indiquez une adresse e-mail de contact.")),
            Email(_l("Cette adresse e-mail n'est pas valide (exemple : nom@domaine.fr).")),
            Length(max=254, message=_l("254 caractères au maximum.")),
        ],
    )


class MemberForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail de la personne"),
        description=_l("Elle doit déjà avoir un compte sur l'Emploi Store."),
        validators=[
            DataRequired(_l("Indiquez l'adresse e-mail de la personne.")),
            Email(_l("Cette adresse e-mail n'est pas valide (exemple : nom@domaine.fr).")),
        ],
    )
    role = SelectField(
        _l("Rôle"),
        choices=[MemberRole.MEMBER.value, MemberRole.OWNER.value],
        default=MemberRole.MEMBER.value,
        invalid_choice_message=_l("Choisissez un rôle dans la liste."),
    )


class DomainForm(FlaskForm):
    domain = StringField(
        _l("Nom de domaine"),
        description=_l("Par exemple exemple.fr. Un administrateur le vérifiera."),
        validators=[DataRequired(_l("Indiquez un nom de domaine.")), Length(max=253)],
    )


class ClientForm(FlaskForm):
    name = StringField(
        _l("Nom de l'application"),
        description=_l(
            "Les personnes le lisent quand votre service leur demande l'accès à leur compte."
        ),
        validators=[
            DataRequired(_l("Indiquez le nom de l'application.")),
            Length(max=80, message=_l("80 caractères au maximum.")),
        ],
    )
    kind = RadioField(
        _l("Type d'application"),
        choices=[CONFIDENTIAL, PUBLIC],
        default=CONFIDENTIAL,
        validators=[InputRequired(_l("Choisissez le type d'application."))],
        invalid_choice_message=_l("Choisissez le type d'application."),
    )
    redirect_uris = TextAreaField(
        _l("Adresses de retour"),
        description=_l(
            "Une par ligne, en https://, sur un domaine vérifié. Elles sont comparées "
            "caractère par caractère. Laissez vide pour une application qui ne fait que publier."
        ),
    )
    scopes = MultiCheckboxField(
        _l("Autorisations"),
        choices=list(ALL_SCOPES),
        # No "required" flag: it would mark every check box required; the service says
        # "Choisissez au moins une autorisation." when none is ticked.
        invalid_choice_message=_l("Autorisation inconnue : %(value)s."),
    )
    initiate_login_uri = URLField(
        _l("Adresse de connexion depuis l'Emploi Store (facultatif)"),
        description=_l(
            "Quand une personne ouvre votre service depuis l'Emploi Store, elle arrive à cette "
            "adresse pour que votre service lui demande de se connecter."
        ),
        validators=[Length(max=500, message=_l("500 caractères au maximum."))],
    )
