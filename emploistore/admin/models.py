"""The audit log: who decided what, on which subject, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emploistore.accounts.models import User
from emploistore.database import db, utcnow


class AuditEvent(db.Model):
    """One administrative or partner decision; never updated, never deleted with its subject.

    ``subject`` is a stable reference such as ``listing:12`` or ``organisation:3``;
    ``detail`` holds the decision's data (a reason, a revision number), never secrets.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(80), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


def record_audit(
    action: str,
    subject: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        action=action,
        subject=subject,
        organisation_id=organisation_id,
        detail=detail,
    )
    db.session.add(event)
    return event
