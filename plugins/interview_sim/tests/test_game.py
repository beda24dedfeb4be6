"""The game through its pages: sessions, answers, branching, timing, report, replay, scoping."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from emploistore import db, utcnow
from interview_sim.drawing import draw_session
from interview_sim.models import InterviewAnswer, InterviewSession
from tests.fixtures import SHIPPED_CATALOG, Accounts

BASE = "/interview-sim"


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a person reads it (HTML entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def start(client, template: str = "court", **extra) -> int:  # type: ignore[no-untyped-def]
    response = client.post(f"{BASE}/seances", data={"template": template, **extra})
    assert response.status_code == 303, text(response)
    return int(re.search(r"/seances/(\d+)$", response.headers["Location"]).group(1))


def state(app, session_id: int) -> InterviewSession:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = db.session.get(InterviewSession, session_id)
        db.session.expunge(session)
        return session


def bank(app):  # type: ignore[no-untyped-def]
    return app.extensions["interview_sim.bank"]


def play_step(app, client, session_id: int, option: str = "a", rating: str = "3"):  # type: ignore[no-untyped-def]
    """Answer the current step (given option, or a fully covered open answer)."""
    current = state(app, session_id)
    step = current.sequence[current.position]
    assert client.get(f"{BASE}/seances/{session_id}").status_code == 200
    position = str(current.position)
    item = bank(app).questions.get(step["id"])
    if step["kind"] == "question" and item.kind == "open":
        client.post(
            f"{BASE}/seances/{session_id}", data={"position": position, "text": "Ma réponse"}
        )
        checklist = [str(i) for i in range(len(item.checklist))]
        return client.post(
            f"{BASE}/seances/{session_id}",
            data={"position": position, "rating": rating, "checklist": checklist},
        )
    return client.post(
        f"{BASE}/seances/{session_id}", data={"position": position, "option": option}
    )


def play_to_the_end(app, client, session_id: int, option: str = "a") -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        if state(app, session_id).status == "finished":
            return
        assert play_step(app, client, session_id, option).status_code == 303
    raise AssertionError("the session never ended")


def test_anonymous_visitors_see_the_intro_and_must_sign_in_to_play(client):
    page = text(client.get(f"{BASE}/"))
    assert "Simulateur d'entretien" in page and "Se connecter pour commencer" in page
    response = client.post(f"{BASE}/seances", data={"template": "court"})
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]


def test_a_full_session_with_the_best_answers_scores_high(app, client, accounts):
    accounts.seeker()
    session_id = start(client)
    play_to_the_end(app, client, session_id)
    finished = state(app, session_id)
    assert finished.scores["clarity"] == 100 and finished.scores["motivation"] == 100
    assert finished.overall == 100
    report = text(client.get(f"{BASE}/seances/{session_id}/bilan"))
    assert "Score général : 100 %" in re.sub(r"<[^>]+>", "", report)
    assert "Vos points forts" in report and "Vous allez droit au but." in report


def test_weak_answers_point_to_services_of_the_store(app, client, accounts):
    accounts.seeker()
    session_id = start(client)
    play_to_the_end(app, client, session_id, option="c")
    report = text(client.get(f"{BASE}/seances/{session_id}/bilan"))
    assert "Ce qu'il faut travailler" in report and "Faites des phrases courtes." in report
    assert 'href="/services/coaching-entretien"' in report  # a visible listing
    assert "service-inconnu" not in report  # an unknown slug is left out
    assert "Meilleure réponse" in report


def test_feedback_on_the_previous_answer_is_shown(app, client, accounts):
    accounts.seeker()
    session_id = start(client)
    play_step(app, client, session_id, option="b")
    page = text(client.get(f"{BASE}/seances/{session_id}"))
    assert "Retour sur votre réponse précédente" in page and "Correct, mais un peu vague." in page


def seed_starting_with(app, question_id: str, template: str = "court") -> int:  # type: ignore[no-untyped-def]
    the_bank = bank(app)
    for seed in range(500):
        if draw_session(the_bank, the_bank.templates[template], seed)[0].id == question_id:
            return seed
    raise AssertionError(f"no seed starts with {question_id}")


def test_an_option_with_a_followup_brings_that_question_next(app, client, accounts, monkeypatch):
    accounts.seeker()
    from interview_sim import services

    seed = seed_starting_with(app, "presentation-001")
    monkeypatch.setattr(services.secrets, "randbits", lambda _bits: seed)
    session_id = start(client)
    assert len(state(app, session_id).sequence) == 3
    play_step(app, client, session_id, option="a")  # option a branches to presentation-099
    after = state(app, session_id)
    assert after.sequence[1] == {"kind": "question", "id": "presentation-099", "followup": True}
    page = text(client.get(f"{BASE}/seances/{session_id}"))
    assert "Question presentation-099" in page and "Étape 2 sur 4" in page


def test_open_questions_are_typed_then_rated_against_the_model(app, client, accounts):
    accounts.seeker()
    session_id = start(client, "standard")
    # Answers may bring follow-ups in: walk until the open (situation) question comes.
    while (
        not (current := state(app, session_id))
        .sequence[current.position]["id"]
        .startswith("situation")
    ):
        play_step(app, client, session_id)
    open_position = current.position
    position = str(open_position)
    url = f"{BASE}/seances/{session_id}"
    typed = client.post(url, data={"position": position, "text": "J'ai écouté le client."})
    assert typed.status_code == 303
    page = text(client.get(url))
    assert "Réponse modèle" in page and "J'ai écouté le client." in page
    refused = client.post(url, data={"position": position, "phase": "rating"})
    assert refused.status_code == 422
    assert "Dites comment vous jugez votre réponse." in text(refused)
    bad_point = client.post(url, data={"position": position, "rating": "2", "checklist": ["9"]})
    assert bad_point.status_code == 422 and "Cochez seulement" in text(bad_point)
    ok = client.post(url, data={"position": position, "rating": "2", "checklist": ["0", "2"]})
    assert ok.status_code == 303
    with app.app_context():
        answer = db.session.scalar(
            select(InterviewAnswer).where(
                InterviewAnswer.session_id == session_id, InterviewAnswer.position == open_position
            )
        )
        assert answer.completed and answer.self_rating == 2 and answer.checklist == [0, 2]


def test_a_missing_or_unknown_option_is_refused_and_nothing_is_stored(app, client, accounts):
    accounts.seeker()
    session_id = start(client)
    for data in ({"position": "0"}, {"position": "0", "option": "z"}):
        response = client.post(f"{BASE}/seances/{session_id}", data=data)
        assert response.status_code == 422
        assert "Choisissez une des réponses proposées." in text(response)
    assert state(app, session_id).position == 0
    assert client.post(f"{BASE}/seances/{session_id}", data={"option": "a"}).status_code == 400


def test_answering_an_old_step_again_changes_nothing(app, client, accounts):
    accounts.seeker()
    session_id = start(client)
    play_step(app, client, session_id)
    again = client.post(f"{BASE}/seances/{session_id}", data={"position": "0", "option": "c"})
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/seances/{session_id}")
    with app.app_context():
        answers = db.session.scalars(
            select(InterviewAnswer).where(InterviewAnswer.session_id == session_id)
        ).all()
        assert [(a.position, a.option_key) for a in answers] == [(0, "a")]


def test_an_answer_past_the_time_limit_is_marked_and_costs_composure(app, client, accounts):
    accounts.seeker()
    session_id = start(client, "court", countdown="1")
    client.get(f"{BASE}/seances/{session_id}")
    with app.app_context():
        session = db.session.get(InterviewSession, session_id)
        session.step_shown_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    play_step(app, client, session_id)
    play_to_the_end(app, client, session_id)
    assert state(app, session_id).scores["composure"] == 0
    report = text(client.get(f"{BASE}/seances/{session_id}/bilan"))
    assert report.count("(temps dépassé)") == 1


def test_replay_draws_exactly_the_same_steps(app, client, accounts):
    accounts.seeker()
    session_id = start(client, "standard")
    play_to_the_end(app, client, session_id, option="b")
    original = state(app, session_id)
    response = client.post(f"{BASE}/seances/{session_id}/rejouer")
    replay_id = int(response.headers["Location"].rsplit("/", 1)[1])
    replayed = state(app, replay_id)
    drawn = [step for step in original.sequence if not step.get("followup")]
    assert replayed.sequence == drawn and replayed.seed == original.seed
    assert replayed.replay_of_id == session_id and replayed.status == "in_progress"
    play_to_the_end(app, client, replay_id, option="a")
    index = text(client.get(f"{BASE}/"))
    assert "séance rejouée" in index and "votre score est passé de" in index


def test_history_and_progress_are_listed_newest_first(app, client, accounts):
    accounts.seeker()
    first = start(client)
    play_to_the_end(app, client, first, option="c")
    second = start(client)
    play_to_the_end(app, client, second, option="a")
    index = text(client.get(f"{BASE}/"))
    assert index.index(f"/seances/{second}/bilan") < index.index(f"/seances/{first}/bilan")
    low, high = state(app, first).overall, state(app, second).overall
    assert f"votre score est passé de {low} % à {high} %" in index


def test_sessions_belong_to_their_owner(app, client, accounts):
    accounts.seeker("camille@example.org")
    session_id = start(client)
    other = app.test_client()
    Accounts(app, other).create("dominique@example.org", name="Dominique")
    assert Accounts(app, other).login("dominique@example.org").status_code == 303
    for method, path, data in (
        ("get", f"/seances/{session_id}", None),
        ("post", f"/seances/{session_id}", {"position": "0", "option": "a"}),
        ("get", f"/seances/{session_id}/bilan", None),
        ("post", f"/seances/{session_id}/rejouer", None),
        ("post", f"/seances/{session_id}/terminer", None),
    ):
        assert getattr(other, method)(f"{BASE}{path}", data=data).status_code == 404, path
    assert state(app, session_id).position == 0
    assert f"/seances/{session_id}" not in text(other.get(f"{BASE}/"))


def test_stopping_early_gives_a_report_of_what_was_answered(app, client, accounts):
    accounts.seeker()
    session_id = start(client, "standard")
    play_step(app, client, session_id)
    assert client.post(f"{BASE}/seances/{session_id}/terminer").status_code == 303
    finished = state(app, session_id)
    assert finished.status == "finished" and finished.overall == 100
    assert client.get(f"{BASE}/seances/{session_id}").status_code == 303


def test_unknown_template_or_family_is_refused(app, client, accounts):
    accounts.seeker()
    for data, message in (
        ({"template": "marathon"}, "Choisissez un type d'entretien dans la liste."),
        ({"template": "court", "family": "Z"}, "Choisissez un domaine de métier dans la liste."),
    ):
        response = client.post(f"{BASE}/seances", data=data)
        assert response.status_code == 422 and message in text(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(InterviewSession.id))) == 0


def test_home_card_and_account_tab(app, client, accounts):
    accounts.seeker()
    assert "Reprendre votre entretien" not in text(client.get("/"))
    session_id = start(client)
    home = text(client.get("/"))
    assert "Reprendre votre entretien d'entraînement" in home
    assert f"{BASE}/seances/{session_id}" in home
    assert "Mes entretiens d'entraînement" in text(client.get("/compte"))


def test_pages_carry_no_inline_script(app, client, accounts):
    accounts.seeker()
    session_id = start(client, "standard", countdown="1")
    pages = [text(client.get(f"{BASE}/")), text(client.get(f"{BASE}/seances/{session_id}"))]
    play_to_the_end(app, client, session_id)
    pages.append(text(client.get(f"{BASE}/seances/{session_id}/bilan")))
    for page in pages:
        assert "<script>" not in page and " onclick=" not in page
    assert '<script src="/interview-sim/static/countdown.js" defer></script>' in pages[1]
    with client.get("/interview-sim/static/countdown.js") as script:
        assert script.status_code == 200 and b"data-countdown" in script.data


def test_the_store_lists_the_simulator_once_the_plugin_is_loaded(make_app):
    app = make_app(catalog=SHIPPED_CATALOG)
    client = app.test_client()
    assert client.get("/services/simulateur-d-entretien").status_code == 200
    launch = client.post("/services/simulateur-d-entretien/lancer")
    assert launch.headers["Location"] == f"{BASE}/"
    assert client.get(launch.headers["Location"]).status_code == 200


@pytest.mark.parametrize("template", ["court", "standard"])
def test_every_template_can_be_played_to_the_end(app, client, accounts, template):
    accounts.seeker()
    session_id = start(client, template)
    play_to_the_end(app, client, session_id, option="b")
    assert state(app, session_id).overall is not None
