"""The dashboard pages over HTTP and their building blocks: escaping, languages, tables, forms, queries."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from markupsafe import Markup

from tests.serve.browser.server import HOSTILE_NAME, Site, build_ledger
from zhenxing.ledger.store import Ledger
from zhenxing.serve.pages_i18n import Translator, catalogue, format_figure, from_accept_language, negotiate
from zhenxing.serve.pages_tables import Cell, Column, Row, Table, prepared, to_csv, to_xlsx
from zhenxing.serve.pages_text import Mark, highlight, quote_html, sentence_marks

SERVE = Path(__file__).resolve().parents[2] / "src" / "zhenxing" / "serve"
GDP_TARGET = "gdp:Liaoning:growth:2022:target:5.5%"
PAGES = (
    "/",
    "/?status=missed",
    "/?year=2022&region=all&area=economy",
    f"/target/{quote(GDP_TARGET, safe='')}",
    "/indicator/gdp",
    "/document/004_a92002791a908d18.txt",
    f"/document/{HOSTILE_NAME}",
    "/documents",
    "/conflicts",
    "/search?q=%E5%B0%B1%E4%B8%9A",
    "/upload",
    "/audit",
    "/signin",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo ledger plus a hostile document, and a write token (``tests/serve/browser/server.py``)."""
    return build_ledger(tmp_path_factory.mktemp("pages-ledger"))


@pytest.fixture(scope="module")
def live(start_server: Callable[..., Any], demo: tuple[Path, str]) -> Site:
    """A real server over it (``start_server`` of ``tests/serve/conftest.py``)."""
    db, token = demo
    return Site(start_server(db=db).url, db, token)


@pytest.fixture
def browser_client(live: Site) -> Iterator[httpx.Client]:
    """An HTTP client that behaves like a browser: it keeps cookies and does not follow redirects."""
    with httpx.Client(base_url=live.url, follow_redirects=False, timeout=30) as c:
        yield c


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# -- text: escaped first, marked after ----------------------------------------------------------


def test_highlight_escapes_every_character_and_marks_the_figures() -> None:
    text = 'GDP <script>alert("x")</script> grew 5.5% & jobs 46.2万'
    start = text.index("5.5%")
    marks = [
        Mark(start, start + 4, "f1", "result", peer="f9", title='"quoted" <b>'),
        Mark(text.index("46.2万"), len(text), "f2", "target"),
    ]
    html = highlight(text, marks, focus=(text.index("grew"), len(text)), current="f1")
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&amp; jobs" in html
    assert (
        '<mark id="fact-f1" class="fact kind-result current" data-fact="f1" tabindex="0" data-peer="f9" '
        'title="&#34;quoted&#34; &lt;b&gt;">5.5%</mark>' in html
    )
    assert html.count('<span class="focus" id="focus">') == 1 and html.endswith("46.2万</mark></span>")
    # Stripping the tags made here gives back the text, escaped.
    assert re.sub(r"<[^>]+>", "", str(html)) == str(Markup.escape(text))


def test_overlapping_or_crossing_marks_become_anchors_so_tags_always_nest() -> None:
    text = "from 5%-6% this year. Next sentence 7%."
    a = Mark(5, 10, "range", "target")
    b = Mark(8, 10, "inner", "target")  # inside the first: drawn as an anchor
    c = Mark(19, 25, "cross", "other")  # crosses the end of the focused sentence
    html = str(highlight(text, [a, b, c], focus=(0, 21)))
    assert '<span id="fact-inner" class="anchor"></span>' in html
    assert '<span id="fact-cross" class="anchor"></span>' in html
    assert html.count("<mark") == 1 and html.count("</mark>") == 1
    opened = [m.group(0) for m in re.finditer(r"</?(mark|span)\b", html)]
    depth = 0
    for tag in opened:
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert depth == 0


