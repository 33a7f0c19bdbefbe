"""Errors meant for a person: each says in Chinese what is wrong, where, and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for or typed; shown as-is, never with a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.where = where

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """One or more field values are not acceptable; ``problems`` maps field -> reason."""

    def __init__(self, problems: dict[str, str], *, subject: str = ""):
        self.problems = dict(problems)
        lines = [f"{reason}" for reason in self.problems.values()]
        prefix = f"{subject}：" if subject else ""
        super().__init__(prefix + "；".join(lines))


class ConflictError(UserError):
    """The row changed since the user loaded it (another person or process saved first)."""


class NotFoundError(UserError):
    """A named project, unit or file does not exist."""
