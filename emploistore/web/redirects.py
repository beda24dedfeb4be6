"""Where a form may send the visitor back to: only a path on this site."""

from __future__ import annotations


def local_path(target: str | None, default: str) -> str:
    """*target* if it is a path on this site, else *default*.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    "/\\t/evil.example" or "/\\evil.example" would leave the site: refuse them all.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ord(char) < 32 or char in "\\\x7f" for char in target):
        return default
    return target