def test_quotes_and_search_hits_are_marked_on_escaped_text() -> None:
    assert (
        str(quote_html("a <b> 5% c", 6, 8, kind="target"))
        == 'a &lt;b&gt; <mark class="fact kind-target">5%</mark> c'
    )
    assert str(quote_html("<x>", 5, 9)) == "&lt;x&gt;"  # a span outside the sentence marks nothing
    marked = str(sentence_marks("就业<i>就业", [(0, 2), (5, 7), (1, 3)], kind="hit"))
    assert marked == '<mark class="fact kind-hit">就业</mark>&lt;i&gt;<mark class="fact kind-hit">就业</mark>'


# -- languages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("zh-TW", "zh"),
        ("en-GB,zh;q=0.5", "en"),
        ("fr-FR,zh;q=0.4,en;q=0.3", "zh"),
        ("en;q=0.2, zh;q=0.8", "zh"),
        ("zh;q=0, en", "en"),
        ("de, fr", "en"),
        ("zh;q=abc, en;q=0.1", "en"),
        ("*", "en"),
    ],
)
def test_language_from_accept_language(header: str | None, expected: str) -> None:
    assert from_accept_language(header) == expected


def test_the_cookie_wins_over_the_browser_and_bad_cookies_are_ignored() -> None:
    assert negotiate("zh", "en-US") == "zh"
    assert negotiate("en", "zh-CN") == "en"
    assert negotiate("xx", "zh-CN") == "zh"


def test_catalogues_have_the_same_keys_and_every_key_used_exists() -> None:
    en, zh = (
        json.loads(resources.files("zhenxing.serve").joinpath("i18n", f"{lang}.json").read_text("utf-8"))
        for lang in ("en", "zh")
    )
    assert set(en) == set(zh)
    assert all(isinstance(v, str) and v for v in [*en.values(), *zh.values()])
    used: set[str] = set()
    for path in [*SERVE.glob("templates/*.html"), *SERVE.glob("pages*.py")]:
        source = path.read_text("utf-8")
        used.update(re.findall(r"""\bt\(\s*['"]([a-z_]+\.[a-z_.\-]+)['"]""", source))
    prefixes = {
        "status.",
        "area.",
        "kind.",
        "change.",
        "direction.",
        "language.",
        "action.",
        "conflict.",
        "loop.saved.",
        "nav.",
        "rule.about.",
        "document.counterpart.",
        "document.role.",
    }
    assert used, "no message keys found"
    used = {k for k in used if not k.endswith(".")}  # t('status.' ~ s): the prefixes are checked below
    missing = sorted(k for k in used if k not in en)
    assert not missing, missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in en), prefix
    for status in ("met", "missed", "pending", "no result"):
        assert f"status.{status}" in zh
    for area in (
        "economy",
        "innovation",
        "digital",
        "industry",
        "reform",
        "opening",
        "rural",
        "green",
        "livelihood",
        "other",
    ):
        assert f"area.{area}" in zh


def test_translator_fills_fields_and_shows_missing_keys() -> None:
    t = Translator("zh")
    assert t("table.count", shown=3, total=9) == "显示 3 / 9 行"
    assert t("no.such.key") == "no.such.key"
    assert catalogue("zh")["status.missed"] == "未完成"
    assert t.indicator("gdp") == "地区生产总值" and Translator("en").indicator("gdp") == "Regional GDP"
    assert t.indicator(None, "rural roads") == "rural roads"
    assert t.region("Liaoning") == "辽宁省" and Translator("en").region("Liaoning") == "Liaoning"


@pytest.mark.parametrize(
    ("value", "unit", "comparator", "en", "zh"),
    [
        (5.5, "%", ">", "> 5.5%", "超过5.5%"),
        (2758400000000.0, "CNY", "=", "2.7584 trillion CNY", "2.7584万亿元"),
        (462000.0, "people", ">=", "≥ 462,000 people", "不低于46.2万人"),
        (0.5, "percentage_point", "~", "~ 0.5 pp", "约0.5个百分点"),
        (24000000.0, "t", "=", "24 million t", "2,400万吨"),
        (12.0, None, "=", "12", "12"),
    ],
)
def test_figures_in_each_language(value: float, unit: str | None, comparator: str, en: str, zh: str) -> None:
    assert format_figure(value, unit, comparator, "en") == en
    assert format_figure(value, unit, comparator, "zh") == zh


