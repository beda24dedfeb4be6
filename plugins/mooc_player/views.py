"""Pages of the MOOC player; every learner page works without JavaScript."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from emploistore import admin_required
from mooc_player import quizzes, services, stats
from mooc_player.certificates import certificate_pdf
from mooc_player.content import Course, Lesson

bp = Blueprint(
    "mooc_player",
    __name__,
    template_folder="templates",
    static_folder="static",
    url_prefix="/mooc-player",
)


def _course_or_404(slug: str) -> Course:
    course = services.courses().get(slug)
    if course is None:
        abort(404)
    return course


def _lesson_or_404(course: Course, key: str) -> Lesson:
    lesson = course.lesson(key)
    if lesson is None:
        abort(404)
    return lesson


def enrolled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Lesson pages need the learner's own enrolment; it is passed to the view."""

    @wraps(view)
    @login_required
    def wrapped(slug: str, key: str, **kwargs: Any) -> Any:
        course = _course_or_404(slug)
        lesson = _lesson_or_404(course, key)
        enrolment = services.enrolment_of(current_user.id, course)
        if enrolment is None:
            flash("Inscrivez-vous au cours pour suivre ses leçons.", "error")
            return redirect(url_for("mooc_player.course", slug=slug), code=303)
        return view(course=course, lesson=lesson, enrolment=enrolment, **kwargs)

    return wrapped


@bp.get("/")
def index() -> str:
    mine = services.enrolments(current_user.id) if current_user.is_authenticated else {}
    rows = [
        (course, mine.get(course.slug), services.course_percent(course, mine.get(course.slug)))
        for course in services.courses().values()
    ]
    return render_template("mooc_player/index.html", rows=rows)


@bp.get("/cours/<slug>")
def course(slug: str) -> str:
    found = _course_or_404(slug)
    enrolment = (
        services.enrolment_of(current_user.id, found) if current_user.is_authenticated else None
    )
    return render_template(
        "mooc_player/course.html",
        course=found,
        enrolment=enrolment,
        outline=services.outline(found, enrolment),
        percent=services.course_percent(found, enrolment),
        resume=services.resume_lesson(found, enrolment) if enrolment else None,
    )


@bp.post("/cours/<slug>/inscription")
@login_required
def enrol(slug: str) -> Response:
    found = _course_or_404(slug)
    enrolment = services.enrol(current_user.id, found)
    lesson = services.resume_lesson(found, enrolment)
    return redirect(url_for("mooc_player.lesson", slug=slug, key=lesson.key), code=303)


@bp.get("/cours/<slug>/<key>")
@enrolled
def lesson(course: Course, lesson: Lesson, enrolment: Any) -> str:
    progress = services.open_lesson(current_user.id, course, enrolment, lesson)
    context: dict[str, Any] = {}
    if lesson.kind == "quiz":
        state = quizzes.quiz_state(enrolment, lesson)
        context["state"] = state
        try:
            context["attempt"] = quizzes.open_attempt(enrolment, lesson)
        except quizzes.QuizRefused as refusal:
            context["refusal"] = refusal
    return render_template(
        "mooc_player/lesson.html",
        course=course,
        lesson=lesson,
        enrolment=enrolment,
        done=lesson.key in services.done_keys(enrolment),
        progress=progress,
        next_lesson=course.next_lesson(lesson.key),
        outline=services.outline(course, enrolment),
        **context,
    )


@bp.post("/cours/<slug>/<key>/termine")
@enrolled
def mark_done(course: Course, lesson: Lesson, enrolment: Any) -> Response:
    if lesson.kind == "quiz":
        abort(400)
    services.mark_done(current_user.id, course, enrolment, lesson)
    if enrolment.completed_at is not None and enrolment.certificate_code:
        flash("Bravo, vous avez terminé le cours ! Votre certificat est prêt.", "success")
        return redirect(url_for("mooc_player.course", slug=course.slug), code=303)
    following = course.next_lesson(lesson.key)
    target = (
        url_for("mooc_player.lesson", slug=course.slug, key=following.key)
        if following
        else url_for("mooc_player.course", slug=course.slug)
    )
    return redirect(target, code=303)


