"""Schemas of course folders (unknown keys refused)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

KEY_RULE = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Use a-z, 0-9 and hyphens.")
LESSON_KINDS = ("text", "resource", "quiz", "video")
RESOURCE_SUFFIXES = (".txt", ".csv", ".pdf", ".odt", ".md")
MAX_RESOURCE_BYTES = 2 * 1024 * 1024


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class LessonSchema(_Strict):
    key = fields.String(required=True, validate=[validate.Length(2, 60), KEY_RULE])
    title = fields.String(required=True, validate=validate.Length(5, 100))
    kind = fields.String(required=True, validate=validate.OneOf(LESSON_KINDS))
    minutes = fields.Integer(load_default=5, validate=validate.Range(1, 60))
    required = fields.Boolean(load_default=True)
    file = fields.String(load_default=None, validate=validate.Length(3, 200))
    video_url = fields.Url(load_default=None, schemes={"https"})
    video_file = fields.String(load_default=None, validate=validate.Length(3, 200))
    captions = fields.String(load_default=None, validate=validate.Length(3, 200))

    @validates_schema
    def kind_fields(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        kind = data["kind"]
        if kind == "resource" and not data.get("file"):
            errors["file"] = ["A resource lesson needs the file to download."]
        if kind != "resource" and data.get("file"):
            errors["file"] = ["Only resource lessons have a file."]
        if kind == "video":
            if bool(data.get("video_url")) == bool(data.get("video_file")):
                errors["video_url"] = ["A video lesson has a video_url or a video_file."]
            if not data.get("captions"):
                errors["captions"] = ["A video lesson needs WebVTT captions."]
        elif data.get("video_url") or data.get("video_file") or data.get("captions"):
            errors["kind"] = ["Only video lessons have a video and captions."]
        if errors:
            raise ValidationError(errors)


class ModuleSchema(_Strict):
    key = fields.String(required=True, validate=[validate.Length(2, 60), KEY_RULE])
    title = fields.String(required=True, validate=validate.Length(5, 100))
    lessons = fields.List(fields.Nested(LessonSchema), required=True, validate=validate.Length(2))


class CourseSchema(_Strict):
    slug = fields.String(required=True, validate=[validate.Length(3, 80), KEY_RULE])
    title = fields.String(required=True, validate=validate.Length(5, 100))
    summary = fields.String(required=True, validate=validate.Length(20, 200))
    description = fields.String(required=True, validate=validate.Length(100, 2000))
    minutes = fields.Integer(required=True, validate=validate.Range(30, 1200))
    modules = fields.List(fields.Nested(ModuleSchema), required=True, validate=validate.Length(4))


class ChoiceSchema(_Strict):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9]{1,10}$"))
    text = fields.String(required=True, validate=validate.Length(1, 200))
    correct = fields.Boolean(required=True)
    feedback = fields.String(required=True, validate=validate.Length(5, 300))


class QuizQuestionSchema(_Strict):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,20}$"))
    kind = fields.String(required=True, validate=validate.OneOf(["single", "multiple"]))
    text = fields.String(required=True, validate=validate.Length(10, 300))
    choices = fields.List(
        fields.Nested(ChoiceSchema), required=True, validate=validate.Length(2, 6)
    )

    @validates_schema
    def correct_choices(self, data: dict[str, Any], **_kwargs: Any) -> None:
        correct = sum(1 for choice in data["choices"] if choice["correct"])
        keys = [choice["key"] for choice in data["choices"]]
        if len(set(keys)) != len(keys):
            raise ValidationError({"choices": ["Choice keys must be different."]})
        if data["kind"] == "single" and correct != 1:
            raise ValidationError(
                {"choices": ["A single-choice question has exactly one correct choice."]}
            )
        if data["kind"] == "multiple" and correct < 1:
            raise ValidationError({"choices": ["A multiple-choice question has a correct choice."]})


class QuizSchema(_Strict):
    pass_mark = fields.Integer(required=True, validate=validate.Range(50, 100))
    max_attempts = fields.Integer(required=True, validate=validate.Range(1, 10))
    wait_minutes = fields.Integer(required=True, validate=validate.Range(0, 1440))
    questions = fields.List(
        fields.Nested(QuizQuestionSchema), required=True, validate=validate.Length(3, 15)
    )
