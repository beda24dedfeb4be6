"""Drawing a session: random, seedable, no repeats, fresh questions first.

The same bank, template, family, seed and recent history always give the same session.
The drawn sequence is stored with the session, so a replay is exact even if the bank
changes later.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from interview_sim.bank import Bank, Question, Template


@dataclass(frozen=True)
class Step:
    kind: str  # "question" | "incident"
    id: str
    followup: bool = False  # inserted by the seeker's answer, not drawn

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Step:
        return cls(kind=str(data["kind"]), id=str(data["id"]), followup=bool(data.get("followup")))


def _pick(rng: random.Random, pool: Sequence[str], count: int, recent: set[str]) -> list[str]:
    """Up to ``count`` ids, fresh ones first; the rest from recently seen ones."""
    fresh = [item for item in pool if item not in recent]
    chosen = rng.sample(fresh, min(count, len(fresh)))
    if len(chosen) < count:
        seen_before = [item for item in pool if item in recent]
        chosen += rng.sample(seen_before, min(count - len(chosen), len(seen_before)))
    return chosen


def _eligible(bank: Bank, template: Template, category: str, family: str | None) -> list[Question]:
    return sorted(
        (
            question
            for question in bank.questions.values()
            if question.category == category
            and not question.followup_only
            and question.difficulty in template.difficulty
            and bank.family_matches(question, family)
        ),
        key=lambda question: question.id,
    )


def draw_session(
    bank: Bank,
    template: Template,
    seed: int,
    family: str | None = None,
    recent: Iterable[str] = (),
) -> list[Step]:
    """Questions per category in interview order, with incidents between them.

    With a job family, up to half of each category's questions are that family's own.
    Questions and incidents in ``recent`` (seen in the person's last sessions) are drawn
    only when the fresh ones run out; nothing is ever drawn twice in one session.
    """
    rng = random.Random(seed)
    recent_ids = set(recent)
    questions: list[str] = []
    for category, count in template.categories:
        eligible = _eligible(bank, template, category, family)
        own = [q.id for q in eligible if q.job_family is not None]
        general = [q.id for q in eligible if q.job_family is None]
        chosen = _pick(rng, own, min(len(own), (count + 1) // 2), recent_ids) if family else []
        chosen += _pick(rng, general, count - len(chosen), recent_ids)
        rng.shuffle(chosen)
        questions += chosen

    incidents_pool = sorted(bank.incidents)
    steps: list[Step] = []
    used_incidents: set[str] = set()
    for index, question_id in enumerate(questions):
        steps.append(Step("question", question_id))
        is_last = index == len(questions) - 1
        # Draw the chance for every gap, so the sequence depends on the seed alone.
        happens = rng.random() < template.incident_rate
        if is_last or not happens or len(used_incidents) >= template.max_incidents:
            continue
        available = [i for i in incidents_pool if i not in used_incidents]
        if not available:
            continue
        incident = _pick(rng, available, 1, recent_ids)[0]
        used_incidents.add(incident)
        steps.append(Step("incident", incident))
    return steps
