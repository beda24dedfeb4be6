"""Accounts: people who use the store, and the failed log-ins that throttle guessing."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from emploistore.database import db, utcnow


class Role(enum.StrEnum):
    SEEKER = "seeker"
    PARTNER = "partner"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.SEEKER.value)
    # Bumped when the password or the role changes: every older session stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def public_name(self) -> str:
        """The name shown beside a review: the display name, never the e-mail."""
        return self.display_name or "Utilisateur"


class FailedLogin(db.Model):
    """One failed log-in; keys are keyed hashes, never the e-mail or address itself."""

    __tablename__ = "failed_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
