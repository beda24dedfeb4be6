"""Synthetic job offer feeds, one per built-in source, with the duplicates between them known.

:func:`generate_feeds` writes ``france-travail.json`` (France Travail "Offres d'emploi v2"
JSON), ``keljob.csv`` (Keljob's CSV) and ``monstre-emploi.xml`` (Monstre Emploi's XML feed),
which the readers of :mod:`job_search.sources` read, and ``duplicates.csv``, the ground
truth for de-duplication: ``source,source_id,group`` for every offer that is the same job
as an offer of another source (offers of one group share its number).

The offers are made up but shaped like real ones: French job titles of the ROME (the
common jobs most often), descriptions of 600 to 900 characters assembled from sentence
templates, communes weighted towards big cities, employers with valid SIRETs, a realistic
mix of contracts, working times, experience levels and 2026 salaries, creation dates in
the last 60 days, some expiry dates (a few already past). A share of the offers are copies
of another source's offer (same employer and postal code, the title at most lightly
varied, their own ids, dates and wording); hard negatives are added that must not be
grouped: the same employer and postal code for a different job, and the same title and
postal code at another employer. A few rows per file are broken on purpose (no title, an
unknown contract type, an impossible date) so that the importer's rejections are exercised.

The offers are made in two independent shards (communes dealt out by weight, those sharing
a postal code together, so that every employer, duplicate and hard negative stays in one
shard), in two processes for big counts; each feed lists its offers newest first. The same
count, seed, share and ``now`` give byte-identical files, in one process or two.
``python3 -m job_search.generate --count N --seed S --out DIR`` runs it from the shell.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gc
import heapq
import io
import json
import math
import multiprocessing
import os
import random
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from emploistore import normalise_gender_number
from job_search import referential
from job_search.referential import Commune

SOURCES = ("france-travail", "keljob", "monstre-emploi")
FILES = {
    "france-travail": "france-travail.json",
    "keljob": "keljob.csv",
    "monstre-emploi": "monstre-emploi.xml",
}
DUPLICATES_FILE = "duplicates.csv"
# The offers are made in this many independent shards (by commune), one per process.
SHARDS = 2
SHARES = {"france-travail": 0.55, "keljob": 0.25, "monstre-emploi": 0.20}
# Of the offers, the share that are hard negatives of each kind (same employer and place
# for another job; same title and place at another employer).
HARD_NEGATIVE_SHARE = 0.025
BAD_ROW_SHARE = 0.0005
SMIC_HOURLY = 11.88
SMIC_MONTHLY = 1802.0
HOURS_PER_MONTH = 151.67
KELJOB_HEADER = (
    "reference", "titre", "description", "entreprise", "siret", "code_postal", "ville",
    "code_insee", "contrat", "duree_mois", "temps_travail", "experience", "salaire",
    "salaire_min", "salaire_max", "periode_salaire", "date_publication", "date_maj",
    "date_expiration", "url", "code_rome",
)  # fmt: skip

# --- Vocabularies ---------------------------------------------------------------------------

CONTRACT_MIX = {
    "cdi": 45,
    "cdd": 25,
    "interim": 15,
    "alternance": 7,
    "saisonnier": 5,
    "independant": 3,
}
# The ROME job families most offers are in, with their relative weight.
COMMON_ROME = {
    "K1302": 5, "K2204": 5, "N1103": 5, "J1501": 4, "G1602": 4, "G1803": 4, "G1603": 3,
    "D1106": 3, "D1507": 3, "N4101": 3, "N4105": 3, "M1805": 3, "J1506": 3, "K1304": 2,
    "D1214": 2, "D1505": 2, "N1101": 2, "F1703": 2, "F1603": 2, "F1602": 2, "I1304": 2,
    "I1604": 2, "M1607": 2, "M1602": 2, "M1203": 2, "D1402": 2, "D1403": 2, "A1203": 2,
    "A1401": 2, "K1303": 2, "N1105": 2, "K2503": 2, "D1102": 2, "D1502": 1, "N4102": 1,
    "F1607": 1, "H2909": 1, "H3302": 1, "C1401": 1, "J1304": 1, "K2111": 1, "G1703": 1,
    "G1501": 1, "A1414": 1, "M1101": 1, "D1101": 1, "D1104": 1, "G1802": 1, "M1503": 1,
    "H2102": 1, "M1801": 1, "D1211": 1, "F1701": 1, "F1606": 1, "I1305": 1, "K1305": 1,
    "J1303": 1, "H1101": 1, "N1201": 1, "G1201": 1, "D1401": 1,
}  # fmt: skip
COMMON_ROME_SHARE = 0.8
# The titles most offers of their ROME family use; the others of the family share the rest.
FAVOURITE_TITLES = (
    "Aide-soignant / Aide-soignante", "Auxiliaire de vie", "Aide à domicile",
    "Employé / Employée de ménage", "Aide ménager / ménagère à domicile",
    "Nettoyeur / Nettoyeuse de locaux", "Agent / Agente machiniste en propreté",
    "Chef d'équipe propreté", "Préparateur / Préparatrice de commandes",
    "Magasinier / Magasinière", "Équipier / Équipière logistique", "Cuisinier / Cuisinière",
    "Commis / Commise de cuisine", "Chef de partie", "Serveur / Serveuse de restaurant",
    "Serveur / Serveuse en restauration", "Chef de rang", "Commis / Commise de salle",
    "Employé polyvalent / Employée polyvalente de restauration",
    "Équipier polyvalent / Équipière polyvalente de restauration rapide",
    "Vendeur / Vendeuse en boucherie", "Vendeur / Vendeuse en épicerie",
    "Vendeur / Vendeuse de primeurs", "Employé / Employée de libre-service",
    "Employé / Employée de rayon", "Employé polyvalent / Employée polyvalente de libre-service",
    "Conducteur / Conductrice de poids lourd", "Chauffeur routier / Chauffeuse routière",
    "Chauffeur-livreur / Chauffeuse-livreuse", "Développeur / Développeuse informatique",
    "Développeur / Développeuse web", "Infirmier / Infirmière en gériatrie",
    "Infirmier / Infirmière psychiatrique", "Vendeur / Vendeuse en prêt-à-porter",
    "Vendeur / Vendeuse en chaussures", "Hôte / Hôtesse de caisse", "Caissier / Caissière",
    "Cariste", "Conducteur / Conductrice d'engins de déplacement des charges",
    "Maçon / Maçonne", "Plombier / Plombière chauffagiste",
    "Électricien / Électricienne du bâtiment",
    "Technicien / Technicienne de maintenance industrielle",
    "Agent / Agente de maintenance industrielle", "Mécanicien / Mécanicienne automobile",
    "Secrétaire", "Assistant administratif / Assistante administrative",
    "Employé administratif / Employée administrative",
    "Agent administratif / Agente administrative", "Comptable",
    "Commercial / Commerciale auprès d'une clientèle d'entreprises",
    "Commercial / Commerciale auprès des particuliers",
    "Jardinier / Jardinière d'espaces verts", "Ouvrier / Ouvrière du paysage",
    "Vendangeur / Vendangeuse", "Aide agricole en viticulture",
    "Assistant maternel / Assistante maternelle", "Garde d'enfant à domicile",
    "Manutentionnaire", "Agent / Agente de sécurité", "Agent / Agente de sûreté",
    "Boulanger / Boulangère", "Chauffeur / Chauffeuse VTC", "Chauffeur / Chauffeuse de taxi",
    "Réceptionniste en hôtellerie", "Réceptionniste de nuit", "Valet / Femme de chambre",
    "Employé / Employée d'étage", "Auxiliaire de puériculture", "Formateur / Formatrice",
    "Boucher / Bouchère", "Pâtissier / Pâtissière", "Acheteur / Acheteuse",
    "Peintre en bâtiment", "Assistant / Assistante dentaire",
    "Assistant médical / Assistante médicale", "Assistant / Assistante des ventes",
    "Commercial / Commerciale sédentaire",
)  # fmt: skip
FAVOURITE_SHARE = 0.75
# Big cities: INSEE code → population in thousands (about), weighting where offers are.
BIG_CITIES = {
    "31555": 504, "06088": 348, "44109": 320, "34172": 302, "67482": 291, "33063": 261,
    "59350": 236, "35238": 225, "51454": 180, "83137": 180, "42218": 174, "76351": 166,
    "38185": 158, "21231": 159, "49007": 157, "69266": 156, "30189": 149, "63113": 147,
    "13001": 145, "72181": 145, "29019": 139, "37261": 137, "80021": 134, "87085": 130,
    "74010": 130, "66136": 120, "92012": 121, "57463": 120, "25056": 119, "45234": 116,
    "93066": 113, "95018": 111, "76540": 114, "93048": 111, "68224": 106, "14118": 106,
    "54395": 105, "97411": 153, "59599": 98, "59512": 98, "92050": 96, "94081": 95,
    "94028": 92, "84007": 91, "86194": 89, "93001": 88, "59183": 87, "93005": 87,
    "92025": 86, "92004": 91, "78646": 85, "92026": 82, "64445": 76, "17300": 77,
    "50129": 78, "34032": 79, "62193": 67, "44184": 71, "18033": 64, "29232": 63,
    "26362": 64, "2A004": 73, "2B033": 48, "10387": 62, "73065": 60, "79191": 59,
    "56121": 57, "56260": 54, "68066": 67, "97302": 63, "97209": 76, "97120": 15,
    "41018": 46, "71270": 34, "03185": 35, "90010": 46, "60057": 57, "02691": 53,
    "81004": 49, "82121": 61, "65440": 41, "40192": 30, "24322": 30, "19272": 14,
    "23096": 13, "15014": 25, "43157": 19, "07186": 8, "05061": 41, "04070": 16,
    "09122": 10, "11069": 46, "12202": 25, "46042": 20, "47001": 33, "48095": 12,
    "32013": 22, "31069": 25, "53130": 49, "61001": 26, "27229": 47, "28085": 39,
    "36044": 43, "58194": 33, "89024": 35, "70550": 15, "39300": 17, "52121": 22,
    "55029": 15, "88160": 32, "08105": 46, "85191": 55, "22278": 44, "16015": 42,
    "01053": 41, "77288": 41, "91228": 54, "95127": 66, "78586": 52, "94068": 75,
    "92044": 66, "92063": 78, "06029": 74, "06004": 73, "83069": 55, "13028": 31,
    "13004": 51, "13047": 43, "13056": 48, "30007": 43, "34003": 29, "64102": 52,
    "64122": 25, "33281": 72, "33318": 66, "44143": 43, "35288": 47, "59009": 62,
    "62041": 41, "62119": 25, "62498": 31, "59606": 43, "59178": 39, "80001": 23,
    "76217": 29, "14047": 13, "50502": 19, "42187": 34, "38053": 29, "38544": 30,
    "69256": 51, "69259": 66, "26198": 40, "74281": 35, "74012": 37, "73008": 31,
    "97415": 105, "97416": 85, "97101": 54,
}  # fmt: skip
# Cities listed by arrondissement: whole-city code → (arrondissement code prefix, thousands).
SPLIT_CITIES = {"75056": ("751", 2100), "69123": ("6938", 520), "13055": ("132", 870)}
URBAN_BOOST = 2.5  # offers are more concentrated than people
SMALL_COMMUNE_WEIGHT = 0.35  # thousands, per postal code of the commune

SURNAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
    "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier",
    "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Hoarau", "Le Gall",
    "Le Roux", "Guillou", "Kerjean", "Etcheverry", "Santoni", "Casanova", "Bonnefoy",
    "Charpentier",
)  # fmt: skip
_BRAND_HEADS = (
    "Al", "Axi", "Bel", "Cap", "Cor", "Del", "Ela", "Ev", "Hexa", "Kal", "Lum", "Néo", "Nov",
    "Oda", "Om", "Pro", "Sol", "Ter", "Tri", "Val", "Ver", "Vi", "Zen", "Ar", "Bor", "Cal", "Dyn",
    "Eol", "Fil", "Gal", "Ima", "Jad", "Kor", "Lin", "Mar", "Nor", "Opa", "Pol", "Qua", "Rho",
    "Syl", "Tal", "Uni", "Vol",
)  # fmt: skip
_BRAND_TAILS = (
    "ys", "ia", "eo", "ane", "is", "ora", "éa", "ix", "on", "ens", "alis", "ovia", "ea", "ium",
    "ance", "ella", "ys", "ao", "erys", "ine",
)  # fmt: skip
PLACES = (
    "du Centre", "de la Gare", "des Halles", "du Port", "du Marché", "de la Mairie", "du Parc",
    "du Lac", "des Tilleuls", "du Moulin", "de la Poste", "du Château", "de l'Église",
    "du Midi", "des Remparts", "de la Vallée", "du Canal", "des Sources",
)  # fmt: skip
RESIDENCES = (
    "Les Tilleuls", "Les Glycines", "Le Clos Fleuri", "Les Jardins d'Automne", "La Roseraie",
    "Les Cèdres", "Le Bois Joli", "Les Hortensias", "Saint-Joseph", "Les Lilas", "La Source",
    "Les Magnolias", "Le Val Fleuri", "Les Marronniers", "La Chênaie",
)  # fmt: skip
RESTAURANTS = (
    "Petit Zinc", "Bistrot Gourmand", "Comptoir", "Relais", "Cadran", "Vieux Four",
    "Bouchon", "Jardin", "Chalet", "Sémaphore", "Galopin", "Fournil", "Quai", "Grenier",
)  # fmt: skip
LEGAL_FORMS = ("SAS", "SARL", "EURL", "SA", "SASU")
# Employer names by ROME domain (the code's letter); {s} surname, {b} brand, {p} place,
# {r} residence, {n} restaurant name, {a} acronym, {c} city.
COMPANY_PATTERNS: dict[str, tuple[str, ...]] = {
    "A": ("EARL {s}", "GAEC {p}", "Domaine {p}", "Pépinières {s}", "{s} Paysage",
          "Vergers {p}", "{b} Espaces Verts"),
    "B": ("Atelier {s}", "Ébénisterie {s}", "Atelier {p}", "{b} Création"),
    "C": ("Cabinet {s}", "{s} Immobilier", "{b} Assurances", "{b} Patrimoine",
          "Agence {p} Immobilier"),
    "D": ("Boulangerie {s}", "Boucherie {s}", "Supermarché {b}", "Maison {s}", "Optique {s}",
          "{b} Distribution", "Pharmacie {p}", "Fromagerie {s}", "Cave {s}", "Primeurs {p}",
          "Magasin {b}", "{b} Commerce"),
    "E": ("{b} Communication", "Agence {b}", "Studio {b}"),
    "F": ("{s} Bâtiment", "Maçonnerie {s}", "Électricité {s}", "{s} Plomberie Chauffage",
          "{b} Construction", "Menuiserie {s}", "Peinture {s} et Fils", "{a} Travaux Publics"),
    "G": ("Restaurant Le {n}", "Hôtel {p}", "Brasserie {p}", "Café {s}", "Le {n}",
          "Camping {p}", "Traiteur {s}", "{b} Restauration"),
    "H": ("{b} Industrie", "{a} Mécanique", "{s} Plasturgie", "Fonderie {s}",
          "{b} Agroalimentaire", "Conserverie {s}"),
    "I": ("Garage {s}", "Garage {p}", "{b} Maintenance", "{a} Services Techniques"),
    "J": ("EHPAD {r}", "Clinique {r}", "Centre hospitalier de {c}", "Cabinet infirmier {s}",
          "Résidence {r}", "Ambulances {s}"),
    "K": ("{b} Services à domicile", "Association {b} Aide à domicile", "Crèche {r}",
          "{b} Propreté", "{b} Sécurité", "Association {b}", "{b} Formation"),
    "L": ("Théâtre {s}", "Compagnie {b}", "{b} Événements"),
    "M": ("Cabinet {s} Expertise comptable", "{b} Conseil", "{b} Informatique",
          "{b} Solutions", "{a} Consulting", "{s} & Associés"),
    "N": ("Transports {s}", "{b} Logistique", "{s} Express", "{a} Transports",
          "Déménagements {s}"),
}  # fmt: skip
# More fitting names for some ROME families (the code's first 3 or 5 characters).
FAMILY_PATTERNS: dict[str, tuple[str, ...]] = {
    "D1101": ("Boucherie {s}", "Boucherie {p}", "Maison {s}"),
    "D1102": ("Boulangerie {s}", "Boulangerie {p}", "Le Fournil {p}", "Maison {s}"),
    "D1104": ("Pâtisserie {s}", "Maison {s}", "Chocolaterie {s}"),
    "D1106": ("Épicerie {p}", "Primeurs {p}", "Fromagerie {s}", "Supermarché {b}"),
    "D15": ("Supermarché {b}", "Hypermarché {b}", "{b} Market", "Magasin {b}"),
    "D12": ("Boutique {b}", "{b} Mode", "Optique {s}", "Librairie {s}", "{b} Sport"),
    "D14": ("{b} Distribution", "{b} Commerce", "{a} France", "{b} Solutions"),
    "G15": ("Hôtel {p}", "Hôtel Le {n}", "Camping {p}", "Résidence {b} Vacances"),
    "G16": ("Restaurant Le {n}", "Brasserie {p}", "Le {n}", "{b} Restauration", "Café {s}"),
    "G17": ("Hôtel {p}", "Hôtel Le {n}", "Camping {p}", "Résidence {b} Vacances"),
    "G18": ("Restaurant Le {n}", "Brasserie {p}", "Le {n}", "{b} Restauration", "Café {s}"),
    "J15": ("EHPAD {r}", "Clinique {r}", "Centre hospitalier de {c}", "Résidence {r}"),
    "K13": ("{b} Services à domicile", "Association {b} Aide à domicile", "{b} Aide et Soins",
            "Association {b} Seniors"),
    "K1303": ("Crèche {r}", "Micro-crèche {b}", "{b} Petite Enfance"),
    "K21": ("{b} Formation", "Centre de formation {b}"),
    "K22": ("{b} Propreté", "{b} Nettoyage", "{a} Services Propreté"),
    "K25": ("{b} Sécurité", "{a} Sécurité Privée", "{b} Protection"),
    "M12": ("Cabinet {s} Expertise comptable", "{s} & Associés", "{b} Conseil"),
    "M18": ("{b} Informatique", "{b} Solutions", "{a} Consulting", "{b} Digital"),
    "N11": ("{b} Logistique", "Entrepôts {s}", "{a} Logistique"),
    "N41": ("Transports {s}", "{b} Express", "{a} Transports", "Déménagements {s}"),
}  # fmt: skip
AGENCY_PATTERNS = ("{b} Intérim", "{b} Travail Temporaire", "Agence {b} Emploi")
_PATTERN_FIELDS = {
    pattern: tuple(dict.fromkeys(re.findall(r"{(\w)}", pattern)))
    for patterns in (*COMPANY_PATTERNS.values(), *FAMILY_PATTERNS.values())
    for pattern in patterns
}


def _family(rome: str) -> str:
    """The key employers are named and shared by: the ROME code's family when names are
    given for it ("D1102", "G16"), else its domain letter."""
    for key in (rome[:5], rome[:3]):
        if key in FAMILY_PATTERNS:
            return key
    return rome[0]


COMPANY_KINDS: dict[str, tuple[str, ...]] = {
    "A": ("une exploitation familiale", "une entreprise du paysage", "une exploitation"),
    "B": ("une entreprise artisanale", "une petite structure artisanale"),
    "C": ("une agence", "une société de services financiers", "une structure à taille humaine"),
    "D": ("une enseigne de proximité", "une entreprise familiale", "une enseigne régionale",
          "une société de distribution"),
    "E": ("une agence de communication", "une jeune entreprise"),
    "F": ("une entreprise du bâtiment", "une PME du BTP", "une entreprise artisanale"),
    "G": ("une maison familiale", "une brasserie de quartier", "une entreprise de restauration",
          "une structure touristique"),
    "H": ("une PME industrielle", "une usine de production", "une entreprise industrielle"),
    "I": ("une entreprise de maintenance", "une société de services techniques"),
    "J": ("une structure de soins", "une résidence médicalisée", "une équipe soignante"),
    "K": ("une association", "une structure d'aide à domicile", "une entreprise de services"),
    "L": ("une compagnie", "une structure culturelle"),
    "M": ("une société de conseil", "une entreprise de services numériques",
          "une structure à taille humaine"),
    "N": ("une entreprise de transport", "une plateforme logistique",
          "une société de transport régional"),
}  # fmt: skip
TASKS: dict[str, tuple[str, ...]] = {
    "A": ("entretenir les espaces verts (tonte, taille, désherbage)",
          "assurer la récolte et le conditionnement des produits",
          "conduire et entretenir le matériel agricole",
          "préparer les sols et réaliser les plantations",
          "surveiller l'état sanitaire des cultures",
          "soigner les animaux et nettoyer les installations",
          "participer aux travaux de taille de la vigne",
          "trier et calibrer la production"),
    "B": ("réaliser les pièces selon les plans et les demandes des clients",
          "préparer les matériaux et les outils",
          "assurer les finitions et contrôler la qualité",
          "conseiller la clientèle sur les créations",
          "entretenir l'atelier et le matériel"),
    "C": ("accueillir et conseiller une clientèle de particuliers",
          "analyser les demandes de financement et monter les dossiers",
          "assurer le suivi d'un portefeuille de clients",
          "développer le chiffre d'affaires de l'agence",
          "gérer les sinistres et les relations avec les assurés",
          "organiser les visites et rédiger les mandats"),
    "D": ("accueillir, conseiller et fidéliser la clientèle",
          "mettre en rayon les produits et veiller à la bonne tenue du magasin",
          "tenir la caisse et encaisser les achats",
          "réceptionner et contrôler les livraisons",
          "participer aux inventaires",
          "mettre en valeur les produits et les promotions",
          "prospecter de nouveaux clients et négocier les contrats",
          "assurer le suivi des commandes et le service après-vente",
          "préparer les produits (découpe, cuisson, présentation)"),
    "E": ("rédiger les contenus du site et des réseaux sociaux",
          "concevoir les supports de communication",
          "suivre les campagnes et en analyser les résultats",
          "organiser les événements de l'entreprise",
          "assurer les relations avec la presse et les partenaires"),
    "F": ("réaliser les travaux de gros œuvre (maçonnerie, coffrage, ferraillage)",
          "lire les plans et respecter les règles de sécurité du chantier",
          "installer et raccorder les équipements",
          "préparer et nettoyer le chantier en fin de journée",
          "poser les menuiseries et les cloisons",
          "assurer les finitions (enduits, peinture, revêtements)",
          "diagnostiquer les pannes et effectuer les dépannages",
          "encadrer une petite équipe de compagnons"),
    "G": ("préparer les entrées, plats et desserts selon les fiches techniques",
          "assurer la mise en place et le service en salle",
          "accueillir les clients et prendre les commandes",
          "veiller à l'hygiène de la cuisine (normes HACCP)",
          "réceptionner et ranger les marchandises",
          "assurer le nettoyage des chambres et des parties communes",
          "gérer les réservations et l'accueil à la réception",
          "animer les activités proposées aux vacanciers"),
    "H": ("conduire une ligne de production et en assurer le réglage",
          "contrôler la qualité des pièces produites",
          "réaliser le montage et l'assemblage des sous-ensembles",
          "respecter les consignes de sécurité et les cadences",
          "renseigner les documents de suivi de production",
          "participer à l'amélioration continue",
          "approvisionner les postes de travail"),
    "I": ("assurer la maintenance préventive et curative des équipements",
          "diagnostiquer les pannes mécaniques, électriques ou hydrauliques",
          "réaliser l'entretien et les réparations des véhicules",
          "installer les équipements chez les clients",
          "rédiger les rapports d'intervention",
          "gérer le stock de pièces détachées"),
    "J": ("réaliser les soins d'hygiène et de confort des patients",
          "aider les résidents dans les gestes de la vie quotidienne",
          "surveiller l'état de santé des patients et transmettre vos observations",
          "préparer et distribuer les traitements",
          "participer aux transmissions avec l'équipe soignante",
          "accueillir les patients et leurs familles",
          "assurer la traçabilité des soins dans le dossier patient"),
    "K": ("accompagner les personnes âgées dans les actes de la vie quotidienne",
          "assurer l'entretien du domicile et du linge",
          "préparer les repas et aider à leur prise",
          "nettoyer et désinfecter les locaux",
          "accueillir les enfants et participer aux activités d'éveil",
          "assurer la surveillance et la sécurité du site",
          "animer des séances de formation",
          "accompagner les publics dans leurs démarches"),
    "L": ("installer et régler le matériel son et lumière",
          "participer au montage et au démontage des décors",
          "assurer le bon déroulement des représentations",
          "accueillir le public"),
    "M": ("assurer l'accueil physique et téléphonique",
          "gérer les agendas et organiser les réunions",
          "saisir et classer les documents administratifs",
          "tenir la comptabilité courante et préparer les déclarations",
          "établir les factures et suivre les règlements",
          "développer et maintenir les applications",
          "participer à l'analyse des besoins des utilisateurs",
          "gérer la paie et l'administration du personnel",
          "négocier avec les fournisseurs"),
    "N": ("préparer les commandes à l'aide d'un terminal",
          "charger et décharger les camions",
          "conduire un chariot élévateur (CACES 1, 3 et 5)",
          "effectuer les livraisons auprès des clients",
          "contrôler la conformité des marchandises",
          "assurer l'inventaire et la gestion des stocks",
          "vérifier l'état du véhicule avant le départ",
          "respecter les délais et les règles de sécurité routière"),
}  # fmt: skip
# Tasks of the most common job families (the first 3 characters of the ROME code).
FAMILY_TASKS: dict[str, tuple[str, ...]] = {
    "K13": ("accompagner les personnes âgées dans les actes de la vie quotidienne",
            "aider à la toilette, à l'habillage et aux déplacements",
            "préparer les repas et aider à leur prise",
            "assurer l'entretien du logement et du linge",
            "faire les courses et accompagner aux rendez-vous",
            "stimuler l'autonomie et rompre l'isolement des personnes aidées",
            "rendre compte de vos interventions à la coordinatrice"),
    "K22": ("nettoyer et désinfecter les bureaux, sanitaires et parties communes",
            "utiliser les autolaveuses et monobrosses",
            "respecter les protocoles d'hygiène et les dosages des produits",
            "vider les corbeilles et trier les déchets",
            "signaler les anomalies au chef d'équipe"),
    "K25": ("contrôler les accès et filtrer les entrées",
            "effectuer des rondes de surveillance",
            "intervenir en cas d'incident ou d'alarme",
            "tenir la main courante", "accueillir et orienter les visiteurs"),
    "G16": ("préparer les entrées, plats et desserts selon les fiches techniques",
            "assurer la mise en place avant le service",
            "veiller à l'hygiène de la cuisine (normes HACCP)",
            "réceptionner et ranger les marchandises",
            "participer à l'élaboration des menus",
            "nettoyer le poste de travail et la vaisselle"),
    "G18": ("accueillir les clients et les installer",
            "prendre les commandes et conseiller sur les plats et les vins",
            "assurer le service à table dans le respect des standards de la maison",
            "dresser et débarrasser les tables",
            "encaisser les additions"),
    "D15": ("mettre en rayon les produits et assurer le facing",
            "contrôler les dates et retirer les produits périmés",
            "réceptionner les livraisons et ranger la réserve",
            "renseigner et orienter les clients",
            "tenir la caisse et encaisser les achats",
            "participer aux inventaires"),
    "N11": ("préparer les commandes à l'aide d'un terminal",
            "charger et décharger les camions",
            "conduire un chariot élévateur (CACES 1, 3 et 5)",
            "contrôler la conformité des marchandises",
            "assurer l'inventaire et la gestion des stocks",
            "emballer et étiqueter les colis"),
    "N41": ("effectuer les livraisons auprès des clients",
            "vérifier l'état du véhicule avant le départ",
            "charger et arrimer la marchandise",
            "respecter les délais et les règles de sécurité routière",
            "remplir les documents de transport"),
    "J15": ("réaliser les soins d'hygiène et de confort des patients",
            "surveiller l'état de santé des patients et transmettre vos observations",
            "préparer et distribuer les traitements",
            "participer aux transmissions avec l'équipe soignante",
            "accueillir les patients et leurs familles",
            "assurer la traçabilité des soins dans le dossier patient"),
    "M18": ("développer de nouvelles fonctionnalités et en écrire les tests",
            "participer à l'analyse des besoins des utilisateurs",
            "maintenir les applications en production",
            "rédiger la documentation technique",
            "participer aux revues de code et aux choix d'architecture"),
    "M16": ("assurer l'accueil physique et téléphonique",
            "gérer les agendas et organiser les réunions",
            "saisir et classer les documents administratifs",
            "rédiger les courriers et comptes rendus",
            "suivre les commandes et les factures"),
    "M12": ("tenir la comptabilité courante",
            "préparer les déclarations fiscales et sociales",
            "établir les factures et suivre les règlements",
            "participer aux clôtures mensuelles et annuelles",
            "rapprocher les comptes bancaires"),
}  # fmt: skip
_TASK_LINES = {
    key: tuple(task[0].upper() + task[1:] for task in tasks)
    for key, tasks in (TASKS | FAMILY_TASKS).items()
}
OPENINGS = (
    "{company}, {kind} implantée à {city}, recrute {a_job} en {contract}.",
    "Rejoignez {company} ! Nous recherchons {a_job} pour renforcer notre équipe de {team} "
    "personnes à {city}.",
    "Dans le cadre de son développement, {company} recherche {a_job} en {contract}.",
    "Nous sommes {company}, {kind} reconnue dans son secteur depuis {years} ans, et nous "
    "recrutons {a_job}.",
    "Vous souhaitez donner un nouvel élan à votre carrière ? {company} recrute {a_job} à {city}.",
    "{company} ({departement}) renforce ses équipes et ouvre un poste de {job}.",
    "Pour accompagner la hausse de son activité, {company}, {kind} basée à {city}, recherche "
    "{a_job}.",
)
AGENCY_OPENINGS = (
    "{company} recrute pour l'un de ses clients, {kind} située à {city}, {a_job} en {contract}.",
    "Votre agence {company} recherche {a_job} pour une entreprise cliente de {city}.",
)
MISSION_HEADS = (
    "Vos missions :",
    "Au quotidien, vous serez chargé(e) de :",
    "Rattaché(e) à {manager}, vos missions principales seront de :",
    "Vous aurez notamment pour rôle de :",
    "Le poste ({family}) consiste à :",
)
MANAGERS = (
    "la responsable d'équipe", "le chef d'équipe", "la direction", "votre responsable de site",
    "l'infirmière coordinatrice", "le gérant",
)  # fmt: skip
PROFILES = {
    "beginner": (
        "Débutant(e) accepté(e) : une formation en interne est prévue à votre arrivée.",
        "Aucune expérience n'est exigée, votre motivation fera la différence.",
        "Ce poste est ouvert aux débutants comme aux personnes en reconversion.",
    ),
    "desired": (
        "Une première expérience sur un poste similaire serait un plus.",
        "Vous avez idéalement une première expérience dans le métier.",
    ),
    "required": (
        "Vous justifiez d'une expérience réussie d'au moins {years_exp} ans sur un poste "
        "similaire.",
        "Une expérience confirmée de {years_exp} ans minimum dans le métier est exigée.",
    ),
}
QUALITIES = (
    "Rigueur, ponctualité et sens du travail en équipe sont indispensables.",
    "Vous êtes organisé(e), autonome et appréciez le contact humain.",
    "Votre sens du service et votre bonne humeur seront vos meilleurs atouts.",
    "Vous êtes à l'aise avec les outils numériques et savez gérer les priorités.",
    "Le permis B est souhaité pour faciliter vos déplacements.",
    "Vous êtes dynamique, réactif(ve) et soucieux(se) de la qualité de votre travail.",
)
CONDITIONS = (
    "Poste en {contract}, {working} ({hours}), à pourvoir dès le {start}.",
    "Il s'agit d'un {contract} à {working_lower}, {hours}, à pourvoir à partir du {start}.",
    "Contrat : {contract}. Durée du travail : {hours}. Prise de poste le {start}.",
)
SALARY_LINES = (
    "Rémunération : {salary}, selon profil.",
    "Salaire proposé : {salary}.",
    "Vous percevrez {salary}, auxquels s'ajoutent les primes prévues par la convention collective.",
)
NO_SALARY_LINES = (
    "Rémunération selon profil et convention collective.",
    "Salaire à définir selon votre expérience.",
)
BENEFITS = (
    "mutuelle d'entreprise", "tickets restaurant", "prime de fin d'année", "13e mois",
    "prise en charge de 50 % du titre de transport", "RTT", "comité d'entreprise",
    "véhicule de service", "prime d'intéressement", "horaires aménagés", "prime de panier",
    "formation continue",
)  # fmt: skip
ACCESS = (
    "accessible en transports en commun", "à proximité immédiate du centre-ville",
    "avec un parking gratuit sur place", "dans une zone d'activités facile d'accès",
    "à quelques minutes de la gare",
)  # fmt: skip
PLACE_LINES = (
    "Le poste est basé à {city} ({departement}), {access}.",
    "Lieu de travail : {city}, {access}.",
    "Vous travaillerez sur notre site de {city}, {access}.",
)
CLOSINGS = (
    "Vous vous reconnaissez dans ce profil ? Envoyez-nous votre candidature !",
    "Poste à pourvoir rapidement : les candidatures sont étudiées au fil de l'eau.",
    "Cette offre est ouverte à toutes et à tous, y compris aux personnes en situation de handicap.",
    "Rejoignez une équipe bienveillante où chacun peut évoluer.",
    "Entretien possible dès la semaine prochaine.",
)
COPY_LINES = (
    "Poste à pourvoir rapidement.",
    "Candidature par le site uniquement.",
    "Merci de joindre un CV à jour.",
    "Offre publiée pour le compte de l'employeur.",
)
QUALIFIERS = ("confirmé", "polyvalent", "expérimenté", "qualifié")
SALARY_NOTES = ("Selon profil", "Selon expérience", "A négocier", "Selon convention collective")
# Domains with more seasonal, interim or part-time work than the mix says.
SEASONAL_DOMAINS = {"A": 4.0, "G": 3.0}
INTERIM_DOMAINS = {"N": 2.2, "H": 2.5, "F": 1.6}
PART_TIME = {"K": 0.4, "D": 0.3, "G": 0.25}
HIGH_PAY = ("M18", "H12", "M15", "C14", "M17", "H14", "M16")
_CONTRACTS = tuple(CONTRACT_MIX)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "
# Two titles of one employer are kept below this similarity (de-duplication joins from 0.8).
SIMILAR = 0.7
_SENIOR = re.compile(r"\b(Responsable|Directeur|Directrice|Chef|Ingénieur|Manager)")


# --- Records --------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Employer:
    name: str
    siret: str
    commune: Commune
    postal_code: str
    family: str  # see _family
    kind: str
    agency: bool = False
    titles: list[int] = field(default_factory=list)  # indexes of its jobs' titles


@dataclass(slots=True, eq=False)
class _Offer:
    source: str
    number: int  # position among the source's offers, from 0
    title_index: int
    title: str
    gender: str  # "m", "f" or "x" (both forms)
    employer: _Employer
    company_name: str
    show_siret: bool
    contract: str
    months: int | None
    part_time: bool
    hours: int
    experience: str
    salary: tuple[float, float | None, str] | None  # (min, max, period)
    salary_note: str | None
    created: datetime
    updated: datetime
    expires: datetime | None = None
    text: str | None = None  # the description, kept for the offers others copy
    base: _Offer | None = None  # the offer this one copies
    group: int = 0
    bad: str = ""
    copied_into: tuple[str, ...] = ()
    ident: str = ""


# --- Text helpers ---------------------------------------------------------------------------

_NOISE = re.compile(
    r"\b(h ?/? ?f|f ?/? ?h|hf|fh|cdi|cdd|interim|temps (plein|partiel)|alternance|urgent)\b"
)
_WORD = re.compile(r"[a-z0-9]+")
_TITLE_SUFFIX = re.compile(r"\s*(\(?[HF]/[HF]\)?|\((CDI|CDD)\)|- Temps partiel|- Alternance)$")
_LEGAL_FORM_KEYS = frozenset(
    {"sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "earl"}
    | {"gie", "eirl", "ei", "sca", "groupe", "cie"}
)
_FOLD = str.maketrans(
    {char: " " for char in "-‐‑–—'’"}
    | {"œ": "oe", "æ": "ae"}
    | dict(zip("àâäáãéèêëíìîïóòôöõúùûüýÿçñ", "aaaaaeeeeiiiiooooouuuuyycn", strict=True))
)


def _fold(text: str) -> str:
    """Lower case, accents removed, hyphens and apostrophes turned into spaces."""
    text = text.lower().translate(_FOLD)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.split())


def title_key(title: str) -> str:
    """A title reduced as de-duplication compares them: folded, without "H/F", "CDI"…,
    each word in its masculine singular form, once."""
    text = _NOISE.sub(" ", _fold(title).replace("/", " / "))
    words = [normalise_gender_number(word) for word in _WORD.findall(text)]
    return " ".join(dict.fromkeys(words))


def company_key(name: str) -> str:
    """An employer's name as de-duplication compares them (legal forms left out)."""
    return " ".join(word for word in _fold(name).split() if word not in _LEGAL_FORM_KEYS)


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two title keys (1.0 when equal)."""
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def lcs_length(first: str, second: str) -> int:
    """The length of the longest common subsequence of two strings (bit-parallel, Hyyrö)."""
    masks: dict[str, int] = {}
    for position, char in enumerate(first):
        masks[char] = masks.get(char, 0) | (1 << position)
    full = (1 << len(first)) - 1
    row = full
    for char in second:
        matches = row & masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return len(first) - row.bit_count()


def _forms(label: str) -> tuple[str, str]:
    """The masculine and feminine titles of a ROME label: "Vendeur / Vendeuse en boulangerie"
    → "Vendeur en boulangerie", "Vendeuse en boulangerie"; "Chef saucier / saucière" →
    "Chef saucier", "Chef saucière". A label without one " / " is both."""
    parts = label.split(" / ")
    if len(parts) != 2:
        return label, label
    left, right = (part.split() for part in parts)
    if right[0][:1].islower() and left[0][:1].isupper():  # "Aide ménager / ménagère à …"
        return " ".join(left + right[1:]), " ".join(left[:-1] + right)
    if len(right) < len(left):
        return label, label
    return " ".join(left + right[len(left) :]), parts[1]


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the digit that makes the whole number pass the Luhn check."""
    # Once the check digit is appended, the digits at even distances from the right end of
    # ``digits`` are the doubled ones.
    reverse = digits[::-1]
    total = sum(map(int, reverse[::2].translate(_LUHN_DOUBLE))) + sum(map(int, reverse[1::2]))
    return digits + str((10 - total % 10) % 10)


