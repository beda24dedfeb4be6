"""The MOOC player's hook implementations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, url_for

from emploistore import AccountTab, HomeCard, SearchDocument, hookimpl, load_once
from mooc_player import services
from mooc_player.content import COURSES_DIR, load_courses
from mooc_player.models import Enrolment, LessonProgress, QuizAttempt, Statement
from mooc_player.views import bp


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    return [bp]


@hookimpl
def register_models() -> list[type]:
    return [Enrolment, LessonProgress, QuizAttempt, Statement]


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def startup(app: Flask) -> None:
    """Load and validate every course; ``MOOC_PLAYER = {"COURSES_PATH": ...}`` overrides."""
    settings = app.config.get("MOOC_PLAYER") or {}
    app.extensions[services.COURSES_KEY] = load_once(
        Path(settings.get("COURSES_PATH", COURSES_DIR)), load_courses
    )


@hookimpl
def search_documents() -> list[SearchDocument]:
    documents = []
    for course in services.courses().values():
        url = url_for("mooc_player.course", slug=course.slug)
        documents.append(
            SearchDocument(key=course.slug, title=course.title, text=course.summary, url=url)
        )
        for lesson in course.lessons:
            documents.append(
                SearchDocument(
                    key=f"{course.slug}:{lesson.key}",
                    title=f"{lesson.title} — {course.title}",
                    text=lesson.title,
                    url=url,
                )
            )
    return documents


@hookimpl
def home_cards(user: Any) -> list[HomeCard]:
    if user is None:
        return []
    cards = []
    for slug, enrolment in services.enrolments(user.id).items():
        course = services.courses().get(slug)
        if course is None or enrolment.completed_at is not None:
            continue
        lesson = services.resume_lesson(course, enrolment)
        cards.append(
            HomeCard(
                title=f"Reprendre « {course.title} »",
                text=(
                    f"{services.course_percent(course, enrolment)} % du cours fait. "
                    f"Prochaine leçon : {lesson.title}."
                ),
                url=url_for("mooc_player.lesson", slug=slug, key=lesson.key),
                link_label="Reprendre",
            )
        )
    return cards


@hookimpl
def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "enrolments": services.export_enrolments(user.id),
        "activity": services.learner_statements(user.id, user.email),
    }


@hookimpl
def account_tabs(user: Any) -> list[AccountTab]:
    return [AccountTab(label="Mes cours", url=url_for("mooc_player.index"))]
