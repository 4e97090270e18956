"""A Cypher statement under construction: fresh variable names and parameters, never user text."""

from __future__ import annotations

from typing import Any


class Statement:
    """Collects parameters (user input travels only as `$pN`) and hands out fresh variables."""

    def __init__(self, parameters: dict[str, Any] | None = None) -> None:
        self.parameters: dict[str, Any] = dict(parameters or {})
        self._variables = 0
        self._placeholders = 0

    def param(self, value: Any) -> str:
        """Add `value` as a new parameter and return its placeholder (`$p0`, `$p1` ...)."""
        name = f"p{self._placeholders}"
        self._placeholders += 1
        self.parameters[name] = value
        return "$" + name

    def var(self, prefix: str) -> str:
        """A variable name not used elsewhere in the statement (`o1`, `r2` ...)."""
        self._variables += 1
        return f"{prefix}{self._variables}"