# -- tables ----------------------------------------------------------------------------------------


def _table() -> Table:
    columns = [Column("name", "Name"), Column("value", "Value", numeric=True), Column("note", "Note")]
    rows = [
        Row([Cell("beta"), Cell("2", value=2.0), Cell('=HYPERLINK("http://x")')]),
        Row([Cell("Alpha"), Cell("10", value=10.0), Cell("+1 growth")]),
        Row([Cell("gamma"), Cell(""), Cell("@SUM(A1)", note="growth")]),
    ]
    return Table("things", columns, rows)


def test_sorting_and_filtering_follow_the_rules_the_script_applies() -> None:
    table = _table()
    assert [r.cells[0].text for r in prepared(table, sort="name")] == ["Alpha", "beta", "gamma"]
    assert [r.cells[0].text for r in prepared(table, sort="value", direction="desc")] == [
        "Alpha",
        "beta",
        "gamma",
    ]
    assert [r.cells[0].text for r in prepared(table, sort="value")] == [
        "beta",
        "Alpha",
        "gamma",
    ]  # blanks last
    assert [r.cells[0].text for r in prepared(table, needle="GROWTH")] == ["Alpha", "gamma"]
    assert [r.cells[0].text for r in prepared(table, needle="growth gam")] == ["gamma"]
    assert [r.cells[0].text for r in prepared(table, sort="nope")] == ["beta", "Alpha", "gamma"]


def test_csv_defuses_formulas_and_keeps_numbers() -> None:
    table = _table()
    text = to_csv(table, table.rows).decode("utf-8")
    assert text.startswith("\ufeffName,Value,Note\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["beta", "2", '\'=HYPERLINK("http://x")']
    assert rows[2] == ["Alpha", "10", "'+1 growth"]
    assert rows[3] == ["gamma", "", "'@SUM(A1) (growth)"]


def test_xlsx_writes_text_as_text_and_numbers_as_numbers() -> None:
    import openpyxl

    table = _table()
    table.rows.append(Row([Cell("ctrl\x01char"), Cell("1.5", value=1.5), Cell("中文")]))
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, table.rows, sheet_title="Things: [1]")))
    sheet = book.active
    assert sheet.title == "Things 1"
    assert [c.value for c in sheet[1]] == ["Name", "Value", "Note"]
    assert sheet["C2"].value == '=HYPERLINK("http://x")' and sheet["C2"].data_type == "s"
    assert sheet["B2"].value == 2 and sheet["B5"].value == 1.5
    assert sheet["A5"].value == "ctrlchar" and sheet["C5"].value == "中文"
    assert sheet.freeze_panes == "A2"


# -- pages over HTTP -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_strict_policy_and_no_inline_code(
    browser_client: httpx.Client, path: str
) -> None:
    response = browser_client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    for tag, attrs in tags(response.text):
        assert "style" not in attrs, (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "http://", "https://", "//")) or (
                tag == "a" and name == "href" and attrs.get("rel") and value.startswith("http")
            ), (tag, attrs)


def test_a_hostile_document_is_escaped_everywhere(browser_client: httpx.Client) -> None:
    page = browser_client.get(f"/document/{HOSTILE_NAME}").text
    assert "<script>window.__pwned" not in page and "&lt;script&gt;window.__pwned" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page
    assert [t for t, _ in tags(page) if t in ("img", "svg", "iframe", "style", "b")] == []
    overview = browser_client.get("/?year=2023&region=all").text
    assert "<script>" not in overview.replace('<script src="', "")
    export = browser_client.get("/export/facts.csv", params={"doc": HOSTILE_NAME}).text
    assert "<script>" in export  # downloads hold the text as it is: a spreadsheet shows it, runs nothing


