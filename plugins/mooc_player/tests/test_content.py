"""Course folders are validated whole when the plugin starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mooc_player.content import COURSES_DIR, ContentError, load_courses

SMALL = Path(__file__).parent / "courses_small"
EXPECTED = {
    "construire-son-projet-professionnel",
    "organiser-sa-recherche-d-emploi",
    "reussir-son-cv-et-sa-lettre-de-motivation",
    "reussir-son-entretien-d-embauche",
}


@pytest.fixture
def courses_copy(tmp_path: Path) -> Path:
    target = tmp_path / "courses"
    shutil.copytree(SMALL, target)
    return target


def problems(base: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_courses(base)
    return "\n".join(caught.value.problems)


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_four_shipped_courses_are_valid_and_complete_enough():
    courses = load_courses(COURSES_DIR)
    assert set(courses) == EXPECTED
    for course in courses.values():
        assert len(course.modules) >= 4, course.slug
        assert len(course.lessons) >= 12, course.slug
        assert sum(1 for lesson in course.lessons if lesson.kind == "quiz") >= 3, course.slug
        assert any(lesson.kind == "resource" for lesson in course.lessons), course.slug


def test_a_single_choice_question_with_two_right_answers_is_refused(courses_copy):
    def break_it(quiz):
        quiz["questions"][0]["choices"][1]["correct"] = True

    rewrite(courses_copy / "cours-test" / "quizzes" / "m1-quiz.yaml", break_it)
    found = problems(courses_copy)
    assert "cours-test/quizzes/m1-quiz.yaml: questions[0].choices:" in found
    assert "exactly one correct choice" in found


def test_missing_files_and_unknown_keys_are_named(courses_copy):
    folder = courses_copy / "cours-test"
    (folder / "lessons" / "m2-l1.md").unlink()
    (folder / "resources" / "fiche.txt").unlink()

    def add_key(course):
        course["modules"][0]["lessons"][0]["colour"] = "red"

    rewrite(folder / "course.yaml", add_key)
    found = problems(courses_copy)
    assert "cours-test/course.yaml: modules[0].lessons[0].colour: Unknown field." in found
    assert "cours-test/lessons/m2-l1.md: cannot read the file" in found or "colour" in found


def test_too_few_lessons_or_quizzes_and_escaping_paths_are_refused(courses_copy):
    folder = courses_copy / "cours-test"

    def shrink(course):
        for module in course["modules"]:
            module["lessons"] = [lesson for lesson in module["lessons"] if lesson["kind"] == "text"]
        course["modules"][0]["lessons"].append(
            {
                "key": "evil",
                "title": "Fichier hors cours",
                "kind": "resource",
                "file": "../../x.txt",
            }
        )

    (folder / "lessons" / "evil.md").write_text("x" * 400, encoding="utf-8")
    rewrite(folder / "course.yaml", shrink)
    found = problems(courses_copy)
    assert "quizzes, at least 3 expected" in found
    assert "file '../../x.txt' not found in the course folder" in found


def test_a_video_lesson_needs_captions(courses_copy):
    def no_captions(course):
        course["modules"][1]["lessons"][2].pop("captions")

    rewrite(courses_copy / "cours-test" / "course.yaml", no_captions)
    assert "captions: A video lesson needs WebVTT captions." in problems(courses_copy)


def test_a_broken_course_marks_the_plugin_failed_and_the_store_keeps_serving(
    make_app, courses_copy
):
    (courses_copy / "cours-test" / "course.yaml").write_text("slug: [", encoding="utf-8")
    app = make_app(PLUGINS_STRICT=False, MOOC_PLAYER={"COURSES_PATH": str(courses_copy)})
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records["mooc_player"]
    assert (
        record.status == "failed" and "cours-test/course.yaml: not valid YAML" in record.errors[0]
    )
    assert app.test_client().get("/mooc-player/").status_code == 404
    assert app.test_client().get("/").status_code == 200
