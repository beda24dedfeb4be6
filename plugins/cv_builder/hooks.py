"""The CV builder's hook implementations: how the host loads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, url_for

from cv_builder import editor_views, services, share_views, views  # noqa: F401 - they add the routes
from cv_builder.blueprint import bp
from cv_builder.models import CV, CVPhoto, ShareLink
from emploistore import AccountTab, HomeCard, SeekerResource, hookimpl


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    return [bp]


@hookimpl
def register_models() -> list[type]:
    return [CV, CVPhoto, ShareLink]


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def home_cards(user: Any) -> list[HomeCard]:
    if user is None:
        return []
    count, latest = services.summary_of(user.id)
    if latest is None:
        return []
    return [
        HomeCard(
            title="Vos CV",
            text=(
                f"{count} CV enregistré{'s' if count > 1 else ''}. "
                f"Dernier modifié : « {latest.title} »."
            ),
            url=url_for("cv_builder.editor", cv_id=latest.id),
            link_label="Reprendre",
        )
    ]


@hookimpl
def account_tabs(user: Any) -> list[AccountTab]:
    return [AccountTab(label="Mes CV", url=url_for("cv_builder.index"))]


@hookimpl
def export_user_data(user: Any) -> dict[str, Any] | None:
    exported = services.export_user(user.id)
    return exported if exported["cvs"] else None


def _cv_summaries(user_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": cv.id,
            "title": cv.title,
            "headline": cv.content.get("basics", {}).get("label", ""),
            "rome_code": cv.content.get("romeCode") or None,
            "updated_at": cv.updated_at.isoformat(timespec="seconds") + "Z",
        }
        for cv in services.list_cvs(user_id)
    ]


@hookimpl
def seeker_resources() -> list[SeekerResource]:
    return [
        SeekerResource(
            name="cvs",
            scope="cv:read",
            list_items=_cv_summaries,
            get_item=services.json_resume_for,
            summary="The seeker's CVs (scope cv:read); one CV as JSON Resume v1",
        )
    ]