def test_an_empty_ledger_says_so(start_server: Callable[..., Any], tmp_path: Path) -> None:
    Ledger(tmp_path / "empty.db").close()
    url = start_server(db=tmp_path / "empty.db").url
    for path in ("/", "/documents", "/conflicts", "/audit", "/upload", "/export/targets.csv"):
        assert httpx.get(url + path).status_code == 200, path
    assert "The ledger holds no targets yet." in httpx.get(url + "/").text


def test_a_private_server_sends_readers_to_sign_in(
    start_server: Callable[..., Any], demo: tuple[Path, str]
) -> None:
    from zhenxing.serve.settings import ServeSettings

    url = start_server(settings=ServeSettings(read_requires_token=True, warm_cache=False), db=demo[0]).url
    with httpx.Client(base_url=url, follow_redirects=False) as reader:
        for path in ("/", "/documents", "/export/targets.csv"):
            response = reader.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/signin?next=")
        assert reader.get("/signin").status_code == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', reader.get("/signin").text)
        assert token is not None
        reader.post("/signin", data={"token": demo[1], "csrf_token": token.group(1), "next": "/"})
        assert reader.get("/").status_code == 200


def test_unknown_things_are_404_pages(browser_client: httpx.Client) -> None:
    for path in (
        "/document/nope",
        "/target/nope:nope",
        "/indicator/no_such_indicator",
        "/export/nope.csv",
        "/export/targets.pdf",
    ):
        response = browser_client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text


def test_a_bad_period_is_a_400_page(browser_client: httpx.Client) -> None:
    response = browser_client.get("/conflicts", params={"period": "twenty-two"})
    assert response.status_code == 400 and "not a period" in response.text


def test_language_switch_sets_a_cookie_and_never_redirects_off_site(browser_client: httpx.Client) -> None:
    response = browser_client.get("/lang/zh", params={"next": "/documents?x=1"})
    assert response.status_code == 303 and response.headers["location"] == "/documents?x=1"
    assert "zhenxing_lang=zh" in response.headers["set-cookie"]
    browser_client.cookies.set("zhenxing_lang", "zh")
    assert browser_client.get("/").text.count('lang="zh-Hans"') >= 1
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert browser_client.get("/lang/en", params={"next": bad}).headers["location"] == "/"
    assert "zhenxing_lang" not in browser_client.get("/lang/fr").headers.get("set-cookie", "")
    browser_client.cookies.clear()
    zh = browser_client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in zh.text and zh.headers["content-language"] == "zh-Hans"
    assert "总览" in zh.text


