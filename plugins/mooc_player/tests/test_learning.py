"""The learner's journey through the pages, the quiz rules, certificates and tampering."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from emploistore import db
from mooc_player.models import Enrolment, LessonProgress, QuizAttempt
from tests.fixtures import Accounts

BASE = "/mooc-player"
COURSE = f"{BASE}/cours/cours-test"
RIGHT = {"q1": ["a"], "q2": ["a", "b"], "q3": ["b"]}
WRONG = {"q1": ["b"], "q2": ["a"], "q3": ["a"]}


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def enrol(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"{COURSE}/inscription")
    assert response.status_code == 303 and response.headers["Location"].endswith("/m1-l1")


def attempt_id(client, quiz: str) -> int:  # type: ignore[no-untyped-def]
    page = text(client.get(f"{COURSE}/{quiz}"))
    match = re.search(r'name="attempt" value="(\d+)"', page)
    assert match, page[:3000]
    return int(match.group(1))


def answer(client, quiz: str, answers: dict[str, list[str]], attempt: int | None = None):  # type: ignore[no-untyped-def]
    attempt = attempt if attempt is not None else attempt_id(client, quiz)
    data = {"attempt": str(attempt)}
    data.update({f"q-{key}": values for key, values in answers.items()})
    return client.post(f"{COURSE}/{quiz}/quiz", data=data)


def finish_everything(client) -> None:  # type: ignore[no-untyped-def]
    for key in (
        "m1-l1",
        "m1-l2",
        "m1-fiche",
        "m2-l1",
        "m2-l2",
        "m2-video",
        "m3-l1",
        "m3-l2",
        "m4-l1",
        "m4-l2",
    ):
        assert client.post(f"{COURSE}/{key}/termine").status_code == 303, key
    for quiz in ("m1-quiz", "m2-quiz", "m3-quiz"):
        assert "quiz réussi" in text(answer(client, quiz, RIGHT))


def enrolment_row(app, email: str = "camille@example.org") -> Enrolment:  # type: ignore[no-untyped-def]
    from emploistore.accounts.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        row = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
        db.session.expunge(row)
        return row


def test_course_page_shows_the_outline_and_asks_to_sign_in(client):
    page = text(client.get(COURSE))
    assert "Cours de test" in page and "Module numéro 4" in page and "Leçon 4.2 du module" in page
    assert "Se connecter pour commencer" in page
    assert client.get(f"{COURSE}/m1-l1").status_code == 302  # lessons need an account


def test_enrol_then_lessons_tick_and_progress_grows(client, accounts):
    accounts.seeker()
    enrol(client)
    enrol(client)  # enrolling twice keeps one enrolment
    assert "0 % du cours fait" in text(client.get(COURSE))
    response = client.post(f"{COURSE}/m1-l1/termine")
    assert response.headers["Location"].endswith("/m1-l2")  # straight to the next lesson
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(client.get(COURSE))))
    assert "Fait : Leçon 1.1 du module" in page
    assert "À faire : Leçon 1.2 du module" in page
    assert "8 % du cours fait" in page  # 1 of 13 required lessons (the bonus is optional)


def test_resume_goes_back_to_the_last_lesson_opened(client, accounts):
    accounts.seeker()
    enrol(client)
    client.get(f"{COURSE}/m3-l2")
    page = text(client.get(COURSE))
    assert "Reprendre : Leçon 3.2 du module" in page
    home = text(client.get("/"))
    assert "Reprendre « Cours de test »" in home


def test_video_position_is_saved_and_the_transcript_is_always_shown(app, client, accounts):
    accounts.seeker()
    enrol(client)
    page = text(client.get(f"{COURSE}/m2-video"))
    assert "<track" in page and 'kind="captions"' in page and "Transcription" in page
    assert client.post(f"{COURSE}/m2-video/position", data={"seconds": "42"}).status_code == 204
    assert 'data-start="42"' in text(client.get(f"{COURSE}/m2-video"))
    assert client.post(f"{COURSE}/m2-l1/position", data={"seconds": "5"}).status_code == 400
    with client.get(f"{COURSE}/m2-video/sous-titres.vtt") as captions:
        assert captions.mimetype == "text/vtt" and b"Bonjour" in captions.data


def test_resource_download_needs_an_enrolment(client, accounts):
    accounts.seeker()
    assert client.get(f"{COURSE}/m1-fiche/fichier").status_code == 303
    enrol(client)
    with client.get(f"{COURSE}/m1-fiche/fichier") as download:
        assert download.status_code == 200 and b"FICHE" in download.data
        assert "attachment" in download.headers["Content-Disposition"]


def test_quiz_pass_gives_feedback_per_answer(client, accounts):
    accounts.seeker()
    enrol(client)
    result = text(answer(client, "m1-quiz", {"q1": ["a"], "q2": ["a", "b"], "q3": ["a"]}))
    assert "67 % de bonnes réponses" in result and "il faut 70 %" in result
    assert "Oui, c'est la bonne." in result and "Raté cette fois." in result


def test_quizzes_are_shuffled(client, accounts, app):
    accounts.seeker()
    enrol(client)
    orders = set()
    for _ in range(12):
        with app.app_context():
            for row in db.session.scalars(select(QuizAttempt)):
                db.session.delete(row)
            db.session.commit()
        page = text(client.get(f"{COURSE}/m1-quiz"))
        orders.add(tuple(re.findall(r'id="q-(q\d)-(\w)"', page)))
    assert len(orders) > 1


def test_max_attempts_and_wait_between_attempts(app, client, accounts):
    accounts.seeker()
    enrol(client)
    first = text(answer(client, "m1-quiz", WRONG))
    assert "Il vous reste 1 tentative" in first and "Vous pourrez réessayer à partir de" in first
    page = text(client.get(f"{COURSE}/m1-quiz"))
    assert "Patientez avant votre prochaine tentative." in page and 'name="attempt"' not in page
    with app.app_context():  # time passes
        for attempt in db.session.scalars(select(QuizAttempt)):
            attempt.submitted_at -= timedelta(minutes=11)
        db.session.commit()
    last = text(answer(client, "m1-quiz", WRONG))
    assert "Vous avez utilisé toutes vos tentatives" in last
    page = text(client.get(f"{COURSE}/m1-quiz"))
    assert "Vous avez utilisé toutes vos tentatives pour ce quiz." in page
    # No reveal of the right answers after the last failed attempt.
    assert "La bonne" not in page and "Oui, c'est la bonne." not in last


def test_answers_for_a_quiz_never_shown_or_after_the_last_attempt_are_refused(
    app, client, accounts
):
    accounts.seeker()
    enrol(client)
    forged = answer(client, "m2-quiz", RIGHT, attempt=9999)  # quiz never displayed
    assert forged.status_code == 409 and "n'existe pas ou est déjà corrigée" in text(forged)
    attempt = attempt_id(client, "m2-quiz")
    assert answer(client, "m2-quiz", WRONG, attempt).status_code == 200
    replayed = answer(client, "m2-quiz", RIGHT, attempt)  # same attempt posted again
    assert replayed.status_code == 409
    with app.app_context():
        assert (
            db.session.scalar(select(db.func.count(QuizAttempt.id)).where(QuizAttempt.passed)) == 0
        )


def test_another_learners_attempt_or_progress_cannot_be_forged(app, client, accounts):
    accounts.seeker("camille@example.org")
    enrol(client)
    camille_attempt = attempt_id(client, "m1-quiz")
    other = app.test_client()
    other_accounts = Accounts(app, other)
    other_accounts.create("dominique@example.org", name="Dominique")
    other_accounts.login("dominique@example.org")
    other.post(f"{COURSE}/inscription")
    stolen = answer(other, "m1-quiz", RIGHT, attempt=camille_attempt)
    assert stolen.status_code == 409
    with app.app_context():
        attempt = db.session.get(QuizAttempt, camille_attempt)
        assert attempt.submitted_at is None
    other.post(f"{COURSE}/m1-l1/termine")
    mine = enrolment_row(app)
    with app.app_context():
        done = db.session.scalars(
            select(LessonProgress.lesson_key).where(LessonProgress.enrolment_id == mine.id)
        ).all()
    assert done == []  # Dominique's progress is hers only


def test_completion_issues_a_certificate_that_anyone_can_verify(app, client, accounts):
    accounts.seeker()
    enrol(client)
    finish_everything(client)
    row = enrolment_row(app)
    assert row.completed_at is not None and re.fullmatch(
        r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", row.certificate_code
    )
    course_page = text(client.get(COURSE))
    assert row.certificate_code in course_page and "Télécharger mon certificat" in course_page
    pdf = client.get(f"{BASE}/certificats/{row.certificate_code}.pdf")
    assert pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    extracted = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Certificat de réussite" in extracted and "Cours de test" in extracted
    assert row.certificate_code in extracted and "Camille" in extracted
    public = app.test_client().get(f"{BASE}/certificats/{row.certificate_code}")
    assert public.status_code == 200 and "Ce certificat est authentique." in text(public)
    assert "camille@example.org" not in text(public)
    missing = app.test_client().get(f"{BASE}/certificats/AAAA-BBBB-CCCC")
    assert missing.status_code == 404 and "Aucun certificat" in text(missing)
    assert (
        app.test_client().get(f"{BASE}/certificats/{row.certificate_code}.pdf").status_code == 302
    )


def test_optional_lessons_are_not_needed_to_complete(app, client, accounts):
    accounts.seeker()
    enrol(client)
    finish_everything(client)
    assert enrolment_row(app).completed_at is not None  # m1-bonus never opened


def test_certificate_pdf_is_only_for_its_holder(app, client, accounts):
    accounts.seeker()
    enrol(client)
    finish_everything(client)
    code = enrolment_row(app).certificate_code
    other = app.test_client()
    Accounts(app, other).create("dominique@example.org", name="Dominique")
    Accounts(app, other).login("dominique@example.org")
    assert other.get(f"{BASE}/certificats/{code}.pdf").status_code == 404


def test_activity_log_is_exported_as_statements_for_the_learner_only(app, client, accounts):
    accounts.seeker()
    enrol(client)
    client.get(f"{COURSE}/m1-l2")
    client.post(f"{COURSE}/m1-l2/termine")
    answer(client, "m1-quiz", WRONG)
    statements = json.loads(client.get(f"{BASE}/mon-activite.json").data)
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    assert verbs[0] == "registered" and "completed" in verbs and "failed" in verbs
    first = statements[0]
    assert first["actor"]["mbox"] == "mailto:camille@example.org"
    assert first["object"]["id"] == "urn:emploistore:mooc:cours-test"
    failed = next(s for s in statements if s["verb"]["display"]["en-US"] == "failed")
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] == 0.0
    assert all(s["timestamp"].endswith("Z") for s in statements)


def test_admin_sees_rates_and_an_aggregated_export_without_learners(app, client, accounts):
    accounts.seeker()
    enrol(client)
    finish_everything(client)
    accounts.logout()
    assert client.get(f"{BASE}/admin").status_code == 302
    admin = app.test_client()
    Accounts(app, admin).create("admin@example.org", role="admin", name="Admin")
    Accounts(app, admin).login("admin@example.org")
    page = text(admin.get(f"{BASE}/admin"))
    assert "1 inscription, 1 terminé : 100 % d'achèvement" in page
    assert "Quiz du module 1" in page and "100 %" in page
    export = json.loads(admin.get(f"{BASE}/admin/activite.json").data)
    assert {"date", "course", "object", "verb", "count"} == set(export[0])
    assert "camille" not in json.dumps(export)
    seeker = app.test_client()
    Accounts(app, seeker).create("zoe@example.org")
    Accounts(app, seeker).login("zoe@example.org")
    assert seeker.get(f"{BASE}/admin").status_code == 403


@pytest.mark.parametrize("path", ["/cours/inconnu", "/cours/cours-test/inconnue"])
def test_unknown_course_or_lesson_is_404(client, accounts, path):
    accounts.seeker()
    enrol(client)
    assert client.get(f"{BASE}{path}").status_code == 404


def test_course_contents_are_found_by_the_store_search(app, client):
    page = text(client.get("/recherche?q=vidéo entretien"))
    assert "Dans les services" in page and 'href="/mooc-player/cours/cours-test"' in page
