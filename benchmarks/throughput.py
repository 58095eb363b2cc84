"""Throughput of extraction, per core: decoded plain text to fact records, against quantulum3.

What is timed: ``extract_text`` (sentence segmentation, quantity detection,
classification into fact records) on the sample corpus copied to ``--mb``
megabytes, in one process and one thread, so characters per second is per
core (CPU time is reported next to wall time).  HTML (trafilatura) and PDF
(pypdf) extraction are timed separately with ``load_document``, as are
quantulum3 (``parser.parse`` per paragraph, on English text) and the start
time of ``zhenxing --help``.

Why the copies are rewritten: a cache (``functools.cache``, a memo of parsed
numbers or sentences, trafilatura's own LRU caches) must find nothing to reuse
between copies, or the figure measures the cache.  So every copy of a document

* shifts every year (1900-2099) back by ``k % 25`` years, and its document
  date with them, so relative periods keep their meaning;
* gives every other figure copy-specific digits of the same shape (same
  length, separators and decimals; months stay 1-12 and days 1-28; ordinals
  such as "14th" are kept);
* ends every sentence with a copy-specific letter tag " (zxbcd)", so that even
  sentences without figures differ between copies;
* starts with a copy-specific heading line.

The run checks that no sentence occurs in two copies and prints the facts per
1,000 characters of copies and originals, to show that the rewriting keeps the
work comparable.  Exit status is 0 whether the goals pass or not.

usage: python benchmarks/throughput.py [--mb 20] [--quick] [--profile N]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import html
import io
import platform
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.ingest.pdfmaker

from tests.ingest.pdfmaker import make_pdf  # noqa: E402

from zhenxing.extract.facts import extract_document, extract_text  # noqa: E402
from zhenxing.extract.quantities import quantities  # noqa: E402
from zhenxing.ingest.loader import load_document  # noqa: E402
from zhenxing.text.sentences import split_sentences  # noqa: E402

EXAMPLES = ROOT / "examples"
HTML_SAMPLE = EXAMPLES / "004_a92002791a908d18.txt"

GOAL_CHARS_PER_S = 2_000_000
GOAL_RATIO = 40.0
GOAL_HELP_S = 0.5
MB = 1_000_000  # bytes of UTF-8 text

# --- distinct copies ---------------------------------------------------------

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$")
_MONTH_AFTER = re.compile(rf"\s*(?:{_MONTHS})\b")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Stripped from a sentence's end before the tag goes in: terminators, quote closers, white space.
_SENTENCE_TAIL = frozenset(".。!！?？;；:：,，\"'”’」』》】 \t\u3000")
_TAG_LETTERS = "bcdfghjklmnpqrstvwxz"


def copy_tag(k: int) -> str:
    """Letters only, unique per copy index: no figure, unit or word of any lexicon."""
    letters = []
    n = k
    while n or len(letters) < 3:
        letters.append(_TAG_LETTERS[n % len(_TAG_LETTERS)])
        n //= len(_TAG_LETTERS)
    return "zx" + "".join(letters)


class _Figures:
    """Rewrites the figures of copy ``k`` (see the module docstring)."""

    def __init__(self, k: int) -> None:
        self.shift = k % 25
        self.rng = random.Random(k * 7919 + 17)

    def __call__(self, match: re.Match[str]) -> str:
        token = match.group()
        text, start, end = match.string, match.start(), match.end()
        after = text[end : end + 12]
        if len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099:
            return str(int(token) - self.shift)
        if _ORDINAL_AFTER.match(after):
            return token
        if after[:1] == "月":
            return str(self.rng.randint(1, 12))
        if (
            after[:1] in ("日", "号")
            or _MONTH_BEFORE.search(text[max(0, start - 12) : start])
            or _MONTH_AFTER.match(after)
        ):
            return str(self.rng.randint(1, 28))
        # Same shape: a leading 0 stays 0, a leading or final digit that was not 0 stays not 0.
        out = list(token)
        last = len(token) - 1
        for index, char in enumerate(token):
            if char.isdigit() and not (index == 0 and char == "0"):
                keep_nonzero = char != "0" and (index == 0 or index == last)
                out[index] = str(self.rng.randint(1 if keep_nonzero else 0, 9))
        return "".join(out)

    def shift_date(self, date: str | None) -> str | None:
        if date and date[:4].isdigit():
            return f"{int(date[:4]) - self.shift:04d}{date[4:]}"
        return date


def tag_sentences(text: str, tag: str) -> str:
    """``text`` with ``tag`` at the end of every sentence, before its closing punctuation."""
    out: list[str] = []
    pos = 0
    for a, b in split_sentences(text):
        p = b
        while p > a and text[p - 1] in _SENTENCE_TAIL:
            p -= 1
        if p == a:
            continue
        out.append(text[pos:p])
        out.append(f"（{tag}）" if _HAN.search(text, a, p) else f" ({tag})")
        pos = p
    out.append(text[pos:])
    return "".join(out)


@dataclass(slots=True)
class Copy:
    name: str
    text: str
    doc_id: str
    date: str | None
    language: str


@dataclass(slots=True)
class Original:
    name: str
    text: str
    date: str | None
    language: str


def make_copy(original: Original, k: int) -> Copy:
    figures = _Figures(k)
    tag = copy_tag(k)
    body = tag_sentences(_NUMBER.sub(figures, original.text), tag)
    text = f"Benchmark copy {tag}\n\n{body}"
    return Copy(
        name=f"{tag}-{original.name}",
        text=text,
        doc_id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        date=figures.shift_date(original.date),
        language=original.language,
    )


def copies(originals: list[Original], first_k: int, size_bytes: int) -> Iterator[Copy]:
    """Distinct copies of all ``originals`` (copy indices from ``first_k``) until ``size_bytes``."""
    total = 0
    k = first_k
    while total < size_bytes:
        for original in originals:
            copy = make_copy(original, k)
            total += len(copy.text.encode("utf-8"))
            yield copy
        k += 1


def shared_sentences(texts: list[list[str]]) -> tuple[int, int]:
    """(sentences that occur in more than one copy, all sentences); ``texts`` grouped by copy."""
    first_seen: dict[str, int] = {}
    shared = total = 0
    for index, group in enumerate(texts):
        for text in group:
            for a, b in split_sentences(text):
                sentence = text[a:b]
                if not any(char.isalnum() for char in sentence):
                    continue  # a stray "." line: nothing to tag
                total += 1
                if first_seen.setdefault(sentence, index) != index:
                    shared += 1
    return shared, total


# --- measuring -----------------------------------------------------------------


@dataclass(slots=True)
class Row:
    label: str
    chars: int
    wall: float
    cpu: float
    facts: int | None = None
    note: str = ""

    @property
    def per_core(self) -> float:
        return self.chars / self.cpu if self.cpu else float("inf")

    @property
    def per_wall(self) -> float:
        return self.chars / self.wall if self.wall else float("inf")


def _timed(function: Callable[[], object]) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run_extraction(batch: list[Copy]) -> dict[str, Row]:
    """``extract_text`` on every copy, timed one call at a time; rows per language and overall."""
    rows = {key: Row(label, 0, 0.0, 0.0, 0) for key, label in
            (("all", "extract_text, all copies"), ("en", "extract_text, English"), ("zh", "extract_text, Chinese"))}  # fmt: skip
    perf, proc = time.perf_counter, time.process_time
    for copy in batch:
        wall, cpu = perf(), proc()
        facts = extract_text(
            copy.text, name=copy.name, doc_id=copy.doc_id, date=copy.date, language=copy.language
        )
        wall, cpu = perf() - wall, proc() - cpu
        for key in ("all", "en" if copy.language == "en" else "zh"):
            row = rows[key]
            row.chars += len(copy.text)
            row.wall += wall
            row.cpu += cpu
            row.facts = (row.facts or 0) + len(facts)
    return rows


def run_stage(label: str, function: Callable[[str], object], batch: list[Copy]) -> Row:
    texts = [copy.text for copy in batch]
    _, wall, cpu = _timed(lambda: [function(text) for text in texts])
    return Row(label, sum(map(len, texts)), wall, cpu)


def run_quantulum(batch: list[Copy]) -> Row | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser.parse("GDP grew by 5.8% to 2.8 trillion yuan in 2021.")  # loads its unit tables
        # Paragraph by paragraph: on a whole document parse() slows down ~10x (it is superlinear).
        paragraphs = [line for copy in batch for line in copy.text.split("\n") if line.strip()]
        found, wall, cpu = _timed(lambda: sum(len(parser.parse(paragraph)) for paragraph in paragraphs))
    chars = sum(len(copy.text) for copy in batch)
    return Row("quantulum3 parse, English (per paragraph)", chars, wall, cpu, int(found), "quantities")  # type: ignore[arg-type]


def _latin1(text: str) -> str:
    return text.encode("latin-1", "ignore").decode("latin-1")


def _html_page(copy: Copy) -> str:
    """A news page around the text: navigation, article, related links, footer."""
    paragraphs = [line.strip() for line in copy.text.split("\n") if line.strip()]
    title, body = paragraphs[0], paragraphs[1:]
    nav = "".join(f'<li><a href="/section/{i}">Section {copy_tag(i)}</a></li>' for i in range(12))
    related = "".join(f'<li><a href="/news/{i}.html">Related story {copy_tag(i)}</a></li>' for i in range(8))
    article = "".join(f"<p>{html.escape(paragraph)}</p>\n" for paragraph in body)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<meta name="date" content="{copy.date or ""}"></head><body>'
        f'<header><nav><ul class="menu">{nav}</ul></nav></header>'
        f'<main><article><h1>{html.escape(title)}</h1><p class="meta">Release time: {copy.date or ""}</p>\n'
        f"{article}</article><aside><h2>Related</h2><ul>{related}</ul></aside></main>"
        "<footer><p>Copyright People's Government. All rights reserved.</p></footer></body></html>"
    )


_HTML_TEXT_NODE = re.compile(r">([^<]*[^<\s][^<]*)<")


def _html_copy(raw: str, k: int) -> str:
    """Sample 004 with copy-specific figures and a tag in every text node (front matter kept)."""
    head, separator, body = raw.partition("\n---\n")
    if not separator:
        head, body = "", raw
    figures = _Figures(k)
    tag = copy_tag(k)

    def node(match: re.Match[str]) -> str:
        return f">{_NUMBER.sub(figures, match.group(1))}（{tag}）<"

    return head + separator + _HTML_TEXT_NODE.sub(node, body)


def run_loading(
    work: Path, english: list[Original], everything: list[Original], size: int, first_k: int
) -> list[Row]:
    rows: list[Row] = []

    def load_all(label: str, paths: list[Path], note: str = "") -> None:
        documents, wall, cpu = _timed(lambda: [load_document(path) for path in paths])
        chars = sum(len(document.text) for document in documents)  # type: ignore[attr-defined]
        in_bytes = sum(path.stat().st_size for path in paths)
        rows.append(
            Row(
                label,
                chars,
                wall,
                cpu,
                None,
                note or f"{len(paths)} files, {in_bytes / wall / MB:.2f} MB/s in",
            )
        )

    # Plain text files (decoding, normalising, boilerplate, metadata).
    text_paths = []
    for index, copy in enumerate(copies(everything, first_k, size)):
        path = work / f"t{index:05d}.txt"
        path.write_text(copy.text, encoding="utf-8")
        text_paths.append(path)
    load_all("load_document .txt", text_paths)

    # HTML: sample 004 (front matter + HTML fragment), and generated news pages.
    raw = HTML_SAMPLE.read_text(encoding="utf-8")
    load_document(HTML_SAMPLE)  # imports trafilatura and lxml outside the timing
    html_paths = []
    total = k = 0
    while total < size // 4:
        path = work / f"h{k:05d}.txt"
        path.write_text(_html_copy(raw, first_k + k), encoding="utf-8")
        total += path.stat().st_size
        html_paths.append(path)
        k += 1
    load_all("load_document HTML, sample 004 copies", html_paths)
    page_paths = []
    for index, copy in enumerate(copies(english, first_k + 10_000, size)):
        path = work / f"p{index:05d}.html"
        path.write_text(_html_page(copy), encoding="utf-8")
        page_paths.append(path)
    load_all("load_document HTML, generated pages", page_paths)

    # PDF: one text-layer PDF per English copy (Helvetica, Latin-1, 90-character lines, 50 per page).
    pdf_paths = []
    for index, copy in enumerate(copies(english, first_k + 20_000, size // 2)):
        lines = [
            piece
            for line in _latin1(copy.text).split("\n")
            if line.strip()
            for piece in (line[i : i + 90] for i in range(0, len(line), 90))
        ]
        path = work / f"d{index:05d}.pdf"
        path.write_bytes(make_pdf([lines[i : i + 50] for i in range(0, len(lines), 50)]))
        pdf_paths.append(path)
    load_all("load_document PDF (pypdf)", pdf_paths)
    return rows


def help_start(runs: int = 5) -> list[float]:
    script = Path(sys.executable).parent / "zhenxing"
    command = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "zhenxing", "--help"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(f"warning: {' '.join(command)} exited with {done.returncode}", file=sys.stderr)
    return times


def profile(batch: list[Copy], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for copy in batch:
        extract_text(copy.text, name=copy.name, doc_id=copy.doc_id, date=copy.date, language=copy.language)
    profiler.disable()
    chars = sum(len(copy.text) for copy in batch)
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats(order).print_stats(top)
        print(f"\n--- cProfile over {chars:,} characters, by {order} ---")
        lines = stream.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print("\n".join(lines[max(0, start - 3) :]))


# --- report --------------------------------------------------------------------


def _fmt_rate(value: float) -> str:
    return f"{value:>12,.0f}"


def print_rows(rows: list[Row]) -> None:
    print(f"{'':<44} {'chars':>12} {'wall s':>8} {'CPU s':>8} {'chars/s/core':>12} {'facts':>9}  note")
    for row in rows:
        facts = "" if row.facts is None else f"{row.facts:,}"
        print(
            f"{row.label:<44} {row.chars:>12,} {row.wall:>8.2f} {row.cpu:>8.2f} {_fmt_rate(row.per_core)} {facts:>9}  {row.note}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mb", type=float, default=20.0, help="MB (10^6 bytes of UTF-8) of copies to extract from"
    )
    parser.add_argument("--quantulum-mb", type=float, default=0.3, help="MB of English copies for quantulum3")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 MB, small HTML/PDF/quantulum3 samples"
    )
    parser.add_argument("--no-loading", action="store_true", help="skip the HTML/PDF/text loading rows")
    parser.add_argument(
        "--profile", type=int, metavar="N", default=0, help="also cProfile 2 MB of extraction, top N"
    )
    args = parser.parse_args()
    size = int((1.0 if args.quick else args.mb) * MB)
    q_size = int((0.05 if args.quick else args.quantulum_mb) * MB)
    load_size = int((0.3 if args.quick else 2.0) * MB)
    stage_size = int((0.3 if args.quick else 2.0) * MB)

    print(
        f"zhenxing throughput: Python {platform.python_version()} on {platform.machine()}, one process, one thread"
    )

    # Originals: each example loaded once; the first extraction also loads taxonomy and region tables.
    originals = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        document = load_document(path)
        originals.append(Original(path.name, document.text, document.date, document.language))
    english = [original for original in originals if original.language == "en"]
    warm, warm_wall, _ = _timed(
        lambda: [extract_document(load_document(path)) for path in sorted(EXAMPLES.glob("*.txt"))]
    )
    original_chars = sum(len(original.text) for original in originals)
    original_facts = sum(len(facts) for facts in warm)  # type: ignore[attr-defined]

    # Copy indices never overlap between the measurements below.
    start = time.perf_counter()
    batch = list(copies(originals, 0, size))
    build_s = time.perf_counter() - start
    n_copies = len(batch) // len(originals)
    groups = [
        [copy.text for copy in batch[i : i + len(originals)]] for i in range(0, len(batch), len(originals))
    ]
    shared, sentences = shared_sentences(groups)
    size_bytes = sum(len(copy.text.encode("utf-8")) for copy in batch)
    print(
        f"corpus: {len(originals)} examples, {original_chars:,} chars -> {n_copies} distinct copies, "
        f"{sum(len(copy.text) for copy in batch):,} chars ({size_bytes / MB:.1f} MB UTF-8), built in {build_s:.1f} s"
    )
    print(
        f"distinctness: {shared:,} of {sentences:,} sentences occur in more than one copy (punctuation-only lines left out)"
    )
    print(f"warm-up: first extraction of the originals took {warm_wall:.2f} s (loads tables)")

    gc.collect()
    extraction = run_extraction(batch)
    del batch, groups
    facts_rate = (extraction["all"].facts or 0) / extraction["all"].chars * 1000
    print(
        f"facts per 1,000 chars: copies {facts_rate:.2f}, originals {original_facts / original_chars * 1000:.2f}"
    )

    first_k = n_copies + 1
    stage_batch = list(copies(originals, first_k, stage_size))
    first_k += len(stage_batch) // len(originals) + 1
    stages = [
        run_stage("  split_sentences only", split_sentences, stage_batch),
        run_stage("  quantities only", quantities, stage_batch),
    ]
    q_batch = list(copies(english, first_k, q_size))
    first_k += len(q_batch) // len(english) + 1
    quantulum = run_quantulum(q_batch)
    same_text = run_extraction(q_batch)["en"]
    same_text.label = "extract_text, quantulum3's sample"

    rows = [extraction["all"], extraction["en"], extraction["zh"], *stages]
    if quantulum:
        rows += [same_text, quantulum]

    if not args.no_loading:
        with tempfile.TemporaryDirectory() as folder:
            rows += run_loading(Path(folder), english, originals, load_size, first_k + 100)
    first_k += 40_000

    help_times = help_start()

    print()
    print_rows(rows)
    print(
        f"{'zhenxing --help start':<44} min {min(help_times):.3f} s, median {statistics.median(help_times):.3f} s, "
        f"max {max(help_times):.3f} s ({len(help_times)} runs)"
    )

    overall = extraction["all"].per_core
    en_rate = extraction["en"].per_core
    print("\ngoals")

    def goal(label: str, value: str, passed: bool) -> None:
        print(f"  {label:<52} {value:>16}  {'PASS' if passed else 'FAIL'}")

    goal(
        f"extraction >= {GOAL_CHARS_PER_S:,} chars/s per core (all)",
        f"{overall:,.0f}",
        overall >= GOAL_CHARS_PER_S,
    )
    goal(
        f"extraction >= {GOAL_CHARS_PER_S:,} chars/s per core (English)",
        f"{en_rate:,.0f}",
        en_rate >= GOAL_CHARS_PER_S,
    )
    if quantulum:
        ratio = en_rate / quantulum.per_core
        same_ratio = same_text.per_core / quantulum.per_core
        goal(f">= {GOAL_RATIO:.0f}x quantulum3 on English text", f"{ratio:.1f}x", ratio >= GOAL_RATIO)
        same_label = "  (on the same text as quantulum3)"
        print(f"  {same_label:<52} {f'{same_ratio:.1f}x':>16}")
    else:
        goal(f">= {GOAL_RATIO:.0f}x quantulum3 on English text", "not installed", False)
    median = statistics.median(help_times)
    goal(
        f"zhenxing --help < {GOAL_HELP_S} s (median of {len(help_times)})",
        f"{median:.3f} s",
        median < GOAL_HELP_S,
    )

    if args.profile:
        profile(list(copies(originals, first_k, stage_size)), args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
