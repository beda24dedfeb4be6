"""The end-of-session report: scores, strengths, what to work on, answer by answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emploistore import ListingLink, listing_link
from interview_sim.bank import Bank, Option
from interview_sim.bank_schemas import AXES
from interview_sim.models import InterviewAnswer, InterviewSession
from interview_sim.scoring import strengths_and_gaps
from interview_sim.services import AXIS_LABELS, current_bank


@dataclass
class ReportItem:
    kind: str
    title: str
    your_answer: str
    best_answer: str
    feedback: str
    was_best: bool
    timed_out: bool
    checklist: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Report:
    overall: int | None
    axes: list[tuple[str, str, int | None]]
    strengths: list[tuple[str, str]]
    gaps: list[tuple[str, str, list[ListingLink]]]
    items: list[ReportItem]


def build_report(session: InterviewSession) -> Report:
    bank = current_bank()
    scores: dict[str, Any] = session.scores or {}
    strengths, gaps = strengths_and_gaps({axis: scores.get(axis) for axis in AXES})
    advice = bank.advice
    return Report(
        overall=session.overall,
        axes=[(axis, AXIS_LABELS[axis], scores.get(axis)) for axis in AXES],
        strengths=[(AXIS_LABELS[a], advice[a].strength if a in advice else "") for a in strengths],
        gaps=[
            (
                AXIS_LABELS[a],
                advice[a].work_on if a in advice else "",
                [
                    link
                    for slug in (advice[a].services if a in advice else ())
                    if (link := listing_link(slug))
                ],
            )
            for a in gaps
        ],
        items=[_report_item(bank, answer) for answer in session.answers if answer.completed],
    )


def _best(options: tuple[Option, ...]) -> Option:
    return max(options, key=lambda option: sum(option.scores.values()))


def _report_item(bank: Bank, answer: InterviewAnswer) -> ReportItem:
    if answer.step_kind == "incident":
        incident = bank.incidents[answer.item_id]
        chosen, best = incident.option(answer.option_key or ""), _best(incident.options)
        return ReportItem(
            kind="incident",
            title=incident.title,
            your_answer=chosen.text if chosen else "",
            best_answer=best.text,
            feedback=chosen.feedback if chosen else "",
            was_best=chosen == best,
            timed_out=answer.timed_out,
        )
    question = bank.questions[answer.item_id]
    if question.kind == "choice":
        chosen, best = question.option(answer.option_key or ""), _best(question.options)
        return ReportItem(
            kind="choice",
            title=question.text,
            your_answer=chosen.text if chosen else "",
            best_answer=best.text,
            feedback=chosen.feedback if chosen else "",
            was_best=chosen == best,
            timed_out=answer.timed_out,
        )
    ticked = set(answer.checklist or ())
    return ReportItem(
        kind="open",
        title=question.text,
        your_answer=answer.answer_text,
        best_answer=question.model_answer or "",
        feedback=question.advice or "",
        was_best=(answer.self_rating or 0) >= 2,
        timed_out=answer.timed_out,
        checklist=[(item, index in ticked) for index, item in enumerate(question.checklist)],
    )
