"""The scorecard report, end to end on real ledgers.

Ledgers are built with the real pipeline (``zhenxing.api.ingest_paths``) from
``examples/`` (the 2022 work report and the 2023 report stating the 2022
results), from ``examples/`` plus the tracking test documents (conflicts,
a computed growth rate, pending 2023 targets), and from a small document full
of markup, since document text is untrusted. The HTML is parsed with lxml and
checked against the ledger itself: every figure link must land on a Sources
entry quoting the very sentence the ledger holds for that fact.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt

from zhenxing import api
from zhenxing.ledger.store import Ledger
from zhenxing.ledger.tracking_model import STATUSES
from zhenxing.serve.report import (
    Report,
    ReportError,
    build_report,
    format_figure,
    md_escape,
    render_html,
    render_markdown,
    report_format,
    write_report,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TRACKING = ROOT / "tests" / "data" / "tracking"
GWR_2023 = "liaoning-gwr-2023-zh.txt"

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>'
HOSTILE_MD = "[click](javascript:alert(1))"


def _ingest(db: Path, *paths: Path) -> Ledger:
    results = api.ingest_paths([str(p) for p in paths], db=db)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    return Ledger(db)


@pytest.fixture(scope="module")
def examples_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with _ingest(tmp_path_factory.mktemp("examples") / "ledger.db", EXAMPLES) as ledger:
        yield ledger


@pytest.fixture(scope="module")
def report_2022(examples_ledger: Ledger) -> Report:
    return build_report(examples_ledger, period="2022", region="Liaoning")


@pytest.fixture(scope="module")
def html_2022(report_2022: Report) -> str:
    return render_html(report_2022)


@pytest.fixture(scope="module")
def page(html_2022: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html_2022.encode("utf-8"))


@pytest.fixture(scope="module")
def tracked_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with _ingest(tmp_path_factory.mktemp("tracked") / "ledger.db", EXAMPLES, TRACKING) as ledger:
        yield ledger


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _squash(text: str) -> str:
    return " ".join(text.split())


def _row(page: lxml.html.HtmlElement, area: str, indicator: str) -> lxml.html.HtmlElement:
    rows = page.xpath(f'//section[@id="area-{area}"]//table[@class="scorecard"]/tbody/tr')
    hits = [r for r in rows if _text(r.xpath("./td")[0]).startswith(indicator)]
    assert hits, f"no {indicator} row in {area}"
    return hits[0]


def _cells(row: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    return {td.get("data-label"): td for td in row.xpath("./td")}


def _source_entry(page: lxml.html.HtmlElement, href: str) -> lxml.html.HtmlElement:
    assert href.startswith("#src-"), href
    found = page.xpath(f'//section[@id="sources"]//li[@id="{href[1:]}"]')
    assert len(found) == 1, href
    return found[0]


def _fact_id(entry: lxml.html.HtmlElement) -> str:
    match = re.search(r"fact (\S+)$", _text(entry))
    assert match, _text(entry)
    return match.group(1)


# -- the 2022 Liaoning scorecard --------------------------------------------------------------


def test_gdp_target_missed_against_the_2023_report(
    page: lxml.html.HtmlElement, examples_ledger: Ledger
) -> None:
    cells = _cells(_row(page, "economy", "Regional GDP"))
    assert "地区生产总值" in _text(cells["Indicator"])
    assert _text(cells["Target"]).startswith("> 5.5%")
    assert _text(cells["Status"]) == "✗ missed"
    assert "status-missed" in cells["Status"].xpath(".//span")[0].get("class")
    assert "more than 5.5%" in _text(cells["Verdict"])

    target_link = cells["Target"].xpath('.//a[@class="fig"]')[0]
    entry = _source_entry(page, target_link.get("href"))
    assert "more than 5.5%" in _text(entry) and entry.xpath(".//mark")[0].text == "5.5%"

    result_link = cells["Result"].xpath('.//a[@class="fig"]')[0]
    assert result_link.text == "2.1%"
    entry = _source_entry(page, result_link.get("href"))
    assert GWR_2023 in _text(entry)
    assert entry.xpath(".//mark")[0].text == "2.1%"
    fact = examples_ledger.fact(_fact_id(entry))
    assert fact.doc == GWR_2023 and fact.value == 2.1 and fact.kind == "result"
    assert "地区生产总值增长" in _text(entry)


def test_every_figure_link_lands_on_the_sentence_the_ledger_holds(
    page: lxml.html.HtmlElement, examples_ledger: Ledger, report_2022: Report
) -> None:
    links = page.xpath('//a[starts-with(@href, "#src-")]')
    assert len(links) > 100
    checked: set[str] = set()
    for link in links:
        href = link.get("href")
        if href in checked:
            continue
        checked.add(href)
        entry = _source_entry(page, href)
        fact = examples_ledger.fact(_fact_id(entry))
        assert _squash(fact.quote) in _text(entry), href
        marked = entry.xpath(".//mark")
        assert marked and marked[0].text == fact.text, href
        doc = examples_ledger.document_info(fact.doc_id)
        assert doc.name in _text(entry) and (doc.date or "") in _text(entry)
        if doc.title:
            assert _squash(doc.title) in _text(entry)
    # Every Sources entry is cited by some figure, and every id is used once.
    entries = page.xpath('//section[@id="sources"]//li/@id')
    assert sorted(entries) == sorted(h[1:] for h in checked) and len(entries) == len(set(entries)) == len(
        report_2022.sources
    )


def test_every_figure_in_the_tables_is_a_link(page: lxml.html.HtmlElement, report_2022: Report) -> None:
    rows = page.xpath('//table[@class="scorecard"]/tbody/tr')
    assert len(rows) == len(report_2022.verdicts) == sum(report_2022.counts.values())
    for row in rows:
        cells = _cells(row)
        assert cells["Target"].xpath('.//a[@class="fig"][starts-with(@href, "#src-")]'), _text(row)
        for item in cells["Result"].xpath('.//ul[@class="results"]/li'):
            assert item.xpath('.//a[@class="fig"][starts-with(@href, "#src-")]'), _text(item)
    for cell in page.xpath('//table[@class="series-data"]/tbody/tr/td[position() > 1]'):
        figures = re.findall(r"\d", "".join(cell.xpath("text()")))
        assert not figures, _text(cell)  # figures only inside links


def test_the_page_is_self_contained_and_runs_nothing(html_2022: str, page: lxml.html.HtmlElement) -> None:
    assert "<script" not in html_2022.lower()
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name.lower() in ("href", "src", "xlink:href", "action", "srcset", "poster", "data"):
                assert value.startswith("#"), (element.tag, name, value)
            assert "javascript:" not in value.lower()
    assert not page.xpath("//img | //iframe | //object | //embed | //link | //form | //base | //@style")
    # Source URLs of documents are shown as text, never as links or fetches.
    assert re.search(r"https?://", _text(page.xpath('//section[@id="sources"]')[0]))
    assert not re.search(r'(?:href|src)\s*=\s*"https?:', html_2022)


def test_the_content_security_policy_allows_only_our_stylesheet(page: lxml.html.HtmlElement) -> None:
    policy = page.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    styles = page.xpath("//style")
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].text.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_header_counts_areas_and_chinese(
    page: lxml.html.HtmlElement, report_2022: Report, html_2022: str
) -> None:
    assert '<meta charset="utf-8">' in html_2022
    assert "Liaoning" in _text(page.xpath("//h1")[0]) and "辽宁省" in _text(page.xpath("//h1")[0])
    assert "2024-04-16" in _text(page.xpath("//header")[0])  # the newest document's date
    shown = {
        "".join(li.xpath("./text()")).strip().split(" ", 1)[1]: int(li.xpath("./strong")[0].text)
        for li in page.xpath('//ul[@class="counts"]/li')
    }
    assert shown == report_2022.counts
    assert report_2022.counts["met"] == 2 and report_2022.counts["missed"] == 3
    assert list(shown) == list(STATUSES)
    sections = page.xpath("//main/section[starts-with(@id, 'area-')]/@id")
    assert sections[0] == "area-economy" and sections[-1] == "area-unclassified"
    assert [f"area-{g.area}" for g in report_2022.areas] == sections
    assert page.xpath('//section[@id="area-livelihood"]//span[@lang="zh-Hans"]')
    zh_quotes = page.xpath('//section[@id="sources"]//blockquote[@lang="zh-Hans"]')
    assert any("地区生产总值" in _text(q) for q in zh_quotes)


def test_delivery_targets_show_progress(page: lxml.html.HtmlElement) -> None:
    cells = _cells(_row(page, "livelihood", "New urban jobs"))
    assert _text(cells["Target"]).startswith("> 450,000 people")
    assert _text(cells["Status"]) == "✓ met"
    bar = cells["Progress"].xpath(".//progress")[0]
    assert bar.get("value") == "100" and "103% delivered" in _text(cells["Progress"])


def test_each_series_has_a_chart_whose_points_cite_their_sources(
    page: lxml.html.HtmlElement, report_2022: Report
) -> None:
    cells = _cells(_row(page, "economy", "Regional GDP"))
    svg = cells["Series"].xpath(".//svg")[0]
    assert "5.8%" in svg.get("aria-label") and "2.1%" in svg.get("aria-label")
    points = svg.xpath(".//a")
    assert len(points) == 3  # 2021 result, 2022 target, 2022 result
    for a in points:
        entry = _source_entry(page, a.get("href"))
        title = _text(a.xpath("./title")[0])
        assert f"source {entry.get('value')}" in title
    assert svg.xpath('.//path[@class="line-result"]')
    charted = {
        v.target.series_key for v in report_2022.verdicts if report_2022.series_for(v.target.series_key)
    }
    assert len(page.xpath('//table[@class="scorecard"]//svg')) >= len(charted) > 20


def test_markdown_has_the_same_content(report_2022: Report, page: lxml.html.HtmlElement) -> None:
    md = render_markdown(report_2022)
    header, rule, counts = md.split("\n\n")[2].splitlines()
    names = [c.strip().split(" ", 1)[1] for c in header.strip("|").split("|")]
    values = [int(c) for c in counts.strip("|").split("|")]
    assert dict(zip(names, values, strict=True)) == report_2022.counts
    assert "| Regional GDP 地区生产总值 (growth) | > 5.5%[^s" in md
    gdp = next(line for line in md.splitlines() if line.startswith("| Regional GDP 地区生产总值"))
    assert "| 2.1%[^s" in gdp and "✗ missed" in gdp
    refs = set(re.findall(r"\[\^(s\d+)\](?!:)", md))
    defined = dict(re.findall(r"^\[\^(s\d+)\]: (.*)$", md, flags=re.M))
    assert refs == set(defined) and len(defined) == len(report_2022.sources)
    for ref in report_2022.sources:
        before, fig, after = ref.parts()
        assert f"**{md_escape(fig)}**" in defined[f"s{ref.number}"]
        assert ref.document.name.replace("_", r"\_") in defined[f"s{ref.number}"]
    # The same tables as the page: one per area, and the same rows.
    assert md.count("\n## ") == len(report_2022.areas) + 2  # + Documents, Sources
    areas = md.split("\n## ", 1)[1].split("\n## Documents")[0]
    rows = [
        line for line in areas.splitlines() if re.search(r"\| [✓✗◷–] (met|missed|pending|no result)", line)
    ]
    assert len(rows) == len(page.xpath('//table[@class="scorecard"]/tbody/tr'))


def test_output_is_deterministic(report_2022: Report, html_2022: str, tmp_path: Path) -> None:
    assert render_html(report_2022) == html_2022
    with _ingest(tmp_path / "again.db", EXAMPLES) as again:
        rebuilt = build_report(again, period="2022", region="辽宁")
        assert render_html(rebuilt) == html_2022
        assert render_markdown(rebuilt) == render_markdown(report_2022)


# -- conflicts, computed results, pending targets, the closed loop ----------------------------------


def test_conflicts_and_computed_results(tracked_ledger: Ledger) -> None:
    report = build_report(tracked_ledger, period="2022", region="Liaoning")
    page = lxml.html.fromstring(render_html(report).encode("utf-8"))
    conflicts = page.xpath('//section[@id="conflicts"]/ol/li')
    assert len(conflicts) == len(report.conflicts) >= 1
    gdp = next(li for li in conflicts if "gdp:Liaoning:growth" in _text(li))
    assert "2.3%" in _text(gdp) and "2.1%" in _text(gdp) and "newest" in _text(gdp)
    for link in gdp.xpath('.//a[@class="fig"]'):
        entry = _source_entry(page, link.get("href"))
        fact = tracked_ledger.fact(_fact_id(entry))
        assert entry.xpath(".//mark")[0].text == fact.text and fact.kind == "result"

    # The revised 2.3% is the newest statement: the verdict uses it and lists the first figure too.
    cells = _cells(_row(page, "economy", "Regional GDP"))
    assert [a.text for a in cells["Result"].xpath('.//a[@class="fig"]')] == ["2.3%", "2.1%"]

    # China-Europe trains: a growth target met by a rate computed from two years' levels.
    cells = _cells(_row(page, "opening", "China-Europe"))
    computed = cells["Result"].xpath('.//span[@class="computed"]')
    assert computed and "computed from" in _text(cells["Result"])
    inputs = cells["Result"].xpath('.//a[@class="fig"]')
    assert [a.text for a in inputs] == ["700 items", "632 items"]  # this year's level, last year's
    for link in inputs:
        entry = _source_entry(page, link.get("href"))
        fact = tracked_ledger.fact(_fact_id(entry))
        assert fact.indicator == "china_europe_trains" and fact.change == "level"
        assert f"{fact.value:g}" in link.text


def test_as_of_leaves_later_documents_out(tracked_ledger: Ledger) -> None:
    report = build_report(tracked_ledger, period="2022", region="Liaoning", as_of="2023-06-30")
    assert report.as_of == "2023-06-30"
    assert all((d.date or "") <= "2023-06-30" for d in report.documents)
    gdp = next(v for v in report.verdicts if v.target.indicator == "gdp")
    assert format_figure(gdp.results[0].value, gdp.results[0].unit) == "2.1%"
    assert "2.3%" not in render_markdown(report).split("## Sources")[0].split("## Conflicts")[0]


def test_pending_targets_with_in_year_results(tracked_ledger: Ledger) -> None:
    report = build_report(tracked_ledger, period="2023", region="Liaoning", as_of="2023-07-31")
    assert report.counts["pending"] >= 1
    page = lxml.html.fromstring(render_html(report).encode("utf-8"))
    pending = page.xpath('//span[contains(@class, "status-pending")]')
    assert len(pending) == report.counts["pending"]
    notes = " ".join(_text(n) for n in page.xpath('//span[@class="badge-note"]'))
    assert "on track" in notes or "behind" in notes


def test_owner_due_and_override_are_shown(tmp_path: Path) -> None:
    with _ingest(tmp_path / "loop.db", EXAMPLES / "003_67a0eda2e3f886dd.txt", EXAMPLES / GWR_2023) as ledger:
        target = next(v for v in build_report(ledger, period="2022").verdicts if v.target.indicator == "gdp")
        ledger.assign(
            target.target.key, owner="Development and Reform Commission", due="2023-03-31", actor="ann"
        )
        ledger.override(target.target.key, status="met", reason="revised upward later", actor="ann")
        report = build_report(ledger, period="2022", region="Liaoning")
    page = lxml.html.fromstring(render_html(report).encode("utf-8"))
    cells = _cells(_row(page, "economy", "Regional GDP"))
    assert _text(cells["Status"]).startswith("✓ met") and "the rule said missed" in _text(cells["Status"])
    verdict = _text(cells["Verdict"])
    assert "Owner: Development and Reform Commission · due 2023-03-31" in verdict
    assert "Override: met by ann" in verdict and "revised upward later" in verdict
    md = render_markdown(report)
    assert "Owner: Development and Reform Commission, due 2023-03-31" in md
    assert report.counts["met"] == 3 and report.counts["missed"] == 2  # GDP moved from missed to met


# -- untrusted text ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    """A document whose title, source, file name and sentences are markup, plus a manual result,
    an owner and an override reason that are markup too."""
    folder = tmp_path_factory.mktemp("hostile")
    doc = folder / 'work-report-"><img src=x onerror=alert(2)>.txt'
    doc.write_text(
        f"Liaoning Provincial Government Work Report 2022 {HOSTILE}\n\n"
        f"The main targets for Liaoning this year: regional GDP growth of more than 5.5% {HOSTILE}, "
        f"and new urban jobs of 450,000 people, see {HOSTILE_MD} for details.\n",
        encoding="utf-8",
    )
    (folder / (doc.stem + ".meta.yaml")).write_text(
        f"date: 2022-01-20\ntitle: '{HOSTILE} Work report'\nsource: 'javascript:alert(1)'\n",
        encoding="utf-8",
    )
    with _ingest(folder / "ledger.db", doc) as ledger:
        ledger.add_manual_result(
            indicator="gdp",
            region="Liaoning",
            period="2022",
            value=2.1,
            unit="%",
            change="growth",
            source=f"{HOSTILE} {HOSTILE_MD}",
            source_date="2023-01-12",
            actor="tester",
        )
        key = next(
            v for v in build_report(ledger, period="2022").verdicts if v.target.indicator == "gdp"
        ).target.key
        ledger.assign(key, owner=HOSTILE, due="2022-12-31", actor="tester")
        ledger.override(key, status="met", reason=f"{HOSTILE} {HOSTILE_MD}", actor="tester")
        report = build_report(ledger, period="2022", region="Liaoning")
        stored = " ".join(f.quote for f in ledger.facts())
    assert "<script>alert(1)</script>" in stored  # the markup really is in the ledger
    yield report


def _assert_inert(html: str) -> None:
    assert "<script" not in html.lower()
    page = lxml.html.fromstring(html.encode("utf-8"))
    assert not page.xpath("//script | //img | //iframe")
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower(), (element.tag, name, value)
            if name.lower() in ("href", "src"):
                assert value.startswith("#"), value


def test_hostile_text_is_shown_not_run_in_html(hostile_report: Report) -> None:
    html = render_html(hostile_report)
    _assert_inert(html)
    page = lxml.html.fromstring(html.encode("utf-8"))
    sources = _text(page.xpath('//section[@id="sources"]')[0])
    assert "<script>alert(1)</script>" in sources  # as text
    assert "<img src=x onerror=alert(1)>" in sources and "javascript:alert(1)" in sources
    assert '"><img src=x onerror=alert(2)>.txt' in sources  # the file name, shown as text
    verdict = _text(_cells(_row(page, "economy", "Regional GDP"))["Verdict"])
    assert f"Owner: {HOSTILE}" in verdict
    assert "&lt;script&gt;" in html


def test_hostile_text_is_inert_in_markdown(hostile_report: Report) -> None:
    md = render_markdown(hostile_report)
    assert "<script" not in md and "<img" not in md and "<a " not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # only escaped brackets before a javascript: URL
    # Rendered by a CommonMark renderer that lets raw HTML through, it still holds no markup.
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    _assert_inert(rendered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[click](javascript:alert(1))" in lxml.html.fromstring(rendered).text_content()


def test_markdown_escaping() -> None:
    assert md_escape("a | b") == r"a \| b"
    assert md_escape("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert md_escape("<img src=x>") == "&lt;img src=x>"
    assert md_escape("*bold* _it_ `code` ~~s~~ $x$") == r"\*bold\* \_it\_ \`code\` \~\~s\~\~ \$x\$"
    assert md_escape("two\nlines ") == "two lines "


# -- the API's edges --------------------------------------------------------------------------------------


def test_figures_are_formatted_for_people() -> None:
    assert format_figure(5.5, "%", ">") == "> 5.5%"
    assert format_figure(24_000_000, "t", "~") == "≈ 24 million t"
    assert format_figure(450_000, "people") == "450,000 people"
    assert format_figure(1, "percentage_point", ">=") == "≥ 1 pp"


def test_bad_requests_are_report_errors(examples_ledger: Ledger) -> None:
    with pytest.raises(ReportError, match="Atlantis"):
        build_report(examples_ledger, period="2022", region="Atlantis")
    with pytest.raises(ReportError, match="no targets for 1999 in Liaoning"):
        build_report(examples_ledger, period="1999", region="Liaoning")
    with pytest.raises(ReportError, match="not a period"):
        build_report(examples_ledger, period="last year")
    with pytest.raises(ReportError, match="no targets for 2022 in Shenyang"):
        build_report(examples_ledger, period="2022", region="沈阳")


def test_write_report_is_atomic_and_picks_the_format(report_2022: Report, tmp_path: Path) -> None:
    assert report_format("x.md") == "md" and report_format("x.MARKDOWN") == "md"
    assert report_format("x.html") == "html" and report_format("x") == "html"
    assert report_format("x.html", "md") == "md"
    out = tmp_path / "card.md"
    out.write_text("old", encoding="utf-8")
    write_report(report_2022, out)
    assert out.read_text(encoding="utf-8").startswith("# Liaoning 辽宁省 · 2022")
    html = write_report(report_2022, tmp_path / "card.html")
    assert html.read_bytes().decode("utf-8") == render_html(report_2022)
    with pytest.raises(ReportError, match="no folder"):
        write_report(report_2022, tmp_path / "missing" / "card.html")
    with pytest.raises(ReportError, match="is a folder"):
        write_report(report_2022, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.html", "card.md"]  # no temporary files left