# A digit → the digit sum of its double.
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_valid(number: str) -> bool:
    """Whether a string of digits passes the Luhn check (as SIREN and SIRET numbers do)."""
    return number.isdigit() and luhn_complete(number[:-1]) == number


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rfc_date(moment: datetime) -> str:
    """A naive UTC datetime as in e-mail headers and RSS: "Mon, 02 Mar 2026 09:15:00 GMT"."""
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )


def _money(amount: float) -> str:
    return f"{amount:.2f}"


def _french_amount(amount: float) -> str:
    """1850.0 → "1 850", 12.5 → "12,50"."""
    if amount >= 1000 or amount == int(amount):
        return f"{round(amount):,}".replace(",", " ")
    return f"{amount:.2f}".replace(".", ",")


@lru_cache(maxsize=65536)
def _slug(text: str) -> str:
    return "-".join(_WORD.findall(_fold(text)))[:60]


_FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def _french_date(moment: datetime) -> str:
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {_FRENCH_MONTHS[moment.month - 1]} {moment.year}"


# --- The generator --------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """What one shard makes: offers per source, copies, broken rows, hard negatives, and
    where its offers' numbers start (so that their ids are unique across shards)."""

    sizes: dict[str, int]
    copies: dict[str, int]
    bad: dict[str, int]
    offsets: dict[str, int]
    negatives: int


