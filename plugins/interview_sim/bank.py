"""The question bank: YAML files shipped with the plugin, validated whole at load.

A broken bank is refused with the file and the entry named, e.g.
``questions/motivation.yaml[3] (motivation-004): options[1].followup: unknown question
'motivation-099'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError

from emploistore import flatten_messages, read_yaml
from interview_sim.bank_schemas import (
    AXES,
    CATEGORIES,
    AdviceSchema,
    FamilySchema,
    IncidentSchema,
    QuestionSchema,
    TemplateSchema,
)

BANK_DIR = Path(__file__).parent / "bank"


class BankError(ValueError):
    """The bank is refused; ``problems`` name the file, the entry and the field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the interview question bank is refused: " + "; ".join(problems))


# -- the loaded bank ---------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    scores: Mapping[str, int]
    feedback: str
    followup: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    difficulty: int
    kind: str
    text: str
    time_limit: int
    job_family: str | None = None
    followup_only: bool = False
    options: tuple[Option, ...] = ()
    model_answer: str | None = None
    checklist: tuple[str, ...] = ()
    axes: tuple[str, ...] = ()
    advice: str | None = None

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    text: str
    options: tuple[Option, ...]

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    description: str
    minutes: int
    difficulty: tuple[int, ...]
    categories: tuple[tuple[str, int], ...]
    incident_rate: float
    max_incidents: int
    countdown: bool


@dataclass(frozen=True)
class Advice:
    axis: str
    label: str
    strength: str
    work_on: str
    services: tuple[str, ...]


@dataclass
class Bank:
    questions: dict[str, Question] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    advice: dict[str, Advice] = field(default_factory=dict)

    def family_matches(self, question: Question, family: str | None) -> bool:
        """General questions fit everyone; job questions fit their family only."""
        if question.job_family is None:
            return True
        if family is None:
            return False
        return question.job_family.startswith(family) or family.startswith(question.job_family)


def _option(data: Mapping[str, Any]) -> Option:
    return Option(
        key=data["key"],
        text=data["text"],
        scores=dict(data["scores"]),
        feedback=data["feedback"],
        followup=data.get("followup"),
    )


def _read_list(path: Path, base: Path, problems: list[str]) -> list[Any]:
    label = path.relative_to(base).as_posix()
    count_before = len(problems)
    raw = read_yaml(path, label, problems)
    if len(problems) > count_before:
        return []
    if not isinstance(raw, list):
        problems.append(f"{label}: the file must hold a list")
        return []
    return raw


def _validated(
    raw: list[Any], schema: Schema, label: str, problems: list[str]
) -> list[dict[str, Any]]:
    entries = []
    for index, item in enumerate(raw):
        ident = (
            item.get("id") or item.get("key") or item.get("code") or item.get("axis")
            if isinstance(item, dict)
            else None
        )
        where = f"{label}[{index}]" + (f" ({ident})" if ident else "")
        try:
            entries.append(schema.load(item))
        except ValidationError as error:
            problems += [f"{where}: {line}" for line in flatten_messages(error.messages)]
        except (TypeError, AttributeError):
            problems.append(f"{where}: must be a mapping")
    return entries


