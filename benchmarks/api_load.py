"""Load test of the REST API: 50 concurrent clients for 60 s against a ledger of 1,000,000 facts.

What is measured: ``zhenxing serve`` (uvicorn, two forked workers by default) on a loopback
port of this machine, with a synthetic ledger, answering a random mix of the
main read endpoints (documents, facts, series, targets, verdicts, conflicts,
search). Each client has its own random generator (seeded by its number), so
no two clients send the same sequence. Printed: requests per second, and per
endpoint the count, p50/p95/p99 latency and errors; then the goal lines
(zero errors; p95 under 50 ms for targets, series and search).

The synthetic ledger is made from real sentence shapes: the examples are
loaded and extracted with the real pipeline, the sentences that state facts
become templates, and each synthetic document copies one example's
templates with another province (its Chinese and English names swapped in
the text and in the facts' regions), another year (every year in the text,
the facts' periods and the document date shifted together) and other values
(each figure's digits rewritten in the same shape, the fact's value scaled
to match), so that ``document.text[fact.start:fact.end] == fact.text`` holds
as for extracted facts. Documents and facts go in by bulk insert; the search
index is then built by the real ``rebuild_index``. The ledger is cached
under ``benchmarks/out/`` (keyed by a version and the size) and reused.

Only loopback traffic; every loop is bounded by the duration.

usage: python benchmarks/api_load.py [--quick] [--facts N] [--clients 50] [--seconds 60]
                                     [--workers 2] [--regenerate] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
GENERATOR_VERSION = "1"
GOAL_P95_MS = 50.0
GOAL_ENDPOINTS = ("targets", "series", "search")

# -- the synthetic ledger ---------------------------------------------------------------------

_YEAR_RE = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass
class Template:
    """A sentence of an example that states facts; fact offsets relative to the sentence."""

    sentence: str
    facts: list[Any]  # zhenxing.model.Fact, offsets relative to the sentence


@dataclass
class Source:
    name: str
    language: str
    title: str
    date: str | None
    region: str | None
    templates: list[Template] = field(default_factory=list)


def _provinces() -> list[dict[str, Any]]:
    import yaml

    from zhenxing.extract.regions import __file__ as regions_file  # noqa: F401  (the gazetteer's home)

    data = yaml.safe_load((ROOT / "src" / "zhenxing" / "data" / "regions.yaml").read_text(encoding="utf-8"))
    return [r for r in data["regions"] if r.get("level") == "province"]


def _names(region: dict[str, Any]) -> dict[str, str]:
    """The forms swapped between provinces: Chinese full name, Chinese short name, English name."""
    zh = region["zh"]
    aliases = [a for a in region.get("zh_aliases") or [] if len(a) >= 2 and a in zh]
    short = min(aliases, key=len) if aliases else zh
    return {"zh": zh, "short": short, "en": region["name"]}


def load_sources() -> list[Source]:
    """The examples through the real loader and extractor, cut into fact-bearing sentence templates."""
    from zhenxing import api

    files, _ = api.expand_paths([str(ROOT / "examples")])
    sources = []
    for path in files:
        doc = api.load_document(path)
        facts = api.extract_document(doc)
        regions = Counter(f.region for f in facts if f.region and f.region != "China")
        source = Source(
            doc.name,
            doc.language,
            doc.title or doc.name,
            doc.date,
            regions.most_common(1)[0][0] if regions else None,
        )
        by_sentence: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for fact in facts:
            by_sentence[(fact.sentence_start, fact.sentence_end)].append(fact)
        for (s, e), group in sorted(by_sentence.items()):
            sentence = doc.text[s:e]
            if "\n" in sentence:
                continue
            rel = [
                replace(f, start=f.start - s, end=f.end - s, sentence_start=0, sentence_end=e - s)
                for f in group
            ]
            source.templates.append(Template(sentence, rel))
        if source.templates:
            sources.append(source)
    return sources


def _new_number(text: str, rng: random.Random) -> str:
    """Digits of the same shape: same separators and decimals, the value scaled by 0.5-1.5."""
    plain = float(text.replace(",", ""))
    decimals = len(text.split(".")[1]) if "." in text else 0
    scaled = max(plain * rng.uniform(0.5, 1.5), 10**-decimals if decimals else 1)
    out = f"{scaled:,.{decimals}f}" if "," in text else f"{scaled:.{decimals}f}"
    return out


def _rewrite(
    template: Template,
    rng: random.Random,
    shift: int,
    swap: dict[str, str],
    region_from: str | None,
    region_to: str,
) -> tuple[str, list[Any]]:
    """A template with other values, years and province; facts re-anchored in the new sentence."""
    sentence = template.sentence
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), non-overlapping
    fact_edits: dict[int, tuple[str, float]] = {}
    taken: list[tuple[int, int]] = []
    for i, fact in enumerate(template.facts):
        if any(fact.start < e and s < fact.end for s, e in taken):
            continue
        taken.append((fact.start, fact.end))
        figure = sentence[fact.start : fact.end]
        match = _NUMBER_RE.search(figure)
        if match is None or _YEAR_RE.fullmatch(match.group()):
            continue
        old = float(match.group().replace(",", ""))
        if old == 0:
            continue
        new = _new_number(match.group(), rng)
        new_figure = figure[: match.start()] + new + figure[match.end() :]
        edits.append((fact.start, fact.end, new_figure))
        fact_edits[i] = (new_figure, float(new.replace(",", "")) / old)

    def free(s: int, e: int) -> bool:
        return not any(s < b and a < e for a, b in taken) and not any(s < b and a < e for a, b, _ in edits)

    for match in _YEAR_RE.finditer(sentence):
        if free(match.start(), match.end()):
            edits.append((match.start(), match.end(), str(int(match.group()) + shift)))
    for old, new in swap.items():
        start = sentence.find(old)
        while start >= 0:
            if free(start, start + len(old)):
                edits.append((start, start + len(old), new))
            start = sentence.find(old, start + len(old))
    edits.sort()
    out, pos, moved = [], 0, []
    for s, e, rep in edits:
        out.append(sentence[pos:s])
        moved.append((s, e, len(rep) - (e - s)))
        out.append(rep)
        pos = e
    out.append(sentence[pos:])
    new_sentence = "".join(out)

    def at(offset: int) -> int:
        return offset + sum(d for s, e, d in moved if e <= offset)

    facts = []
    for i, fact in enumerate(template.facts):
        start = at(fact.start)
        end = at(fact.end)
        figure, factor = fact_edits.get(i, (None, 1.0))
        period = _YEAR_RE.sub(lambda m: str(int(m.group()) + shift), fact.period) if fact.period else None
        region = region_to if fact.region and fact.region == region_from else fact.region
        facts.append(
            replace(
                fact,
                start=start,
                end=end,
                value=fact.value * factor,
                period=period,
                region=region,
                quote=new_sentence,
                text=new_sentence[start:end],
                sentence_end=len(new_sentence),
            )
        )
    return new_sentence, facts


def generate_ledger(path: Path, n_facts: int, *, seed: int = 20260301) -> dict[str, Any]:
    """Write a synthetic ledger of about ``n_facts`` facts to ``path`` (a new SQLite file)."""
    from sqlalchemy import insert, text

    from zhenxing.ledger import search
    from zhenxing.ledger.models import DocumentRow, FactRow
    from zhenxing.ledger.store import Ledger
    from zhenxing.model import EXTRACTOR_VERSION

    started = time.perf_counter()
    rng = random.Random(seed)
    sources = load_sources()
    provinces = _provinces()
    names = {p["name"]: _names(p) for p in provinces}
    tmp = path.with_suffix(".part")
    for extra in ("", "-journal", "-wal", "-shm"):
        Path(f"{tmp}{extra}").unlink(missing_ok=True)
    ledger = Ledger(tmp)
    total = 0
    docs_written = 0
    doc_rows: list[dict[str, Any]] = []
    fact_rows: list[dict[str, Any]] = []

    def flush() -> None:
        with ledger.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            if doc_rows:
                conn.execute(insert(DocumentRow), doc_rows)
            if fact_rows:
                conn.execute(insert(FactRow), fact_rows)
        doc_rows.clear()
        fact_rows.clear()

    from datetime import UTC, datetime

    now = datetime(2026, 3, 1, tzinfo=UTC)
    while total < n_facts:
        source = rng.choice(sources)
        province = rng.choice(provinces)["name"]
        shift = rng.randint(-7, 3)
        swap: dict[str, str] = {}
        if source.region in names and province != source.region:
            a, b = names[source.region], names[province]
            swap = {a["zh"]: b["zh"], a["short"]: b["short"], a["en"]: b["en"]}
            swap = dict(sorted(swap.items(), key=lambda kv: -len(kv[0])))  # longest first
        zh = source.language != "en"
        header = (
            f"合成文档 {docs_written}：{province}" if zh else f"Synthetic document {docs_written}: {province}"
        )
        parts, facts, offset = [header], [], len(header) + 1
        # A window of the source's sentences, so documents differ in length and content.
        lo = rng.randrange(len(source.templates))
        span = rng.randint(max(1, len(source.templates) // 3), len(source.templates))
        for template in (source.templates[(lo + k) % len(source.templates)] for k in range(span)):
            sentence, rel = _rewrite(template, rng, shift, swap, source.region, province)
            for fact in rel:
                facts.append(
                    replace(
                        fact,
                        start=fact.start + offset,
                        end=fact.end + offset,
                        sentence_start=offset,
                        sentence_end=offset + len(sentence),
                    )
                )
            parts.append(sentence)
            offset += len(sentence) + 1
        body = "\n".join(parts)
        doc_id = hashlib.sha256(body.encode("utf-8")).hexdigest()
        date = None
        if source.date and len(source.date) >= 4:
            date = f"{int(source.date[:4]) + shift}{source.date[4:]}".replace("-02-29", "-02-28")
        name = f"synthetic-{docs_written:06d}-{source.name}"
        doc_rows.append(
            dict(
                id=doc_id,
                name=name,
                path=None,
                title=f"{province} {source.title}",
                date=date,
                date_source="text" if date else None,
                source="synthetic",
                author=None,
                language=source.language,
                translation_of=None,
                format="text",
                text=body,
                meta={},
                extractor_version=EXTRACTOR_VERSION,
                ingested_at=now,
            )
        )
        seen = set()
        for fact in facts:
            fact = replace(fact, doc=name, doc_id=doc_id)
            assert body[fact.start : fact.end] == fact.text, (name, fact)
            if fact.id in seen:
                continue
            seen.add(fact.id)
            row = {f: getattr(fact, f) for f in fact.__dataclass_fields__}
            row["id"] = fact.id
            fact_rows.append(row)
        total += len(seen)
        docs_written += 1
        if len(fact_rows) >= 50_000:
            flush()
    flush()
    generated = time.perf_counter() - started
    with ledger.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    indexed_at = time.perf_counter()
    search.rebuild_index(ledger)
    index_seconds = time.perf_counter() - indexed_at
    with ledger.engine.connect() as conn:
        counts = search.index_counts(conn)
    ledger.close()
    tmp.rename(path)
    return {
        "documents": docs_written,
        "facts": total,
        "sentences": counts["sentences"],
        "generate_s": round(generated, 1),
        "index_s": round(index_seconds, 1),
    }


def ledger_path(n_facts: int) -> Path:
    from zhenxing.ledger.models import SCHEMA_REVISION
    from zhenxing.ledger.search import TOKENIZER_VERSION
    from zhenxing.model import EXTRACTOR_VERSION

    key = f"g{GENERATOR_VERSION}-s{SCHEMA_REVISION}-t{TOKENIZER_VERSION}-e{EXTRACTOR_VERSION}-{n_facts}"
    return OUT / f"api_load-{key}.db"


# -- the load ------------------------------------------------------------------------------------

SEARCH_WORDS = (
    "就业", "粮食", "增长", "投资", "地区生产总值", "城镇", "收入", "消费", "改造", "工业", "项目", "产业",
    "GDP", "employment", "investment", "growth", "grain output", "income", "rural roads", "enterprises",
    "增", "新增就业", "households", "billion yuan", "5.5%",
)  # fmt: skip


@dataclass
class Vocabulary:
    """Values the clients draw filters from: what the ledger actually holds, plus a few misses."""

    periods: list[str]
    regions: list[str]
    areas: list[str]
    indicators: list[str]
    statuses: list[str]
    target_keys: list[str]
    series_keys: list[str]
    doc_ids: list[str]


def vocabulary(db: Path) -> Vocabulary:
    from sqlalchemy import text

    from zhenxing.ledger.store import Ledger
    from zhenxing.ledger.tracking_model import STATUSES
    from zhenxing.ledger.verdicts import known_areas

    with Ledger(db) as ledger, ledger.engine.connect() as conn:
        indicators = list(
            conn.execute(text("SELECT DISTINCT indicator FROM facts WHERE indicator IS NOT NULL")).scalars()
        )
        regions = list(
            conn.execute(text("SELECT DISTINCT region FROM facts WHERE region IS NOT NULL")).scalars()
        )
        years = sorted(
            {
                p[:4]
                for p in conn.execute(
                    text("SELECT DISTINCT period FROM facts WHERE period IS NOT NULL")
                ).scalars()
            }
        )
        doc_ids = list(conn.execute(text("SELECT id FROM documents ORDER BY random() LIMIT 500")).scalars())
    return Vocabulary(
        years, sorted(regions), known_areas(), sorted(indicators), list(STATUSES), [], [], doc_ids
    )


def _request(rng: random.Random, v: Vocabulary) -> tuple[str, str]:
    """One request of the mix: (endpoint name, path with query)."""
    roll = rng.random()
    page = f"limit={rng.choice((10, 20, 50))}&offset={rng.choice((0, 0, 0, 20, 100))}"
    if roll < 0.25:
        filters = []
        if rng.random() < 0.7:
            filters.append("period=" + rng.choice(v.periods))
        if rng.random() < 0.5:
            filters.append("region=" + quote(rng.choice(v.regions)))
        if rng.random() < 0.3:
            filters.append("status=" + quote(rng.choice(v.statuses)))
        if rng.random() < 0.2:
            filters.append("area=" + rng.choice(v.areas))
        return "targets", "/api/targets?" + "&".join([*filters, page])
    if roll < 0.45:
        if v.series_keys and rng.random() < 0.3:
            return "series", "/api/series/" + quote(rng.choice(v.series_keys), safe="")
        filters = []
        if rng.random() < 0.7:
            filters.append("indicator=" + rng.choice(v.indicators))
        if rng.random() < 0.6:
            filters.append("region=" + quote(rng.choice(v.regions)))
        return "series", "/api/series?" + "&".join([*filters, f"limit={rng.choice((10, 20))}"])
    if roll < 0.65:
        words = [rng.choice(SEARCH_WORDS) for _ in range(rng.choice((1, 1, 1, 2)))]
        return "search", f"/api/search?q={quote(' '.join(words))}&limit=20&offset={rng.choice((0, 0, 20))}"
    if roll < 0.73 and v.target_keys:
        return "verdict", "/api/verdicts/" + quote(rng.choice(v.target_keys), safe="")
    if roll < 0.83:
        filters = [f"indicator={rng.choice(v.indicators)}"]
        if rng.random() < 0.5:
            filters.append("region=" + quote(rng.choice(v.regions)))
        if rng.random() < 0.3:
            filters.append("period=" + rng.choice(v.periods))
        return "facts", "/api/facts?" + "&".join([*filters, "limit=20"])
    if roll < 0.91:
        if rng.random() < 0.5 and v.doc_ids:
            return "document", "/api/documents/" + rng.choice(v.doc_ids)
        return "documents", f"/api/documents?limit=20&offset={rng.randrange(0, 2000)}"
    filters = []
    if rng.random() < 0.5:
        filters.append("region=" + quote(rng.choice(v.regions)))
    if rng.random() < 0.5:
        filters.append("period=" + rng.choice(v.periods))
    return "conflicts", "/api/conflicts?" + "&".join([*filters, "limit=20"])


class _Connection:
    """One keep-alive HTTP/1.1 connection, spoken directly over asyncio streams.

    Why not httpx: on this 2-core machine the client shares the CPU with the
    server, and httpx spent about 2.5 ms of CPU per request, as much as the
    server itself, so the benchmark mostly measured its own client. This
    reads the status line, the headers and a ``Content-Length`` or chunked
    body, which is all a JSON API answer needs, for ~0.1 ms.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.read()
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body


