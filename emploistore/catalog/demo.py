"""Demo content for the embedded store: a few reviewers, their launches and reviews.

Deterministic (fixed seed) and added once. Demo accounts cannot log in: their password
hash is not the hash of any password.
"""

from __future__ import annotations

import random

from sqlalchemy import select, update

from emploistore.accounts.models import User
from emploistore.catalog.models import Listing, ListingStatus
from emploistore.catalog.state import bump_catalog_version
from emploistore.database import db
from emploistore.engagement.models import LaunchEvent, Review

DEMO_DOMAIN = "demo.emploi-store.example"
REVIEWERS = ("Camille", "Karim", "Sandrine", "Yanis", "Mireille", "Thomas", "Awa", "Julien")
REVIEWS = (
    (5, "Simple et clair. J'ai trouvé ce que je cherchais en quelques minutes."),
    (5, "Très utile pour préparer mon rendez-vous avec ma conseillère."),
    (4, "Bien fait, même sur mon téléphone. Il manque juste un peu d'exemples."),
    (4, "Les explications sont claires, j'ai appris des choses."),
    (3, "Correct, mais il faut créer un compte avant de voir quoi que ce soit."),
    (5, "Ça m'a redonné confiance avant mon entretien."),
    (4, "Pratique pour comparer les offres de ma région."),
    (2, "La page met longtemps à charger chez moi."),
    (5, "Enfin un outil qui parle simplement !"),
    (3, "Utile, mais certaines informations datent un peu."),
    (4, "J'ai pu m'inscrire à une formation grâce à ce service."),
    (5, "Mon fils l'a utilisé pour son stage, il a trouvé tout de suite."),
)


def load_demo_content(seed: int = 2015) -> int:
    """Add the demo reviewers and their reviews if they are not there yet; return the count."""
    if db.session.scalar(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}")).limit(1)):
        return 0
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.status == ListingStatus.PUBLISHED.value)
        .order_by(Listing.slug)
    ).all()
    if not listings:
        return 0
    rng = random.Random(seed)
    users = [
        User(email=f"{name.lower()}@{DEMO_DOMAIN}", password_hash="!demo", display_name=name)  # noqa: S106
        for name in REVIEWERS
    ]
    db.session.add_all(users)
    db.session.flush()
    count = 0
    for listing in rng.sample(list(listings), k=min(24, len(listings))):
        reviewers = rng.sample(users, k=rng.randint(1, 4))
        for user in reviewers:
            rating, text = rng.choice(REVIEWS)
            db.session.add(LaunchEvent(listing_id=listing.id, user_id=user.id))
            db.session.add(Review(user_id=user.id, listing_id=listing.id, rating=rating, text=text))
            db.session.execute(
                update(Listing)
                .where(Listing.id == listing.id)
                .values(
                    launch_count=Listing.launch_count + 1,
                    rating_count=Listing.rating_count + 1,
                    rating_sum=Listing.rating_sum + rating,
                )
            )
            count += 1
    bump_catalog_version()
    db.session.commit()
    return count
