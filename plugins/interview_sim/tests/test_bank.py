"""The question bank is validated whole at load, with the file and entry named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from interview_sim.bank import BANK_DIR, BankError, load_bank
from interview_sim.bank_schemas import CATEGORIES

SMALL = Path(__file__).parent / "bank_small"


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(SMALL, target)
    return target


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems(bank: Path) -> str:
    with pytest.raises(BankError) as caught:
        load_bank(bank)
    return "\n".join(caught.value.problems)


def test_the_shipped_bank_is_valid_and_rich_enough():
    bank = load_bank(BANK_DIR)
    questions = list(bank.questions.values())
    assert len(questions) >= 120
    assert len(bank.incidents) >= 20
    for category in CATEGORIES:
        in_category = [q for q in questions if q.category == category]
        assert in_category, category
    assert {q.kind for q in questions} == {"choice", "open"}
    assert any(o.followup for q in questions for o in q.options), "no branching in the bank"
    assert any(q.job_family for q in questions), "no job-specific question"
    assert {"court", "standard", "exigeant"} <= set(bank.templates)


def test_a_broken_followup_is_refused_naming_file_and_entry(bank_copy):
    def break_it(questions):
        questions[1]["options"][0]["followup"] = "motivation-099"

    rewrite(bank_copy / "questions" / "motivation.yaml", break_it)
    found = problems(bank_copy)
    assert "questions/motivation.yaml[1] (motivation-002)" in found
    assert "options[0].followup: unknown question 'motivation-099'" in found


def test_an_unknown_category_is_refused(bank_copy):
    def break_it(questions):
        questions[0]["category"] = "astrologie"

    rewrite(bank_copy / "questions" / "salaire.yaml", break_it)
    found = problems(bank_copy)
    assert "questions/salaire.yaml[0] (salaire-001): category: Must be one of" in found


def test_an_entry_in_the_wrong_file_is_refused(bank_copy):
    def move(questions):
        questions[0]["category"] = "conclusion"

    rewrite(bank_copy / "questions" / "salaire.yaml", move)
    assert "category: 'conclusion' in the file of 'salaire'" in problems(bank_copy)


def test_followup_loops_duplicate_ids_and_bad_scores_are_refused(bank_copy):
    def loop(questions):
        questions[4]["options"][0]["followup"] = "presentation-001"  # 001 → 099 → 001
        questions[2]["id"] = "presentation-002"
        questions[3]["options"][1]["scores"] = {"charisma": 7}

    rewrite(bank_copy / "questions" / "presentation.yaml", loop)
    found = problems(bank_copy)
    assert "followups loop back" in found
    assert "id: already used" in found
    assert "presentation-j01): options[1].scores" in found


def test_open_and_choice_fields_are_checked(bank_copy):
    def mix(questions):
        questions[0].pop("model_answer")
        questions[1]["options"] = [
            {"key": key, "text": "x" * 20, "scores": {"clarity": 1}, "feedback": "y" * 20}
            for key in "abc"
        ]

    rewrite(bank_copy / "questions" / "situation.yaml", mix)
    found = problems(bank_copy)
    assert "situation-001): model_answer: An open question needs this field." in found
    assert "situation-002): options: Only choice questions have options." in found


def test_a_template_the_bank_cannot_fill_is_refused(bank_copy):
    def greedy(templates):
        templates[0]["categories"]["conclusion"] = 5

    rewrite(bank_copy / "templates.yaml", greedy)
    assert "templates.yaml (court): categories.conclusion: asks for 5 questions" in problems(
        bank_copy
    )


def test_a_missing_or_unreadable_file_is_named(bank_copy):
    (bank_copy / "incidents.yaml").unlink()
    (bank_copy / "questions" / "experience.yaml").write_text("- [unclosed\n", encoding="utf-8")
    found = problems(bank_copy)
    assert "incidents.yaml: cannot read the file" in found
    assert "questions/experience.yaml: not valid YAML" in found


def test_a_broken_bank_marks_the_plugin_failed_and_the_store_keeps_serving(make_app, bank_copy):
    (bank_copy / "advice.yaml").write_text("- axis: charisma\n", encoding="utf-8")
    app = make_app(PLUGINS_STRICT=False, INTERVIEW_SIM={"BANK_PATH": str(bank_copy)})
    from emploistore.plugins.manager import plugin_host

    record = plugin_host(app).records["interview_sim"]
    assert record.status == "failed" and "advice.yaml[0] (charisma)" in record.errors[0]
    client = app.test_client()
    assert client.get("/interview-sim/").status_code == 404
    assert client.get("/").status_code == 200
