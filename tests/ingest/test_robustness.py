"""Whatever the bytes, load_document returns a Document or raises InputError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.conftest import example_text
from tests.ingest.pdfmaker import make_pdf
from zhenxing.errors import InputError
from zhenxing.ingest.loader import load_document

PIECES = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<br>",
    "<img src='x.jpg'>",
    "---\n",
    "title: x\n",
    "date: 2022-05-29\n",
    "\n",
    "\r\n",
    " | ",
    "Release time:Apr 16, 2024",
    "全年地区生产总值增长2.1%。",
    "GDP rose 5.8%. ",
    "Copyright © 2009",
    "【相关新闻】",
    "\ufeff",
    "<html>",
    "<?xml version='1.0'?>",
    "# Title\n",
]


def _load_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            document = load_document(path)
        except InputError as error:
            assert error.path == str(path)
            assert error.problem and "\n" not in error.problem
            return
        assert document.text and document.text == document.text.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".pdf", ".md", ".html", ""]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    _load_bytes(data, suffix)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_random_documents(pieces: list[str], encoding: str) -> None:
    text = "".join(pieces)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    _load_bytes(data, ".txt")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2000), st.binary(min_size=1, max_size=64))
def test_damaged_pdfs(cut: int, junk: bytes) -> None:
    good = make_pdf([["The provincial GDP was 2,758.4 billion yuan."], ["Second page."]])
    position = min(cut, len(good) - 1)
    _load_bytes(good[:position] + junk + good[position + len(junk) :], ".pdf")
    _load_bytes(good[:position], ".pdf")


def test_damaged_corpus_text() -> None:
    data = example_text("004_a92002791a908d18.txt").encode("utf-8")
    for cut in range(1, 4000, 397):
        _load_bytes(data[:cut], ".txt")
        _load_bytes(data[cut:], ".txt")
