"""marshmallow schemas, built from the section catalogue, with French messages.

The same field classes check what a person types in a form and what a JSON Resume file
holds: text is cleaned (control characters out, lengths capped), dates are normalised to
JSON Resume's partial ISO form, web addresses must be http(s) (never ``javascript:``), lists
are capped *before* their items are read. Unknown keys are left out (JSON Resume allows
extra fields); :func:`unknown_keys` lists them so the person can be told.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from cv_builder import dates, rome
from cv_builder.sections import (
    BASICS_FIELDS,
    CV_TITLE_MAX,
    DEFAULT_ORDER,
    LINES_MAX_COUNT,
    LOCATION_FIELDS,
    MAX_CUSTOM_SECTIONS,
    MAX_ITEMS,
    MAX_PROFILES,
    PROFILE_FIELDS,
    SECTION_KINDS,
    SECTION_TITLE_MAX,
    Field,
    SectionKind,
)

REQUIRED = "Ce champ est obligatoire."
NOT_TEXT = "Du texte est attendu ici."
NOT_LIST = "Une liste est attendue ici (entre crochets [ ])."
NOT_OBJECT = "Un objet est attendu ici (entre accolades { })."
NOT_BOOLEAN = "true ou false est attendu ici."
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
PHONE = re.compile(r"^[0-9+().\s/-]*$")
DOMAIN_LIKE = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")
TEMPLATES = {
    "classique": "Classique",
    "moderne": "Moderne",
    "elegant": "Élégant",
}
TEMPLATE_HINTS = {
    "classique": "Une colonne, sobre : le mieux lu par les logiciels des recruteurs.",
    "moderne": "Deux colonnes, avec un bandeau de couleur.",
    "elegant": "Une colonne, police à empattements, titre centré.",
}
PAPERS = {"a4": "A4", "letter": "Lettre US (Amérique du Nord)"}

_CONTROL = {c for c in map(chr, range(0x20)) if c not in "\n\t"} | {"\x7f"}


def clean_text(value: str, multiline: bool) -> str:
    """Drop control and format characters, normalise line ends, trim; one line unless asked."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = "".join(
        c
        for c in value
        if c not in _CONTROL and (unicodedata.category(c) != "Cf" or c in "\u00ad\u200d")
    )
    value = value.replace("\t", " ")
    if not multiline:
        return " ".join(value.split())
    lines = [" ".join(line.split()) for line in value.split("\n")]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def check_url(value: str) -> str:
    """An http(s) address; a bare domain gets https://. Raise ValueError (French) otherwise."""
    if not value:
        return ""
    if "://" not in value and DOMAIN_LIKE.match(value):
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        raise ValueError(
            "Adresse web invalide : elle doit commencer par https:// (ou http://), "
            "par exemple https://www.exemple.fr."
        )
    return value


class NullIsEmpty:
    """JSON ``null`` for an optional value means "not given", as many JSON Resume tools write
    it: it is read as the empty value (``""``, ``[]``, ``{}``), never stored as None."""

    empty: Any = ""

    def deserialize(
        self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any
    ) -> Any:
        if value is None:
            value = self.empty() if callable(self.empty) else self.empty
        return super().deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


FRENCH = {"required": REQUIRED, "null": "Une valeur est attendue ici (pas null)."}