def _plans(count: int, duplicate_share: float) -> list[_Plan]:
    france = round(count * SHARES["france-travail"])
    keljob = round(count * SHARES["keljob"])
    totals = {"france-travail": france, "keljob": keljob, "monstre-emploi": count - france - keljob}
    bad_totals = {source: bad_row_count(size) for source, size in totals.items()}
    plans = []
    offsets = dict.fromkeys(SOURCES, 0)
    for shard in range(SHARDS):
        sizes = {source: _share(size, shard) for source, size in totals.items()}
        plans.append(
            _Plan(
                sizes=sizes,
                copies={source: round(size * duplicate_share) for source, size in sizes.items()},
                bad={source: _share(size, shard) for source, size in bad_totals.items()},
                offsets=dict(offsets),
                negatives=round(sum(sizes.values()) * HARD_NEGATIVE_SHARE),
            )
        )
        for source in SOURCES:
            offsets[source] += sizes[source]
    return plans


def _postal_groups(communes: dict[str, Commune]) -> dict[str, str]:
    """Commune code → a representative of the communes linked to it by shared postal codes."""
    parent = {code: code for code in communes}

    def root(code: str) -> str:
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    first_with: dict[str, str] = {}
    for code, commune in communes.items():
        for postal_code in commune.postal_codes:
            other = first_with.setdefault(postal_code, code)
            parent[root(code)] = root(other)
    return {code: root(code) for code in communes}


