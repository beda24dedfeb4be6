"""A realistic, complete CV (every section kind, French accents, œ, ç), three A4 pages long.

Used by the tests, and by ``bench/cv_export.py`` to measure the exports of a long CV.
"""

from __future__ import annotations

from typing import Any

from cv_builder import content as cv_content

_JOBS = [
    ("Responsable de rayon", "Supermarché Cœur de Ville", "Besançon", "2021-03", ""),
    (
        "Adjointe au responsable de magasin",
        "Épicerie fine Ça Se Mange",
        "Dijon",
        "2018-09",
        "2021-02",
    ),
    ("Vendeuse conseil", "Boulangerie Pâtisserie Lefèvre", "Dole", "2016-06", "2018-08"),
    ("Caissière polyvalente", "Hypermarché Grand Est", "Belfort", "2014-01", "2016-05"),
    ("Employée libre-service", "Supérette du Marché", "Lons-le-Saunier", "2012-07", "2013-12"),
    ("Hôtesse d'accueil (saisonnier)", "Office de tourisme", "Morteau", "2011-06", "2011-09"),
]
_HIGHLIGHTS = [
    "Encadré une équipe de {n} personnes et organisé les plannings chaque semaine.",
    "Réduit la démarque de {n} % en un an grâce au suivi quotidien des dates limites.",
    "Accueilli et conseillé en moyenne {n}0 clients par jour, en français et en anglais.",
    "Mis en place les commandes auprès des fournisseurs régionaux (fromages, œufs, légumes).",
    "Formé {n} nouveaux salariés à l'encaissement, à l'hygiène et à la sécurité alimentaire.",
    "Préparé les opérations commerciales et les têtes de gondole avec le service marketing.",
]


def sample_content(name: str = "Françoise Lemaître-Cœurderoy") -> dict[str, Any]:
    """The CV document (content.py's shape) of an experienced retail employee."""
    document = cv_content.new_content(name=name, email="francoise.lemaitre@example.org")
    basics = document["basics"]
    basics.update(
        {
            "label": "Responsable de rayon en grande distribution",
            "phone": "06 12 34 56 78",
            "url": "https://www.example.org/francoise",
            "summary": (
                "Douze ans d'expérience dans le commerce alimentaire, de la caisse à "
                "l'encadrement d'équipe. Rigoureuse, à l'écoute des clients et de mes "
                "collègues, je cherche un poste de responsable de rayon ou de manager de "
                "proximité en Bourgogne-Franche-Comté. Disponible immédiatement, permis B "
                "et véhicule personnel."
            ),
        }
    )
    basics["location"].update({"postalCode": "25000", "city": "Besançon", "countryCode": "FR"})
    basics["profiles"] = [
        {
            "network": "LinkedIn",
            "username": "flemaitre",
            "url": "https://www.linkedin.com/in/flemaitre",
        }
    ]
    document["romeCode"] = "D1502"
    items: dict[str, list[dict[str, Any]]] = {
        "work": [
            {
                "position": position,
                "name": employer,
                "location": town,
                "startDate": start,
                "endDate": end,
                "summary": (
                    "Gestion d'un rayon de produits frais et d'épicerie : commandes, mise en "
                    "rayon, inventaires, relation avec les fournisseurs et accueil des "
                    "clients. Participation aux réunions commerciales hebdomadaires."
                ),
                "highlights": [h.format(n=index + 3) for h in _HIGHLIGHTS[: 6 - index // 2]],
                "description": "Commerce alimentaire de proximité.",
            }
            for index, (position, employer, town, start, end) in enumerate(_JOBS)
        ],
        "education": [
            {
                "studyType": "BTS",
                "area": "Management commercial opérationnel",
                "institution": "Lycée Victor-Hugo, Besançon",
                "startDate": "2019",
                "endDate": "2021",
                "score": "Obtenu en validation des acquis de l'expérience",
                "courses": ["Gestion opérationnelle", "Management de l'équipe commerciale"],
            },
            {
                "studyType": "Baccalauréat professionnel",
                "area": "Commerce",
                "institution": "Lycée professionnel Les Huisselets, Montbéliard",
                "startDate": "2009",
                "endDate": "2012",
                "score": "Mention bien",
            },
        ],
        "skills": [
            {"name": "Gestion des stocks", "level": "Confirmée", "keywords": ["inventaire"]},
            {"name": "Encaissement", "level": "Experte", "keywords": []},
            {"name": "Management d'équipe", "level": "Confirmée", "keywords": ["plannings"]},
            {"name": "Hygiène alimentaire (HACCP)", "level": "", "keywords": []},
            {"name": "Logiciels de caisse et de commande", "level": "", "keywords": ["Excel"]},
        ],
        "languages": [
            {"language": "Français", "level": "native", "fluency": ""},
            {"language": "Anglais", "level": "B2", "fluency": "TOEIC 785"},
            {"language": "Espagnol", "level": "A2", "fluency": ""},
        ],
        "licences": [{"category": "B", "date": "2010"}, {"category": "BE", "date": "2015"}],
        "certificates": [
            {"name": "Sauveteur secouriste du travail (SST)", "issuer": "INRS", "date": "2022-05"},
            {"name": "CACES R489 catégorie 1", "issuer": "AFPA", "date": "2019-11"},
        ],
        "volunteer": [
            {
                "organization": "Restos du Cœur, Besançon",
                "position": "Bénévole à la distribution",
                "startDate": "2017",
                "summary": "Accueil des bénéficiaires et gestion du stock de denrées.",
                "highlights": ["Organisé la collecte nationale dans trois magasins."],
            }
        ],
        "projects": [
            {
                "name": "Rayon « circuits courts »",
                "description": (
                    "Création d'un rayon de produits locaux avec douze producteurs de la "
                    "région : sélection, négociation des prix, mise en avant en magasin."
                ),
                "entity": "Supermarché Cœur de Ville",
                "startDate": "2022-04",
                "endDate": "2022-10",
                "roles": ["Cheffe de projet"],
                "highlights": ["+18 % de ventes sur le rayon en six mois."],
                "keywords": ["commerce local"],
            }
        ],
        "interests": [
            {"name": "Randonnée", "keywords": ["GR 5, traversée du Jura"]},
            {"name": "Cuisine", "keywords": ["pâtisserie", "conserves maison"]},
            {"name": "Chorale", "keywords": []},
        ],
        "awards": [
            {
                "title": "Meilleure équipe régionale",
                "awarder": "Enseigne Cœur de Ville",
                "date": "2023",
                "summary": "Prix remis pour la qualité de l'accueil en magasin.",
            }
        ],
        "publications": [],
        "references": [
            {
                "name": "Jérôme Garçon, directeur de magasin",
                "reference": "Coordonnées communiquées sur demande.",
            }
        ],
    }
    for section in document["sections"]:
        for values in items.get(section["kind"], []):
            document, _ = cv_content.save_item(document, section["id"], None, values)
    document, custom_id = cv_content.add_custom_section(document, "Mobilité")
    document, _ = cv_content.save_item(
        document,
        custom_id,
        None,
        {"title": "Mobile en Bourgogne-Franche-Comté", "summary": "Véhicule personnel."},
    )
    return document
