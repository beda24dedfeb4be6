"""The fixed query mix of bench/jobs.py: job searches as the search page receives them.

Each entry is the query string of ``GET /job-search/`` (``q``, ``rome``, ``where``,
``radius``, ``contract``, ``experience``, ``time``, ``source``, ``salary_min``, ``since``,
``sort``, ``page``). The same entry gives the ``OfferQuery`` the engines are asked
(through the page's own ``parse_query``, so the engines and the HTTP run search exactly the
same thing) and the URL the load generator requests. Nothing is random: the mix is the
same on every run, whatever the seed of the generated offers.

What it covers: words (one, several, with and without accents, rare, absent), ROME codes,
a place and a radius around big cities and small communes (5–100 km), every filter alone
and combined, the three sorts, deep pages, and filters without any text (broad matches:
the hard case for counting and facets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from job_search.engine import Area
from job_search.query import OfferQuery, parse_query
from job_search.referential import communes_within, resolve_place
from werkzeug.datastructures import MultiDict

Params = Mapping[str, str | int | Sequence[str]]
PAGE = "/job-search/"
VILLAGE = "Rocamadour (46)"  # about 600 inhabitants
SMALL_TOWN = "Mende"

MIX: tuple[Params, ...] = (
    # -- words, all of France --------------------------------------------------------------
    {"q": "infirmière de nuit"},
    {"q": "infirmiere"},
    {"q": "infirmier"},
    {"q": "cariste"},
    {"q": "aide a domicile"},
    {"q": "aide à domicile"},
    {"q": "développeur java"},
    {"q": "developpeur"},
    {"q": "vendeuse"},
    {"q": "chauffeur poids lourd"},
    {"q": "serveur"},
    {"q": "maçon"},
    {"q": "comptable"},
    {"q": "boulanger"},
    {"q": "agent d'entretien"},
    {"q": "soudeur"},
    {"q": "mécanicien automobile"},
    {"q": "secrétaire médicale"},
    {"q": "préparateur de commandes"},
    {"q": "commis de cuisine"},
    {"q": "apiculteur"},
    {"q": "astronaute lunaire"},  # no offer
    {"q": "agent de production industrie agroalimentaire temps partiel"},
    # -- ROME codes --------------------------------------------------------------------------
    {"rome": "J1506"},
    {"q": "N1101"},  # a ROME code typed in the words box
    {"rome": "K1304", "where": "Lyon", "radius": 30},
    {"rome": "M1805", "where": "Paris", "radius": 10, "contract": ["cdi"]},
    # -- place and radius --------------------------------------------------------------------
    {"where": "Paris", "radius": 10},
    {"where": "Paris", "radius": 100},
    {"q": "cariste", "where": "Lyon", "radius": 20},
    {"q": "serveur", "where": "Marseille", "radius": 30},
    {"q": "développeur java", "where": "Toulouse", "radius": 50},
    {"q": "vendeuse", "where": "Lille", "radius": 5},
    {"where": VILLAGE, "radius": 5},
    {"q": "aide a domicile", "where": VILLAGE, "radius": 30},
    {"q": "infirmière", "where": SMALL_TOWN, "radius": 100},
    {"q": "chauffeur poids lourd", "where": "Nantes", "radius": 10},
    {"q": "infirmière de nuit", "where": "Paris", "radius": 5},
    {"q": "maçon", "where": "Bordeaux", "radius": 50},
    {"q": "boulanger", "where": "69003", "radius": 10},
    # -- filters only: broad matches ---------------------------------------------------------
    {},
    {"contract": ["cdi"]},
    {"contract": ["cdd", "interim"]},
    {"experience": ["beginner"]},
    {"time": ["part"]},
    {"salary_min": 2500},
    {"since": 1},
    {"since": 7},
    {"source": ["keljob"]},
    {"source": ["france-travail", "monstre-emploi"]},
    {"contract": ["cdi"], "time": ["full"], "experience": ["required"], "salary_min": 3000},
    {"where": "Paris", "radius": 100, "contract": ["cdi"], "time": ["full"]},
    # -- combinations ------------------------------------------------------------------------
    {"q": "infirmier", "where": "Lyon", "radius": 30, "contract": ["cdi"], "since": 7},
    {
        "q": "cariste",
        "where": "Lille",
        "radius": 50,
        "contract": ["interim"],
        "experience": ["beginner"],
    },
    {
        "q": "développeur java",
        "where": "Paris",
        "radius": 20,
        "contract": ["cdi"],
        "salary_min": 3000,
    },
    {"q": "aide a domicile", "where": "Toulouse", "radius": 30, "time": ["part"]},
    {"q": "vendeuse", "contract": ["cdd"], "since": 14, "source": ["keljob"]},
    {
        "q": "chauffeur poids lourd",
        "where": "Marseille",
        "radius": 100,
        "contract": ["cdi"],
        "salary_min": 2000,
    },
    # -- sorts -------------------------------------------------------------------------------
    {"q": "infirmière", "sort": "date"},
    {"q": "cariste", "where": "Lyon", "radius": 50, "sort": "distance"},
    {"where": "Paris", "radius": 30, "sort": "distance"},
    {"q": "serveur", "where": "Marseille", "radius": 20, "sort": "relevance"},
    {"q": "maçon", "where": VILLAGE, "radius": 100, "sort": "distance"},
    {"where": "Toulouse", "radius": 100, "contract": ["cdi"], "sort": "distance", "page": 10},
    # -- deep pages --------------------------------------------------------------------------
    {"page": 10},
    {"page": 50},
    {"page": 200},
    {"q": "vendeuse", "page": 10},
    {"q": "aide a domicile", "page": 50},
    {"where": "Paris", "radius": 50, "page": 200},
    {"q": "infirmier", "sort": "date", "page": 50},
    {"contract": ["cdi"], "page": 200},
)


@dataclass(frozen=True)
class MixQuery:
    """One search of the mix: its label, the page's URL, and the engines' query."""

    label: str
    url: str
    query: OfferQuery

    def area(self) -> Area | None:
        """What ``job_search.service.area_of`` gives: the communes within the radius."""
        if not self.query.place:
            return None
        return Area(self.query.place, communes_within(self.query.place, self.query.radius))


def _pairs(params: Params) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        values = [value] if isinstance(value, str | int) else list(value)
        pairs.extend((name, str(item)) for item in values)
    return pairs


def label_of(params: Params) -> str:
    """A short readable label: ``"cariste" Lyon 20 km cdi sort=distance p10``."""
    parts: list[str] = []
    if params.get("q"):
        parts.append(f'"{params["q"]}"')
    if params.get("rome"):
        parts.append(f"rome={params['rome']}")
    if params.get("where"):
        parts.append(f"{params['where']} {params.get('radius', 10)} km")
    for name in ("contract", "experience", "time", "source"):
        if params.get(name):
            parts.append(f"{name}={','.join(params[name])}")  # type: ignore[arg-type]
    for name in ("salary_min", "since", "sort"):
        if params.get(name):
            parts.append(f"{name}={params[name]}")
    if params.get("page"):
        parts.append(f"p{params['page']}")
    return " ".join(parts) or "(everything)"


def build_mix(sources: Sequence[str], mix: Sequence[Params] = MIX) -> list[MixQuery]:
    """The mix as the page reads it; ``sources`` are the source names the page accepts."""
    built: list[MixQuery] = []
    for params in mix:
        pairs = _pairs(params)
        query = parse_query(MultiDict(pairs), sources, resolve_place)
        url = PAGE + ("?" + urlencode(pairs) if pairs else "")
        built.append(MixQuery(label_of(params), url, query))
    labels = [item.label for item in built]
    if len(set(labels)) != len(labels):
        raise ValueError("two searches of the mix have the same label")
    return built