@bp.post("/cours/<slug>/<key>/position")
@enrolled
def video_position(course: Course, lesson: Lesson, enrolment: Any) -> Response:
    seconds = request.form.get("seconds", "")
    if lesson.kind != "video" or not seconds.isdigit():
        abort(400)
    services.save_video_position(enrolment, lesson, int(seconds))
    return Response(status=204)


@bp.get("/cours/<slug>/<key>/fichier")
@enrolled
def resource(course: Course, lesson: Lesson, enrolment: Any) -> Response:
    if lesson.file is None:
        abort(404)
    return send_file(lesson.file, as_attachment=True, download_name=lesson.file.name)


@bp.get("/cours/<slug>/<key>/sous-titres.vtt")
@enrolled
def captions(course: Course, lesson: Lesson, enrolment: Any) -> Response:
    if lesson.captions is None:
        abort(404)
    return send_file(lesson.captions, mimetype="text/vtt")


@bp.get("/cours/<slug>/<key>/video")
@enrolled
def video(course: Course, lesson: Lesson, enrolment: Any) -> Response:
    if lesson.video_file is None:
        abort(404)
    return send_file(lesson.video_file, conditional=True)


@bp.post("/cours/<slug>/<key>/quiz")
@enrolled
def submit_quiz(course: Course, lesson: Lesson, enrolment: Any) -> Response | tuple[str, int]:
    attempt_id = request.form.get("attempt", "")
    if lesson.kind != "quiz" or not attempt_id.isdigit():
        abort(400)
    answers = {
        question.key: request.form.getlist(f"q-{question.key}")
        for question in lesson.quiz.questions  # type: ignore[union-attr]
    }
    try:
        attempt, results = quizzes.submit(
            current_user.id, course, enrolment, lesson, int(attempt_id), answers
        )
    except quizzes.QuizRefused as refusal:
        return render_template(
            "mooc_player/refused.html", course=course, lesson=lesson, refusal=refusal
        ), 409
    state = quizzes.quiz_state(enrolment, lesson)
    return render_template(
        "mooc_player/quiz_result.html",
        course=course,
        lesson=lesson,
        attempt=attempt,
        results=results,
        state=state,
        enrolment=enrolment,
        next_lesson=course.next_lesson(lesson.key),
    ), 200


@bp.get("/certificats/<code>")
def verify(code: str) -> tuple[str, int]:
    enrolment = services.certificate(code)
    found = services.courses().get(enrolment.course_slug) if enrolment else None
    return render_template(
        "mooc_player/verify.html", code=code, enrolment=enrolment, course=found
    ), (200 if enrolment else 404)


@bp.get("/certificats/<code>.pdf")
@login_required
def certificate(code: str) -> Response:
    enrolment = services.certificate(code)
    if enrolment is None or enrolment.user_id != current_user.id:
        abort(404)
    found = _course_or_404(enrolment.course_slug)
    verify_url = url_for("mooc_player.verify", code=enrolment.certificate_code, _external=True)
    return Response(
        certificate_pdf(found, enrolment, verify_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificat-{found.slug}.pdf"'},
    )


@bp.get("/mon-activite.json")
@login_required
def my_activity() -> Response:
    body = services.learner_statements(current_user.id, current_user.email)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mon-activite-mooc.json"'},
    )


@bp.get("/admin")
@admin_required
def admin() -> str:
    figures = [stats.course_figures(course) for course in services.courses().values()]
    return render_template("mooc_player/admin.html", figures=figures)


@bp.get("/admin/activite.json")
@admin_required
def admin_activity() -> Response:
    return Response(
        json.dumps(stats.aggregated_activity(), ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="activite-mooc.json"'},
    )
