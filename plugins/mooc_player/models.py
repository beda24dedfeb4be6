"""Enrolments, lesson progress, quiz attempts and the activity log (mooc_player_ tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore import db, utcnow


class Enrolment(db.Model):
    __tablename__ = "mooc_player_enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_lesson_key: Mapped[str | None] = mapped_column(String(60))
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Printed on the certificate and checked at the public verification page.
    certificate_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    certificate_name: Mapped[str] = mapped_column(String(80), default="")

    progress: Mapped[list[LessonProgress]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan"
    )


class LessonProgress(db.Model):
    __tablename__ = "mooc_player_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("mooc_player_enrolment.id", ondelete="CASCADE")
    )
    lesson_key: Mapped[str] = mapped_column(String(60))
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    video_position: Mapped[int] = mapped_column(default=0)  # seconds, to resume a video
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="progress")


class QuizAttempt(db.Model):
    """Created when the quiz is shown (with its shuffled order), closed when answered."""

    __tablename__ = "mooc_player_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("mooc_player_enrolment.id", ondelete="CASCADE"), index=True
    )
    lesson_key: Mapped[str] = mapped_column(String(60))
    # question key → choice keys, in the order shown
    order: Mapped[list[Any]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    score: Mapped[int | None] = mapped_column(default=None)  # percent
    passed: Mapped[bool | None] = mapped_column(default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)


class Statement(db.Model):
    """One learner event, shaped like an xAPI statement (actor, verb, object, result)."""

    __tablename__ = "mooc_player_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    verb: Mapped[str] = mapped_column(String(20))
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    object_key: Mapped[str] = mapped_column(String(60))  # a lesson key, or the course slug
    object_name: Mapped[str] = mapped_column(String(120))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
