"""Sessions and answers; every table is prefixed interview_sim_."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore import db, utcnow


class InterviewSession(db.Model):
    __tablename__ = "interview_sim_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    template_key: Mapped[str] = mapped_column(String(30))
    job_family: Mapped[str | None] = mapped_column(String(5))
    countdown: Mapped[bool] = mapped_column(default=False)
    seed: Mapped[int] = mapped_column(BigInteger)
    # The drawn steps, then the follow-ups the answers brought in: enough for exact replay.
    sequence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
    step_shown_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    overall: Mapped[int | None] = mapped_column(default=None)
    replay_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_sim_session.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    answers: Mapped[list[InterviewAnswer]] = relationship(
        back_populates="session",
        order_by="InterviewAnswer.position",
        cascade="all, delete-orphan",
    )

    @property
    def finished(self) -> bool:
        return self.status == "finished"


class InterviewAnswer(db.Model):
    __tablename__ = "interview_sim_answer"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("interview_sim_session.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column()
    step_kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(60))
    option_key: Mapped[str | None] = mapped_column(String(1))
    answer_text: Mapped[str] = mapped_column(Text, default="")
    self_rating: Mapped[int | None] = mapped_column(default=None)
    checklist: Mapped[list[int]] = mapped_column(JSON, default=list)
    elapsed_seconds: Mapped[int | None] = mapped_column(default=None)
    timed_out: Mapped[bool] = mapped_column(default=False)
    # An open answer is typed first, then rated against the model answer.
    completed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[InterviewSession] = relationship(back_populates="answers")
