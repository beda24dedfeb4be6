"""Courses read from their folders and validated whole when the plugin starts.

A broken course is refused with the file and the entry named, e.g.
``reussir-son-cv/quizzes/m1-quiz.yaml: questions[2].choices: A single-choice question
has exactly one correct choice.``
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError

from emploistore import flatten_messages, read_yaml, render_markdown
from mooc_player.content_schemas import (
    MAX_RESOURCE_BYTES,
    RESOURCE_SUFFIXES,
    CourseSchema,
    QuizSchema,
)

COURSES_DIR = Path(__file__).parent / "courses"
MIN_LESSONS, MIN_QUIZZES = 12, 3
MIN_LESSON_TEXT, MAX_LESSON_TEXT = 300, 6000


class ContentError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the MOOC content is refused: " + "; ".join(problems))


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuizQuestion:
    key: str
    kind: str
    text: str
    choices: tuple[Choice, ...]

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(choice.key for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class Quiz:
    pass_mark: int
    max_attempts: int
    wait_minutes: int
    questions: tuple[QuizQuestion, ...]

    def question(self, key: str) -> QuizQuestion | None:
        return next((q for q in self.questions if q.key == key), None)


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    kind: str
    minutes: int
    required: bool
    module_key: str
    html: str = ""  # text, resource description or video transcript, sanitised
    file: Path | None = None  # resource download
    video_url: str | None = None
    video_file: Path | None = None
    captions: Path | None = None
    quiz: Quiz | None = None


@dataclass(frozen=True)
class Module:
    key: str
    title: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    description_html: str
    minutes: int
    modules: tuple[Module, ...]
    folder: Path

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def lesson(self, key: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)

    def next_lesson(self, key: str) -> Lesson | None:
        keys = [lesson.key for lesson in self.lessons]
        index = keys.index(key) + 1 if key in keys else len(keys)
        return self.lessons[index] if index < len(keys) else None

    @property
    def required_keys(self) -> frozenset[str]:
        return frozenset(lesson.key for lesson in self.lessons if lesson.required)


def _validated(raw: Any, schema: Schema, label: str, problems: list[str]) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return schema.load(raw)
    except ValidationError as error:
        problems += [f"{label}: {line}" for line in flatten_messages(error.messages)]
    except (TypeError, AttributeError):
        problems.append(f"{label}: must be a mapping")
    return None


def _inside(folder: Path, relative: str, label: str, problems: list[str]) -> Path | None:
    """A file of the course folder (no escaping it with .. or an absolute path)."""
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        problems.append(f"{label}: file '{relative}' not found in the course folder")
        return None
    return path


def _quiz(folder: Path, slug: str, key: str, problems: list[str]) -> Quiz | None:
    label = f"{slug}/quizzes/{key}.yaml"
    data = _validated(
        read_yaml(folder / "quizzes" / f"{key}.yaml", label, problems),
        QuizSchema(),
        label,
        problems,
    )
    if data is None:
        return None
    keys = [q["key"] for q in data["questions"]]
    if len(set(keys)) != len(keys):
        problems.append(f"{label}: questions: keys must be different")
    return Quiz(
        pass_mark=data["pass_mark"],
        max_attempts=data["max_attempts"],
        wait_minutes=data["wait_minutes"],
        questions=tuple(
            QuizQuestion(
                key=q["key"],
                kind=q["kind"],
                text=q["text"],
                choices=tuple(Choice(**choice) for choice in q["choices"]),
            )
            for q in data["questions"]
        ),
    )


def _lesson_text(folder: Path, slug: str, key: str, problems: list[str]) -> str:
    label = f"{slug}/lessons/{key}.md"
    try:
        source = (folder / "lessons" / f"{key}.md").read_text(encoding="utf-8")
    except OSError as error:
        problems.append(f"{label}: cannot read the file ({error.strerror})")
        return ""
    if not MIN_LESSON_TEXT <= len(source) <= MAX_LESSON_TEXT:
        problems.append(
            f"{label}: {len(source)} characters, expected {MIN_LESSON_TEXT}–{MAX_LESSON_TEXT}"
        )
    return render_markdown(source)


def load_course(folder: Path, problems: list[str]) -> Course | None:
    slug = folder.name
    label = f"{slug}/course.yaml"
    data = _validated(
        read_yaml(folder / "course.yaml", label, problems), CourseSchema(), label, problems
    )
    if data is None:
        return None
    if data["slug"] != slug:
        problems.append(f"{label}: slug: '{data['slug']}' differs from the folder name")
    modules: list[Module] = []
    seen: set[str] = set()
    for module_index, module in enumerate(data["modules"]):
        if module["key"] in seen:
            problems.append(f"{label}: modules[{module_index}].key: '{module['key']}' used twice")
        seen.add(module["key"])
        lessons = []
        for lesson_index, entry in enumerate(module["lessons"]):
            where = f"{label}: modules[{module_index}].lessons[{lesson_index}] ({entry['key']})"
            if entry["key"] in seen:
                problems.append(f"{where}: key: used twice")
            seen.add(entry["key"])
            lesson: dict[str, Any] = {
                "key": entry["key"],
                "title": entry["title"],
                "kind": entry["kind"],
                "minutes": entry["minutes"],
                "required": entry["required"],
                "module_key": module["key"],
            }
            if entry["kind"] == "quiz":
                lesson["quiz"] = _quiz(folder, slug, entry["key"], problems)
            else:
                lesson["html"] = _lesson_text(folder, slug, entry["key"], problems)
            if entry["kind"] == "resource":
                path = _inside(folder, entry["file"], f"{where}.file", problems)
                if path is not None:
                    if path.suffix.lower() not in RESOURCE_SUFFIXES:
                        problems.append(f"{where}.file: only {', '.join(RESOURCE_SUFFIXES)} files")
                    if path.stat().st_size > MAX_RESOURCE_BYTES:
                        problems.append(f"{where}.file: larger than 2 MB")
                lesson["file"] = path
            if entry["kind"] == "video":
                lesson["video_url"] = entry["video_url"]
                if entry["video_file"]:
                    lesson["video_file"] = _inside(
                        folder, entry["video_file"], f"{where}.video_file", problems
                    )
                lesson["captions"] = _inside(
                    folder, entry["captions"], f"{where}.captions", problems
                )
            lessons.append(Lesson(**lesson))
        modules.append(Module(key=module["key"], title=module["title"], lessons=tuple(lessons)))
    course = Course(
        slug=slug,
        title=data["title"],
        summary=data["summary"],
        description_html=render_markdown(data["description"]),
        minutes=data["minutes"],
        modules=tuple(modules),
        folder=folder,
    )
    if len(course.lessons) < MIN_LESSONS:
        problems.append(f"{label}: {len(course.lessons)} lessons, at least {MIN_LESSONS} expected")
    quizzes = sum(1 for lesson in course.lessons if lesson.kind == "quiz")
    if quizzes < MIN_QUIZZES:
        problems.append(f"{label}: {quizzes} quizzes, at least {MIN_QUIZZES} expected")
    return course


def load_courses(base: Path = COURSES_DIR) -> dict[str, Course]:
    """Every course folder under ``base``, in name order; ContentError lists all problems."""
    problems: list[str] = []
    courses: dict[str, Course] = {}
    folders = sorted(path for path in base.iterdir() if path.is_dir()) if base.is_dir() else []
    if not folders:
        problems.append(f"{base}: no course folder")
    for folder in folders:
        course = load_course(folder, problems)
        if course is not None:
            courses[course.slug] = course
    if problems:
        raise ContentError(problems)
    return courses
