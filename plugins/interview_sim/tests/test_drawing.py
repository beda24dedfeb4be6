"""Drawing: seedable, no repeats, category counts, incident rate, fresh questions first."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from interview_sim.bank import load_bank
from interview_sim.drawing import draw_session

SMALL = Path(__file__).parent / "bank_small"


@pytest.fixture(scope="module")
def bank():  # type: ignore[no-untyped-def]
    return load_bank(SMALL)


def question_ids(steps) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.id for step in steps if step.kind == "question"]


def test_same_seed_same_session_and_different_seeds_differ(bank):
    template = bank.templates["standard"]
    assert draw_session(bank, template, 7) == draw_session(bank, template, 7)
    sessions = {tuple(draw_session(bank, template, seed)) for seed in range(30)}
    assert len(sessions) > 10


@pytest.mark.parametrize("seed", range(40))
def test_category_counts_order_and_no_repeats(bank, seed):
    template = bank.templates["standard"]
    steps = draw_session(bank, template, seed)
    ids = [step.id for step in steps]
    assert len(ids) == len(set(ids))
    categories = [bank.questions[i].category for i in question_ids(steps)]
    assert Counter(categories) == dict(template.categories)
    expected_order = [category for category, count in template.categories for _ in range(count)]
    assert categories == expected_order
    for question_id in question_ids(steps):
        question = bank.questions[question_id]
        assert not question.followup_only
        assert question.difficulty in template.difficulty
        assert question.job_family is None  # no family chosen


def test_incident_rate_and_cap(bank):
    always = bank.templates["standard"]  # rate 1.0, at most 2
    never = bank.templates["court"]  # rate 0.0
    for seed in range(30):
        steps = draw_session(bank, always, seed)
        incidents = [s for s in steps if s.kind == "incident"]
        assert len(incidents) == 2
        assert steps[-1].kind == "question"  # never an incident after the last question
        assert not [s for s in draw_session(bank, never, seed) if s.kind == "incident"]


def test_incident_rate_is_honoured_on_average(bank):
    from dataclasses import replace

    template = replace(bank.templates["standard"], incident_rate=0.3, max_incidents=10)
    gaps = sum(template.categories[i][1] for i in range(len(template.categories))) - 1
    total = sum(
        sum(1 for s in draw_session(bank, template, seed) if s.kind == "incident")
        for seed in range(400)
    )
    # Three incidents exist: the expected count per session is min(3, Binomial(gaps, 0.3)).
    assert 0.2 * gaps < total / 400 < 0.4 * gaps


def test_a_job_family_brings_its_own_questions(bank):
    template = bank.templates["court"]
    for seed in range(20):
        ids = question_ids(draw_session(bank, template, seed, family="J"))
        assert "presentation-j01" in ids  # up to half of each category is the family's
        assert "motivation-d01" not in ids  # never another family's


def test_recently_seen_questions_are_avoided_while_fresh_ones_remain(bank):
    template = bank.templates["court"]
    first = draw_session(bank, template, 1)
    for seed in range(20):
        again = draw_session(bank, template, seed, recent={s.id for s in first})
        for category, _count in template.categories:
            pool = [
                q.id
                for q in bank.questions.values()
                if q.category == category
                and not q.followup_only
                and q.job_family is None
                and q.difficulty in template.difficulty
            ]
            fresh = set(pool) - {s.id for s in first}
            drawn = [i for i in question_ids(again) if bank.questions[i].category == category]
            if fresh:
                assert set(drawn) <= fresh