async def _client(
    number: int,
    base: str,
    v: Vocabulary,
    deadline: float,
    out: dict[str, list[float]],
    errors: Counter[str],
    samples: dict[str, str],
    server: dict[str, list[float]],
) -> None:
    rng = random.Random(1000 + number)  # its own sequence
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = _Connection(host, int(port))
    sent = 0
    try:
        while time.perf_counter() < deadline:
            name, path = _request(rng, v)
            started = time.perf_counter()
            try:
                status, headers, body = await asyncio.wait_for(connection.get(path), timeout=30)
                ok = (
                    status == 200
                    and headers.get("content-type", "").startswith("application/json")
                    and body[:1] == b"{"
                    and body[-1:] == b"}"
                )
                # Parse a sample: every answer's shape is checked above, one in ten is parsed.
                if ok and sent % 10 == 0:
                    json.loads(body)
                timing = headers.get("server-timing", "")
                if timing.startswith("app;dur="):
                    server[name].append(float(timing[8:]) / 1000)
                if not ok:
                    samples.setdefault(name, f"{status} {path} {body[:200]!r}")
            except Exception as exc:  # a refused or broken connection, a broken answer, a timeout
                ok = False
                samples.setdefault(name, f"{type(exc).__name__}: {exc}")
                await connection.close()
            out[name].append(time.perf_counter() - started)
            sent += 1
            if not ok:
                errors[name] += 1
    finally:
        await connection.close()


