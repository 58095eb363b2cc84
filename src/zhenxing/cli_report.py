"""CLI command for the scorecard report; registered on the main app by ``zhenxing.cli``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
