"""Stand-ins for the loader and the extractor, so the ingest flow can be tested on its own.

They follow the contracts of ``zhenxing.ingest.loader`` and
``zhenxing.extract.facts`` (InputError for bad input; facts with offsets into
the text) but are deliberately simple: every "N%" is a fact.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from zhenxing import api, model
from zhenxing.errors import InputError
from zhenxing.model import Document, Fact

_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def fake_expand_paths(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    files: list[Path] = []
    errors: list[InputError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.endswith(".meta.yaml"))
            )
        elif path.is_file():
            files.append(path)
        else:
            errors.append(InputError(raw, "no such file or directory"))
    return files, errors


def fake_load_document(path: str | Path, *, max_bytes: int = 50_000_000) -> Document:
    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), "no such file")
    data = p.read_bytes()
    if len(data) > max_bytes:
        raise InputError(str(path), f"larger than {max_bytes} bytes")
    if not data.strip():
        raise InputError(str(path), "empty file, nothing to read")
    if b"\x00" in data:
        raise InputError(str(path), "binary file, not a document")
    text = data.decode("utf-8")
    language = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
    return Document(
        id=hashlib.sha256(text.encode()).hexdigest(), name=p.name, text=text, path=str(p), language=language
    )


def fake_extract_document(doc: Document) -> list[Fact]:
    facts = []
    for m in _PERCENT.finditer(doc.text):
        line_start = doc.text.rfind("\n", 0, m.start()) + 1
        line_end = doc.text.find("\n", m.end())
        line_end = len(doc.text) if line_end < 0 else line_end
        facts.append(
            Fact(
                doc=doc.name,
                quote=doc.text[line_start:line_end],
                value=float(m.group()[:-1]),
                unit="%",
                comparator="=",
                indicator=None,
                label="",
                period=None,
                region=None,
                kind="target" if "target" in doc.text[line_start:line_end] else "result",
                change="growth",
                start=m.start(),
                end=m.end(),
                sentence_start=line_start,
                sentence_end=line_end,
                doc_id=doc.id,
                language=doc.language,
                text=m.group(),
                extractor_version=model.EXTRACTOR_VERSION,
            )
        )
    return facts


@dataclass
class FakeStages:
    """Counts extractor calls; ``fail_on`` maps a file name to the exception its extraction raises."""

    extracted: list[str] = field(default_factory=list)
    fail_on: dict[str, BaseException] = field(default_factory=dict)

    def extract(self, doc: Document) -> list[Fact]:
        self.extracted.append(doc.name)
        if doc.name in self.fail_on:
            raise self.fail_on[doc.name]
        return fake_extract_document(doc)


def install(monkeypatch: pytest.MonkeyPatch) -> FakeStages:
    stages = FakeStages()
    monkeypatch.setattr(api, "expand_paths", fake_expand_paths)
    monkeypatch.setattr(api, "load_document", fake_load_document)
    monkeypatch.setattr(api, "extract_document", stages.extract)
    return stages


def write_corpus(folder: Path) -> list[Path]:
    """Three small documents with real sentences from the examples."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "a.txt": "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, "
        "the general public budget revenue was 276.47 billion yuan, a rise of 4.1%.\n",
        "b.txt": "The main targets: regional GDP growth by more than 5.5%.\n",
        "c.txt": "全年地区生产总值增长2.1%,固定资产投资增长3.6%,进出口总额增长2.4%。\n",
    }
    paths = []
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths
