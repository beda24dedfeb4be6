"""``emploistore jobs …``: import feeds, generate synthetic ones, keep the index, alerts."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from emploistore import db, utcnow
from job_search import alerts, importer, replica, service
from job_search.models import Offer
from job_search.settings import setting
from job_search.sources import SourceFileError
from job_search.tantivy_engine import IndexBusy

SHOWN_REJECTIONS = 50


@click.group("jobs")
def jobs() -> None:
    """Job offers: import feeds, keep the search index, send alerts."""


@jobs.command("sources")
@with_appcontext
def sources_command() -> None:
    """List the sources offers can be imported from."""
    for name, source in sorted(importer.all_sources().items()):
        flags = ", ".join(
            flag for flag, on in (("own", source.own), ("full feed", source.full_feed)) if on
        )
        click.echo(f"{name}\t{source.label}" + (f"\t({flags})" if flags else ""))


@jobs.command("import")
@click.argument("source_name", metavar="SOURCE")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--partial",
    is_flag=True,
    help="The file holds only some offers: do not withdraw the source's offers missing from it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-index", is_flag=True, help="Leave the search index to the servers' sync.")
@with_appcontext
def import_command(
    source_name: str, path: str, partial: bool, as_json: bool, no_index: bool
) -> None:
    """Import FILE from SOURCE: new offers added, changed ones updated, the rest unchanged."""
    known = importer.all_sources()
    source = known.get(source_name)
    if source is None:
        raise click.ClickException(
            f"unknown source {source_name!r}; known: {', '.join(sorted(known)) or 'none'}"
        )
    try:
        with open(path, "rb") as stream:
            report = importer.import_feed(
                source, stream, Path(path).name, full_feed=False if partial else None
            )
    except SourceFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{Path(path).name}: {error} (nothing was imported)") from error
    synced = None if no_index else replica.sync(service.engine())
    if as_json:
        body = {"source": source.name, **report.counts, "seconds": round(report.seconds, 2)}
        body["rejections"] = [{"line": line, "reason": why} for line, why in report.rejections]
        click.echo(json.dumps(body, ensure_ascii=False))
        return
    counts = report.counts
    click.echo(
        f"{source.name}: {counts['new']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['withdrawn']} withdrawn, "
        f"{counts['rejected']} rejected ({report.seconds:.1f} s)"
    )
    if counts["regrouped"]:
        click.echo(f"duplicates: {counts['regrouped']} offers regrouped")
    for line, why in report.rejections[:SHOWN_REJECTIONS]:
        click.echo(f"  line {line}: {why}", err=True)
    if report.rejected > SHOWN_REJECTIONS:
        click.echo(f"  … and {report.rejected - SHOWN_REJECTIONS} more rejections", err=True)
    if synced is not None:
        click.echo(_sync_line(synced))


def _sync_line(report: replica.SyncReport) -> str:
    if report.busy:
        return "search index: another process is writing it; the servers will catch up"
    verb = "rebuilt" if report.rebuilt else "updated"
    return (
        f"search index {verb}: {report.upserts} offers indexed, {report.deletes} removed "
        f"({report.seconds:.1f} s)"
    )


@jobs.command("generate")
@click.option("--count", default=3000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--out",
    "out",
    default="offers-feed",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the feeds into.",
)
@click.option("--duplicates", default=0.15, show_default=True, type=click.FloatRange(0, 0.45))
def generate_command(count: int, seed: int, out: str, duplicates: float) -> None:
    """Write a realistic synthetic feed in each supported format (for the demo and benchmark)."""
    from job_search.generate import generate_feeds

    written = generate_feeds(Path(out), count, seed, duplicate_share=duplicates)
    for name, path in written.items():
        click.echo(f"{name}\t{path}")


@jobs.command("sync")
@with_appcontext
def sync_command() -> None:
    """Bring this server's search index up to the database (a new server rebuilds it)."""
    click.echo(_sync_line(replica.sync(service.engine())))


@jobs.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild this server's search index from the offers table."""
    try:
        click.echo(_sync_line(replica.rebuild(service.engine())))
    except IndexBusy as busy:
        raise click.ClickException(
            "another process is writing the search index; try again when it is done"
        ) from busy


@jobs.command("expire")
@with_appcontext
def expire_command() -> None:
    """Withdraw the offers whose expiry date has passed."""
    count = importer.expire(utcnow())
    click.echo(f"{count} expired offers withdrawn")
    click.echo(_sync_line(replica.sync(service.engine())))


@jobs.command("alerts")
@with_appcontext
def alerts_command() -> None:
    """Send the new-offer digests of saved searches (run it daily, e.g. from cron)."""
    report = alerts.run_alerts()
    click.echo(
        f"{report.people} digests sent ({report.searches} searches, {report.offers} offers); "
        f"{report.skipped} saved searches skipped",
        file=sys.stdout,
    )


def prepare(app_demo: bool) -> list[str]:
    """At ``init``/``serve``: demo offers on an empty embedded store, then the index."""
    lines: list[str] = []
    if app_demo and db.session.scalar(select(Offer.id).limit(1)) is None:
        lines.extend(load_demo_offers())
    lines.append(_sync_line(replica.sync(service.engine())))
    return lines


def load_demo_offers(seed: int = 2026) -> list[str]:
    from job_search.generate import generate_feeds

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        written = generate_feeds(Path(folder), int(setting("DEMO_OFFERS")), seed, workers=1)
        known = importer.all_sources()
        for name, path in written.items():
            if name not in known:
                continue
            with open(path, "rb") as stream:
                report = importer.import_feed(known[name], stream, path.name)
            lines.append(f"demo offers from {name}: {report.new} imported")
    return lines
