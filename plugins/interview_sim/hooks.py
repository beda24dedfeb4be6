"""The simulator's hook implementations: how the host loads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, url_for

from emploistore import AccountTab, HomeCard, hookimpl, load_once
from interview_sim import services
from interview_sim.bank import BANK_DIR, load_bank
from interview_sim.models import InterviewAnswer, InterviewSession
from interview_sim.views import bp


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    return [bp]


@hookimpl
def register_models() -> list[type]:
    return [InterviewSession, InterviewAnswer]


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def startup(app: Flask) -> None:
    """Load and validate the question bank once per process; a broken bank fails here.

    ``INTERVIEW_SIM = {"BANK_PATH": "..."}`` in the config points to another bank folder.
    """
    settings = app.config.get("INTERVIEW_SIM") or {}
    app.extensions[services.BANK_KEY] = load_once(
        Path(settings.get("BANK_PATH", BANK_DIR)), load_bank
    )


@hookimpl
def home_cards(user: Any) -> list[HomeCard]:
    if user is None:
        return []
    session = services.unfinished_session(user.id)
    if session is None:
        return []
    return [
        HomeCard(
            title="Reprendre votre entretien d'entraînement",
            text=f"Vous en êtes à l'étape {session.position + 1} sur {len(session.sequence)}.",
            url=url_for("interview_sim.step", session_id=session.id),
            link_label="Reprendre",
        )
    ]


@hookimpl
def export_user_data(user: Any) -> dict[str, Any]:
    return {"sessions": services.export_sessions(user.id)}


@hookimpl
def account_tabs(user: Any) -> list[AccountTab]:
    return [AccountTab(label="Mes entretiens d'entraînement", url=url_for("interview_sim.index"))]