def test_exports_follow_the_page_filters_sort_and_language(browser_client: httpx.Client) -> None:
    import openpyxl

    response = browser_client.get(
        "/export/targets.csv", params={"status": "missed", "sort": "target", "dir": "asc"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="zhenxing-targets.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Status" and {r[0] for r in rows[1:]} == {"Missed"} and len(rows) > 1
    zh = browser_client.get("/export/scorecard.xlsx", headers={"Accept-Language": "zh-CN"})
    sheet = openpyxl.load_workbook(io.BytesIO(zh.content)).active
    assert [c.value for c in sheet[1]][:3] == ["领域", "已完成", "未完成"]
    assert sheet.cell(row=2, column=1).value == "经济" and isinstance(sheet.cell(row=2, column=2).value, int)
    filtered = browser_client.get("/export/documents.csv", params={"filter": "liaoning-gwr"}).content.decode(
        "utf-8-sig"
    )
    assert len(list(csv.reader(io.StringIO(filtered)))) == 2
    for name in ("audit", "conflicts", "search", "series", "facts"):
        params = {"q": "GDP", "name": "gdp", "doc": "004_a92002791a908d18.txt"}
        assert browser_client.get(f"/export/{name}.xlsx", params=params).status_code == 200, name


def test_closed_loop_forms_need_a_writer_and_the_csrf_token(browser_client: httpx.Client, live: Site) -> None:
    form = {"target_key": GDP_TARGET, "owner": "NDRC", "due": "2023-06-30"}
    refused = browser_client.post("/loop/assign", data=form)
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/html")
    assert (
        'href="/signin?next=%2Ftarget%2Fgdp%253ALiaoning' in refused.text
    )  # back to the target after signing in
    # Signed in through the form, but posting without the page's CSRF token: refused.
    signin = browser_client.get("/signin")
    token_field = re.search(r'name="csrf_token" value="([^"]+)"', signin.text)
    assert token_field is not None
    done = browser_client.post(
        "/signin", data={"token": live.token, "csrf_token": token_field.group(1), "next": "/"}
    )
    assert done.status_code == 303 and "zx_session" in done.headers["set-cookie"]
    assert browser_client.post("/loop/assign", data=form).status_code == 403
    page = browser_client.get(f"/target/{quote(GDP_TARGET, safe='')}")
    csrf = re.search(r'id="form-assign">.*?name="csrf_token" value="([^"]+)"', page.text, re.S)
    assert csrf is not None
    saved = browser_client.post("/loop/assign", data={**form, "csrf_token": csrf.group(1)})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=assign#loop")
    with Ledger(live.db) as ledger:
        assert ledger.assignments()[GDP_TARGET]["owner"] == "NDRC"
        assert ledger.audit(GDP_TARGET)[-1].actor == "test-writer"
    refused = browser_client.post(
        "/loop/override",
        data={"target_key": GDP_TARGET, "status": "met", "reason": "", "csrf_token": csrf.group(1)},
    )
    assert refused.status_code == 422 and "needs a reason" in refused.text
    # A bearer token needs no CSRF token (browsers never send one by themselves).
    bearer = httpx.post(
        f"{live.url}/loop/override",
        headers={"Authorization": f"Bearer {live.token}"},
        data={"target_key": GDP_TARGET, "status": "met", "reason": "revised figure"},
    )
    assert bearer.status_code == 303
    with Ledger(live.db) as ledger:
        assert ledger.overrides()[GDP_TARGET]["status"] == "met"


def _queries(ledger: Ledger, build: Callable[[], Any]) -> int:
    """How many SQL statements ``build`` sends to the ledger."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(ledger.engine, "before_cursor_execute", count)
    try:
        build()
    finally:
        event.remove(ledger.engine, "before_cursor_execute", count)
    return len(seen)


def test_pages_cost_a_fixed_number_of_queries(tmp_path: Path) -> None:
    """No query per row: a document of 134 facts costs what one of 7 does; cached pages a handful."""
    from zhenxing.serve.api_cache import TrackingCache
    from zhenxing.serve.pages_views import (
        CachedTracking,
        Context,
        LedgerTracking,
        document_page,
        overview_data,
        target_page,
    )

    db, _ = build_ledger(tmp_path)
    with Ledger(db) as ledger:
        ctx = Context(ledger, LedgerTracking(ledger), Translator("en"))
        small = _queries(ledger, lambda: document_page(ctx, "liaoning-gwr-2023-zh.txt"))
        large = _queries(ledger, lambda: document_page(ctx, "003_67a0eda2e3f886dd.txt"))
        pair = _queries(ledger, lambda: document_page(ctx, "004_a92002791a908d18.txt"))
        assert large == small <= 20 and pair <= small + 8, (small, large, pair)

        cached = Context(ledger, CachedTracking(TrackingCache(ledger)), Translator("zh"))
        overview_data(cached, {})  # computed once per ledger generation
        assert _queries(ledger, lambda: overview_data(cached, {})) <= 6
        assert _queries(ledger, lambda: target_page(cached, GDP_TARGET)) <= 8
        assert len(overview_data(cached, {}).verdicts) == len(overview_data(ctx, {}).verdicts)
