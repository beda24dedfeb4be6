"""Scores per axis from the answers, and the end-of-session report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from interview_sim.bank import Bank, Option
from interview_sim.bank_schemas import AXES, MAX_POINTS

STRONG, WEAK = 70, 50
# Self-assessment of an open answer against the model answer.
SELF_RATINGS = (0, 1, 2, 3)
# Seconds of grace after a question's time limit before it counts as overtime.
GRACE_SECONDS = 5


@dataclass
class AnsweredStep:
    """What the seeker did at one step (a row of interview_sim_answer, read-only)."""

    kind: str  # "question" | "incident"
    item_id: str
    option_key: str | None = None
    self_rating: int | None = None
    checklist: tuple[int, ...] = ()
    timed_out: bool = False


@dataclass
class Tally:
    earned: dict[str, float] = field(default_factory=lambda: dict.fromkeys(AXES, 0.0))
    possible: dict[str, float] = field(default_factory=lambda: dict.fromkeys(AXES, 0.0))

    def add_choice(self, options: Iterable[Option], chosen: Option | None) -> None:
        options = list(options)
        for axis in AXES:
            best = max(option.scores.get(axis, 0) for option in options)
            if best:
                self.possible[axis] += best
                if chosen is not None:
                    self.earned[axis] += chosen.scores.get(axis, 0)

    def percentages(self) -> dict[str, int | None]:
        return {
            axis: round(100 * self.earned[axis] / self.possible[axis])
            if self.possible[axis]
            else None
            for axis in AXES
        }


def tally(bank: Bank, answers: Iterable[AnsweredStep]) -> Tally:
    result = Tally()
    for answer in answers:
        if answer.kind == "incident":
            incident = bank.incidents[answer.item_id]
            result.add_choice(incident.options, incident.option(answer.option_key or ""))
            continue
        question = bank.questions[answer.item_id]
        if question.kind == "choice":
            result.add_choice(question.options, question.option(answer.option_key or ""))
        else:
            rating = answer.self_rating or 0
            coverage = len(answer.checklist) / len(question.checklist) if question.checklist else 0
            points = (rating + MAX_POINTS * coverage) / 2
            for axis in question.axes:
                result.possible[axis] += MAX_POINTS
                result.earned[axis] += points
        if answer.timed_out:  # answering past the time limit costs composure
            result.possible["composure"] += MAX_POINTS
    return result


def overall(percentages: dict[str, int | None]) -> int | None:
    known = [value for value in percentages.values() if value is not None]
    return round(sum(known) / len(known)) if known else None


def strengths_and_gaps(percentages: dict[str, int | None]) -> tuple[list[str], list[str]]:
    """Axes to praise, axes to work on (the weakest one at least, when none is weak)."""
    known = {axis: value for axis, value in percentages.items() if value is not None}
    strengths = [axis for axis, value in known.items() if value >= STRONG]
    gaps = [axis for axis, value in sorted(known.items(), key=lambda item: item[1]) if value < WEAK]
    if not gaps and known:
        weakest = min(known, key=lambda axis: known[axis])
        if weakest not in strengths:
            gaps = [weakest]
    return strengths, gaps
