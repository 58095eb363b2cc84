"""zhenxing: targets and results of regional development programmes, every figure sourced.

Imports are lazy so that ``zhenxing --help`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Ledger", "quantities", "extract_document", "load_document"]

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.extract.facts import extract_document
    from zhenxing.extract.quantities import quantities
    from zhenxing.ingest.loader import load_document
    from zhenxing.ledger.store import Ledger

_LAZY = {
    "quantities": ("zhenxing.extract.quantities", "quantities"),
    "extract_document": ("zhenxing.extract.facts", "extract_document"),
    "load_document": ("zhenxing.ingest.loader", "load_document"),
    "Ledger": ("zhenxing.ledger.store", "Ledger"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(name)
