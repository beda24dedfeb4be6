"""Payload types that plugins return from hooks (re-exported by ``emploistore``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page, under "Vos services"."""

    title: str
    text: str
    url: str
    link_label: str = "Ouvrir"


@dataclass(frozen=True)
class AccountTab:
    """A tab on the account page, linking to a page the plugin serves for that person."""

    label: str
    url: str


@dataclass(frozen=True)
class SearchDocument:
    """Content inside a service (a course, a lesson…) findable from the store's search.

    ``key`` is unique within the plugin; ``url`` is where the result links to.
    """

    key: str
    title: str
    text: str
    url: str
