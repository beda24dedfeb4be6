"""The search outbox: index changes written in the same transaction as the data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from emploistore.database import db, utcnow


class SearchOutboxEntry(db.Model):
    """A document to (re)index or delete; the single index writer drains these rows."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(120))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