async def _load(
    base: str, v: Vocabulary, clients: int, seconds: float
) -> tuple[dict[str, list[float]], Counter[str], dict[str, str], float, dict[str, list[float]]]:
    out: dict[str, list[float]] = defaultdict(list)
    server: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_client(i, base, v, deadline, out, errors, samples, server) for i in range(clients))
    )
    return out, errors, samples, time.perf_counter() - started, server


def _run_load(
    base: str, v: Vocabulary, clients: int, seconds: float
) -> tuple[dict[str, list[float]], Counter[str], dict[str, str], float, dict[str, list[float]]]:
    """The load on uvloop when it is installed (uvicorn's speed-up): the client's own overhead counts too."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(_load(base, v, clients, seconds))
    return uvloop.run(_load(base, v, clients, seconds))


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (Linux /proc), 0 where it cannot be read."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            total += sum(_cpu_seconds(int(child)) for child in children)
    except (OSError, ValueError, IndexError):
        pass
    return total


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, timeout: float, workers: int) -> dict[str, Any]:
    """Until every worker process has said its cache is computed (each answers /api/health with its pid)."""
    import httpx

    deadline = time.monotonic() + timeout
    warm: set[int] = set()
    last: Any = None
    while time.monotonic() < deadline:
        try:
            health = httpx.get(base + "/api/health", timeout=5, headers={"connection": "close"}).json()
            last = health
            if health.get("warm"):
                warm.add(health.get("worker", 0))
                if len(warm) >= workers:
                    return health
        except Exception as exc:  # not listening yet
            last = exc
        time.sleep(0.2)
    raise SystemExit(f"the server did not get ready in {timeout:.0f} s ({last})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 facts, 10 s: a smoke run")
    parser.add_argument(
        "--facts", type=int, default=None, help="facts in the synthetic ledger (default 1,000,000)"
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=None, help="duration (default 60, --quick 10)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="server processes (zhenxing serve --workers: forked after the cache is computed; "
        "on this 2-core machine 2 measured best, 3 worse)",
    )
    parser.add_argument("--regenerate", action="store_true", help="build the synthetic ledger anew")
    parser.add_argument(
        "--url",
        default=None,
        help="load a server already running on this ledger (e.g. http://127.0.0.1:8000) instead of starting one",
    )
    args = parser.parse_args(argv)
    n_facts = args.facts or (100_000 if args.quick else 1_000_000)
    seconds = args.seconds or (10.0 if args.quick else 60.0)
    if not 1 <= args.clients <= 500 or not 0 < seconds <= 600:
        parser.error("clients must be 1-500 and seconds at most 600")

    path = ledger_path(n_facts)
    if args.regenerate or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"building a synthetic ledger of {n_facts:,} facts: {path}", flush=True)
        print("  " + json.dumps(generate_ledger(path, n_facts)), flush=True)
    v = vocabulary(path)
    server: subprocess.Popen[bytes] | None = None
    log_file = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [
            sys.executable,
            "-c",
            "from zhenxing.serve import run; import sys; "
            f"run({str(path)!r}, '127.0.0.1', {port}, workers={args.workers})",
        ]
        server_log = OUT / "api_load-server.log"
        log_file = server_log.open("w")
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        print(f"server log: {server_log}", flush=True)
    try:
        started = time.perf_counter()
        health = _wait_ready(base, timeout=900, workers=args.workers)
        print(
            f"server ready in {time.perf_counter() - started:.0f} s (cache computed); {health['documents']:,} documents",
            flush=True,
        )
        import httpx

        v.target_keys = [
            t["key"]
            for t in httpx.get(base + "/api/targets?limit=500&offset=1000", timeout=60).json()["items"]
        ]
        v.series_keys = [
            s["key"] for s in httpx.get(base + "/api/series?limit=500&offset=500", timeout=60).json()["items"]
        ]
        load = os.getloadavg()[0]
        server_cpu = _cpu_seconds(server.pid) if server else 0.0
        client_cpu = time.process_time()
        times, errors, samples, elapsed, server_times = _run_load(base, v, args.clients, seconds)
        client_cpu = time.process_time() - client_cpu
        server_cpu = (_cpu_seconds(server.pid) if server else 0.0) - server_cpu
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if log_file is not None:
            log_file.close()
    total = sum(len(t) for t in times.values())
    n_errors = sum(errors.values())
    cores = os.cpu_count() or 1
    print(
        f"\n{args.clients} clients, {elapsed:.1f} s, {args.workers} workers, ledger of {n_facts:,} facts, {cores} cores"
    )
    busy = "  (other work was running: the latencies include it)" if load > 1.0 else ""
    print(f"load average before the run: {load:.2f}{busy}")
    print(f"{total:,} requests, {total / elapsed:,.0f} requests/s, {n_errors} errors")
    if total and server is None:
        print(
            f"CPU per request: client {client_cpu / total * 1000:.2f} ms (the server's was not measured: --url)"
        )
    elif total:
        per_client, per_server = client_cpu / total * 1000, server_cpu / total * 1000
        print(
            f"CPU per request: client {per_client:.2f} ms, server {per_server:.2f} ms; "
            f"{cores} idle cores would serve at most {cores * 1000 / (per_client + per_server):,.0f} requests/s, "
            f"so {args.clients} clients would wait at least {args.clients * (per_client + per_server) / cores:.0f} ms "
            "per request on average (Little's law)"
        )
    print()
    header = f"{'endpoint':<11}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(header + f"{'server p50':>12}{'server p95':>12}")
    for name in sorted(times):
        t, st = times[name], server_times.get(name) or [float("nan")]
        print(
            f"{name:<11}{len(t):>9}{_pct(t, 50):>9.1f}{_pct(t, 95):>9.1f}{_pct(t, 99):>9.1f}{errors[name]:>8}"
            f"{_pct(st, 50):>12.1f}{_pct(st, 95):>12.1f}"
        )
    print(
        "(server: the time inside the server, from its Server-Timing header; the rest is queueing and the client)"
    )
    for name, sample in samples.items():
        print(f"  first error of {name}: {sample}")
    print()
    print(f"{'PASS' if n_errors == 0 else 'FAIL'}  zero errors ({n_errors})")
    for name in GOAL_ENDPOINTS:
        p95 = _pct(times[name], 95) if times.get(name) else float("nan")
        verdict = "PASS" if p95 < GOAL_P95_MS else "FAIL"
        print(f"{verdict}  {name} p95 {p95:.1f} ms < {GOAL_P95_MS:.0f} ms (end to end)")
    for name in GOAL_ENDPOINTS:
        p95 = _pct(server_times[name], 95) if server_times.get(name) else float("nan")
        print(
            f"{'PASS' if p95 < GOAL_P95_MS else 'FAIL'}  {name} server-side p95 {p95:.1f} ms < {GOAL_P95_MS:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
