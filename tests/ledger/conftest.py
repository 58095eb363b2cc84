from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhenxing.ledger.store import Ledger


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    with Ledger(db_path) as opened:
        yield opened
