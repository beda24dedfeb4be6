"""Another person's CV id answers 404 on every route, and changes nothing."""

from __future__ import annotations

import re

from cv_builder import services
from cv_builder.tests.helpers import add_item, create_cv, cv_id, load_cv, section_id
from emploistore import db
from tests.fixtures import Accounts


def cv_rules(app) -> list:  # type: ignore[no-untyped-def]
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("cv_builder.") and "cv_id" in rule.arguments
        ),
        key=lambda rule: rule.rule,
    )


def test_every_route_of_a_cv_is_404_for_someone_else(app, client, accounts):
    owner_id = accounts.seeker("owner@example.org")
    path = create_cv(client, "CV de l'autre")
    work = section_id(app, path, "work")
    item = add_item(client, path, work, position="Vendeuse")
    client.post(f"{path}/partage", data={"jours": "7"})
    with app.app_context():
        (share,) = services.get_cv(owner_id, cv_id(path)).shares
        share_id = share.id
    before = load_cv(app, cv_id(path))

    intruder = app.test_client()
    Accounts(app, intruder).seeker("intruder@example.org")
    values = {"cv_id": cv_id(path), "section_id": work, "item_id": item, "share_id": share_id}
    form = {
        "title": "Piraté",
        "name": "Piraté",
        "position": "Piraté",
        "sens": "haut",
        "visible": "0",
        "locked": "1",
        "template": "moderne",
        "paper": "letter",
        "jours": "7",
        "apercu": "identite",
        "summary": "Piraté",
    }
    rules = cv_rules(app)
    assert len(rules) >= 25
    checked = []
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), url)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = intruder.open(url, method=method, data=form if method == "POST" else None)
            assert response.status_code == 404, (method, url, response.status_code)
            checked.append((method, url))
    assert ("GET", f"{path}/cv.pdf") in checked and ("POST", f"{path}/supprimer") in checked

    after = load_cv(app, cv_id(path))
    assert (after.title, after.locked, after.template, after.version) == (
        before.title,
        before.locked,
        before.template,
        before.version,
    )
    assert after.content == before.content
    with app.app_context():
        cv = services.get_cv(owner_id, cv_id(path))
        assert [s.revoked_at for s in cv.shares] == [None] and len(cv.shares) == 1


def test_signed_out_visitors_are_sent_to_the_log_in_page(app, client, accounts):
    accounts.seeker()
    path = create_cv(client)
    visitor = app.test_client()
    for url in (path, f"{path}/cv.pdf", f"{path}/cv.json", f"{path}/photo", f"{path}/partage"):
        response = visitor.get(url)
        assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]


def test_a_section_or_item_of_another_cv_is_404(app, client, accounts):
    accounts.seeker()
    first, second = create_cv(client), create_cv(client)
    work = section_id(app, first, "work")
    item = add_item(client, first, work, position="Vendeuse")
    assert client.get(f"{second}/rubriques/{work}").status_code == 404
    assert client.get(f"{second}/rubriques/{work}/elements/{item}").status_code == 404
    other_work = section_id(app, second, "work")
    assert client.get(f"{second}/rubriques/{other_work}/elements/{item}").status_code == 404
    assert client.post(f"{second}/partage/999/couper").status_code == 404


def test_services_are_scoped_to_the_owner(app, client, accounts):
    owner_id = accounts.seeker()
    path = create_cv(client)
    other_id = accounts.create("other@example.org")
    with app.app_context():
        assert [cv.id for cv in services.list_cvs(owner_id)] == [cv_id(path)]
        assert services.list_cvs(other_id) == []
        assert services.get_cv(other_id, cv_id(path)) is None
        assert services.json_resume_for(other_id, cv_id(path)) is None
        resume = services.json_resume_for(owner_id, cv_id(path))
        assert resume is not None and resume["basics"]["name"] == "Camille"
        db.session.rollback()
