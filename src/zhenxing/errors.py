"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations


class ZhenxingError(Exception):
    """Base class: its message is shown as is, never with a traceback."""


class InputError(ZhenxingError):
    """A document could not be read; ``path`` names it, ``problem`` says why."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
