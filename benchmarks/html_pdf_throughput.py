"""Throughput of the ingest stage: sentence splitting, plain text, HTML and PDF loading.

Why: the whole pipeline must reach 2M characters/s, so each ingest step is
measured on the sample corpus (repeated to a few MB) and the sentence splitter
is compared with sentencex, the library it replaces.

usage: python benchmarks/html_pdf_throughput.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.ingest.pdfmaker

from tests.ingest.pdfmaker import make_pdf  # noqa: E402

from zhenxing.ingest.loader import load_document  # noqa: E402
from zhenxing.text.sentences import split_sentences  # noqa: E402

EXAMPLES = ROOT / "examples"
TEXT_FILES = ["000_de1965fb2badf5d8.txt", "001_2e2f91a23c4553d8.txt", "002_058e5ec80f9b05e6.txt",
              "003_67a0eda2e3f886dd.txt", "liaoning-gwr-2023-zh.txt"]  # fmt: skip


def _best_of(function: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _report(label: str, chars: int, size: int, seconds: float) -> None:
    print(f"{label:<42} {chars / seconds / 1e6:7.2f} M chars/s {size / seconds / 1e6:7.2f} MB/s")


def sentences(repeat: int) -> None:
    zh = load_document(EXAMPLES / "004_a92002791a908d18.txt").text
    en = load_document(EXAMPLES / "003_67a0eda2e3f886dd.txt").text
    mixed = "\n\n".join(load_document(EXAMPLES / name).text for name in TEXT_FILES) + "\n\n" + zh
    for label, text in (("mixed", mixed * repeat), ("zh", zh * repeat * 4), ("en", en * repeat)):
        size = len(text.encode("utf-8"))
        _report(
            f"split_sentences ({label})", len(text), size, _best_of(lambda text=text: split_sentences(text))
        )
        try:
            from sentencex import segment
        except ImportError:  # pragma: no cover
            continue
        language = "zh" if label == "zh" else "en"
        seconds = _best_of(lambda text=text, language=language: list(segment(language, text)))
        _report(f"  sentencex ({label}, strings only)", len(text), size, seconds)


def loading(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        text_paths, html_paths = [], []
        for copy in range(repeat):
            for name in TEXT_FILES:
                target = work / f"{copy}-{name}"
                target.write_bytes((EXAMPLES / name).read_bytes())
                text_paths.append(target)
            target = work / f"{copy}-004.txt"
            target.write_bytes((EXAMPLES / "004_a92002791a908d18.txt").read_bytes())
            html_paths.append(target)
        english = load_document(EXAMPLES / "003_67a0eda2e3f886dd.txt").text.split("\n")
        latin = [line.encode("latin-1", "ignore").decode("latin-1") for line in english]
        lines = [line[i : i + 90] for line in latin for i in range(0, len(line), 90) if line.strip()]
        pdf = work / "report.pdf"
        pdf.write_bytes(make_pdf([lines[start : start + 50] for start in range(0, len(lines), 50)] * repeat))
        load_document(html_paths[0])  # import trafilatura outside the timing
        for label, paths in (("load_document text", text_paths), ("load_document HTML (trafilatura)", html_paths),
                             ("load_document PDF (pypdf)", [pdf])):  # fmt: skip
            documents = []
            seconds = _best_of(
                lambda paths=paths, documents=documents: documents.extend(map(load_document, paths))
            )
            chars = sum(len(document.text) for document in documents[: len(paths)])
            size = sum(path.stat().st_size for path in paths)
            _report(f"{label} ({len(paths)} files)", chars, size, seconds)
        print("  (chars = characters of output text; MB = input bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="copies of the corpus to measure on")
    arguments = parser.parse_args()
    sentences(arguments.repeat)
    loading(arguments.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
