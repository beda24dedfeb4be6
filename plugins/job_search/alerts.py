"""New-offer alerts: one digest per person for their saved searches with an alert.

``emploistore jobs alerts`` (run it from cron, e.g. every morning) finds, for each saved
search with an alert, the offers the store first saw since the last digest, and sends the
person one e-mail listing them. The sender is pluggable (``JOB_SEARCH["MAIL_SENDER"]``):
``file`` (default: one .eml file per message in ``instance/outbox``, readable by the
owner only), ``console`` (printed on standard output, for development), or
``package.module:function`` taking an :class:`email.message.EmailMessage`.
Nothing about the person is logged.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import current_app, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from emploistore import db, email_addresses, utcnow
from job_search import replica, service
from job_search.importer import all_sources
from job_search.models import SavedSearch
from job_search.query import QueryError, parse_query
from job_search.records import CONTRACT_TYPES
from job_search.referential import resolve_place
from job_search.settings import setting

Sender = Callable[[EmailMessage], None]
PER_SEARCH = 10


@dataclass
class AlertReport:
    people: int = 0
    searches: int = 0
    offers: int = 0
    skipped: int = 0  # saved searches whose parameters no longer parse


def file_sender(message: EmailMessage) -> None:
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(mode=0o700, exist_ok=True)
    name = make_msgid(domain="emploistore").strip("<>").replace("@", "_") + ".eml"
    path = outbox / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(message.as_bytes())


def console_sender(message: EmailMessage) -> None:
    sys.stdout.write(message.as_string() + "\n")


def sender() -> Sender:
    chosen = setting("MAIL_SENDER")
    if chosen == "file":
        return file_sender
    if chosen == "console":
        return console_sender
    if isinstance(chosen, str) and ":" in chosen:
        module, _, name = chosen.partition(":")
        return getattr(importlib.import_module(module), name)
    if callable(chosen):
        return chosen
    raise ValueError(f"JOB_SEARCH['MAIL_SENDER']: unknown sender {chosen!r}")


def base_url() -> str:
    configured = current_app.config.get("OAUTH_ISSUER") or "http://127.0.0.1:8000"
    return str(configured).rstrip("/")


def _digest(
    email: str, parts: list[tuple[SavedSearch, int, list[Any]]], now: datetime
) -> EmailMessage:
    total = sum(count for _, count, _ in parts)
    lines = [
        "Bonjour,",
        "",
        f"Voici les nouvelles offres pour vos recherches ({total} en tout).",
        "",
    ]
    for kept, count, hits in parts:
        plural = "s" if count > 1 else ""
        lines.append(f"« {kept.name} » : {count} nouvelle{plural} offre{plural}")
        for hit in hits:
            card = hit.card
            contract = CONTRACT_TYPES.get(card["ct"], card["ct"])
            company = f" – {card['co']}" if card.get("co") else ""
            lines.append(f"  • {card['t']}{company}, {card['city']}, {contract}")
            lines.append("    " + url_for("job_search.offer", offer_id=hit.id, _external=True))
        if count > len(hits):
            everything = url_for("job_search.index", _external=True) + "?" + _query(kept.params)
            lines.append(f"  Toutes les offres : {everything}")
        lines.append("")
    lines += [
        "Pour arrêter ces messages, ouvrez « Mes recherches » et décochez l'alerte :",
        url_for("job_search.saved_searches", _external=True),
        "",
        "Emploi Store",
    ]
    message = EmailMessage()
    message["To"] = email
    message["From"] = setting("MAIL_FROM")
    message["Subject"] = (
        f"{total} nouvelle{'s' if total > 1 else ''} offre{'s' if total > 1 else ''} pour vous"
    )
    message["Date"] = format_datetime(now.replace(tzinfo=UTC), usegmt=True)
    message["Message-ID"] = make_msgid(domain="emploistore")
    message.set_content("\n".join(lines))
    return message


def run_alerts(now: datetime | None = None, send: Sender | None = None) -> AlertReport:
    """Send every digest due; each saved search then starts again from ``now``."""
    now = now or utcnow()
    send = send or sender()
    # Offers this server has not indexed yet would otherwise never be sent.
    replica.sync(service.engine())
    report = AlertReport()
    sources = list(all_sources())
    due = db.session.scalars(
        select(SavedSearch)
        .where(SavedSearch.alert.is_(True))
        .order_by(SavedSearch.user_id, SavedSearch.id)
    ).all()
    emails = email_addresses(kept.user_id for kept in due)
    by_person: dict[str, list[tuple[SavedSearch, int, list[Any]]]] = defaultdict(list)
    for kept in due:
        email = emails.get(kept.user_id)
        if email is None:
            continue
        try:
            query = parse_query(MultiDict(_pairs(kept.params)), sources, resolve_place)
        except QueryError:
            report.skipped += 1
            continue
        query = replace(
            query, seen_after=kept.last_alert_at, sort="date", page=1, per_page=PER_SEARCH
        )
        page = service.search(query, facets=False)
        kept.last_alert_at = now
        if page.results.total:
            by_person[email].append((kept, page.results.total, page.results.hits))
            report.searches += 1
            report.offers += page.results.total
    with current_app.test_request_context("/", base_url=base_url()):
        for email, parts in by_person.items():
            send(_digest(email, parts, now))
            report.people += 1
    db.session.commit()
    return report


def _query(params: dict[str, Any]) -> str:
    return urlencode(_pairs({**params, "sort": "date"}))


def _pairs(params: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((key, str(v)) for v in values)
    return pairs
