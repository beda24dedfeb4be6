"""Schemas of the question bank files (unknown keys refused)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

CATEGORIES = (
    "presentation",
    "motivation",
    "experience",
    "qualites_defauts",
    "situation",
    "salaire",
    "questions_recruteur",
    "conclusion",
)
AXES = ("clarity", "motivation", "knowledge", "composure")
MAX_POINTS = 3


class _Strict(Schema):
    class Meta:
        unknown = RAISE


ID_RULE = validate.Regexp(r"^[a-z0-9]+(?:[-_][a-zA-Z0-9]+)*$", error="Use a-z, 0-9, - and _.")
SCORES = fields.Dict(
    keys=fields.String(validate=validate.OneOf(AXES)),
    values=fields.Integer(validate=validate.Range(0, MAX_POINTS)),
    required=True,
    validate=validate.Length(min=1, max=len(AXES)),
)


class OptionSchema(_Strict):
    key = fields.String(required=True, validate=validate.OneOf(["a", "b", "c", "d"]))
    text = fields.String(required=True, validate=validate.Length(5, 400))
    scores = SCORES
    feedback = fields.String(required=True, validate=validate.Length(10, 400))
    followup = fields.String(load_default=None, validate=ID_RULE)


def _options(**kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(OptionSchema), validate=validate.Length(3, 4), **kwargs)


class QuestionSchema(_Strict):
    id = fields.String(required=True, validate=[validate.Length(3, 60), ID_RULE])
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    difficulty = fields.Integer(required=True, validate=validate.Range(1, 3))
    job_family = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 5))
    kind = fields.String(required=True, validate=validate.OneOf(["choice", "open"]))
    text = fields.String(required=True, validate=validate.Length(10, 300))
    time_limit = fields.Integer(load_default=90, validate=validate.Range(30, 300))
    followup_only = fields.Boolean(load_default=False)
    options = _options(load_default=None)
    model_answer = fields.String(load_default=None, validate=validate.Length(40, 1500))
    checklist = fields.List(
        fields.String(validate=validate.Length(3, 200)),
        load_default=None,
        validate=validate.Length(2, 6),
    )
    axes = fields.List(
        fields.String(validate=validate.OneOf(AXES)),
        load_default=None,
        validate=validate.Length(1, len(AXES)),
    )
    advice = fields.String(load_default=None, validate=validate.Length(max=400))

    @validates_schema
    def kind_fields(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data["kind"] == "choice":
            if not data.get("options"):
                errors["options"] = ["A choice question needs 3 or 4 options."]
            for name in ("model_answer", "checklist", "axes"):
                if data.get(name) is not None:
                    errors[name] = ["Only open questions have this field."]
            keys = [option["key"] for option in data.get("options") or []]
            if len(set(keys)) != len(keys):
                errors["options"] = ["Option keys must be different."]
        else:
            for name in ("model_answer", "checklist", "axes"):
                if not data.get(name):
                    errors[name] = ["An open question needs this field."]
            if data.get("options") is not None:
                errors["options"] = ["Only choice questions have options."]
        if errors:
            raise ValidationError(errors)


class IncidentSchema(_Strict):
    id = fields.String(required=True, validate=[validate.Length(3, 60), ID_RULE])
    title = fields.String(required=True, validate=validate.Length(5, 80))
    text = fields.String(required=True, validate=validate.Length(20, 500))
    options = _options(required=True)


class TemplateSchema(_Strict):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{2,30}$"))
    name = fields.String(required=True, validate=validate.Length(5, 60))
    description = fields.String(load_default="", validate=validate.Length(max=200))
    minutes = fields.Integer(required=True, validate=validate.Range(5, 90))
    difficulty = fields.List(
        fields.Integer(validate=validate.Range(1, 3)), required=True, validate=validate.Length(1, 3)
    )
    categories = fields.Dict(
        keys=fields.String(validate=validate.OneOf(CATEGORIES)),
        values=fields.Integer(validate=validate.Range(1, 10)),
        required=True,
        validate=validate.Length(min=1),
    )
    incident_rate = fields.Float(required=True, validate=validate.Range(0, 1))
    max_incidents = fields.Integer(required=True, validate=validate.Range(0, 10))
    countdown = fields.Boolean(load_default=False)


class FamilySchema(_Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-N]$"))
    label = fields.String(required=True, validate=validate.Length(3, 120))


class AdviceSchema(_Strict):
    axis = fields.String(required=True, validate=validate.OneOf(AXES))
    label = fields.String(required=True, validate=validate.Length(3, 60))
    strength = fields.String(required=True, validate=validate.Length(10, 400))
    work_on = fields.String(required=True, validate=validate.Length(10, 600))
    services = fields.List(fields.String(validate=validate.Length(2, 60)), load_default=list)
