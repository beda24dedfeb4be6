"""The errors the partner services raise."""

from __future__ import annotations


class PartnerError(ValueError):
    """A refused partner action; ``field`` names the input at fault (French message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
