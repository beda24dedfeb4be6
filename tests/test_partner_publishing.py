"""The publishing pipeline: a partner's API calls, the admin review queue, the public store."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from tests.fixtures import PASSWORD, Partners

GOOD = {
    "name": "Simulateur d'entretien vidéo",
    "promise": "Entraînez-vous à l'entretien d'embauche face à une caméra.",
    "description": "Un **vrai** entraînement.\n\nAvec des conseils.",
    "theme": "entrainement-entretien",
    "launch_url": "https://www.jobboard.example/entretien",
    "platforms": ["web"],
    "audience": ["tous"],
}


def sql(app: Any, statement: str, **params: Any) -> Any:
    from emploistore.database import db

    with app.app_context():
        result = db.session.execute(text(statement), params)
        rows = result.fetchall() if result.returns_rows else None
        db.session.commit()
        return rows


def token_for(client: Any, org: dict[str, Any], scope: str | None = None) -> dict[str, str]:
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    answer = client.post("/oauth/token", data=data, auth=(org["client_id"], org["client_secret"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {"Authorization": "Bearer " + answer.get_json()["access_token"]}


@pytest.fixture
def org(partners: Partners) -> dict[str, Any]:
    return partners.organisation()


@pytest.fixture
def auth(client: Any, org: dict[str, Any]) -> dict[str, str]:
    return token_for(client, org)


def create(client: Any, auth: dict[str, str], **changes: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/partner/listings", json={**GOOD, **changes}, headers=auth)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def submit(client: Any, auth: dict[str, str], listing_id: int) -> dict[str, Any]:
    answer = client.post(f"/api/v1/partner/listings/{listing_id}/submit", headers=auth)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def revision_id(app: Any, listing_id: int) -> int:
    rows = sql(
        app,
        "SELECT id FROM listing_revision WHERE listing_id = :id ORDER BY number DESC",
        id=listing_id,
    )
    return rows[0][0]


def as_admin(app: Any) -> Any:
    from tests.fixtures import Accounts

    admin = app.test_client()
    accounts = Accounts(app, admin)
    email = f"admin{id(admin)}@example.org"
    accounts.create(email, role="admin", name="Admin")
    assert accounts.login(email).status_code == 303
    return admin


def decide(admin: Any, app: Any, listing_id: int, decision: str, reason: str = "") -> Any:
    return admin.post(
        f"/admin/revue/{revision_id(app, listing_id)}",
        data={"decision": decision, "reason": reason},
    )


def png(size: tuple[int, int] = (300, 200), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCamera"  # Make
        data[0x0131] = "SecretSoftware"  # Software
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="PNG")
    return out.getvalue()


# --- drafts ----------------------------------------------------------------------------


def test_a_draft_is_created_and_stays_private(app: Any, client: Any, auth: dict) -> None:
    answer = client.post("/api/v1/partner/listings", json=GOOD, headers=auth)
    assert answer.status_code == 201
    body = answer.get_json()
    assert answer.headers["Location"].endswith(f"/api/v1/partner/listings/{body['id']}")
    assert body["status"] == "draft"
    assert body["revision"]["state"] == "draft"
    assert body["draft"]["name"] == GOOD["name"]
    assert body["published"] is None and body["public_url"] is None
    slug = body["slug"]
    assert slug == "simulateur-d-entretien-video"
    assert client.get(f"/services/{slug}").status_code == 404
    assert client.get(f"/api/v1/services/{slug}").status_code == 404
    assert (
        client.get("/api/v1/partner/listings", headers=auth).get_json()["items"][0]["id"]
        == (body["id"])
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"status": "published"}, {"status"}),
        ({"featured": True, "organisation_id": 1}, {"featured", "organisation_id"}),
        ({"logo": "x", "launch_count": 9}, {"logo", "launch_count"}),
        ({"launch_url": "http://www.jobboard.example/"}, {"launch_url"}),
        ({"launch_url": "https://192.0.2.7/"}, {"launch_url"}),
        ({"launch_url": "https://user:pw@www.jobboard.example/"}, {"launch_url"}),
        ({"launch_url": "https://evil.example/"}, {"launch_url"}),
        ({"launch_url": "https://jobboard.example.evil.example/"}, {"launch_url"}),
        ({"name": "x" * 81}, {"name"}),
        ({"promise": "Deux\nlignes de promesse ici"}, {"promise"}),
        ({"theme": "nope"}, {"theme"}),
        ({"free": False}, {"price"}),
        ({"platforms": ["web", "web"]}, {"platforms"}),
        ({"audience": ["martiens"]}, {"audience"}),
        ({"sign_in_client_id": "not-ours"}, {"sign_in_client_id"}),
        ({"description": "x" * 5001, "name": ""}, {"description", "name"}),
    ],
)
def test_bad_manifests_are_refused_naming_each_field(
    app: Any, client: Any, org: dict, auth: dict, changes: dict, fields: set
) -> None:
    answer = client.post("/api/v1/partner/listings", json={**GOOD, **changes}, headers=auth)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert set(answer.get_json()["errors"]) == fields
    owned = "SELECT COUNT(*) FROM listing WHERE organisation_id = :org"
    assert sql(app, owned, org=org["id"])[0][0] == 0
    assert sql(app, "SELECT COUNT(*) FROM listing_revision")[0][0] == 0


def test_missing_fields_and_bad_bodies(client: Any, auth: dict) -> None:
    answer = client.post("/api/v1/partner/listings", json={"name": "Seul"}, headers=auth)
    assert answer.status_code == 422
    assert {"promise", "theme", "launch_url"} <= set(answer.get_json()["errors"])
    answer = client.post("/api/v1/partner/listings", json=[1, 2], headers=auth)
    assert answer.status_code == 400
    answer = client.post("/api/v1/partner/listings", data="name=x", headers=auth)
    assert answer.status_code == 415


def test_tokens_and_scopes_are_enforced(client: Any, org: dict) -> None:
    assert client.get("/api/v1/partner/listings").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/v1/partner/listings", headers=bad).status_code == 401
    stats_only = token_for(client, org, "stats:read")
    answer = client.post("/api/v1/partner/listings", json=GOOD, headers=stats_only)
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "insufficient_scope"
    write_only = token_for(client, org, "services:write")
    assert client.get("/api/v1/partner/stats", headers=write_only).status_code == 403


def test_a_partner_only_sees_its_own_listings(
    app: Any, client: Any, partners: Partners, auth: dict
) -> None:
    mine = create(client, auth)
    other_org = partners.organisation("Formations Exemple", "formation.example")
    theirs = token_for(client, other_org)
    base = f"/api/v1/partner/listings/{mine['id']}"
    assert client.get(base, headers=theirs).status_code == 404
    assert client.patch(base, json={"name": "Volé"}, headers=theirs).status_code == 404
    assert client.post(base + "/submit", headers=theirs).status_code == 404
    assert client.post(base + "/withdraw", headers=theirs).status_code == 404
    assert client.delete(base, headers=theirs).status_code == 404
    upload = {"file": (io.BytesIO(png()), "logo.png")}
    assert client.put(base + "/logo", data=upload, headers=theirs).status_code == 404
    assert client.get("/api/v1/partner/listings", headers=theirs).get_json()["items"] == []
    answer = client.get(f"/api/v1/partner/stats?listing={mine['id']}", headers=theirs)
    assert answer.status_code == 404
    assert client.get(base, headers=auth).get_json()["name"] == GOOD["name"]


# --- review ----------------------------------------------------------------------------


def test_submit_review_approve_publishes(app: Any, client: Any, auth: dict) -> None:
    listing = create(client, auth)
    body = submit(client, auth, listing["id"])
    assert body["status"] == "pending" and body["revision"]["state"] == "pending"
    admin = as_admin(app)
    queue = admin.get("/admin/revue/").get_data(as_text=True)
    assert GOOD["name"].replace("'", "&#39;") in queue
    detail = admin.get(f"/admin/revue/{revision_id(app, listing['id'])}")
    assert detail.status_code == 200
    assert "Contenu proposé (nouveau service)" in detail.get_data(as_text=True)
    answer = decide(admin, app, listing["id"], "approuver")
    assert answer.status_code == 303
    page = client.get(f"/services/{listing['slug']}")
    assert page.status_code == 200
    assert "Entraînez-vous" in page.get_data(as_text=True)
    found = client.get("/api/v1/services?q=entretien+video").get_json()
    assert listing["slug"] in [item["slug"] for item in found["items"]]
    body = client.get(f"/api/v1/partner/listings/{listing['id']}", headers=auth).get_json()
    assert body["status"] == "published"
    assert body["revision"]["state"] == "approved"
    assert body["public_url"].endswith(f"/services/{listing['slug']}")
    actions = [row[0] for row in sql(app, "SELECT action FROM audit_event ORDER BY id")]
    assert actions[-3:] == ["listing.created", "revision.submitted", "revision.approved"]


def test_editing_a_published_listing_keeps_it_online_until_approved(
    app: Any, client: Any, auth: dict
) -> None:
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    admin = as_admin(app)
    decide(admin, app, listing["id"], "approuver")
    base = f"/api/v1/partner/listings/{listing['id']}"
    answer = client.patch(base, json={"name": "Nouveau nom du simulateur"}, headers=auth)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["revision"] == {**body["revision"], "number": 2, "state": "draft"}
    assert body["published"]["name"] == GOOD["name"]
    assert body["draft"]["name"] == "Nouveau nom du simulateur"
    submit(client, auth, listing["id"])
    page = client.get(f"/services/{listing['slug']}").get_data(as_text=True)
    assert "Nouveau nom" not in page and "Simulateur d&#39;entretien vidéo" in page
    detail = admin.get(f"/admin/revue/{revision_id(app, listing['id'])}").get_data(as_text=True)
    assert "Nouveau nom du simulateur" in detail  # the "after" column
    assert "Simulateur d&#39;entretien vidéo" in detail  # the "before" column
    decide(admin, app, listing["id"], "approuver")
    page = client.get(f"/services/{listing['slug']}").get_data(as_text=True)
    assert "Nouveau nom du simulateur" in page
    states = sql(
        app,
        "SELECT number, state FROM listing_revision WHERE listing_id = :id ORDER BY number",
        id=listing["id"],
    )
    assert [tuple(row) for row in states] == [(1, "superseded"), (2, "approved")]


def test_a_pending_revision_is_frozen_until_the_submission_is_cancelled(
    client: Any, auth: dict
) -> None:
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    base = f"/api/v1/partner/listings/{listing['id']}"
    answer = client.patch(base, json={"name": "Autre nom"}, headers=auth)
    assert answer.status_code == 409
    assert "submission" in answer.get_json()["detail"]
    assert client.post(base + "/submit", headers=auth).status_code == 409
    answer = client.delete(base + "/submission", headers=auth)
    assert answer.status_code == 200
    assert answer.get_json()["revision"]["state"] == "draft"
    assert client.patch(base, json={"name": "Autre nom"}, headers=auth).status_code == 200


@pytest.mark.parametrize(
    ("decision", "state"), [("refuser", "rejected"), ("modifier", "changes_requested")]
)
def test_rejection_and_change_requests_carry_a_reason_to_the_partner(
    app: Any, client: Any, auth: dict, decision: str, state: str
) -> None:
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    admin = as_admin(app)
    answer = decide(admin, app, listing["id"], decision, "")
    assert answer.status_code == 422
    assert "motif" in answer.get_data(as_text=True)
    assert 'aria-describedby="reason-erreur"' in answer.get_data(as_text=True)
    answer = decide(admin, app, listing["id"], decision, "Le lien de lancement ne répond pas.")
    assert answer.status_code == 303
    body = client.get(f"/api/v1/partner/listings/{listing['id']}", headers=auth).get_json()
    assert body["revision"]["state"] == state
    assert body["revision"]["reason"] == "Le lien de lancement ne répond pas."
    assert body["status"] == "draft"
    assert client.get(f"/services/{listing['slug']}").status_code == 404
    if state == "changes_requested":
        base = f"/api/v1/partner/listings/{listing['id']}"
        fixed = client.patch(base, json={"launch_url": "https://jobboard.example/ok"}, headers=auth)
        assert fixed.status_code == 200
        assert submit(client, auth, listing["id"])["revision"]["state"] == "pending"


def test_two_admins_deciding_at_once_one_wins(app: Any, client: Any, auth: dict) -> None:
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    first, second = as_admin(app), as_admin(app)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def act(admin: Any, decision: str, reason: str) -> None:
        barrier.wait()
        statuses.append(decide(admin, app, listing["id"], decision, reason).status_code)

    threads = [
        threading.Thread(target=act, args=(first, "approuver", "")),
        threading.Thread(target=act, args=(second, "refuser", "Non conforme.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [303, 409]
    decisions = sql(
        app,
        "SELECT action FROM audit_event WHERE action IN ('revision.approved', 'revision.rejected')",
    )
    assert len(decisions) == 1
    late = decide(second, app, listing["id"], "refuser", "Trop tard.")
    assert late.status_code == 409
    assert "déjà" in late.get_data(as_text=True)


def test_admin_decisions_need_csrf_and_the_admin_role(make_app: Any) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    org = Partners(app).organisation()
    auth = token_for(client, org)
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    from tests.fixtures import Accounts

    admin = app.test_client()
    accounts = Accounts(app, admin)
    accounts.create("boss@example.org", role="admin")
    page = admin.get("/compte/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    admin.post(
        "/compte/connexion",
        data={"email": "boss@example.org", "password": PASSWORD, "csrf_token": token},
    )
    forged = decide(admin, app, listing["id"], "approuver")
    assert forged.status_code == 400
    assert sql(app, "SELECT state FROM listing_revision")[0][0] == "pending"
    # Anonymous: to the log-in page; a partner account: 403.
    anonymous = app.test_client().get(f"/admin/revue/{revision_id(app, listing['id'])}")
    assert anonymous.status_code == 302
    partner = app.test_client()
    page = partner.get("/compte/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    partner.post(
        "/compte/connexion",
        data={"email": org["owner_email"], "password": PASSWORD, "csrf_token": token},
    )
    assert partner.get("/admin/revue/").status_code == 403


# --- withdraw, delete -------------------------------------------------------------------


def test_withdraw_takes_a_listing_offline_and_it_can_come_back(
    app: Any, client: Any, auth: dict
) -> None:
    listing = create(client, auth)
    base = f"/api/v1/partner/listings/{listing['id']}"
    assert client.post(base + "/withdraw", headers=auth).status_code == 409  # not published
    submit(client, auth, listing["id"])
    admin = as_admin(app)
    decide(admin, app, listing["id"], "approuver")
    answer = client.post(base + "/withdraw", headers=auth)
    assert answer.status_code == 200 and answer.get_json()["status"] == "archived"
    assert client.get(f"/services/{listing['slug']}").status_code == 404
    assert client.delete(base, headers=auth).status_code == 409  # was published: keep history
    client.patch(
        base, json={"promise": "Entraînez-vous encore à l'entretien d'embauche."}, headers=auth
    )
    submit(client, auth, listing["id"])
    decide(admin, app, listing["id"], "approuver")
    assert client.get(f"/services/{listing['slug']}").status_code == 200


def test_a_never_published_draft_can_be_deleted(app: Any, client: Any, auth: dict) -> None:
    listing = create(client, auth)
    base = f"/api/v1/partner/listings/{listing['id']}"
    assert client.delete(base, headers=auth).status_code == 204
    assert client.get(base, headers=auth).status_code == 404
    assert sql(app, "SELECT COUNT(*) FROM listing_revision")[0][0] == 0


def test_markdown_is_sanitised_on_the_public_page(app: Any, client: Any, auth: dict) -> None:
    hostile = "Bonjour <script>alert(1)</script> [clic](javascript:alert(2)) <img src=x onerror=y>"
    listing = create(client, auth, description=hostile)
    submit(client, auth, listing["id"])
    decide(as_admin(app), app, listing["id"], "approuver")
    page = client.get(f"/services/{listing['slug']}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    description = page.split('class="description"')[1].split("</div>")[0]
    assert "<img" not in description and "<script" not in description


# --- images ---------------------------------------------------------------------------


def test_logo_is_re_encoded_without_metadata_and_served(app: Any, client: Any, auth: dict) -> None:
    listing = create(client, auth)
    base = f"/api/v1/partner/listings/{listing['id']}"
    answer = client.put(
        base + "/logo",
        data={"file": (io.BytesIO(png((900, 900), exif=True)), "logo.jpg")},
        headers=auth,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    url = answer.get_json()["draft"]["logo"]
    served = client.get(url.replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert b"SecretCamera" not in served.data and b"Exif" not in served.data
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "WEBP" and max(image.size) <= 512
    assert "immutable" in served.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
        (b"GIF89a" + b"\x00" * 40, "x.gif"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "x.png"),
        (b"", "empty.png"),
        (b"%PDF-1.4 not an image", "x.png"),
    ],
)
def test_bad_images_are_refused_and_nothing_is_stored(
    app: Any, client: Any, auth: dict, payload: bytes, name: str
) -> None:
    listing = create(client, auth)
    answer = client.put(
        f"/api/v1/partner/listings/{listing['id']}/logo",
        data={"file": (io.BytesIO(payload), name)},
        headers=auth,
    )
    assert answer.status_code == 422
    assert "file" in answer.get_json()["errors"]
    assert sql(app, "SELECT COUNT(*) FROM media_file")[0][0] == 0


def test_a_decompression_bomb_is_refused(app: Any, client: Any, auth: dict) -> None:
    listing = create(client, auth)
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")  # small file, 400 Mpx
    answer = client.put(
        f"/api/v1/partner/listings/{listing['id']}/logo",
        data={"file": (io.BytesIO(out.getvalue()), "bomb.png")},
        headers=auth,
    )
    assert answer.status_code == 422
    assert "pixels" in answer.get_json()["errors"]["file"][0]


def test_screenshots_need_a_text_alternative_and_are_capped(client: Any, auth: dict) -> None:
    listing = create(client, auth)
    base = f"/api/v1/partner/listings/{listing['id']}/screenshots"
    answer = client.post(base, data={"file": (io.BytesIO(png()), "s.png")}, headers=auth)
    assert answer.status_code == 422 and "alt" in answer.get_json()["errors"]
    for n in range(6):
        answer = client.post(
            base,
            data={"file": (io.BytesIO(png((300 + n, 200))), "s.png"), "alt": f"Écran numéro {n}"},
            headers=auth,
        )
        assert answer.status_code == 200
    answer = client.post(
        base,
        data={"file": (io.BytesIO(png((400, 200))), "s.png"), "alt": "Un de trop"},
        headers=auth,
    )
    assert answer.status_code == 422
    answer = client.delete(base + "/0", headers=auth)
    shots = answer.get_json()["draft"]["screenshots"]
    assert [shot["alt"] for shot in shots] == [f"Écran numéro {n}" for n in range(1, 6)]
    assert client.delete(base + "/9", headers=auth).status_code == 404


# --- statistics -----------------------------------------------------------------------


def test_stats_count_views_launches_favourites_and_ratings_per_day(
    make_app: Any,
) -> None:
    from tests.fixtures import Accounts

    app = make_app(STATS_FLUSH_SECONDS=0)
    client = app.test_client()
    org = Partners(app).organisation()
    auth = token_for(client, org)
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    decide(as_admin(app), app, listing["id"], "approuver")
    for _ in range(3):
        assert client.get(f"/services/{listing['slug']}").status_code == 200
    seeker = app.test_client()
    accounts = Accounts(app, seeker)
    accounts.create("lea@example.org")
    accounts.login("lea@example.org")
    seeker.post(f"/services/{listing['slug']}/lancer", headers={"Sec-Fetch-Site": "same-origin"})
    seeker.post(f"/services/{listing['slug']}/favori", data={"action": "ajouter"})
    seeker.post(f"/services/{listing['slug']}/avis", data={"rating": "4", "text": "Utile."})
    answer = client.get("/api/v1/partner/stats", headers=auth)
    assert answer.status_code == 200
    body = answer.get_json()
    stats = body["listings"][0]
    assert stats["slug"] == listing["slug"]
    assert len(stats["days"]) == 30
    assert stats["totals"]["views"] >= 3
    assert stats["totals"]["launches"] == 1
    assert stats["totals"]["favourites"] == 1
    assert stats["totals"]["ratings"] == 1 and stats["totals"]["rating_average"] == 4
    today = stats["days"][-1]
    assert today["date"] == body["to"] and today["launches"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("from=2026-05-02&to=2026-05-01", "from"),
        ("from=2020-01-01&to=2026-01-01", "to"),
        ("listing=abc", "listing"),
        ("colour=blue", "colour"),
        ("to=0001-01-01", "to"),  # 29 days before it is not a date
        ("from=1999-12-31", "from"),
        ("to=9999-12-31", "to"),
    ],
)
def test_stats_refuse_bad_parameters_naming_them(
    client: Any, auth: dict, query: str, field: str
) -> None:
    answer = client.get(f"/api/v1/partner/stats?{query}", headers=auth)
    assert answer.status_code == 400
    assert field in answer.get_json()["errors"]


# --- sign-in launch ---------------------------------------------------------------------


def test_a_service_with_sign_in_launches_through_openid_connect(
    app: Any, client: Any, partners: Partners, org: dict, auth: dict
) -> None:
    from emploistore.catalog.models import Organisation
    from emploistore.database import db
    from emploistore.partners.clients import create_client

    with app.app_context():
        new = create_client(
            db.session.get(Organisation, org["id"]),
            None,
            "Connexion",
            redirect_uris=["https://app.jobboard.example/callback"],
            scope="openid profile",
            initiate_login_uri="https://app.jobboard.example/login",
        )
        db.session.commit()
        client_id = new.client.client_id
    listing = create(client, auth, sign_in_client_id=client_id)
    submit(client, auth, listing["id"])
    decide(as_admin(app), app, listing["id"], "approuver")
    page = client.get(f"/services/{listing['slug']}").get_data(as_text=True)
    assert "votre compte Emploi Store" in page
    anonymous = client.post(f"/services/{listing['slug']}/lancer")
    assert anonymous.status_code == 303
    assert "/compte/connexion" in anonymous.headers["Location"]
    from tests.fixtures import Accounts

    seeker = app.test_client()
    Accounts(app, seeker).create("lea@example.org")
    Accounts(app, seeker).login("lea@example.org")
    launched = seeker.post(f"/services/{listing['slug']}/lancer")
    location = launched.headers["Location"]
    assert location.startswith("https://app.jobboard.example/login?iss=http")
    assert "target_link_uri=https%3A%2F%2Fwww.jobboard.example%2Fentretien" in location


def test_a_rejected_draft_keeps_its_images_for_the_next_try(
    app: Any, client: Any, auth: dict
) -> None:
    listing = create(client, auth)
    base = f"/api/v1/partner/listings/{listing['id']}"
    client.put(base + "/logo", data={"file": (io.BytesIO(png()), "l.png")}, headers=auth)
    submit(client, auth, listing["id"])
    decide(as_admin(app), app, listing["id"], "refuser", "Le texte est trop vague.")
    answer = client.patch(base, json={"description": "Plus précis."}, headers=auth)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["revision"]["number"] == 2
    assert body["draft"]["logo"] is not None
    assert body["draft"]["description"] == "Plus précis."


def test_a_resubmitted_revision_forgets_the_previous_decision(
    app: Any, client: Any, auth: dict
) -> None:
    listing = create(client, auth)
    submit(client, auth, listing["id"])
    decide(as_admin(app), app, listing["id"], "modifier", "Ajoutez une capture.")
    body = submit(client, auth, listing["id"])
    assert body["revision"]["decided_at"] is None and body["revision"]["reason"] is None


def test_stats_refuse_an_open_range_that_ends_before_it_starts(client: Any, auth: dict) -> None:
    answer = client.get("/api/v1/partner/stats?from=2999-01-01", headers=auth)
    assert answer.status_code == 400 and "from" in answer.get_json()["errors"]
    answer = client.get("/api/v1/partner/stats?from=2000-01-01", headers=auth)
    assert answer.status_code == 400 and "from" in answer.get_json()["errors"]