class CleanText(NullIsEmpty, fields.Field):
    """A string of one kind (text, textarea, date, url, email, phone, choice)."""

    default_error_messages: ClassVar[dict[str, str]] = {**FRENCH, "invalid": NOT_TEXT}

    def __init__(self, spec: Field, *, required_value: bool = False, **kwargs: Any) -> None:
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", "")
        super().__init__(**kwargs)
        self.spec = spec
        self.required_value = required_value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.make_error("invalid")
        if not isinstance(value, str):
            # JSON Resume files sometimes hold a year or a postal code as a number.
            value = str(value)
        spec = self.spec
        text = clean_text(value, multiline=spec.type == "textarea")
        if not text:
            if self.required_value:
                raise ValidationError(REQUIRED)
            return ""
        if len(text) > spec.max_length:
            if spec.max_length <= 5:  # a code (country, ROME): say what it should look like
                try:
                    _check_type(spec, text)
                except ValueError as error:
                    raise ValidationError(str(error)) from None
            raise ValidationError(
                f"Trop long : {spec.max_length} caractères au plus ({len(text)} saisis)."
            )
        try:
            return _check_type(spec, text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _check_type(spec: Field, text: str) -> str:
    if spec.type == "date":
        return dates.parse_date(text)
    if spec.type == "url":
        return check_url(text)
    if spec.type == "email":
        if not EMAIL.match(text):
            raise ValueError("Adresse e-mail invalide, par exemple : prenom.nom@exemple.fr.")
        return text
    if spec.type == "phone":
        if not PHONE.match(text) or sum(c.isdigit() for c in text) < 6:
            raise ValueError("Numéro invalide : des chiffres, des espaces et + seulement.")
        return text
    if spec.type == "choice":
        if text not in {key for key, _label in spec.choices}:
            allowed = ", ".join(key for key, _label in spec.choices if key)
            raise ValueError(f"Valeur inconnue « {text[:40]} ». Valeurs possibles : {allowed}.")
        return text
    if spec.name == "romeCode":
        return rome.check_code(text)
    if spec.name == "countryCode":
        if not re.fullmatch(r"[A-Za-z]{2}", text):
            raise ValueError("Deux lettres, par exemple FR.")
        return text.upper()
    return text


class CappedList(NullIsEmpty, fields.List):
    """A list refused at once when too long, before any item is read."""

    empty = list
    default_error_messages: ClassVar[dict[str, str]] = {**FRENCH, "invalid": NOT_LIST}

    def __init__(self, inner: fields.Field, max_count: int, **kwargs: Any) -> None:
        kwargs.setdefault("load_default", list)
        super().__init__(inner, **kwargs)
        self.max_count = max_count

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.make_error("invalid")
        if len(value) > self.max_count:
            raise ValidationError(f"Trop d'éléments : {self.max_count} au plus ({len(value)}).")
        return super()._deserialize(value, attr, data, **kwargs)


class Lines(CappedList):
    """A list of short texts; empty lines are dropped."""

    def __init__(self, spec: Field, **kwargs: Any) -> None:
        line = Field(spec.name, spec.label, "text", max_length=spec.max_length)
        super().__init__(CleanText(line), LINES_MAX_COUNT, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        return [line for line in super()._deserialize(value, attr, data, **kwargs) if line]


class ImageReference(NullIsEmpty, fields.Field):
    """basics.image: kept as given (a URL, or a data: URI), checked later, when imported."""

    default_error_messages: ClassVar[dict[str, str]] = {**FRENCH, "invalid": NOT_TEXT}
    MAX_LENGTH = 1_400_000  # a 1 MB photo once in base64

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(load_default="", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if len(value) > self.MAX_LENGTH:
            raise ValidationError("Image trop lourde.")
        return value.strip()


class Flag(fields.Boolean):
    default_error_messages: ClassVar[dict[str, str]] = {
        **FRENCH,
        "null": NOT_BOOLEAN,
        "invalid": NOT_BOOLEAN,
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):  # JSON true/false only, not "yes" or 1
            raise self.make_error("invalid")
        return value


class BaseSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages: ClassVar[dict[str, str]] = {"type": NOT_OBJECT}

    @validates_schema(skip_on_field_errors=False)
    def _end_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        if dates.before(data.get("endDate", ""), data.get("startDate", "")):
            raise ValidationError("La date de fin est avant la date de début.", "endDate")


class EmptyNested(NullIsEmpty, fields.Nested):
    empty = dict


def nested(
    schema: type[Schema] | Schema, *, null_is_empty: bool = False, **kwargs: Any
) -> fields.Nested:
    """A nested object; ``null`` is an empty object where the object is optional, an error
    in a list of objects."""
    field = (EmptyNested if null_is_empty else fields.Nested)(schema, **kwargs)
    formatted = NOT_OBJECT.replace("{", "{{").replace("}", "}}")  # marshmallow formats these
    field.error_messages = {
        **field.error_messages,
        **FRENCH,
        "null": formatted,
        "type": formatted,
        "invalid": formatted,
    }
    return field


def field_for(spec: Field, *, form: bool) -> fields.Field:
    if spec.type == "lines":
        return Lines(spec)
    return CleanText(spec, required_value=form and spec.required)


def _schema(
    name: str, specs: Iterable[Field], *, form: bool, extra: Mapping[str, Any] | None = None
) -> type[Schema]:
    attrs: dict[str, Any] = {spec.name: field_for(spec, form=form) for spec in specs}
    attrs.update(extra or {})
    return type(name, (BaseSchema,), attrs)


@cache
def item_schema(kind_key: str, *, form: bool = True, standard_only: bool = False) -> Schema:
    """The schema of one item: every field (forms), or JSON Resume's fields only (import)."""
    kind: SectionKind = SECTION_KINDS[kind_key]
    specs = [
        spec for spec in kind.fields if not (standard_only and spec.name in kind.extension_fields)
    ]
    return _schema(f"{kind_key.title()}Item", specs, form=form)()


@cache
def basics_schema(*, form: bool = True) -> Schema:
    location = _schema("Location", LOCATION_FIELDS, form=form)
    profile = _schema("Profile", PROFILE_FIELDS, form=form)
    specs = [spec for spec in BASICS_FIELDS if spec.name != "romeCode"]
    extra = {
        "summary": CleanText(
            Field("summary", "Profil", "textarea", max_length=3000), required_value=False
        ),
        "location": nested(location, null_is_empty=True, load_default=dict),
        "profiles": CappedList(nested(profile), MAX_PROFILES),
        # A URL elsewhere; our own export writes the photo here as a data: URI.
        "image": ImageReference(),
    }
    return _schema("Basics", specs, form=form, extra=extra)()


# -- JSON Resume document ------------------------------------------------------------------

KIND_KEYS = (*DEFAULT_ORDER, "custom")
EXTENSION_KEY = "x-emploistore"


class ExtensionItem(BaseSchema):
    visible = Flag(load_default=True)
    # languages: the CEFR level and the free note as typed
    level = CleanText(SECTION_KINDS["languages"].field("level"))
    fluency = CleanText(SECTION_KINDS["languages"].field("fluency"))


def _extension_item_schema(kind_key: str) -> type[Schema]:
    """Items of sections that JSON Resume lacks live entirely under x-emploistore."""
    kind = SECTION_KINDS[kind_key]
    return _schema(
        f"Extension{kind_key.title()}Item",
        kind.fields,
        form=False,
        extra={"visible": Flag(load_default=True)},
    )


class ExtensionSection(BaseSchema):
    kind = CleanText(
        Field("kind", "Rubrique", "choice", choices=tuple((k, k) for k in KIND_KEYS)),
        required=True,
        required_value=True,
    )
    visible = Flag(load_default=True)
    title = CleanText(Field("title", "Titre", max_length=SECTION_TITLE_MAX))
    items = CappedList(fields.Raw(allow_none=True), MAX_ITEMS)  # checked per kind later


class Extension(BaseSchema):
    """Our own fields: ``"x-emploistore"`` at the top of an exported JSON Resume."""

    version = fields.Integer(
        load_default=1,
        strict=True,
        error_messages={
            **FRENCH,
            "invalid": "Un nombre entier est attendu.",
            "null": "1 est attendu.",
        },
    )
    title = CleanText(Field("title", "Titre", max_length=CV_TITLE_MAX))
    template = CleanText(
        Field("template", "Modèle", "choice", choices=tuple((k, k) for k in TEMPLATES))
    )
    paper = CleanText(Field("paper", "Format", "choice", choices=tuple((k, k) for k in PAPERS)))
    romeCode = CleanText(next(f for f in BASICS_FIELDS if f.name == "romeCode"))
    photoVisible = Flag(load_default=True)
    sections = CappedList(nested(ExtensionSection), len(DEFAULT_ORDER) + MAX_CUSTOM_SECTIONS)

    @validates_schema
    def _known_version(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("version", 1) != 1:
            raise ValidationError(
                "Version inconnue : ce fichier vient d'une version plus récente.", "version"
            )


def load_extension_items(kind_key: str, items: list[Any]) -> list[dict[str, Any]]:
    """Validate the items of one x-emploistore section (raises ValidationError)."""
    if kind_key in ("licences", "custom"):
        schema = _extension_item_cached(kind_key)
    else:
        schema = ExtensionItem()
    return schema.load(items, many=True)


@cache
def _extension_item_cached(kind_key: str) -> Schema:
    return _extension_item_schema(kind_key)()


@cache
def resume_schema() -> Schema:
    """A JSON Resume v1 document: every standard section, typed and capped."""
    attrs: dict[str, Any] = {
        "basics": nested(basics_schema(form=False), null_is_empty=True, load_default=dict),
        "extension": nested(Extension, load_default=None, allow_none=True, data_key=EXTENSION_KEY),
    }
    for key, kind in SECTION_KINDS.items():
        if kind.standard and kind.has_items:
            item = item_schema(key, form=False, standard_only=True)
            attrs[key] = CappedList(nested(item), MAX_ITEMS)
    attrs["meta"] = fields.Raw(load_default=None, allow_none=True)
    attrs["schema_url"] = fields.Raw(load_default=None, allow_none=True, data_key="$schema")
    return type("JsonResume", (BaseSchema,), attrs)()


def unknown_keys(data: Any, schema: Schema, path: str = "") -> list[str]:
    """The keys a schema leaves out, with their path (``work[0].foo``); for a notice."""
    found: list[str] = []
    if not isinstance(data, Mapping):
        return found
    by_key = {f.data_key or name: f for name, f in schema.fields.items()}
    for key, value in data.items():
        child = f"{path}.{key}" if path else str(key)
        field = by_key.get(key)
        if field is None:
            found.append(child)
            continue
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    found += unknown_keys(item, inner.schema, f"{child}[{index}]")
            else:
                found += unknown_keys(value, inner.schema, child)
    return found
