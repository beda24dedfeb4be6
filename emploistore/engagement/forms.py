"""Review form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from emploistore.engagement.services import MAX_REVIEW_LENGTH


class ReviewForm(FlaskForm):
    rating = RadioField(
        _l("Votre note"),
        choices=[str(n) for n in range(1, 6)],
        validators=[InputRequired(_l("Choisissez une note de 1 à 5 étoiles."))],
    )
    text = TextAreaField(
        _l("Votre avis (facultatif)"),
        description=_l(
            "Ce qui vous a aidé, ce qui manque. %(n)s caractères au maximum.", n=MAX_REVIEW_LENGTH
        ),
        validators=[Length(max=MAX_REVIEW_LENGTH, message=_l("Votre avis est trop long."))],
    )
