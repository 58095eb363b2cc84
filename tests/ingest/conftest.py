"""Shared paths for the ingest tests: the sample corpus shipped in examples/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data" / "ingest"
GOLD = ROOT / "tests" / "data" / "gold"
CORPUS = [
    "000_de1965fb2badf5d8.txt",
    "001_2e2f91a23c4553d8.txt",
    "002_058e5ec80f9b05e6.txt",
    "003_67a0eda2e3f886dd.txt",
    "004_a92002791a908d18.txt",
    "liaoning-gwr-2023-zh.txt",
]


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


def example_text(name: str) -> str:
    """The raw text of a corpus file, as stored."""
    return (EXAMPLES / name).read_text(encoding="utf-8")
