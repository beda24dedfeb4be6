"""Offers, the change feed, import runs, and what job seekers keep (job_search_ tables).

The database is the source of truth; each server's search index is a replica fed from
``job_search_offer.change_seq`` (see replica.py). Every change to an offer that search can
see — new, updated, withdrawn, grouped with a duplicate or ungrouped — gives it the next
value of the one-row counter ``job_search_feed.seq``, taken under that row's lock, so the
sequence grows in commit order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from emploistore import db, utcnow

LIVE = "live"
WITHDRAWN = "withdrawn"


class Offer(db.Model):
    """One offer as one source published it. Duplicates point at their canonical offer."""

    __tablename__ = "job_search_offer"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_job_search_offer_change_seq", "change_seq"),
        Index("ix_job_search_offer_canonical_id", "canonical_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(500), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    rome_code: Mapped[str] = mapped_column(String(5), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    company_name: Mapped[str] = mapped_column(String(200), default="")
    company_siret: Mapped[str] = mapped_column(String(14), default="")
    commune_code: Mapped[str] = mapped_column(String(5))
    postal_code: Mapped[str] = mapped_column(String(5), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    contract_type: Mapped[str] = mapped_column(String(20))
    contract_months: Mapped[int | None] = mapped_column(Integer)
    working_time: Mapped[str | None] = mapped_column(String(10))
    experience: Mapped[str | None] = mapped_column(String(10))
    salary_text: Mapped[str] = mapped_column(String(200), default="")
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_period: Mapped[str | None] = mapped_column(String(10))
    salary_monthly: Mapped[int | None] = mapped_column(Integer)  # min, as gross € a month
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    # When the store first saw it: "new offers" for alerts, whatever date the source gives.
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=LIVE)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_reason: Mapped[str] = mapped_column(String(40), default="")
    content_hash: Mapped[str] = mapped_column(String(32))
    completeness: Mapped[int] = mapped_column(Integer, default=0)  # fields filled in
    # De-duplication keys (dedup.py), computed once at import.
    dedup_title: Mapped[str] = mapped_column(String(200), default="")
    dedup_company: Mapped[str] = mapped_column(String(200), default="")
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_search_offer.id", ondelete="SET NULL")
    )
    duplicate_reason: Mapped[str] = mapped_column(String(200), default="")
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)

    @property
    def is_live(self) -> bool:
        return self.status == LIVE


class FeedState(db.Model):
    """The change feed's counter: one row, id 1."""

    __tablename__ = "job_search_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ImportRun(db.Model):
    """What one ``emploistore jobs import`` did, for administrators."""

    __tablename__ = "job_search_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    rejections: Mapped[list[Any]] = mapped_column(JSON)  # the first 1,000 [line, reason]


class SavedOffer(db.Model):
    __tablename__ = "job_search_saved_offer"
    __table_args__ = (UniqueConstraint("user_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("job_search_offer.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearch(db.Model):
    """A search kept by a job seeker, with an optional alert digest of new offers."""

    __tablename__ = "job_search_saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)  # the query string, as lists
    alert: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # New offers are those first seen after this moment.
    last_alert_at: Mapped[datetime] = mapped_column(default=utcnow)
