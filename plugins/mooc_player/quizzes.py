"""Quiz attempts: shuffled, scored, limited in number and spaced in time."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from emploistore import db, utcnow
from mooc_player.content import Course, Lesson, Quiz
from mooc_player.models import Enrolment, QuizAttempt
from mooc_player.services import complete_lesson, record


class QuizRefused(RuntimeError):
    """No attempt possible now; ``reason`` is shown to the learner."""

    def __init__(self, reason: str, retry_at: datetime | None = None) -> None:
        self.retry_at = retry_at
        super().__init__(reason)


@dataclass
class QuizState:
    attempts: list[QuizAttempt]
    passed: bool
    remaining: int
    retry_at: datetime | None = None

    @property
    def finished_without_passing(self) -> bool:
        return not self.passed and self.remaining == 0


def attempts_of(enrolment: Enrolment, lesson: Lesson) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.lesson_key == lesson.key)
            .order_by(QuizAttempt.id)
        )
    )


def quiz_state(enrolment: Enrolment, lesson: Lesson) -> QuizState:
    quiz = _quiz(lesson)
    attempts = attempts_of(enrolment, lesson)
    submitted = [a for a in attempts if a.submitted_at is not None]
    passed = any(a.passed for a in submitted)
    retry_at = None
    if submitted and not passed and quiz.wait_minutes:
        retry_at = submitted[-1].submitted_at + timedelta(minutes=quiz.wait_minutes)
        if retry_at <= utcnow():
            retry_at = None
    return QuizState(
        attempts=submitted,
        passed=passed,
        remaining=max(0, quiz.max_attempts - len(submitted)),
        retry_at=retry_at,
    )


def _quiz(lesson: Lesson) -> Quiz:
    if lesson.quiz is None:
        raise QuizRefused("Cette leçon n'est pas un quiz.")
    return lesson.quiz


def open_attempt(enrolment: Enrolment, lesson: Lesson) -> QuizAttempt:
    """The attempt in progress, or a new one with questions and choices shuffled."""
    quiz = _quiz(lesson)
    state = quiz_state(enrolment, lesson)
    if state.passed:
        raise QuizRefused("Vous avez déjà réussi ce quiz.")
    if state.remaining == 0:
        raise QuizRefused("Vous avez utilisé toutes vos tentatives pour ce quiz.")
    if state.retry_at is not None:
        raise QuizRefused("Patientez avant votre prochaine tentative.", state.retry_at)
    pending = next((a for a in attempts_of(enrolment, lesson) if a.submitted_at is None), None)
    if pending is not None:
        return pending
    rng = random.Random(secrets.randbits(32))
    questions = list(quiz.questions)
    rng.shuffle(questions)
    order = []
    for question in questions:
        keys = [choice.key for choice in question.choices]
        rng.shuffle(keys)
        order.append([question.key, keys])
    attempt = QuizAttempt(enrolment_id=enrolment.id, lesson_key=lesson.key, order=order)
    db.session.add(attempt)
    db.session.commit()
    return attempt


@dataclass
class QuestionResult:
    key: str
    correct: bool
    feedback: list[str] = field(default_factory=list)


def submit(
    user_id: int,
    course: Course,
    enrolment: Enrolment,
    lesson: Lesson,
    attempt_id: int,
    answers: dict[str, list[str]],
) -> tuple[QuizAttempt, list[QuestionResult]]:
    """Score an open attempt of this learner; refuse anything else."""
    quiz = _quiz(lesson)
    attempt = db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.id == attempt_id,
            QuizAttempt.enrolment_id == enrolment.id,
            QuizAttempt.lesson_key == lesson.key,
            QuizAttempt.submitted_at.is_(None),
        )
    )
    if attempt is None:
        raise QuizRefused("Cette tentative n'existe pas ou est déjà corrigée.")
    results: list[QuestionResult] = []
    for question in quiz.questions:
        chosen = set(answers.get(question.key, []))
        valid = {choice.key for choice in question.choices}
        chosen &= valid
        if question.kind == "single" and len(chosen) > 1:
            chosen = set()
        results.append(
            QuestionResult(
                key=question.key,
                correct=chosen == question.correct_keys,
                feedback=[c.feedback for c in question.choices if c.key in chosen],
            )
        )
    score = round(100 * sum(r.correct for r in results) / len(results))
    # One UPDATE guarded by "not yet submitted": of two posts of the same attempt at
    # once, exactly one is scored.
    closed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(
            answers={q.key: sorted(set(answers.get(q.key, []))) for q in quiz.questions},
            score=score,
            passed=score >= quiz.pass_mark,
            submitted_at=utcnow(),
        )
    )
    if closed.rowcount != 1:
        db.session.rollback()
        raise QuizRefused("Cette tentative n'existe pas ou est déjà corrigée.")
    db.session.refresh(attempt)
    result = {"score": {"scaled": score / 100}, "success": attempt.passed}
    record(user_id, "attempted", course, lesson.key, lesson.title, result)
    record(
        user_id, "passed" if attempt.passed else "failed", course, lesson.key, lesson.title, result
    )
    if attempt.passed:
        complete_lesson(user_id, course, enrolment, lesson, result)
    db.session.commit()
    return attempt, results
