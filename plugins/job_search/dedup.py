"""Cross-source de-duplication: the same job posted on several sites is shown once.

Two live offers from different sources are the same offer when they have
- the same employer: the same SIRET when both give one, else the same normalised name;
- the same postal code;
- the same normalised title, or titles at least 80 % similar (difflib's ratio) that also
  share a word or their first two letters (see ``same_title``).
Groups are the connected offers. The canonical offer, the one search shows, is the own
source's first, then the most complete, then the oldest; the others keep pointing at it
with the reason, and are listed on its page as "aussi publiée sur".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from sqlalchemy import select, update

from emploistore import db, normalise_gender_number
from job_search.models import LIVE, Offer
from job_search.referential import fold

SIMILARITY = 0.8
_LEGAL_FORMS = frozenset(
    {"sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "earl"}
    | {"gie", "eirl", "ei", "sca", "groupe", "cie"}
)
_TITLE_NOISE = re.compile(
    r"\b(h ?/? ?f|f ?/? ?h|hf|fh|cdi|cdd|interim|temps (plein|partiel)|alternance|urgent)\b"
)


def company_key(name: str) -> str:
    words = [w for w in fold(name).split() if w not in _LEGAL_FORMS]
    return " ".join(words)


def title_key(title: str) -> str:
    text = _TITLE_NOISE.sub(" ", fold(title).replace("/", " / "))
    words = [normalise_gender_number(w) for w in re.findall(r"[a-z0-9]+", text)]
    # "Aide-soignant / Aide-soignante" names the job twice: keep each word once, in order.
    return " ".join(dict.fromkeys(words))


def similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def same_title(a: str, b: str) -> bool:
    """Titles at least 80 % similar that also share a word or their first two letters.

    The guard keeps typos ("cariste" / "carsite") and drops different jobs whose spellings
    happen to be close ("caissier" / "patissier", 82 % similar).
    """
    if a == b:
        return True
    if similarity(a, b) < SIMILARITY:
        return False
    return a[:2] == b[:2] or bool(set(a.split()) & set(b.split()))


@dataclass(frozen=True)
class Candidate:
    id: int
    source: str
    siret: str
    company: str
    postal_code: str
    title: str
    own: bool
    completeness: int
    created_at: datetime


def same_employer(a: Candidate, b: Candidate) -> bool:
    if a.siret and b.siret:
        return a.siret == b.siret
    return bool(a.company) and a.company == b.company


def group(candidates: Sequence[Candidate]) -> dict[int, tuple[int, str]]:
    """offer id → (canonical id, French reason) for every offer that is a duplicate."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    blocks: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for offer in candidates:
        if not offer.postal_code:
            continue
        if offer.siret:
            blocks[(offer.postal_code, "s" + offer.siret)].append(offer)
        if offer.company:
            blocks[(offer.postal_code, "n" + offer.company)].append(offer)
    for members in blocks.values():
        if len(members) < 2 or len({m.source for m in members}) < 2:
            continue
        by_title: dict[str, list[Candidate]] = defaultdict(list)
        for member in members:
            by_title[member.title].append(member)
        titles = list(by_title)
        pairs: list[tuple[Candidate, Candidate]] = []
        for same in by_title.values():
            pairs.extend(combinations(same, 2))
        for first, second in combinations(titles, 2):
            if same_title(first, second):
                pairs.extend((a, b) for a in by_title[first] for b in by_title[second])
        for a, b in pairs:
            if a.source != b.source and same_employer(a, b):
                parent[find(a.id)] = find(b.id)

    groups: dict[int, list[Candidate]] = defaultdict(list)
    by_id = {c.id: c for c in candidates}
    for offer_id in set(parent) | set(parent.values()):
        groups[find(offer_id)].append(by_id[offer_id])
    result: dict[int, tuple[int, str]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda c: (not c.own, -c.completeness, c.created_at, c.id))
        canonical = members[0]
        for member in members[1:]:
            result[member.id] = (canonical.id, reason(member, canonical))
    return result


def reason(offer: Candidate, canonical: Candidate) -> str:
    employer = "même SIRET" if offer.siret and offer.siret == canonical.siret else "même employeur"
    score = similarity(offer.title, canonical.title)
    title = "même intitulé" if score == 1.0 else f"intitulé semblable à {round(score * 100)} %"
    return (
        f"Doublon de l'offre {canonical.id} ({canonical.source}) : "
        f"{employer}, même code postal, {title}"
    )


def candidates(own_sources: Iterable[str]) -> list[Candidate]:
    own = frozenset(own_sources)
    rows = db.session.execute(
        select(
            Offer.id,
            Offer.source,
            Offer.company_siret,
            Offer.dedup_company,
            Offer.postal_code,
            Offer.dedup_title,
            Offer.completeness,
            Offer.created_at,
        ).where(Offer.status == LIVE)
    )
    return [Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[1] in own, r[6], r[7]) for r in rows]


def regroup(own_sources: Iterable[str], next_seq: Callable[[], int]) -> int:
    """Recompute the groups of live offers; store what changed. Returns offers changed.

    ``next_seq()`` gives the next change-feed sequence for each offer whose visibility or
    "also published on" list changes (see importer.FeedCounter).
    """
    wanted = group(candidates(own_sources))
    current = {
        r.id: (r.canonical_id, r.duplicate_reason)
        for r in db.session.execute(
            select(Offer.id, Offer.canonical_id, Offer.duplicate_reason).where(Offer.status == LIVE)
        )
    }
    changes: list[dict[str, Any]] = []
    touched_canonicals: set[int] = set()
    for offer_id, (canonical_id, old_reason) in current.items():
        new_canonical, new_reason = wanted.get(offer_id, (None, ""))
        if (new_canonical, new_reason) != (canonical_id, old_reason):
            changes.append(
                {"oid": offer_id, "canonical_id": new_canonical, "duplicate_reason": new_reason}
            )
            touched_canonicals.update(c for c in (canonical_id, new_canonical) if c is not None)
    # Withdrawn duplicates leave their group: their canonical offer's list changes.
    for row in db.session.execute(
        select(Offer.id, Offer.canonical_id).where(
            Offer.status != LIVE, Offer.canonical_id.is_not(None)
        )
    ):
        changes.append({"oid": row.id, "canonical_id": None, "duplicate_reason": ""})
        touched_canonicals.add(row.canonical_id)
    changed_ids = {c["oid"] for c in changes}
    for canonical_id in sorted(touched_canonicals - changed_ids):
        if canonical_id in current:
            changes.append(
                {
                    "oid": canonical_id,
                    "canonical_id": current[canonical_id][0],
                    "duplicate_reason": current[canonical_id][1],
                }
            )
    if not changes:
        return 0
    changes.sort(key=lambda c: c["oid"])
    for change in changes:
        change["seq"] = next_seq()
    table = Offer.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == db.bindparam("oid"))
        .values(
            canonical_id=db.bindparam("canonical_id"),
            duplicate_reason=db.bindparam("duplicate_reason"),
            change_seq=db.bindparam("seq"),
        ),
        changes,
    )
    return len(changes)