def _share(total: int, shard: int) -> int:
    return total // SHARDS + (1 if shard < total % SHARDS else 0)


class _Reference:
    """The reference data offers are drawn from, weighted; built once and shared by shards."""

    def __init__(self) -> None:
        self.communes = referential.communes()
        self.departements = referential.departements()
        self.rome_labels = referential.rome_labels()
        self._prepare_titles()
        self._prepare_places()

    def _prepare_titles(self) -> None:
        titles = referential.job_titles()
        by_rome: dict[str, list[int]] = {}
        for index, title in enumerate(titles):
            by_rome.setdefault(title.rome_code, []).append(index)
        self.titles = titles
        self.title_forms = [_forms(title.label) for title in titles]
        self.rome_titles: dict[str, tuple[list[int], list[float]]] = {}
        favourites = set(FAVOURITE_TITLES)
        for code, indexes in by_rome.items():
            chosen = [index for index in indexes if titles[index].label in favourites]
            if chosen and len(chosen) < len(indexes):
                weights = [
                    FAVOURITE_SHARE / len(chosen)
                    if index in chosen
                    else (1 - FAVOURITE_SHARE) / (len(indexes) - len(chosen))
                    for index in indexes
                ]
            else:
                weights = [1.0] * len(indexes)
            self.rome_titles[code] = (indexes, _cumulative(weights))
        common = [code for code in COMMON_ROME if code in by_rome]
        others = [code for code in sorted(by_rome) if code not in COMMON_ROME]
        total_common = sum(COMMON_ROME[code] for code in common)
        weights = [COMMON_ROME[code] / total_common * COMMON_ROME_SHARE for code in common]
        weights += [(1 - COMMON_ROME_SHARE) / max(1, len(others))] * len(others)
        self.rome_codes = common + others
        self.rome_cumulative = _cumulative(weights)

    def _prepare_places(self) -> None:
        weights: dict[str, float] = {}
        top_of_departement: dict[str, Commune] = {}
        for commune in self.communes.values():
            weights[commune.code] = SMALL_COMMUNE_WEIGHT * len(commune.postal_codes)
            best = top_of_departement.get(commune.departement)
            if best is None or len(commune.postal_codes) > len(best.postal_codes):
                top_of_departement[commune.departement] = commune
        for commune in top_of_departement.values():  # the main town of each département
            weights[commune.code] = max(weights[commune.code], 25.0)
        for code, thousands in BIG_CITIES.items():
            if code in weights:
                weights[code] = thousands * URBAN_BOOST
        for whole, (prefix, thousands) in SPLIT_CITIES.items():
            parts = [code for code in self.communes if code.startswith(prefix) and code != whole]
            if whole in weights:
                weights[whole] = thousands * URBAN_BOOST * 0.1
            for code in parts:
                weights[code] = thousands * URBAN_BOOST * 0.9 / len(parts)
        # Communes that share a postal code go to the same shard (employers are told apart
        # by name and postal code); the groups are dealt out heaviest first to the lighter
        # shard, so that each gets about half of the big cities and of the countryside.
        groups: dict[str, list[str]] = {}
        for code, root in _postal_groups(self.communes).items():
            groups.setdefault(root, []).append(code)
        totals = [0.0] * SHARDS
        shards: list[list[str]] = [[] for _ in range(SHARDS)]
        ordered = sorted(groups.values(), key=lambda codes: (-sum(map(weights.get, codes)), codes))
        for codes in ordered:
            lightest = totals.index(min(totals))
            shards[lightest].extend(codes)
            totals[lightest] += sum(weights[code] for code in codes)
        self.shard_places = [
            (codes, _cumulative([weights[code] for code in codes])) for codes in shards
        ]


