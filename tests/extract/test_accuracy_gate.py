"""The accuracy gate: extraction on the gold-annotated samples must not fall below the pinned floors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from zhenxing.extract.facts import extract_document
from zhenxing.ingest.loader import load_document

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
GOLD = sorted((DATA / "gold").glob("*.jsonl"))


def _scorer():
    spec = importlib.util.spec_from_file_location("score", DATA / "score.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report() -> dict:
    score = _scorer()
    gold, pred = [], []
    for path in GOLD:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record["_quote"] = score.squash(record["quote"])
                gold.append(record)
        for doc_path in sorted((ROOT / "examples").glob(f"{path.stem}*.txt")):
            for fact in extract_document(load_document(doc_path)):
                record = fact.to_record()
                record["_quote"] = score.squash(record["quote"])
                pred.append(record)
    assert gold and pred
    result, _ = score.score(gold, pred)
    return result


def _floors() -> dict:
    return json.loads((DATA / "accuracy_floors.json").read_text(encoding="utf-8"))


def test_gold_documents_are_shipped() -> None:
    for path in GOLD:
        assert list((ROOT / "examples").glob(f"{path.stem}*.txt")), f"no example document for {path.name}"


def test_detection_f1_floor(report: dict) -> None:
    assert report["detection"]["f1"] >= _floors()["detection_f1"], report["detection"]


def test_full_fact_f1_floor(report: dict) -> None:
    assert report["full_fact"]["f1"] >= _floors()["full_fact_f1"], report["full_fact"]
