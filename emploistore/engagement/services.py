"""Favourites, launches and reviews; every query is scoped to its owner."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing
from emploistore.catalog.services import visible_listings
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db, utcnow
from emploistore.engagement.models import Favourite, LaunchEvent, Review, ReviewFlag, ReviewState

MAX_REVIEW_LENGTH = 2000


class ReviewRefused(ValueError):
    """The review cannot be saved; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def favourite_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(Favourite.listing_id).where(Favourite.user_id == user.id)))


def favourites_of(user: User) -> list[Listing]:
    """The person's favourites that can still be opened (withdrawn services drop out)."""
    return list(
        db.session.scalars(
            visible_listings()
            .join(Favourite, Favourite.listing_id == Listing.id)
            .where(Favourite.user_id == user.id)
            .order_by(Favourite.created_at.desc())
        )
    )


def set_favourite(user: User, listing: Listing, wanted: bool) -> bool:
    """Add or remove a favourite; idempotent. Returns whether it is now a favourite."""
    existing = db.session.scalar(
        select(Favourite).where(Favourite.user_id == user.id, Favourite.listing_id == listing.id)
    )
    if wanted and existing is None:
        db.session.add(Favourite(user_id=user.id, listing_id=listing.id))
        db.session.execute(
            update(Listing)
            .where(Listing.id == listing.id)
            .values(favourite_count=Listing.favourite_count + 1)
        )
        try:
            db.session.commit()
        except IntegrityError:  # the same person clicked twice at once
            db.session.rollback()
    elif not wanted and existing is not None:
        db.session.delete(existing)
        db.session.execute(
            update(Listing)
            .where(Listing.id == listing.id)
            .values(favourite_count=Listing.favourite_count - 1)
        )
        db.session.commit()
    return wanted


def record_launch(listing: Listing, user: User | None) -> None:
    db.session.add(LaunchEvent(listing_id=listing.id, user_id=user.id if user else None))
    db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id)
        .values(launch_count=Listing.launch_count + 1)
    )
    db.session.commit()


def has_launched(user: User, listing: Listing) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(LaunchEvent.user_id == user.id, LaunchEvent.listing_id == listing.id)
            )
        )
    )


def review_of(user: User, listing: Listing) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.user_id == user.id, Review.listing_id == listing.id)
    )


def visible_reviews(listing: Listing, limit: int = 20) -> list[Review]:
    return list(
        db.session.scalars(
            select(Review)
            .options(joinedload(Review.user))
            .where(Review.listing_id == listing.id, Review.state != ReviewState.HIDDEN)
            .order_by(Review.updated_at.desc())
            .limit(limit)
        )
    )


def save_review(user: User, listing: Listing, rating: int, text: str) -> Review:
    """Create or replace the person's one review of a service they launched from the store."""
    if not has_launched(user, listing):
        raise ReviewRefused(
            "rating",
            _("Vous pourrez donner votre avis après avoir ouvert ce service depuis le store."),
        )
    if not 1 <= rating <= 5:
        raise ReviewRefused("rating", _("Choisissez une note de 1 à 5 étoiles."))
    text = text.strip()
    if len(text) > MAX_REVIEW_LENGTH:
        raise ReviewRefused("text", _("Votre avis dépasse %(n)s caractères.", n=MAX_REVIEW_LENGTH))
    review = review_of(user, listing)
    if review is None:
        review = Review(user_id=user.id, listing_id=listing.id, rating=rating, text=text)
        db.session.add(review)
        db.session.execute(
            update(Listing)
            .where(Listing.id == listing.id)
            .values(rating_count=Listing.rating_count + 1, rating_sum=Listing.rating_sum + rating)
        )
    else:
        if review.state != ReviewState.HIDDEN:
            db.session.execute(
                update(Listing)
                .where(Listing.id == listing.id)
                .values(rating_sum=Listing.rating_sum - review.rating + rating)
            )
        review.rating, review.text, review.updated_at = rating, text, utcnow()
    bump_catalog_version()
    db.session.commit()
    return review


def flag_review(review: Review, user: User) -> bool:
    """A person reports a review (once); it stays visible and joins the moderation queue.

    Returns False when this person had already reported it.
    """
    if review.user_id == user.id:
        return False
    db.session.add(ReviewFlag(review_id=review.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    review.flag_count += 1
    if review.state == ReviewState.VISIBLE:
        review.state = ReviewState.FLAGGED
    db.session.commit()
    return True


def moderate_review(review: Review, visible: bool) -> None:
    """An administrator keeps (visible) or hides a review; ratings follow."""
    was_counted = review.state != ReviewState.HIDDEN
    review.state = ReviewState.VISIBLE if visible else ReviewState.HIDDEN
    if visible:  # kept: the reports are settled, and new ones may come
        db.session.execute(delete(ReviewFlag).where(ReviewFlag.review_id == review.id))
        review.flag_count = 0
    delta = int(visible) - int(was_counted)
    if delta:
        db.session.execute(
            update(Listing)
            .where(Listing.id == review.listing_id)
            .values(
                rating_count=Listing.rating_count + delta,
                rating_sum=Listing.rating_sum + delta * review.rating,
            )
        )
    bump_catalog_version()
    db.session.commit()
