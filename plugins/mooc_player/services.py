"""Enrolment, progress, resume and completion; every query is scoped to the learner."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from emploistore import db, utcnow
from mooc_player.content import Course, Lesson
from mooc_player.models import Enrolment, LessonProgress, Statement

COURSES_KEY = "mooc_player.courses"
VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}


def courses() -> dict[str, Course]:
    return current_app.extensions[COURSES_KEY]


def record(
    user_id: int,
    verb: str,
    course: Course,
    key: str,
    name: str,
    result: dict[str, Any] | None = None,
) -> None:
    """Add a statement to the activity log (in the caller's transaction)."""
    db.session.add(
        Statement(
            user_id=user_id,
            verb=verb,
            course_slug=course.slug,
            object_key=key,
            object_name=name[:120],
            result=result,
        )
    )


def enrolment_of(user_id: int, course: Course) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_slug == course.slug)
    )


def enrolments(user_id: int) -> dict[str, Enrolment]:
    return {
        e.course_slug: e
        for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user_id))
    }


def enrol(user_id: int, course: Course) -> Enrolment:
    """Enrol once; enrolling again returns the existing enrolment."""
    existing = enrolment_of(user_id, course)
    if existing is not None:
        return existing
    enrolment = Enrolment(user_id=user_id, course_slug=course.slug)
    db.session.add(enrolment)
    record(user_id, "registered", course, course.slug, course.title)
    try:
        db.session.commit()
    except IntegrityError:  # enrolled twice at once
        db.session.rollback()
        return enrolment_of(user_id, course)  # type: ignore[return-value]
    return enrolment


def done_keys(enrolment: Enrolment) -> set[str]:
    return {p.lesson_key for p in enrolment.progress if p.completed_at is not None}


@dataclass
class ModuleProgress:
    title: str
    key: str
    lessons: list[tuple[Lesson, bool]]

    @property
    def percent(self) -> int:
        required = [done for lesson, done in self.lessons if lesson.required]
        return round(100 * sum(required) / len(required)) if required else 100


def outline(course: Course, enrolment: Enrolment | None) -> list[ModuleProgress]:
    done = done_keys(enrolment) if enrolment else set()
    return [
        ModuleProgress(
            title=module.title,
            key=module.key,
            lessons=[(lesson, lesson.key in done) for lesson in module.lessons],
        )
        for module in course.modules
    ]


def course_percent(course: Course, enrolment: Enrolment | None) -> int:
    if enrolment is None:
        return 0
    required = course.required_keys
    return round(100 * len(required & done_keys(enrolment)) / len(required)) if required else 100


def resume_lesson(course: Course, enrolment: Enrolment) -> Lesson:
    """Where to go back: the last lesson opened, else the first lesson not done."""
    if enrolment.last_lesson_key and course.lesson(enrolment.last_lesson_key):
        return course.lesson(enrolment.last_lesson_key)  # type: ignore[return-value]
    done = done_keys(enrolment)
    return next((lesson for lesson in course.lessons if lesson.key not in done), course.lessons[0])


def _progress(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    for progress in enrolment.progress:
        if progress.lesson_key == lesson.key:
            return progress
    progress = LessonProgress(lesson_key=lesson.key)
    enrolment.progress.append(progress)
    return progress


def open_lesson(
    user_id: int, course: Course, enrolment: Enrolment, lesson: Lesson
) -> LessonProgress | None:
    """Remember the lesson as the place to resume; log it the first time."""
    if enrolment.last_lesson_key != lesson.key:
        enrolment.last_lesson_key = lesson.key
        record(user_id, "experienced", course, lesson.key, lesson.title)
        db.session.commit()
    return next((p for p in enrolment.progress if p.lesson_key == lesson.key), None)


def save_video_position(enrolment: Enrolment, lesson: Lesson, seconds: int) -> None:
    if lesson.kind != "video":
        raise ValueError("only videos have a position")
    _progress(enrolment, lesson).video_position = max(0, min(seconds, 24 * 3600))
    db.session.commit()


def mark_done(user_id: int, course: Course, enrolment: Enrolment, lesson: Lesson) -> bool:
    """A text, resource or video lesson done; quizzes are done by passing them."""
    if lesson.kind == "quiz":
        raise ValueError("a quiz is done by passing it")
    newly = complete_lesson(user_id, course, enrolment, lesson, None)
    db.session.commit()
    return newly


def complete_lesson(
    user_id: int,
    course: Course,
    enrolment: Enrolment,
    lesson: Lesson,
    result: dict[str, Any] | None,
) -> bool:
    """Mark a lesson done (once), log it, and finish the course when it was the last."""
    progress = _progress(enrolment, lesson)
    if progress.completed_at is not None:
        return False
    progress.completed_at = utcnow()
    record(user_id, "completed", course, lesson.key, lesson.title, result)
    db.session.flush()
    _maybe_finish_course(user_id, course, enrolment)
    return True


def _maybe_finish_course(user_id: int, course: Course, enrolment: Enrolment) -> None:
    """When every required lesson is done, the course is complete: issue the certificate."""
    if enrolment.completed_at is not None or not course.required_keys <= done_keys(enrolment):
        return
    from emploistore.accounts.models import User  # the holder's name, read once

    enrolment.completed_at = utcnow()
    enrolment.certificate_code = new_certificate_code()
    user = db.session.get(User, user_id)
    enrolment.certificate_name = (user.display_name if user else "")[:80]
    record(user_id, "completed", course, course.slug, course.title, {"completion": True})


def new_certificate_code() -> str:
    """12 characters from an alphabet without look-alikes, grouped by four: ABCD-EFGH-JKMN."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def certificate(code: str) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.certificate_code == code.upper()))


# -- activity log ----------------------------------------------------------------------------


def statement_json(statement: Statement, actor: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": actor,
        "verb": {"id": VERBS[statement.verb], "display": {"en-US": statement.verb}},
        "object": {
            "id": f"urn:emploistore:mooc:{statement.course_slug}"
            + ("" if statement.object_key == statement.course_slug else f":{statement.object_key}"),
            "definition": {"name": {"fr-FR": statement.object_name}},
        },
        "timestamp": statement.timestamp.isoformat() + "Z",
    }
    if statement.result:
        body["result"] = statement.result
    return body


def learner_statements(user_id: int, email: str) -> list[dict[str, Any]]:
    actor = {"objectType": "Agent", "mbox": f"mailto:{email}"}
    rows = db.session.scalars(
        select(Statement).where(Statement.user_id == user_id).order_by(Statement.id)
    )
    return [statement_json(row, actor) for row in rows]


def export_enrolments(user_id: int) -> list[dict[str, Any]]:
    """Courses, progress and quiz attempts of the person, for the data export."""
    from mooc_player.models import QuizAttempt

    rows = []
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user_id)):
        attempts = db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id)
        )
        rows.append(
            {
                "course": enrolment.course_slug,
                "enrolled_at": enrolment.enrolled_at.isoformat() + "Z",
                "completed_at": enrolment.completed_at.isoformat() + "Z"
                if enrolment.completed_at
                else None,
                "certificate_code": enrolment.certificate_code,
                "lessons_done": sorted(done_keys(enrolment)),
                "quiz_attempts": [
                    {"quiz": a.lesson_key, "score": a.score, "passed": a.passed}
                    for a in attempts
                    if a.submitted_at is not None
                ],
            }
        )
    return rows
