"""What a CV is made of: the section kinds, their fields, labels and limits.

One catalogue drives everything else: the edit forms, the validation (forms and JSON Resume
import share the same marshmallow fields), the templates and the JSON Resume mapping. Field
names are JSON Resume's (camelCase) wherever JSON Resume has the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Field types: text (one line), textarea, lines (a list of short texts, one per line in
# forms), date (YYYY, YYYY-MM or YYYY-MM-DD), url (http or https), email, phone, choice.
TEXT_MAX = 150
TEXTAREA_MAX = 2000
SUMMARY_MAX = 3000
LINE_MAX = 200
LINES_MAX_COUNT = 30
URL_MAX = 500

MAX_ITEMS = 50  # items per section
MAX_CUSTOM_SECTIONS = 10
MAX_PROFILES = 5
SECTION_TITLE_MAX = 80
CV_TITLE_MAX = 120


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    hint: str = ""
    max_length: int = TEXT_MAX
    choices: tuple[tuple[str, str], ...] = ()
    autocomplete: str | None = None


@dataclass(frozen=True)
class SectionKind:
    key: str
    label: str  # default heading on the CV
    item_label: str  # "une expérience": used in buttons ("Ajouter une expérience")
    fields: tuple[Field, ...] = ()
    standard: bool = True  # a JSON Resume array of the same name
    title_fields: tuple[str, ...] = ()  # what names an item in lists
    side: bool = False  # in the sidebar of two-column templates
    intro: str = ""  # advice shown on the section page
    extension_fields: tuple[str, ...] = field(default=())  # kept under x-emploistore

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def has_items(self) -> bool:
        return bool(self.fields)


CEFR_LEVELS: tuple[tuple[str, str], ...] = (
    ("A1", "A1 – débutant"),
    ("A2", "A2 – élémentaire"),
    ("B1", "B1 – intermédiaire"),
    ("B2", "B2 – avancé"),
    ("C1", "C1 – autonome"),
    ("C2", "C2 – maîtrise"),
    ("native", "Langue maternelle"),
)
LEVEL_LABELS = dict(CEFR_LEVELS)

DRIVING_LICENCES: tuple[tuple[str, str], ...] = (
    ("AM", "AM – cyclomoteur, voiturette"),
    ("A1", "A1 – moto légère (125 cm³)"),
    ("A2", "A2 – moto de puissance moyenne"),
    ("A", "A – moto"),
    ("B", "B – voiture"),
    ("BE", "BE – voiture avec remorque"),
    ("C1", "C1 – camion de 3,5 à 7,5 tonnes"),
    ("C1E", "C1E – camion C1 avec remorque"),
    ("C", "C – poids lourd"),
    ("CE", "CE – poids lourd avec remorque"),
    ("D1", "D1 – minibus (16 passagers au plus)"),
    ("D1E", "D1E – minibus avec remorque"),
    ("D", "D – autobus, autocar"),
    ("DE", "DE – autobus avec remorque"),
)
LICENCE_LABELS = dict(DRIVING_LICENCES)

_DATE_HINT = "Par exemple 09/2021, ou seulement l'année : 2021."


def _start() -> Field:
    return Field("startDate", "Date de début", "date", hint=_DATE_HINT)


def _end(hint: str = "Laissez vide si c'est toujours le cas aujourd'hui.") -> Field:
    return Field("endDate", "Date de fin", "date", hint=hint)


def _url(label: str = "Adresse web") -> Field:
    return Field("url", label, "url", hint="Commence par https://", max_length=URL_MAX)


def _highlights(label: str = "Réalisations") -> Field:
    return Field(
        "highlights",
        label,
        "lines",
        hint="Une par ligne. Commencez par un verbe d'action : « Accueilli 80 clients par jour ».",
        max_length=LINE_MAX,
    )


SECTION_KINDS: dict[str, SectionKind] = {
    kind.key: kind
    for kind in (
        SectionKind(
            "summary",
            "Profil",
            "un profil",
            standard=False,
            intro="Trois ou quatre phrases : qui vous êtes, ce que vous savez faire, "
            "ce que vous cherchez.",
        ),
        SectionKind(
            "work",
            "Expériences professionnelles",
            "une expérience",
            (
                Field("position", "Poste occupé", required=True, hint="Par exemple : Vendeuse."),
                Field("name", "Employeur", hint="Le nom de l'entreprise ou de l'organisme."),
                Field("location", "Lieu", hint="La ville, par exemple : Lyon."),
                _start(),
                _end(),
                Field(
                    "summary",
                    "Description",
                    "textarea",
                    hint="Vos missions en quelques phrases.",
                    max_length=TEXTAREA_MAX,
                ),
                _highlights(),
                Field(
                    "description",
                    "Activité de l'employeur",
                    hint="Facultatif. Par exemple : supermarché de 40 salariés.",
                ),
                _url("Site de l'employeur"),
            ),
            title_fields=("position", "name"),
        ),
        SectionKind(
            "education",
            "Formation",
            "une formation",
            (
                Field(
                    "studyType",
                    "Diplôme ou formation",
                    required=True,
                    hint="Par exemple : CAP, baccalauréat professionnel, licence.",
                ),
                Field("area", "Spécialité", hint="Par exemple : Commerce."),
                Field("institution", "Établissement"),
                _start(),
                _end("Laissez vide si vous êtes en cours de formation."),
                Field("score", "Mention ou résultat"),
                Field(
                    "courses",
                    "Matières ou modules",
                    "lines",
                    hint="Un par ligne.",
                    max_length=LINE_MAX,
                ),
                _url("Site de l'établissement"),
            ),
            title_fields=("studyType", "area", "institution"),
        ),
        SectionKind(
            "skills",
            "Compétences",
            "une compétence",
            (
                Field("name", "Compétence", required=True, hint="Par exemple : Encaissement."),
                Field("level", "Niveau", hint="Facultatif. Par exemple : confirmé."),
                Field("keywords", "Mots-clés", "lines", hint="Un par ligne.", max_length=LINE_MAX),
            ),
            title_fields=("name",),
            side=True,
        ),
        SectionKind(
            "languages",
            "Langues",
            "une langue",
            (
                Field("language", "Langue", required=True, hint="Par exemple : Anglais."),
                Field(
                    "level",
                    "Niveau",
                    "choice",
                    hint="Les niveaux européens vont de A1 (débutant) à C2 (maîtrise).",
                    choices=(("", "Non précisé"), *CEFR_LEVELS),
                ),
                Field("fluency", "Précision", hint="Facultatif. Par exemple : TOEIC 850."),
            ),
            title_fields=("language",),
            side=True,
            extension_fields=("level",),
        ),
        SectionKind(
            "licences",
            "Permis de conduire",
            "un permis",
            (
                Field(
                    "category",
                    "Catégorie",
                    "choice",
                    required=True,
                    choices=(("", "Choisissez une catégorie"), *DRIVING_LICENCES),
                ),
                Field("date", "Obtenu en", "date", hint="Facultatif. " + _DATE_HINT),
            ),
            standard=False,
            title_fields=("category",),
            side=True,
        ),
        SectionKind(
            "certificates",
            "Certifications",
            "une certification",
            (
                Field(
                    "name",
                    "Certification",
                    required=True,
                    hint="Par exemple : CACES R489, SST, habilitation électrique.",
                ),
                Field("issuer", "Organisme"),
                Field("date", "Date d'obtention", "date", hint=_DATE_HINT),
                _url(),
            ),
            title_fields=("name", "issuer"),
        ),
        SectionKind(
            "volunteer",
            "Bénévolat",
            "un engagement bénévole",
            (
                Field("organization", "Association ou organisme", required=True),
                Field("position", "Rôle", hint="Par exemple : trésorier, animatrice."),
                _start(),
                _end(),
                Field("summary", "Description", "textarea", max_length=TEXTAREA_MAX),
                _highlights(),
                _url(),
            ),
            title_fields=("position", "organization"),
        ),
        SectionKind(
            "projects",
            "Projets",
            "un projet",
            (
                Field("name", "Nom du projet", required=True),
                Field("description", "Description", "textarea", max_length=TEXTAREA_MAX),
                Field("entity", "Cadre", hint="Par exemple : en formation, pour une association."),
                Field("type", "Type de projet", hint="Par exemple : site web, événement."),
                Field("roles", "Vos rôles", "lines", hint="Un par ligne.", max_length=LINE_MAX),
                _start(),
                _end(),
                _highlights(),
                Field("keywords", "Mots-clés", "lines", hint="Un par ligne.", max_length=LINE_MAX),
                _url(),
            ),
            title_fields=("name",),
        ),
        SectionKind(
            "interests",
            "Centres d'intérêt",
            "un centre d'intérêt",
            (
                Field("name", "Centre d'intérêt", required=True, hint="Par exemple : Football."),
                Field(
                    "keywords",
                    "Précisions",
                    "lines",
                    hint="Une par ligne. Par exemple : entraîneur des moins de 12 ans.",
                    max_length=LINE_MAX,
                ),
            ),
            title_fields=("name",),
            side=True,
        ),
        SectionKind(
            "awards",
            "Prix et distinctions",
            "une distinction",
            (
                Field("title", "Distinction", required=True),
                Field("awarder", "Décernée par"),
                Field("date", "Date", "date", hint=_DATE_HINT),
                Field("summary", "Description", "textarea", max_length=TEXTAREA_MAX),
            ),
            title_fields=("title",),
        ),
        SectionKind(
            "publications",
            "Publications",
            "une publication",
            (
                Field("name", "Titre", required=True),
                Field("publisher", "Éditeur ou média"),
                Field("releaseDate", "Date de parution", "date", hint=_DATE_HINT),
                _url(),
                Field("summary", "Résumé", "textarea", max_length=TEXTAREA_MAX),
            ),
            title_fields=("name",),
        ),
        SectionKind(
            "references",
            "Références",
            "une référence",
            (
                Field(
                    "name",
                    "Nom",
                    required=True,
                    hint="Demandez d'abord à la personne si elle est d'accord.",
                ),
                Field(
                    "reference",
                    "Recommandation ou coordonnées",
                    "textarea",
                    max_length=TEXTAREA_MAX,
                ),
            ),
            title_fields=("name",),
        ),
        SectionKind(
            "custom",
            "Rubrique libre",
            "un élément",
            (
                Field("title", "Intitulé", required=True),
                Field("subtitle", "Précision", hint="Facultatif. Par exemple : un lieu."),
                _start(),
                Field("endDate", "Date de fin", "date", hint="Facultatif."),
                Field("summary", "Description", "textarea", max_length=TEXTAREA_MAX),
            ),
            standard=False,
            title_fields=("title", "subtitle"),
        ),
    )
}

# The order of a new CV; custom sections are added after it by the person.
DEFAULT_ORDER: tuple[str, ...] = (
    "summary",
    "work",
    "education",
    "skills",
    "languages",
    "licences",
    "certificates",
    "volunteer",
    "projects",
    "interests",
    "awards",
    "publications",
    "references",
)
STANDARD_ARRAYS: tuple[str, ...] = tuple(
    key for key in DEFAULT_ORDER if SECTION_KINDS[key].standard
)

# Identity and contact: JSON Resume's "basics", plus the job sought's ROME code.
BASICS_FIELDS: tuple[Field, ...] = (
    Field("name", "Prénom et nom", required=True, autocomplete="name"),
    Field(
        "label",
        "Poste recherché",
        hint="Le titre en haut de votre CV. Par exemple : Vendeuse en boulangerie.",
        autocomplete="organization-title",
    ),
    Field(
        "romeCode",
        "Code ROME du métier recherché",
        hint="Facultatif : une lettre et 4 chiffres, par exemple D1106. "
        "Il aide les services partenaires à vous proposer des offres.",
        max_length=5,
    ),
    Field("email", "Adresse e-mail", "email", autocomplete="email", max_length=254),
    Field("phone", "Téléphone", "phone", autocomplete="tel", max_length=30),
    Field("url", "Site web ou portfolio", "url", hint="Commence par https://", max_length=URL_MAX),
)
LOCATION_FIELDS: tuple[Field, ...] = (
    Field(
        "address",
        "Adresse",
        hint="Facultatif : la ville suffit souvent.",
        autocomplete="street-address",
    ),
    Field("postalCode", "Code postal", autocomplete="postal-code", max_length=10),
    Field("city", "Ville", autocomplete="address-level2", max_length=80),
    Field("region", "Région", autocomplete="address-level1", max_length=80),
    Field(
        "countryCode",
        "Code du pays",
        hint="Deux lettres, par exemple FR.",
        autocomplete="country",
        max_length=2,
    ),
)
PROFILE_FIELDS: tuple[Field, ...] = (
    Field("network", "Réseau", hint="Par exemple : LinkedIn.", max_length=40),
    Field("username", "Identifiant", max_length=80),
    Field("url", "Adresse du profil", "url", max_length=URL_MAX),
)


def kind_of(key: str) -> SectionKind:
    return SECTION_KINDS[key]


def empty_value(spec: Field) -> str | list[str]:
    return [] if spec.type == "lines" else ""
