"""Helpers for plugins that ship content files: read YAML, report problems by path."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

try:  # the C loader is ten times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]


T = TypeVar("T")
_LOADED: dict[tuple[str, str], tuple[tuple[tuple[str, int, int], ...], Any]] = {}
_LOCK = threading.Lock()


def _fingerprint(base: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_once(base: Path, loader: Callable[[Path], T]) -> T:
    """``loader(base)``, computed once per process while the folder's files are unchanged.

    For plugins that read and check a content folder at startup: every app the process
    creates (each test, each CLI command) shares the parsed content, which must therefore
    not be modified. A loader that raises is called again next time.
    """
    key = (str(base.resolve()), f"{loader.__module__}.{loader.__qualname__}")
    fingerprint = _fingerprint(base)
    with _LOCK:
        found = _LOADED.get(key)
    if found is not None and found[0] == fingerprint:
        return found[1]
    value = loader(base)
    with _LOCK:
        _LOADED[key] = (fingerprint, value)
    return value


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