class _Generator:
    """One shard of the offers: those of its communes, with their copies and negatives.

    Employers stay in their commune, so a shard's duplicates and hard negatives are all its
    own and the shards can be made independently (in two processes).
    """

    def __init__(
        self, reference: _Reference, shard: int, plan: _Plan, seed: int, now: datetime
    ) -> None:
        self.seed = seed
        self.shard = shard
        self.plan = plan
        self.rng = random.Random(f"{seed}:{shard}")
        self.random = random_ = self.rng.random

        def pick(choices: Sequence[Any]) -> Any:
            return choices[int(random_() * len(choices))]

        self.pick = pick
        self.now = now
        self.communes = reference.communes
        self.departements = reference.departements
        self.rome_labels = reference.rome_labels
        self.titles = reference.titles
        self.title_forms = reference.title_forms
        self.rome_titles = reference.rome_titles
        self.rome_codes = reference.rome_codes
        self.rome_cumulative = reference.rome_cumulative
        self.place_codes, self.place_cumulative = reference.shard_places[shard]
        self.label_keys: dict[int, tuple[str, ...]] = {}  # title index → keys of its forms
        self.employers_by_family: dict[str, list[_Employer]] = {}
        self.agencies: dict[str, list[_Employer]] = {}  # commune code → interim agencies
        self.names_in_place: set[tuple[str, str]] = set()  # (company key, postal code)
        self.sirens: set[str] = set()
        self.similar_cache: dict[tuple[int, int], bool] = {}
        self.contract_weights: dict[str, list[float]] = {}
        self.letter_counts: dict[str, tuple[int, ...]] = {}
        self.offers: dict[str, list[_Offer]] = {source: [] for source in SOURCES}
        self.groups = 0

    def _pick(self, cumulative: list[float]) -> int:
        return bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])

    def pick_rome(self) -> str:
        return self.rome_codes[self._pick(self.rome_cumulative)]

    def pick_title(self, rome: str) -> int:
        indexes, cumulative = self.rome_titles[rome]
        return indexes[self._pick(cumulative)]

    def pick_commune(self) -> Commune:
        return self.communes[self.place_codes[self._pick(self.place_cumulative)]]

    # Employers.

    def _siret(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            # The first digit tells the shards apart: their SIRENs never meet.
            first = 3 + self.shard + SHARDS * int(rng.random() * (7 // SHARDS))
            siren = luhn_complete(f"{first}{int(rng.random() * 1e7):07d}")
            if siren not in self.sirens:
                self.sirens.add(siren)
                break
        return siren, self._establishment_number(siren)

    def _establishment_number(self, siren: str) -> str:
        return luhn_complete(siren + f"{1 + int(self.random() * 9999):04d}")

    def _brand(self) -> str:
        return self.pick(_BRAND_HEADS) + self.pick(_BRAND_TAILS)

    def _company_name(self, patterns: Sequence[str], commune: Commune) -> str:
        rng = self.rng
        pattern = patterns[int(rng.random() * len(patterns))]
        values = {}
        for name in _PATTERN_FIELDS[pattern]:
            if name == "s":
                values[name] = self.pick(SURNAMES)
            elif name == "b":
                values[name] = self._brand()
            elif name == "p":
                values[name] = self.pick(PLACES)
            elif name == "r":
                values[name] = self.pick(RESIDENCES)
            elif name == "n":
                values[name] = self.pick(RESTAURANTS)
            elif name == "a":
                values[name] = "".join(self.pick("ABCDEFGHJLMNPRSTV") for _ in range(3))
            else:
                values[name] = _city_name(commune)
        name = pattern.format_map(values)
        if rng.random() < 0.2:
            name += " " + self.pick(LEGAL_FORMS)
        return name

    def new_employer(
        self, family: str, commune: Commune | None = None, postal_code: str = ""
    ) -> _Employer:
        commune = commune or self.pick_commune()
        postal_code = postal_code or self.pick(commune.postal_codes)
        patterns = FAMILY_PATTERNS.get(family) or COMPANY_PATTERNS[family]
        for attempt in range(20):
            name = self._company_name(patterns, commune)
            if attempt > 10:
                name = f"{name} {self.pick(SURNAMES)} {attempt}"
            key = (company_key(name), postal_code)
            if key not in self.names_in_place:
                break
        self.names_in_place.add(key)
        _siren, siret = self._siret()
        employer = _Employer(
            name, siret, commune, postal_code, family, self.pick(COMPANY_KINDS[family[0]])
        )
        self.employers_by_family.setdefault(family, []).append(employer)
        return employer

    def agency(self, commune: Commune) -> _Employer:
        """An interim agency of the commune: a few networks nationwide, a new agency once
        the commune's has posted many jobs."""
        agencies = self.agencies.setdefault(commune.code, [])
        if agencies and len(agencies[-1].titles) < 25:
            return agencies[-1]
        postal_code = commune.postal_codes[0]
        for attempt in range(20):
            network = self.pick(_BRAND_HEADS[:12]) + self.pick(_BRAND_TAILS[:6])
            name = self.pick(AGENCY_PATTERNS).format(b=network)
            if attempt > 10:
                name = f"{name} {_city_name(commune)} {attempt}"
            key = (company_key(name), postal_code)
            if key not in self.names_in_place:
                break
        self.names_in_place.add(key)
        _siren, siret = self._siret()
        agency = _Employer(
            name, siret, commune, postal_code, "N", "une agence d'emploi", agency=True
        )
        agencies.append(agency)
        return agency

    def similar(self, a: int, b: int) -> bool:
        """Whether two job titles are near enough that de-duplication could join offers of
        them: difflib's ratio of the keys of any of their forms (masculine, feminine, both)
        at least SIMILAR, below the dedup threshold of 0.8."""
        if a == b:
            return True
        pair = (a, b) if a < b else (b, a)
        known = self.similar_cache.get(pair)
        if known is None:
            known = any(
                self._near(first, second) for first in self._keys(a) for second in self._keys(b)
            )
            self.similar_cache[pair] = known
        return known

    def _keys(self, index: int) -> tuple[str, ...]:
        found = self.label_keys.get(index)
        if found is None:
            masculine, feminine = self.title_forms[index]
            forms = (masculine, feminine, self.titles[index].label)
            found = self.label_keys[index] = tuple(dict.fromkeys(map(title_key, forms)))
        return found

    def _near(self, first: str, second: str) -> bool:
        total = len(first) + len(second)
        if 2 * min(len(first), len(second)) < SIMILAR * total:
            return False  # the lengths alone bound the ratio
        counts = self.letter_counts
        if first not in counts:
            counts[first] = tuple(first.count(char) for char in _ALPHABET)
        if second not in counts:
            counts[second] = tuple(second.count(char) for char in _ALPHABET)
        # So does the share of letters in common: most pairs stop here.
        if 2 * sum(map(min, counts[first], counts[second])) < SIMILAR * total:
            return False
        # difflib's matching blocks form a common subsequence: the longest one bounds the
        # ratio from above too, and is much quicker to get. Near enough: take it as similar.
        return 2 * lcs_length(first, second) >= SIMILAR * total

    def free_title(self, employer: _Employer, title_index: int) -> bool:
        """Whether the employer has no offer yet for this job or a similar one."""
        return not any(self.similar(title_index, other) for other in employer.titles)

    # Offers.

    def title_for(self, title_index: int, contract: str, part_time: bool) -> tuple[str, str]:
        rng = self.rng
        masculine, feminine = self.title_forms[title_index]
        roll = rng.random()
        if masculine == feminine:
            title, gender = masculine, "x"
        elif roll < 0.3:
            title, gender = self.titles[title_index].label, "x"
        elif roll < 0.75:
            title, gender = masculine, "m"
        else:
            title, gender = feminine, "f"
        roll = rng.random()
        if roll < 0.25:
            title += " H/F"
        elif roll < 0.35:
            title += " (H/F)"
        elif roll < 0.4:
            title += " F/H"
        elif roll < 0.45 and contract in ("cdi", "cdd"):
            title += f" ({contract.upper()})"
        elif roll < 0.5 and part_time:
            title += " - Temps partiel"
        elif roll < 0.53 and contract == "alternance":
            title += " - Alternance"
        if rng.random() < 0.03:
            title = title.upper()
        return title, gender

    def posted(self, days_ago: int) -> datetime:
        """A moment of office hours (6:00 to 20:00 UTC) ``days_ago`` days before ``now``,
        at least an hour before it."""
        day = (self.now - timedelta(days=days_ago)).replace(hour=6, minute=0, second=0)
        moment = day + timedelta(seconds=int(self.random() * 14 * 3600))
        latest = self.now - timedelta(hours=1)
        return moment if moment <= latest else moment - timedelta(days=1)

    def new_offer(self, source: str, employer: _Employer, title_index: int, rome: str) -> _Offer:
        rng = self.rng
        domain = rome[0]
        contract = self.contract_for(domain, employer.agency)
        months = self.months_for(contract)
        part_time = rng.random() < PART_TIME.get(domain, 0.15) and contract != "alternance"
        hours = self.pick((20, 24, 25, 28, 30)) if part_time else self.pick((35, 35, 35, 39))
        experience = self.experience_for(contract)
        title, gender = self.title_for(title_index, contract, part_time)
        salary, note = self.salary_for(rome, title, contract, experience, hours)
        created = self.posted(int(rng.random() * 60))
        updated = min(self.now, created + timedelta(seconds=int(rng.random() * 10 * 86400)))
        if rng.random() < 0.6:
            updated = created
        employer.titles.append(title_index)
        offers = self.offers[source]
        offer = _Offer(
            source=source,
            number=len(offers),
            title_index=title_index,
            title=title,
            gender=gender,
            employer=employer,
            company_name=employer.name,
            show_siret=rng.random() < _SIRET_SHARE[source],
            contract=contract,
            months=months,
            part_time=part_time,
            hours=hours,
            experience=experience,
            salary=salary,
            salary_note=note,
            created=created,
            updated=updated,
        )
        offers.append(offer)
        return offer

    def contract_for(self, domain: str, agency: bool) -> str:
        if agency:
            return "interim" if self.rng.random() < 0.85 else "cdi"
        cumulative = self.contract_weights.get(domain)
        if cumulative is None:
            weights = dict(CONTRACT_MIX)
            weights["saisonnier"] *= SEASONAL_DOMAINS.get(domain, 0.6)
            weights["interim"] *= INTERIM_DOMAINS.get(domain, 0.35)
            cumulative = self.contract_weights[domain] = _cumulative(list(weights.values()))
        return _CONTRACTS[self._pick(cumulative)]

    def months_for(self, contract: str) -> int | None:
        rng = self.rng
        if contract == "cdd":
            return self.pick((1, 2, 3, 3, 4, 6, 6, 6, 8, 9, 12, 12, 18, 24))
        if contract == "interim":
            return self.pick((1, 1, 1, 2, 3, 3, 6, 12)) if rng.random() < 0.8 else None
        if contract == "saisonnier":
            return self.pick((2, 3, 3, 4, 5, 6))
        if contract == "alternance":
            return self.pick((12, 12, 24, 24, 24, 36))
        return None

    def experience_for(self, contract: str) -> str:
        roll = self.rng.random()
        if contract == "alternance" or roll < 0.42:
            return "beginner"
        return "desired" if roll < 0.62 else "required"

    def salary_for(
        self, rome: str, title: str, contract: str, experience: str, hours: int
    ) -> tuple[tuple[float, float | None, str] | None, str | None]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return None, self.pick(SALARY_NOTES)
        if roll < 0.3:
            return None, None
        if contract == "alternance":
            monthly = SMIC_MONTHLY * self.pick((0.53, 0.61, 0.67, 0.78, 1.0))
        else:
            low, high = (2600, 4200) if rome.startswith(HIGH_PAY) else (1802, 2300)
            if rome.startswith(("J1506", "N4101", "F")):
                low, high = 1900, 2600
            monthly = rng.uniform(low, high)
            if _SENIOR.search(title):
                monthly *= rng.uniform(1.3, 1.8)
            if experience == "required":
                monthly *= 1.08
            monthly = max(monthly, SMIC_MONTHLY)
        monthly *= hours / 35 if hours < 35 else 1
        roll = rng.random()
        period = "month" if roll < 0.8 else "hour" if roll < 0.93 else "year"
        if contract == "alternance":
            period = "month"
        if period == "hour":
            amount = max(SMIC_HOURLY, round(monthly / HOURS_PER_MONTH * 20) / 20)
            if hours < 35:
                amount = max(SMIC_HOURLY, round(rng.uniform(11.88, 14.5) * 20) / 20)
        elif period == "year":  # rounded up, never below the minimum wage
            amount = math.ceil(monthly * self.pick((12, 12, 13)) / 500) * 500
        else:
            amount = math.ceil(monthly / 10) * 10
        top = None
        if rng.random() < 0.6:
            spread = rng.uniform(1.04, 1.3)
            top = round(amount * spread * 20) / 20 if period == "hour" else None
            if period == "year":
                top = round(amount * spread / 500) * 500
            elif period == "month":
                top = round(amount * spread / 10) * 10
        note = self.pick(SALARY_NOTES[:2]) if rng.random() < 0.1 else None
        return (float(amount), float(top) if top else None, period), note

    # Building the sets of offers.

    def run(self) -> None:
        rng = self.rng
        copies = self.plan.copies
        bases = {s: self.plan.sizes[s] - copies[s] for s in SOURCES}
        remaining = dict(bases)
        negatives = self.plan.negatives
        pending_negatives = {"employer": negatives, "title": negatives}
        total = sum(bases.values())
        for step in range(total):
            source = self._next_source(remaining)
            remaining[source] -= 1
            progress = step / max(1, total)
            kind = ""
            if progress > 0.1:
                for name, left in pending_negatives.items():
                    if left and rng.random() < left / max(1.0, (1 - progress) * total):
                        kind = name
                        break
            if kind and self._hard_negative(source, kind):
                pending_negatives[kind] -= 1
                continue
            self._base_offer(source)
        self._copies(copies)
        self._expiry_and_bad_rows()
        self._identify()

    def _next_source(self, remaining: dict[str, int]) -> str:
        roll = self.rng.random() * sum(remaining.values())
        for source in SOURCES:
            roll -= remaining[source]
            if roll < 0:
                return source
        return next(source for source in SOURCES if remaining[source])

    def _base_offer(self, source: str) -> _Offer:
        rng = self.rng
        rome = self.pick_rome()
        family = _family(rome)
        for _attempt in range(4):
            title_index = self.pick_title(rome)
            if rome[0] in INTERIM_DOMAINS and rng.random() < 0.18:
                employer = self.agency(self.pick_commune())
            else:
                known = self.employers_by_family.get(family)
                employer = (
                    self.pick(known) if known and rng.random() < 0.55 else self.new_employer(family)
                )
            if self.free_title(employer, title_index):
                return self.new_offer(source, employer, title_index, rome)
        employer = self.new_employer(family)
        return self.new_offer(source, employer, self.pick_title(rome), rome)

    def _random_base(self, other_than: str) -> _Offer | None:
        sources = [s for s in SOURCES if s != other_than and self.offers[s]]
        if not sources:
            return None
        offers = self.offers[self.pick(sources)]
        return offers[self.rng.randrange(len(offers))]

    def _hard_negative(self, source: str, kind: str) -> bool:
        """An offer that looks like another source's offer but is another job."""
        rng = self.rng
        reference = self._random_base(source)
        if reference is None:
            return False
        employer = reference.employer
        if kind == "employer":  # same employer and postal code, another job
            rome = self.titles[reference.title_index].rome_code
            for _attempt in range(12):
                other = self.pick_rome()
                if other[0] == rome[0] and rng.random() < 0.5:  # a job of the same field
                    rome = other
                title_index = self.pick_title(rome)
                if self.free_title(employer, title_index):
                    offer = self.new_offer(source, employer, title_index, rome)
                    offer.company_name = reference.company_name
                    return True
            return False
        # Same title and postal code, another employer.
        title_index = reference.title_index
        rome = self.titles[title_index].rome_code
        other = self.new_employer(_family(rome), employer.commune, employer.postal_code)
        offer = self.new_offer(source, other, title_index, rome)
        offer.title = reference.title
        offer.gender = reference.gender
        return True

    def _copies(self, copies: dict[str, int]) -> None:
        """Copies of offers into other sources: the duplicates to find."""
        rng = self.rng
        for source in SOURCES:
            others = [offer for s in SOURCES if s != source for offer in self.offers[s]]
            others = [offer for offer in others if offer.base is None]
            made = 0
            attempts = 0
            while made < copies[source] and others and attempts < copies[source] * 20:
                attempts += 1
                base = others[rng.randrange(len(others))]
                if source in base.copied_into:
                    continue
                self._copy(base, source)
                made += 1

    def _copy(self, base: _Offer, source: str) -> _Offer:
        rng = self.rng
        employer = base.employer
        offers = self.offers[source]
        created = base.created + timedelta(seconds=int((rng.random() * 8 - 3) * 86400))
        latest, earliest = self.now - timedelta(hours=1), self.now - timedelta(days=60)
        if created > latest:  # the other site took it up between then and now
            created = base.created + (latest - base.created) * rng.random()
        elif created < earliest:
            created = earliest + timedelta(seconds=int(rng.random() * 86400))
        created = created.replace(microsecond=0)
        updated = created if rng.random() < 0.6 else min(self.now, created + timedelta(days=2))
        copy = _Offer(
            source=source,
            number=len(offers),
            title_index=base.title_index,
            title=self.vary_title(base.title),
            gender=base.gender,
            employer=employer,
            company_name=self.vary_company(employer.name),
            show_siret=rng.random() < _SIRET_SHARE[source],
            contract=base.contract,
            months=base.months,
            part_time=base.part_time,
            hours=base.hours,
            experience=base.experience,
            salary=base.salary if rng.random() < 0.85 else None,
            salary_note=base.salary_note,
            created=created,
            updated=updated,
            base=base,
        )
        offers.append(copy)
        if not base.group:
            self.groups += 1
            base.group = self.groups
        copy.group = base.group
        base.copied_into = (*base.copied_into, source)
        return copy

    def vary_title(self, title: str) -> str:
        """The same title, or a lightly varied one that stays at least 85 % similar."""
        rng = self.rng
        roll = rng.random()
        core = _TITLE_SUFFIX.sub("", title)
        if roll < 0.4:
            return title
        # "H/F", "CDI", "Urgent" and the case leave the title's key as it is; a typo or a
        # qualifier change it, so they are kept only when the titles stay 85 % similar.
        if roll < 0.55:
            return core + self.pick((" H/F", " (H/F)", " F/H", ""))
        if roll < 0.65:
            return f"{self.pick(('CDI', 'Urgent', 'H/F'))} - {core}"
        if roll >= 0.9:
            return core.capitalize() if core.isupper() else core.upper()
        varied = _typo(rng, core) if roll < 0.8 else f"{core} {self.pick(QUALIFIERS)}"
        if similarity(title_key(varied), title_key(title)) < 0.85:
            return title
        return varied

    def vary_company(self, name: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            return name
        if roll < 0.85:
            return name.upper()
        words = name.split()
        if words[-1] in LEGAL_FORMS:
            return " ".join(words[:-1])
        return f"{name} {self.pick(LEGAL_FORMS)}"

    def _expiry_and_bad_rows(self) -> None:
        rng = self.rng
        for source in SOURCES:
            offers = self.offers[source]
            for offer in offers:
                roll = rng.random()
                if roll < 0.03 and not offer.group:  # already past: to be withdrawn
                    offer.expires = offer.created + (self.now - offer.created) * rng.random()
                    offer.expires = min(offer.expires, self.now - timedelta(hours=1))
                elif roll < 0.38:
                    offer.expires = offer.created + timedelta(days=rng.randint(30, 90))
                    if offer.expires <= self.now:
                        offer.expires = self.now + timedelta(days=rng.randint(1, 20))
            singles = [offer for offer in offers if not offer.group]
            for offer in rng.sample(singles, min(len(singles), self.plan.bad[source])):
                offer.bad = self.pick(("title", "contract", "date"))

    def _identify(self) -> None:
        for source in SOURCES:
            make = _IDENTIFIERS[source]
            offset = self.plan.offsets[source]
            offers = self.offers[source]
            # Newest first, as the sources list them.
            offers.sort(key=lambda offer: (offer.created, offer.number), reverse=True)
            for offer in offers:
                offer.ident = make(offset + offer.number)

    # Descriptions.

    def write_texts(self) -> None:
        """Write the descriptions of the offers that others copy (they reword them)."""
        rng = random.Random(f"{self.seed}:{self.shard}:texts")
        for source in SOURCES:
            for offer in self.offers[source]:
                if offer.group and offer.base is None:
                    offer.text = "\n".join(self._paragraphs(offer, rng))

    def description(self, offer: _Offer, rng: random.Random) -> str:
        """600 to 900 characters about the job, its tasks, the employer, place and terms."""
        if offer.base is None:
            return offer.text or "\n".join(self._paragraphs(offer, rng))
        # A copy: the same text, reworded a little by the other site.
        lines = (offer.base.text or "").split("\n")
        if len(lines) > 4 and rng.random() < 0.7:
            del lines[rng.randrange(3, len(lines))]
        lines.append(rng.choice(COPY_LINES))
        if rng.random() < 0.5:
            lines[0] = lines[0].replace(" recrute ", " recherche ", 1)
        return "\n".join(lines)

    def _paragraphs(self, offer: _Offer, rng: random.Random) -> list[str]:
        random_ = rng.random

        def pick(choices: Sequence[Any]) -> Any:
            return choices[int(random_() * len(choices))]

        employer = offer.employer
        rome = self.titles[offer.title_index].rome_code
        domain = rome[0]
        masculine, feminine = self.title_forms[offer.title_index]
        job = feminine if offer.gender == "f" else masculine
        article = {"m": "un", "f": "une"}.get(offer.gender, "un(e)")
        job = job[0].lower() + job[1:] if not job[:2].isupper() else job
        values = {
            "company": offer.company_name,
            "kind": pick(COMPANY_KINDS[domain]) if employer.agency else employer.kind,
            "city": _city_name(employer.commune),
            "departement": self.departements.get(employer.commune.departement, ""),
            "a_job": f"{article} {job}",
            "job": job,
            "contract": _contract_phrase(offer),
            "team": pick((4, 6, 8, 12, 15, 20, 35, 50)),
            "years": pick((5, 10, 15, 20, 25, 30, 40)),
            "manager": pick(MANAGERS),
            "family": self.rome_labels.get(rome, "").lower(),
            "years_exp": pick((1, 2, 3, 5)),
            "working": "à temps partiel" if offer.part_time else "à temps plein",
            "working_lower": "temps partiel" if offer.part_time else "temps plein",
            "hours": f"{offer.hours} h par semaine",
            "start": _french_date(offer.created + timedelta(days=7 + int(random_() * 24))),
            "access": pick(ACCESS),
        }
        choices = _TASK_LINES.get(rome[:3]) or _TASK_LINES[domain]
        tasks = _sample(random_, choices, 3 if random_() < 0.5 else 4)
        parts = [
            pick(AGENCY_OPENINGS if employer.agency else OPENINGS).format_map(values),
            pick(MISSION_HEADS).format_map(values),
            *(f"- {task} ;" for task in tasks[:-1]),
            f"- {tasks[-1]}.",
            pick(PROFILES[offer.experience]).format_map(values),
            pick(QUALITIES),
            pick(CONDITIONS).format_map(values),
        ]
        if offer.salary:
            parts.append(pick(SALARY_LINES).format(salary=_salary_phrase(offer.salary)))
        else:
            parts.append(pick(NO_SALARY_LINES))
        parts.append(pick(PLACE_LINES).format_map(values))
        benefits = _sample(random_, BENEFITS, 2 + int(random_() * 3))
        extras = (
            "Avantages : " + ", ".join(benefits) + ".",
            pick(QUALITIES),
            pick(CLOSINGS),
            pick(CLOSINGS),
        )
        length = sum(map(len, parts)) + len(parts)
        for extra in extras:
            if length >= 600 and random_() < 0.5:
                break
            if extra not in parts and length + len(extra) + 1 <= 900:
                parts.append(extra)
                length += len(extra) + 1
        while length > 900 and len(tasks) > 2:  # too long: one task fewer
            removed = parts.pop(2)
            tasks.pop(0)
            length -= len(removed) + 1
        return parts


def _sample(random_: Callable[[], float], choices: Sequence[str], count: int) -> list[str]:
    """``count`` different items of ``choices`` (fewer if there are not so many)."""
    count = min(count, len(choices))
    chosen: list[str] = []
    while len(chosen) < count:
        item = choices[int(random_() * len(choices))]
        if item not in chosen:
            chosen.append(item)
    return chosen


_SIRET_SHARE = {"france-travail": 0.65, "keljob": 0.6, "monstre-emploi": 0.5}


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    long_words = [index for index, word in enumerate(words) if len(word) >= 6 and word.isalpha()]
    if not long_words:
        return text
    index = rng.choice(long_words)
    word = words[index]
    at = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # swapped letters
    else:
        word = word[:at] + word[at + 1 :]  # a letter left out
    words[index] = word
    return " ".join(words)


def _city_name(commune: Commune) -> str:
    """ "Paris 15e Arrondissement" → "Paris 15e"; other names as they are."""
    return commune.name.replace(" Arrondissement", "")


def _contract_phrase(offer: _Offer) -> str:
    months = f" de {offer.months} mois" if offer.months else ""
    return {
        "cdi": "CDI",
        "cdd": f"CDD{months}",
        "interim": f"mission d'intérim{months}",
        "saisonnier": f"contrat saisonnier{months}",
        "alternance": f"contrat d'apprentissage{months}",
        "independant": "statut indépendant",
    }[offer.contract]


def _salary_phrase(salary: tuple[float, float | None, str]) -> str:
    low, high, period = salary
    unit = {"hour": "brut de l'heure", "month": "brut par mois", "year": "brut par an"}[period]
    if high:
        return f"de {_french_amount(low)} à {_french_amount(high)} € {unit}"
    return f"{_french_amount(low)} € {unit}"


def bad_row_count(rows: int) -> int:
    """How many broken rows a file of ``rows`` offers gets (about 0.05 %, 1 at least from 200)."""
    return max(1, round(rows * BAD_ROW_SHARE)) if rows >= 200 else 0


# --- Identifiers ----------------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _france_travail_id(number: int) -> str:
    """Like France Travail's "183QJMV": 3 digits and 4 letters, unique per number."""
    scrambled = (number * 7_919 + 104_729) % (800 * 26**4)
    digits, rest = divmod(scrambled, 26**4)
    letters = ""
    for _ in range(4):
        rest, letter = divmod(rest, 26)
        letters += _LETTERS[letter]
    return f"{150 + digits}{letters}"


def _keljob_id(number: int) -> str:
    return f"KJ-{(number * 7_777_777 + 1_234_567) % 10**8:08d}"


def _monstre_id(number: int) -> str:
    return f"ME{(number * 3_333_337 + 7_654_321) % 10**9:09d}"


_IDENTIFIERS: dict[str, Callable[[int], str]] = {
    "france-travail": _france_travail_id,
    "keljob": _keljob_id,
    "monstre-emploi": _monstre_id,
}


# --- Writers --------------------------------------------------------------------------------

_FT_CONTRACTS = {
    "cdi": ("CDI", "Contrat à durée indéterminée"),
    "cdd": ("CDD", "Contrat à durée déterminée"),
    "interim": ("MIS", "Mission intérimaire"),
    "saisonnier": ("SAI", "Contrat travail saisonnier"),
    "alternance": ("CDD", "Contrat à durée déterminée"),
    "independant": ("LIB", "Profession libérale"),
}
_FT_EXPERIENCE = {
    "beginner": ("D", "Débutant accepté"),
    "desired": ("S", "Expérience souhaitée"),
    "required": ("E", "Expérience exigée"),
}
_FT_PERIODS = {"hour": "Horaire", "month": "Mensuel", "year": "Annuel"}


@cache
def _france_travail_place(commune: Commune) -> str:
    """How France Travail writes a place: "LYON 03", "SAINT ETIENNE"."""
    name = _fold(_city_name(commune)).upper()
    number = re.search(r"(\d+)", commune.name)
    if commune.code.startswith(("751", "6938", "132")) and number:
        return f"{commune.name.split()[0].upper()} {int(number[1]):02d}"
    return name


def _france_travail_offer(
    generator: _Generator, offer: _Offer, rng: random.Random
) -> dict[str, Any]:
    employer = offer.employer
    commune = employer.commune
    title = generator.titles[offer.title_index]
    code, label = _FT_CONTRACTS[offer.contract]
    if offer.contract == "cdi" and rng.random() < 0.03:
        code, label = "DIN", "CDI intérimaire"
    elif offer.contract == "cdd" and rng.random() < 0.03:
        code, label = "DDI", "CDD insertion"
    elif offer.contract == "independant" and rng.random() < 0.4:
        code, label = "FRA", "Franchise"
    if offer.months and offer.contract == "interim" and offer.months == 1 and rng.random() < 0.5:
        label += f" - {rng.choice((5, 10, 15, 20))} Jour(s)"
    elif offer.months:
        label += f" - {offer.months} Mois"
    experience, experience_label = _FT_EXPERIENCE[offer.experience]
    place_name = _france_travail_place(commune)
    salary: dict[str, str] = {}
    if offer.salary:
        low, high, period = offer.salary
        text = f"{_FT_PERIODS[period]} de {_money(low)} Euros"
        if high:
            text += f" à {_money(high)} Euros"
        if period != "hour":
            text += " sur 12 mois"
        salary["libelle"] = text
    if offer.salary_note:
        salary["commentaire"] = offer.salary_note
    company: dict[str, Any] = {"nom": offer.company_name, "entrepriseAdaptee": False}
    if offer.show_siret:
        company["siret"] = employer.siret
    if rng.random() < 0.4:
        company["description"] = (
            f"{offer.company_name} est {employer.kind} implantée à {_city_name(commune)}."
        )
    url = f"https://candidat.francetravail.fr/offres/recherche/detail/{offer.ident}"
    origin: dict[str, Any] = {"origine": "1", "urlOrigine": url}
    if rng.random() < 0.03:
        partner = "https://www.jobpartenaire.example/offre/" + offer.ident.lower()
        origin = {"origine": "2", "partenaires": [{"nom": "JOBPARTENAIRE", "url": partner}]}
    created = f"{offer.created.isoformat()}.000Z"
    nature = "Contrat apprentissage" if offer.contract == "alternance" else "Contrat travail"
    data: dict[str, Any] = {
        "id": offer.ident,
        "intitule": offer.title,
        "description": generator.description(offer, rng),
        "dateCreation": created,
        "dateActualisation": f"{offer.updated.isoformat()}.000Z",
        "lieuTravail": {
            "libelle": f"{commune.departement} - {place_name}",
            "latitude": commune.latitude,
            "longitude": commune.longitude,
            "codePostal": employer.postal_code,
            "commune": commune.code,
        },
        "romeCode": title.rome_code,
        "romeLibelle": generator.rome_labels.get(title.rome_code, ""),
        "appellationlibelle": title.label,
        "entreprise": company,
        "typeContrat": code,
        "typeContratLibelle": label,
        "natureContrat": nature,
        "experienceExige": experience,
        "experienceLibelle": experience_label,
        "salaire": salary,
        "dureeTravailLibelle": f"{offer.hours}H Horaires normaux",
        "dureeTravailLibelleConverti": "Temps partiel" if offer.part_time else "Temps plein",
        "alternance": offer.contract == "alternance",
        "nombrePostes": 1 if rng.random() < 0.85 else rng.randint(2, 5),
        "accessibleTH": rng.random() < 0.1,
        "origineOffre": origin,
        "offresManqueCandidats": rng.random() < 0.2,
    }
    if offer.expires:
        data["dateExpiration"] = f"{offer.expires.isoformat()}.000Z"
    if offer.bad == "title":
        data["intitule"] = ""
    elif offer.bad == "contract":
        data["typeContrat"], data["typeContratLibelle"] = "STA", "Stage"
        data["alternance"] = False
    elif offer.bad == "date":
        data["dateCreation"] = created.replace(created[5:10], "02-30")
    return data


_KELJOB_CONTRACTS = {
    "cdi": ("CDI",),
    "cdd": ("CDD",),
    "interim": ("Intérim", "Interim"),
    "saisonnier": ("Saisonnier",),
    "alternance": ("Alternance", "Apprentissage", "Contrat de professionnalisation"),
    "independant": ("Indépendant", "Freelance", "Franchise"),
}
_KELJOB_EXPERIENCE = {
    "beginner": "Débutant accepté",
    "desired": "Expérience souhaitée",
    "required": "Expérience exigée",
}
_KELJOB_PERIODS = {"hour": "heure", "month": "mois", "year": "an"}


def _keljob_row(generator: _Generator, offer: _Offer, rng: random.Random) -> list[str]:
    employer = offer.employer
    salary_text = offer.salary_note or ""
    low = high = period = ""
    if offer.salary:
        amount, top, unit = offer.salary
        short = {"hour": "brut/heure", "month": "brut/mois", "year": "brut/an"}[unit]
        salary_text = f"{_french_amount(amount)} €"
        if top:
            salary_text += f" - {_french_amount(top)} €"
        salary_text += f" {short}"
        low = f"{amount:.2f}".replace(".", ",")
        high = f"{top:.2f}".replace(".", ",") if top else ""
        period = _KELJOB_PERIODS[unit]
    contract = rng.choice(_KELJOB_CONTRACTS[offer.contract])
    created = offer.created.isoformat(" ")
    title = offer.title
    if offer.bad == "title":
        title = ""
    elif offer.bad == "contract":
        contract = "Stage"
    elif offer.bad == "date":
        created = offer.created.strftime("31/02/%Y %H:%M")
    slug = _slug(f"{offer.title} {_city_name(employer.commune)}")
    rome = generator.titles[offer.title_index].rome_code if rng.random() < 0.8 else ""
    return [
        offer.ident,
        title,
        generator.description(offer, rng),
        offer.company_name,
        employer.siret if offer.show_siret else "",
        employer.postal_code,
        _city_name(employer.commune),
        employer.commune.code if rng.random() < 0.85 else "",
        contract,
        str(offer.months) if offer.months else "",
        "Temps partiel" if offer.part_time else "Temps plein",
        _KELJOB_EXPERIENCE[offer.experience],
        salary_text,
        low,
        high,
        period,
        created,
        offer.updated.isoformat(" "),
        offer.expires.date().isoformat() if offer.expires else "",
        f"https://www.keljob.example/offre/{slug}-{offer.ident.lower()}",
        rome,
    ]


_MONSTRE_CONTRACTS = {
    "cdi": "CDI",
    "cdd": "CDD",
    "interim": "Intérim",
    "saisonnier": "Saisonnier",
    "alternance": "Alternance",
    "independant": "Freelance",
}
_MONSTRE_EXPERIENCE = {"beginner": "debutant", "desired": "souhaitee", "required": "exigee"}


def _monstre_job(generator: _Generator, offer: _Offer, rng: random.Random) -> str:
    employer = offer.employer
    commune = employer.commune
    title = "" if offer.bad == "title" else offer.title
    contract = "Stage" if offer.bad == "contract" else _MONSTRE_CONTRACTS[offer.contract]
    date = _rfc_date(offer.created)
    if offer.bad == "date":
        date = re.sub(r"^\w+, \d+ \w+", f"{date[:3]}, 32 Feb", date)
    parts = [
        "<job>\n",
        f"<referencenumber>{_cdata(offer.ident)}</referencenumber>\n",
        f"<title>{_cdata(title)}</title>\n",
        f"<date>{_cdata(date)}</date>\n",
        f"<url>{_cdata('https://www.monstre-emploi.example/emploi/' + offer.ident)}</url>\n",
        f"<company>{_cdata(offer.company_name)}</company>\n",
        f"<siret>{employer.siret}</siret>\n" if offer.show_siret else "<siret/>\n",
        f"<city>{_cdata(_city_name(commune))}</city>\n",
        f"<state>{_escape(generator.departements.get(commune.departement, ''))}</state>\n",
        "<country>FR</country>\n",
        f"<postalcode>{employer.postal_code}</postalcode>\n",
        f"<inseecode>{commune.code}</inseecode>\n",
    ]
    if rng.random() < 0.6:
        latitude = commune.latitude + rng.uniform(-0.01, 0.01)
        longitude = commune.longitude + rng.uniform(-0.01, 0.01)
        parts.append(f"<latitude>{latitude:.5f}</latitude>\n")
        parts.append(f"<longitude>{longitude:.5f}</longitude>\n")
    parts.append(f"<description>{_cdata(generator.description(offer, rng))}</description>\n")
    if offer.salary:
        low, high, period = offer.salary
        unit = {"hour": "de l'heure", "month": "par mois", "year": "par an"}[period]
        text = (
            f"Entre {_french_amount(low)} € et {_french_amount(high)} € {unit}"
            if high
            else f"{_french_amount(low)} € {unit}"
        )
        parts += [
            f"<salary>{_cdata(text)}</salary>\n",
            f"<salarymin>{_money(low)}</salarymin>\n",
            f"<salarymax>{_money(high)}</salarymax>\n" if high else "<salarymax/>\n",
            f"<salaryperiod>{period}</salaryperiod>\n",
        ]
    elif offer.salary_note:
        parts.append(f"<salary>{_cdata(offer.salary_note)}</salary>\n")
        parts.append("<salarymin/>\n<salarymax/>\n<salaryperiod/>\n")
    else:
        parts.append("<salary/>\n<salarymin/>\n<salarymax/>\n<salaryperiod/>\n")
    parts += [
        f"<jobtype>{_escape(contract)}</jobtype>\n",
        f"<duration>{offer.months}</duration>\n" if offer.months else "<duration/>\n",
        f"<schedule>{'part-time' if offer.part_time else 'full-time'}</schedule>\n",
        f"<experience>{_MONSTRE_EXPERIENCE[offer.experience]}</experience>\n",
    ]
    if offer.expires:
        parts.append(f"<expirationdate>{offer.expires.date().isoformat()}</expirationdate>\n")
    else:
        parts.append("<expirationdate/>\n")
    if rng.random() < 0.7:
        rome = generator.titles[offer.title_index].rome_code
        parts.append(f"<romecode>{rome}</romecode>\n")
    parts.append("</job>\n")
    return "".join(parts)


_JSON = json.JSONEncoder(ensure_ascii=False)


def _render_france_travail(generator: _Generator, offer: _Offer, rng: random.Random) -> str:
    return _JSON.encode(_france_travail_offer(generator, offer, rng))


class _CsvRow:
    """Keljob rows rendered one at a time (the csv module quotes what needs it)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=";", lineterminator="\r\n")

    def __call__(self, cells: Sequence[str]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.buffer.getvalue()


def _heads(now: datetime) -> dict[str, tuple[str, str, str]]:
    """Per file: what comes before the offers, between two of them, and after them."""
    keljob_header = _CsvRow()(KELJOB_HEADER)
    monstre_head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<source>\n'
        "<publisher>Monstre Emploi</publisher>\n"
        "<publisherurl>https://www.monstre-emploi.example</publisherurl>\n"
        f"<lastBuildDate>{_rfc_date(now)}</lastBuildDate>\n"
    )
    return {
        # As the API answers a search: the offers, then the facets (none here).
        "france-travail": ('{"resultats": [\n', ",\n", '\n], "filtresPossibles": []}\n'),
        "keljob": ("\ufeff" + keljob_header, "", ""),
        "monstre-emploi": (monstre_head, "", "</source>\n"),
    }


def _part(directory: Path, name: str, shard: int) -> Path:
    return directory / f".{name}.part{shard}"


def _make_shard(
    reference: _Reference, shard: int, plan: _Plan, seed: int, now: datetime, directory: Path
) -> None:
    """Make one shard's offers and write them to part files: for each feed, the rendered
    offers newest first, each framed by its sort key and length; and its groups."""
    generator = _Generator(reference, shard, plan, seed, now)
    generator.run()
    generator.write_texts()
    keljob_row = _CsvRow()
    renderers: dict[str, Callable[[_Generator, _Offer, random.Random], str]] = {
        "france-travail": _render_france_travail,
        "keljob": lambda generator, offer, rng: keljob_row(_keljob_row(generator, offer, rng)),
        "monstre-emploi": _monstre_job,
    }
    for source in SOURCES:
        render = renderers[source]
        rng = random.Random(f"{seed}:{shard}:{source}")
        with _part(directory, FILES[source], shard).open("wb") as handle:
            for offer in generator.offers[source]:
                payload = render(generator, offer, rng).encode()
                key = f"{offer.created.isoformat()}|{shard}|{offer.number:09d}"
                handle.write(f"{key} {len(payload)}\n".encode())
                handle.write(payload)
    members: dict[int, list[_Offer]] = {}
    for source in SOURCES:
        for offer in generator.offers[source]:
            if offer.group:
                members.setdefault(offer.group, []).append(offer)
    with _part(directory, DUPLICATES_FILE, shard).open("w", encoding="utf-8") as handle:
        for group in sorted(members):
            for offer in members[group]:
                handle.write(f"{offer.source},{offer.ident},{group}\n")


def _frames(handle: BinaryIO) -> Iterator[tuple[str, bytes]]:
    while header := handle.readline():
        key, _space, length = header.rstrip(b"\n").rpartition(b" ")
        yield key.decode(), handle.read(int(length))


def _assemble(directory: Path, paths: dict[str, Path], now: datetime) -> None:
    """Merge the shards' parts into each feed, newest offers first, and number the groups."""
    heads = _heads(now)
    for source in SOURCES:
        head, separator, tail = heads[source]
        with ExitStack() as stack:
            parts = [
                stack.enter_context(_part(directory, FILES[source], shard).open("rb"))
                for shard in range(SHARDS)
            ]
            merged = heapq.merge(*map(_frames, parts), key=itemgetter(0), reverse=True)
            with paths[source].open("wb") as handle:
                handle.write(head.encode())
                between = b""
                for _key, payload in merged:
                    handle.write(between + payload)
                    between = separator.encode()
                handle.write(tail.encode())
    numbers: dict[tuple[int, str], int] = {}
    with paths["duplicates"].open("w", encoding="utf-8", newline="") as handle:
        handle.write("source,source_id,group\n")
        for shard in range(SHARDS):
            part = _part(directory, DUPLICATES_FILE, shard)
            for line in part.read_text(encoding="utf-8").splitlines():
                source, ident, group = line.split(",")
                number = numbers.setdefault((shard, group), len(numbers) + 1)
                handle.write(f"{source},{ident},{number}\n")


def generate_feeds(
    directory: Path,
    count: int,
    seed: int,
    duplicate_share: float = 0.15,
    *,
    now: datetime | None = None,
    workers: int | None = None,
) -> dict[str, Path]:
    """Write ``count`` offers across the three built-in feeds, and the duplicates' ground truth.

    About 55 % of the offers go to France Travail, 25 % to Keljob and 20 % to Monstre
    Emploi; ``duplicate_share`` of each file are copies of another source's offer. ``now``
    (naive UTC; by default today at midnight, so that a seed gives the same files all day)
    is the moment the dates are relative to. The offers are made in two shards (by commune),
    in two processes when ``workers`` is 2 (the default from 20,000 offers on a machine with
    two cores): the files are the same either way. Return the paths by source name, and
    ``"duplicates"`` for the ground truth.
    """
    if count < 0:
        raise ValueError("count must be zero or more")
    if not 0 <= duplicate_share < 0.5:
        raise ValueError("duplicate_share must be between 0 and 0.5")
    if now is None:
        now = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0)
    now = now.replace(microsecond=0)
    if workers is None:
        workers = 2 if count >= 20_000 and (os.cpu_count() or 1) > 1 else 1
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {source: directory / FILES[source] for source in SOURCES}
    paths["duplicates"] = directory / DUPLICATES_FILE
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects and no cycles: the GC only slows
    try:
        reference = _Reference()
        plans = _plans(count, duplicate_share)
        arguments = [(reference, shard, plans[shard], seed, now, directory) for shard in (0, 1)]
        # Forking a process that runs threads is unsafe: then one process does it all.
        forking = "fork" in multiprocessing.get_all_start_methods()
        if workers > 1 and forking and threading.active_count() == 1:
            helper = multiprocessing.get_context("fork").Process(
                target=_make_shard, args=arguments[1]
            )
            helper.start()
            try:
                _make_shard(*arguments[0])
            finally:
                helper.join()
            if helper.exitcode != 0:
                raise RuntimeError(f"making the offers failed (helper exit code {helper.exitcode})")
        else:
            for shard_arguments in arguments:
                _make_shard(*shard_arguments)
        _assemble(directory, paths, now)
    finally:
        if collecting:
            gc.enable()
        for name in (*FILES.values(), DUPLICATES_FILE):
            for shard in range(SHARDS):
                _part(directory, name, shard).unlink(missing_ok=True)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    """``python3 -m job_search.generate --count N --seed S --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python3 -m job_search.generate",
        description="Write synthetic job offer feeds for the built-in sources.",
    )
    parser.add_argument("--count", type=int, required=True, help="offers across the feeds")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files")
    parser.add_argument("--out", type=Path, required=True, help="directory to write to")
    parser.add_argument(
        "--duplicate-share", type=float, default=0.15, help="share of copied offers"
    )
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        help="the date the offers are relative to (ISO 8601, UTC; default: today)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate_feeds(args.out, args.count, args.seed, args.duplicate_share, now=args.now)
    elapsed = time.perf_counter() - started
    for name, path in paths.items():
        print(f"{name:16} {path}  {path.stat().st_size / 1e6:8.1f} MB")
    print(f"{args.count} offers in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
