"""How long the CV builder takes to export a long CV: PDF (WeasyPrint), plain text, JSON Resume.

What it measures
    A store app is built in this process on a fresh SQLite database in a temporary folder
    (the migrations are run, as ``emploistore init`` does). One job seeker owns one
    realistic CV: every section filled, a photo, French text with « œ », « é », « ç » —
    three A4 pages in the single-column template (``cv_builder.sample``). Each export is
    then requested through the app's test client, exactly as the browser's download link
    asks for it (``GET /cv-builder/cv/<id>/cv.pdf``, ``cv.txt``, ``cv.json``): owner
    check, database read, rendering and the response, but no network.

    WeasyPrint's import (once per worker process) and the first PDF of the process (fonts
    found and loaded) are timed on their own; then, for each template, a warm-up and
    ``--runs`` measured exports. The table gives median, p95 (nearest rank), min and max in
    milliseconds, the size and the number of pages. The goal of the issue: a median under
    2 s for the PDF.

How to run
    python3 bench/cv_export.py               # 20 runs of each export
    python3 bench/cv_export.py --runs 50 --json /tmp/cv_export.json

Exit status: 0 when the measurement ran (goal met or not), 1 when an export failed, 2 when
PDF export is unavailable on this machine (WeasyPrint or Pango missing).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loadgen import percentile

ROOT = Path(__file__).resolve().parent.parent
GOAL_MEDIAN_MS = 2000.0
TEMPLATES = ("classique", "moderne", "elegant")


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    size: int = 0
    pages: int | None = None

    def ms(self, p: float) -> float:
        return percentile(self.seconds, p) * 1000.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="measured exports of each kind")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured exports first")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be positive and --warmup not negative")
    return args


def build_store(folder: Path) -> tuple[Any, Any, int]:
    """An app with its schema migrated, one job seeker and the sample CV with a photo."""
    from cv_builder import services
    from cv_builder.models import CV
    from cv_builder.sample import sample_content
    from PIL import Image

    from emploistore import create_app, db
    from emploistore.accounts.services import create_user

    for name in [n for n in os.environ if n.startswith("EMPLOISTORE_")]:
        del os.environ[name]
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-long-enough-0123456789abcdef",
            "INSTANCE_PATH": str(folder / "instance"),
            "CATALOG": str(ROOT / "tests" / "data" / "catalog_small.yaml"),
            "SESSION_COOKIE_SECURE": False,
            "DEMO_CONTENT": False,
        }
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
    if result.exit_code != 0:
        raise RuntimeError(f"migrations failed: {result.output}")
    photo = io.BytesIO()
    Image.new("RGB", (900, 1200), (40, 90, 150)).save(photo, format="JPEG", quality=90)
    with app.app_context():
        user = create_user("bench@example.org", "un mot de passe solide", display_name="Bench")
        db.session.commit()
        cv = services.create_cv(user.id, "CV long")
        services.save_content(cv, sample_content())
        services.set_photo(db.session.get(CV, cv.id), photo.getvalue())
        cv_id, session_id = cv.id, user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return app, client, cv_id


def set_template(app: Any, cv_id: int, template: str) -> None:
    from cv_builder.models import CV

    from emploistore import db

    with app.app_context():
        db.session.get(CV, cv_id).template = template
        db.session.commit()


def count_pages(pdf: bytes) -> int | None:
    try:
        import pypdf
    except ImportError:  # a test dependency: the page count is then left out
        return None
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def timed_get(client: Any, url: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(url)
    data = response.get_data()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return elapsed, data


def measure(client: Any, url: str, name: str, runs: int, warmup: int) -> Measure:
    figures = Measure(name)
    for _ in range(warmup):
        timed_get(client, url)
    for _ in range(runs):
        elapsed, data = timed_get(client, url)
        figures.seconds.append(elapsed)
        figures.size = len(data)
    if url.endswith(".pdf"):
        figures.pages = count_pages(data)
    return figures


def print_table(rows: list[Measure]) -> None:
    header = ["export", "runs", "median ms", "p95 ms", "min ms", "max ms", "size", "pages"]
    cells = [
        [
            row.name,
            str(len(row.seconds)),
            f"{row.ms(50):.0f}",
            f"{row.ms(95):.0f}",
            f"{min(row.seconds) * 1000:.0f}",
            f"{max(row.seconds) * 1000:.0f}",
            f"{row.size / 1024:.1f} KiB",
            "" if row.pages is None else str(row.pages),
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    for index, line in enumerate([header, *cells]):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT / "plugins"))
    from cv_builder import rendering

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    started = time.perf_counter()
    available = rendering.pdf_available()  # imports WeasyPrint (and Pango) once per process
    imported = time.perf_counter() - started
    if not available:
        print("PDF export is unavailable here (WeasyPrint or Pango missing).", file=sys.stderr)
        return 2
    import weasyprint

    print(f"WeasyPrint {weasyprint.__version__}, imported in {imported * 1000:.0f} ms")
    with tempfile.TemporaryDirectory(prefix="cv-export-bench-") as folder:
        app, client, cv_id = build_store(Path(folder))
        base = f"/cv-builder/cv/{cv_id}"
        try:
            cold, _pdf = timed_get(client, f"{base}/cv.pdf")
            print(f"First PDF of the process (fonts found and loaded): {cold * 1000:.0f} ms")
            rows = []
            for template in TEMPLATES:
                set_template(app, cv_id, template)
                rows.append(
                    measure(client, f"{base}/cv.pdf", f"PDF {template}", args.runs, args.warmup)
                )
            set_template(app, cv_id, TEMPLATES[0])
            rows.append(measure(client, f"{base}/cv.txt", "text", args.runs, args.warmup))
            rows.append(measure(client, f"{base}/cv.json", "JSON Resume", args.runs, args.warmup))
        except RuntimeError as error:
            print(f"export failed: {error}", file=sys.stderr)
            return 1
    print()
    print_table(rows)
    print()
    pdf_rows = [row for row in rows if row.name.startswith("PDF")]
    worst = max(pdf_rows, key=lambda row: row.ms(50))
    verdict = "met" if worst.ms(50) < GOAL_MEDIAN_MS else "NOT met"
    print(
        f"Goal: PDF median under {GOAL_MEDIAN_MS / 1000:.0f} s — {verdict} "
        f"(slowest template: {worst.name}, median {worst.ms(50):.0f} ms, "
        f"mean {statistics.fmean(worst.seconds) * 1000:.0f} ms)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "weasyprint_import_ms": round(imported * 1000, 1),
                    "first_pdf_ms": round(cold * 1000, 1),
                    "goal_median_ms": GOAL_MEDIAN_MS,
                    "exports": [
                        {
                            "export": row.name,
                            "runs": len(row.seconds),
                            "median_ms": round(row.ms(50), 1),
                            "p95_ms": round(row.ms(95), 1),
                            "min_ms": round(min(row.seconds) * 1000, 1),
                            "max_ms": round(max(row.seconds) * 1000, 1),
                            "bytes": row.size,
                            "pages": row.pages,
                        }
                        for row in rows
                    ],
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        print(f"figures written to {args.json}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(parse_args(argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
