"""Sessions: start, answer, finish, report, history and replay; always scoped to the owner."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emploistore import db, utcnow
from interview_sim.bank import Bank, Option
from interview_sim.drawing import Step, draw_session
from interview_sim.models import InterviewAnswer, InterviewSession
from interview_sim.scoring import (
    GRACE_SECONDS,
    SELF_RATINGS,
    AnsweredStep,
    overall,
    tally,
)

BANK_KEY = "interview_sim.bank"
RECENT_SESSIONS = 3
MAX_ANSWER_LENGTH = 3000
AXIS_LABELS = {
    "clarity": "Clarté",
    "motivation": "Motivation",
    "knowledge": "Connaissance du métier",
    "composure": "Sang-froid",
}


class StepRefused(ValueError):
    """An answer that cannot be taken; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class OutOfStep(RuntimeError):
    """The answer is for a step that is not the current one (back button, double click)."""


def current_bank() -> Bank:
    return current_app.extensions[BANK_KEY]


# -- starting -----------------------------------------------------------------------------


def recent_items(user_id: int) -> set[str]:
    """Questions and incidents of the person's last sessions, to avoid drawing them again."""
    sequences = db.session.scalars(
        select(InterviewSession.sequence)
        .where(InterviewSession.user_id == user_id)
        .order_by(InterviewSession.started_at.desc(), InterviewSession.id.desc())
        .limit(RECENT_SESSIONS)
    )
    return {str(step["id"]) for sequence in sequences for step in sequence}


def start_session(
    user_id: int,
    template_key: str,
    family: str | None = None,
    countdown: bool | None = None,
    seed: int | None = None,
) -> InterviewSession:
    bank = current_bank()
    template = bank.templates.get(template_key)
    if template is None:
        raise StepRefused("template", "Choisissez un type d'entretien dans la liste.")
    if family and family not in bank.families:
        raise StepRefused("family", "Choisissez un domaine de métier dans la liste.")
    seed = secrets.randbits(48) if seed is None else seed
    steps = draw_session(bank, template, seed, family or None, recent_items(user_id))
    session = InterviewSession(
        user_id=user_id,
        template_key=template.key,
        job_family=family or None,
        countdown=template.countdown if countdown is None else countdown,
        seed=seed,
        sequence=[step.as_dict() for step in steps],
    )
    db.session.add(session)
    db.session.commit()
    return session


def replay(user_id: int, original: InterviewSession) -> InterviewSession:
    """The same drawn questions and incidents, in the same order; answers may differ."""
    drawn = [step for step in original.sequence if not step.get("followup")]
    session = InterviewSession(
        user_id=user_id,
        template_key=original.template_key,
        job_family=original.job_family,
        countdown=original.countdown,
        seed=original.seed,
        sequence=drawn,
        replay_of_id=original.id,
    )
    db.session.add(session)
    db.session.commit()
    return session


def get_session(user_id: int, session_id: int) -> InterviewSession | None:
    """The session if it belongs to this person; None otherwise (the page answers 404)."""
    return db.session.scalar(
        select(InterviewSession).where(
            InterviewSession.id == session_id, InterviewSession.user_id == user_id
        )
    )


def unfinished_session(user_id: int) -> InterviewSession | None:
    return db.session.scalar(
        select(InterviewSession)
        .where(InterviewSession.user_id == user_id, InterviewSession.status == "in_progress")
        .order_by(InterviewSession.started_at.desc())
        .limit(1)
    )


def history(user_id: int) -> list[InterviewSession]:
    return list(
        db.session.scalars(
            select(InterviewSession)
            .where(InterviewSession.user_id == user_id, InterviewSession.status == "finished")
            .order_by(InterviewSession.finished_at.desc(), InterviewSession.id.desc())
        )
    )


# -- answering ----------------------------------------------------------------------------


def current_step(session: InterviewSession) -> Step | None:
    if session.finished or session.position >= len(session.sequence):
        return None
    return Step.from_dict(session.sequence[session.position])


def pending_open_answer(session: InterviewSession) -> InterviewAnswer | None:
    """An open answer typed at the current step but not yet rated."""
    for answer in session.answers:
        if answer.position == session.position and not answer.completed:
            return answer
    return None


def mark_shown(session: InterviewSession) -> None:
    """Start the clock for the current step the first time it is shown."""
    if session.step_shown_at is None and not session.finished:
        session.step_shown_at = utcnow()
        db.session.commit()


def _check_position(session: InterviewSession, position: int) -> Step:
    step = current_step(session)
    if step is None or position != session.position:
        raise OutOfStep()
    return step


def _elapsed(session: InterviewSession) -> int | None:
    if session.step_shown_at is None:
        return None
    return int((utcnow() - session.step_shown_at).total_seconds())


def _time_limit(step: Step) -> int | None:
    if step.kind != "question":
        return None
    return current_bank().questions[step.id].time_limit


