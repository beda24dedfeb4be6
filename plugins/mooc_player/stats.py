"""Figures for administrators: enrolments, completion and quiz pass rates, activity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from emploistore import db
from mooc_player.content import Course
from mooc_player.models import Enrolment, QuizAttempt, Statement


@dataclass
class QuizFigures:
    title: str
    attempts: int
    passed_attempts: int
    learners: int
    learners_passed: int

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.learners_passed / self.learners) if self.learners else None


@dataclass
class CourseFigures:
    course: Course
    enrolled: int
    completed: int
    quizzes: list[QuizFigures]

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completed / self.enrolled) if self.enrolled else None


def course_figures(course: Course) -> CourseFigures:
    enrolled = db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.course_slug == course.slug)
    )
    completed = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.course_slug == course.slug, Enrolment.completed_at.is_not(None)
        )
    )
    quizzes = []
    for lesson in course.lessons:
        if lesson.kind != "quiz":
            continue
        rows = db.session.execute(
            select(QuizAttempt.enrolment_id, QuizAttempt.passed)
            .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
            .where(
                Enrolment.course_slug == course.slug,
                QuizAttempt.lesson_key == lesson.key,
                QuizAttempt.submitted_at.is_not(None),
            )
        ).all()
        quizzes.append(
            QuizFigures(
                title=lesson.title,
                attempts=len(rows),
                passed_attempts=sum(1 for _, passed in rows if passed),
                learners=len({enrolment for enrolment, _ in rows}),
                learners_passed=len({enrolment for enrolment, passed in rows if passed}),
            )
        )
    return CourseFigures(
        course=course, enrolled=enrolled or 0, completed=completed or 0, quizzes=quizzes
    )


def aggregated_activity() -> list[dict[str, Any]]:
    """Statements counted per day, course, object and verb: no learner appears."""
    day = func.date(Statement.timestamp)
    rows = db.session.execute(
        select(day, Statement.course_slug, Statement.object_key, Statement.verb, func.count())
        .group_by(day, Statement.course_slug, Statement.object_key, Statement.verb)
        .order_by(day, Statement.course_slug, Statement.object_key, Statement.verb)
    ).all()
    return [
        {"date": str(date), "course": course, "object": key, "verb": verb, "count": count}
        for date, course, key, verb, count in rows
    ]
