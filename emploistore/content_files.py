"""Helpers for plugins that ship content files: read YAML, report problems by path."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is ten times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]


def read_yaml(path: Path, label: str, problems: list[str]) -> Any:
    """The parsed file, or None with a problem appended (named by ``label``)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except OSError as error:
        problems.append(f"{label}: cannot read the file ({error.strerror})")
    except yaml.YAMLError as error:
        problems.append(f"{label}: not valid YAML: {error}")
    return None


def flatten_messages(messages: Any, path: str = "") -> list[str]:
    """marshmallow's nested errors as lines like ``options[1].followup: Unknown field.``"""
    if isinstance(messages, Mapping):
        lines: list[str] = []
        for key, value in messages.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            lines += flatten_messages(value, child)
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path}: {message}" for message in messages]
    if isinstance(messages, list):
        return [line for message in messages for line in flatten_messages(message, path)]
    return [f"{path}: {messages}"]