def _timed_out(session: InterviewSession, step: Step, elapsed: int | None) -> bool:
    limit = _time_limit(step)
    return bool(
        session.countdown and limit and elapsed is not None and elapsed > limit + GRACE_SECONDS
    )


def _options_of(step: Step) -> tuple[Option, ...]:
    bank = current_bank()
    if step.kind == "incident":
        return bank.incidents[step.id].options
    return bank.questions[step.id].options


def answer_choice(session: InterviewSession, position: int, option_key: str) -> Option:
    step = _check_position(session, position)
    option = next((o for o in _options_of(step) if o.key == option_key), None)
    if option is None:
        raise StepRefused("option", "Choisissez une des réponses proposées.")
    elapsed = _elapsed(session)
    session.answers.append(
        InterviewAnswer(
            position=position,
            step_kind=step.kind,
            item_id=step.id,
            option_key=option.key,
            elapsed_seconds=elapsed,
            timed_out=_timed_out(session, step, elapsed),
            completed=True,
        )
    )
    if option.followup and option.followup not in {s["id"] for s in session.sequence}:
        followup = Step("question", option.followup, followup=True).as_dict()
        session.sequence = [
            *session.sequence[: position + 1],
            followup,
            *session.sequence[position + 1 :],
        ]
    _advance(session)
    return option


def answer_open_text(session: InterviewSession, position: int, text: str) -> None:
    step = _check_position(session, position)
    if step.kind != "question" or current_bank().questions[step.id].kind != "open":
        raise StepRefused("text", "Cette étape attend un choix de réponse.")
    if pending_open_answer(session) is not None:
        raise OutOfStep()
    text = text.strip()
    if len(text) > MAX_ANSWER_LENGTH:
        raise StepRefused("text", f"Votre réponse dépasse {MAX_ANSWER_LENGTH} caractères.")
    elapsed = _elapsed(session)
    session.answers.append(
        InterviewAnswer(
            position=position,
            step_kind="question",
            item_id=step.id,
            answer_text=text,
            elapsed_seconds=elapsed,
            timed_out=_timed_out(session, step, elapsed),
        )
    )
    _commit_answer()


def rate_open_answer(
    session: InterviewSession, position: int, rating: int | None, ticked: list[int]
) -> None:
    step = _check_position(session, position)
    answer = pending_open_answer(session)
    if answer is None:
        raise OutOfStep()
    question = current_bank().questions[step.id]
    if rating not in SELF_RATINGS:
        raise StepRefused("rating", "Dites comment vous jugez votre réponse.")
    if any(index not in range(len(question.checklist)) for index in ticked):
        raise StepRefused("checklist", "Cochez seulement les points de la liste.")
    answer.self_rating = rating
    answer.checklist = sorted(set(ticked))
    answer.completed = True
    _advance(session)


def _advance(session: InterviewSession) -> None:
    session.position += 1
    session.step_shown_at = None
    if session.position >= len(session.sequence):
        _finish(session)
    _commit_answer()


def _commit_answer() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # the same step answered twice at once
        db.session.rollback()
        raise OutOfStep() from error


def finish_now(session: InterviewSession) -> None:
    """End the session early; the report covers the steps answered so far."""
    if not session.finished:
        for answer in list(session.answers):
            if not answer.completed:
                session.answers.remove(answer)
        _finish(session)
        db.session.commit()


def _finish(session: InterviewSession) -> None:
    percentages = tally(current_bank(), _answered(session)).percentages()
    session.scores = percentages
    session.overall = overall(percentages)
    session.status = "finished"
    session.finished_at = utcnow()


def _answered(session: InterviewSession) -> list[AnsweredStep]:
    return [
        AnsweredStep(
            kind=answer.step_kind,
            item_id=answer.item_id,
            option_key=answer.option_key,
            self_rating=answer.self_rating,
            checklist=tuple(answer.checklist or ()),
            timed_out=answer.timed_out,
        )
        for answer in session.answers
        if answer.completed
    ]


def export_sessions(user_id: int) -> list[dict[str, Any]]:
    """Every session of the person with their answers, for the data export."""
    sessions = db.session.scalars(
        select(InterviewSession)
        .where(InterviewSession.user_id == user_id)
        .order_by(InterviewSession.id)
    )
    return [
        {
            "template": s.template_key,
            "job_family": s.job_family,
            "started_at": s.started_at.isoformat() + "Z",
            "finished_at": s.finished_at.isoformat() + "Z" if s.finished_at else None,
            "scores": s.scores,
            "overall": s.overall,
            "answers": [
                {
                    "step": a.item_id,
                    "option": a.option_key,
                    "text": a.answer_text,
                    "self_rating": a.self_rating,
                    "timed_out": a.timed_out,
                }
                for a in s.answers
            ],
        }
        for s in sessions
    ]