def load_bank(base: Path = BANK_DIR) -> Bank:
    """Read and check every file; raise BankError listing every problem found."""
    problems: list[str] = []
    bank = Bank()
    question_sources: dict[str, str] = {}

    for family in _validated(
        _read_list(base / "families.yaml", base, problems),
        FamilySchema(),
        "families.yaml",
        problems,
    ):
        bank.families[family["code"]] = family["label"]

    for category in CATEGORIES:
        path = base / "questions" / f"{category}.yaml"
        label = f"questions/{category}.yaml"
        for index, data in enumerate(
            _validated(_read_list(path, base, problems), QuestionSchema(), label, problems)
        ):
            where = f"{label}[{index}] ({data['id']})"
            if data["category"] != category:
                problems.append(
                    f"{where}: category: '{data['category']}' in the file of '{category}'"
                )
            if data["id"] in bank.questions:
                problems.append(f"{where}: id: already used in {question_sources[data['id']]}")
                continue
            family = data.get("job_family")
            if family and family[0] not in bank.families:
                problems.append(f"{where}: job_family: unknown family '{family}'")
            question_sources[data["id"]] = where
            bank.questions[data["id"]] = Question(
                id=data["id"],
                category=data["category"],
                difficulty=data["difficulty"],
                kind=data["kind"],
                text=data["text"],
                time_limit=data["time_limit"],
                job_family=family,
                followup_only=data["followup_only"],
                options=tuple(_option(o) for o in data.get("options") or ()),
                model_answer=data.get("model_answer"),
                checklist=tuple(data.get("checklist") or ()),
                axes=tuple(data.get("axes") or ()),
                advice=data.get("advice"),
            )

    for data in _validated(
        _read_list(base / "incidents.yaml", base, problems),
        IncidentSchema(),
        "incidents.yaml",
        problems,
    ):
        if data["id"] in bank.incidents or data["id"] in bank.questions:
            problems.append(f"incidents.yaml ({data['id']}): id: already used")
        bank.incidents[data["id"]] = Incident(
            id=data["id"],
            title=data["title"],
            text=data["text"],
            options=tuple(_option(o) for o in data["options"]),
        )

    for data in _validated(
        _read_list(base / "templates.yaml", base, problems),
        TemplateSchema(),
        "templates.yaml",
        problems,
    ):
        bank.templates[data["key"]] = Template(
            key=data["key"],
            name=data["name"],
            description=data["description"],
            minutes=data["minutes"],
            difficulty=tuple(sorted(set(data["difficulty"]))),
            categories=tuple(data["categories"].items()),
            incident_rate=data["incident_rate"],
            max_incidents=data["max_incidents"],
            countdown=data["countdown"],
        )

    for data in _validated(
        _read_list(base / "advice.yaml", base, problems), AdviceSchema(), "advice.yaml", problems
    ):
        bank.advice[data["axis"]] = Advice(
            axis=data["axis"],
            label=data["label"],
            strength=data["strength"],
            work_on=data["work_on"],
            services=tuple(data["services"]),
        )

    problems += _reference_problems(bank, question_sources)
    if problems:
        raise BankError(problems)
    return bank


def _reference_problems(bank: Bank, sources: Mapping[str, str]) -> list[str]:
    problems = []
    for question in bank.questions.values():
        for index, option in enumerate(question.options):
            if option.followup is None:
                continue
            if option.followup not in bank.questions:
                problems.append(
                    f"{sources[question.id]}: options[{index}].followup: "
                    f"unknown question '{option.followup}'"
                )
            elif option.followup == question.id:
                problems.append(
                    f"{sources[question.id]}: options[{index}].followup: points to itself"
                )
    for incident in bank.incidents.values():
        for index, option in enumerate(incident.options):
            if option.followup is not None:
                problems.append(
                    f"incidents.yaml ({incident.id}): options[{index}].followup: "
                    "incidents do not branch"
                )
    problems += _cycle_problems(bank, sources)
    for template in bank.templates.values():
        for category, count in template.categories:
            available = [
                q
                for q in bank.questions.values()
                if q.category == category
                and not q.followup_only
                and q.job_family is None
                and q.difficulty in template.difficulty
            ]
            if len(available) < count:
                problems.append(
                    f"templates.yaml ({template.key}): categories.{category}: asks for {count} "
                    f"questions, the bank has {len(available)} general ones at difficulty "
                    f"{', '.join(map(str, template.difficulty))}"
                )
    missing_axes = set(AXES) - set(bank.advice)
    if missing_axes and bank.advice:
        problems.append(f"advice.yaml: missing axes: {', '.join(sorted(missing_axes))}")
    return problems


def _cycle_problems(bank: Bank, sources: Mapping[str, str]) -> list[str]:
    """Follow-ups must not loop back: a session would never end."""
    problems: list[str] = []
    done: set[str] = set()

    def visit(question_id: str, path: list[str]) -> None:
        if question_id in path:
            first = path[path.index(question_id)]
            problems.append(f"{sources[first]}: followups loop back to '{question_id}'")
            return
        if question_id in done:
            return
        for option in bank.questions[question_id].options:
            if option.followup in bank.questions:
                visit(option.followup, [*path, question_id])
        done.add(question_id)

    for question_id in sorted(bank.questions):
        visit(question_id, [])
    return problems
