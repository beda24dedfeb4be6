"""Pages of the simulator: one step per page, so it works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from interview_sim import services
from interview_sim.models import InterviewSession
from interview_sim.report import build_report
from interview_sim.scoring import SELF_RATINGS

bp = Blueprint(
    "interview_sim",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix="/interview-sim",
)

RATING_LABELS = {
    0: "Pas du tout : je n'ai pas su répondre",
    1: "En partie : l'essentiel manque",
    2: "Bien : proche de la réponse modèle",
    3: "Très bien : complète et claire",
}


def _own_session(session_id: int) -> InterviewSession:
    session = services.get_session(current_user.id, session_id)
    if session is None:
        abort(404)
    return session


def _index_page(errors: dict[str, str]) -> str:
    bank = services.current_bank()
    signed_in = current_user.is_authenticated
    return render_template(
        "interview_sim/index.html",
        templates=list(bank.templates.values()),
        families=bank.families,
        unfinished=services.unfinished_session(current_user.id) if signed_in else None,
        history=services.history(current_user.id) if signed_in else [],
        axis_labels=services.AXIS_LABELS,
        errors=errors,
    )


@bp.get("/")
def index() -> str:
    return _index_page({})


@bp.post("/seances")
@login_required
def start() -> Response | tuple[str, int]:
    try:
        session = services.start_session(
            current_user.id,
            request.form.get("template", ""),
            request.form.get("family") or None,
            countdown=request.form.get("countdown") == "1",
        )
    except services.StepRefused as error:
        return _index_page({error.field: str(error)}), 422
    return redirect(url_for("interview_sim.step", session_id=session.id), code=303)


def _render_step(session: InterviewSession, errors: dict[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    bank = services.current_bank()
    step = services.current_step(session)
    if step is None:
        return redirect(url_for("interview_sim.report", session_id=session.id), code=303)
    services.mark_shown(session)
    previous = next((a for a in reversed(session.answers) if a.completed), None)
    previous_option = None
    if previous is not None and previous.option_key:
        source = bank.incidents if previous.step_kind == "incident" else bank.questions
        previous_option = source[previous.item_id].option(previous.option_key)
    item = bank.incidents[step.id] if step.kind == "incident" else bank.questions[step.id]
    return render_template(
        "interview_sim/step.html",
        session=session,
        step=step,
        item=item,
        pending=services.pending_open_answer(session),
        previous_option=previous_option,
        number=session.position + 1,
        total=len(session.sequence),
        rating_labels=[(value, RATING_LABELS[value]) for value in SELF_RATINGS],
        errors=errors,
    ), status


@bp.get("/seances/<int:session_id>")
@login_required
def step(session_id: int):  # type: ignore[no-untyped-def]
    return _render_step(_own_session(session_id), {})


@bp.post("/seances/<int:session_id>")
@login_required
def answer(session_id: int):  # type: ignore[no-untyped-def]
    session = _own_session(session_id)
    position = request.form.get("position", "")
    if not position.isdigit():
        abort(400)
    try:
        if "option" in request.form:
            services.answer_choice(session, int(position), request.form["option"])
        elif "text" in request.form:
            services.answer_open_text(session, int(position), request.form["text"])
        elif "rating" in request.form or request.form.get("phase") == "rating":
            rating = request.form.get("rating", "")
            ticked = [int(v) for v in request.form.getlist("checklist") if v.isdigit()]
            services.rate_open_answer(
                session, int(position), int(rating) if rating.isdigit() else None, ticked
            )
        else:
            raise services.StepRefused("option", "Choisissez une des réponses proposées.")
    except services.OutOfStep:
        # Back button or a double click: show the step the session is really at.
        return redirect(url_for("interview_sim.step", session_id=session.id), code=303)
    except services.StepRefused as error:
        return _render_step(session, {error.field: str(error)}, 422)
    return redirect(url_for("interview_sim.step", session_id=session.id), code=303)


@bp.post("/seances/<int:session_id>/terminer")
@login_required
def finish(session_id: int) -> Response:
    session = _own_session(session_id)
    services.finish_now(session)
    return redirect(url_for("interview_sim.report", session_id=session.id), code=303)


@bp.get("/seances/<int:session_id>/bilan")
@login_required
def report(session_id: int):  # type: ignore[no-untyped-def]
    session = _own_session(session_id)
    if not session.finished:
        return redirect(url_for("interview_sim.step", session_id=session.id), code=303)
    bank = services.current_bank()
    return render_template(
        "interview_sim/report.html",
        session=session,
        template=bank.templates.get(session.template_key),
        report=build_report(session),
    )


@bp.post("/seances/<int:session_id>/rejouer")
@login_required
def replay(session_id: int) -> Response:
    original = _own_session(session_id)
    session = services.replay(current_user.id, original)
    return redirect(url_for("interview_sim.step", session_id=session.id), code=303)
