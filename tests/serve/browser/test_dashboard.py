"""The dashboard in a real browser: what an analyst does, start to end, on the demo ledger."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.serve.browser.conftest import new_page, screenshot, sign_in
from tests.serve.browser.server import HOSTILE_NAME, Site

GDP_TARGET = "gdp:Liaoning:growth:2022:target:5.5%"


def _rows(page: Any, table: str) -> Any:
    return page.locator(f"#tbl-{table} tbody tr:not([hidden])")


def _in_viewport(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => { const el = document.querySelector(sel); if (!el) return false;
                const r = el.getBoundingClientRect();
                return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0; }""",
            selector,
        )
    )


def test_overview_missed_target_to_its_highlighted_source(page: Any, live: Site) -> None:
    """Overview -> filter to missed -> a target -> its result's source link -> the highlighted sentence."""
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("Targets for 2022")
    assert page.locator("#tbl-scorecard tbody tr").count() >= 10
    screenshot(page, "overview", full_page=True)

    page.click(".status-card[data-status=missed]")
    page.wait_for_url(re.compile(r"status=missed"))
    statuses = _rows(page, "targets").locator("td:first-child .badge").all_inner_texts()
    assert statuses and set(statuses) == {"Missed"}, statuses
    assert page.locator("#status-filter").input_value() == "missed"
    screenshot(page, "overview-missed")

    page.locator("#tbl-targets a", has_text="Regional GDP").first.click()
    page.wait_for_url(re.compile(r"/target/"))
    assert page.locator(".verdict-badge .badge").inner_text() == "Missed"
    assert page.locator("[data-role=target-figure]").inner_text() == "> 5.5%"
    assert page.locator("[data-role=result-figure]").inner_text() == "2.1%"
    assert page.locator("#target-sentences mark.fact").first.inner_text() == "5.5%"
    assert "more than the target" in page.locator(".rule-text").inner_text()
    screenshot(page, "target", full_page=True)

    page.locator("#result-sentences a.source-link").first.click()
    page.wait_for_url(re.compile(r"/document/.+fact="))
    current = page.locator("mark.fact.current")
    assert current.count() == 1 and current.inner_text() == "2.1%"
    assert "全年地区生产总值增长" in page.locator(".focus").inner_text()
    page.wait_for_function(
        "() => document.querySelector('mark.fact.current').getBoundingClientRect().top < window.innerHeight"
    )
    assert _in_viewport(page, "mark.fact.current")
    screenshot(page, "document")


def test_language_switch_is_remembered_and_follows_the_browser(page: Any, browser: Any, live: Site) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click(".lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("nav.main-nav a[data-nav=overview]").inner_text() == "总览"
    assert page.locator("h1").inner_text().startswith("2022年目标")
    assert "未完成" in page.locator(".status-card[data-status=missed]").inner_text()
    screenshot(page, "overview-zh", full_page=True)

    page.goto(f"/target/{GDP_TARGET.replace('%', '%25')}")
    assert page.locator(".verdict-badge .badge").inner_text() == "未完成"
    assert page.locator("[data-role=target-figure]").inner_text() == "超过5.5%"
    assert (
        page.locator("[data-role=summary]").inner_text()
        == "未完成：结果为2.1%，目标为超过5.5%（2022，辽宁省）。"
    )
    screenshot(page, "target-zh")

    page.goto("/documents")  # remembered: a cookie, not the URL
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.click(".lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/documents")

    # A browser that prefers Chinese gets Chinese without touching the switch.
    context, zh_page, watch = new_page(browser, live, locale="zh-CN")
    try:
        zh_page.goto("/")
        assert zh_page.locator("html").get_attribute("lang") == "zh-Hans"
        assert not watch.errors
    finally:
        context.close()


def test_upload_by_drag_and_drop_shows_progress_errors_and_facts(page: Any, live: Site) -> None:
    page.watch.expect(415)  # the file that is not a document
    sign_in(page, live)
    page.goto("/upload")
    text = "辽宁省2023年地区生产总值增长5.3%，城镇新增就业47.6万人。粮食产量达到2491.3万吨。"
    data_transfer = page.evaluate_handle(
        """(text) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], 'liaoning-2023-upload.txt', {type: 'text/plain'}));
            dt.items.add(new File([new Uint8Array([0, 1, 2, 3, 255, 254, 0, 0, 7])], 'broken.bin'));
            return dt;
        }""",
        text,
    )
    page.dispatch_event("#dropzone", "dragenter", {"dataTransfer": data_transfer})
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": data_transfer})
    items = page.locator("#upload-list .upload-item")
    assert items.count() == 2
    page.wait_for_selector("#upload-list .upload-item[data-state=done]")
    page.wait_for_selector("#upload-list .upload-item[data-state=failed]")
    good = page.locator("#upload-list .upload-item[data-state=done]")
    assert "liaoning-2023-upload.txt" in good.locator(".file-name").inner_text()
    assert re.search(r"added · \d+ facts", good.locator(".state").inner_text())
    good.locator(".facts-list a").first.wait_for()
    figures = good.locator(".facts-list a").all_inner_texts()
    assert "5.3%" in figures and "47.6万人" in figures, figures
    bad = page.locator("#upload-list .upload-item[data-state=failed]")
    assert "broken.bin" in bad.inner_text() and "failed" in bad.locator(".state").inner_text()
    screenshot(page, "upload")

    good.locator("a.view-facts").click()
    page.wait_for_url(re.compile(r"/document/"))
    marks = page.locator(".doc-text mark.fact").all_inner_texts()
    assert "5.3%" in marks and "47.6万人" in marks
    assert page.locator("#tbl-facts tbody tr").count() == len(marks)
    screenshot(page, "upload-document")


def test_a_document_of_markup_runs_nothing(page: Any, live: Site) -> None:
    """<script>, onerror, javascript: links, SVG and iframes in a document show as text and run nothing."""
    page.goto("/documents")
    page.locator("#tbl-documents a", has_text=HOSTILE_NAME).click()
    page.wait_for_url(re.compile(r"/document/"))
    body = page.locator(".doc-text")
    shown = body.inner_text()
    assert "<script>window.__pwned = 'script'; alert('script')</script>" in shown
    assert "<img src=x onerror=" in shown and "javascript:window.__pwned" in shown and "<svg onload=" in shown
    for tag in ("script", "img", "svg", "a", "iframe", "style", "b"):
        assert body.locator(tag).count() == 0, tag
    assert body.locator("mark.fact").all_inner_texts() == ["1,200", "6%"]
    assert page.locator("h1").inner_text().startswith("<img src=x onerror=")
    assert page.locator("a[href^='javascript:']").count() == 0
    assert "javascript:" in page.locator(".plain-source").inner_text()
    body.click()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "document-hostile")

    # The same document through the upload: whatever the loader keeps of it runs nothing either.
    sign_in(page, live)
    page.goto("/upload")
    page.set_input_files(
        "#file-input",
        files=[
            {
                "name": "markup.txt",
                "mimeType": "text/plain",
                "buffer": (
                    b"<script>window.__pwned='upload'</script> Text with 3% growth and "
                    b"<img src=x onerror=\"window.__pwned='upload-img'\"> and <svg onload=\"window.__pwned='svg'\"></svg>"
                ),
            }
        ],
    )
    page.wait_for_selector("#upload-list .upload-item[data-state=done]")
    page.locator("#upload-list a.view-facts").click()
    page.wait_for_url(re.compile(r"/document/"))
    page.wait_for_timeout(300)
    assert page.locator(".doc-text script, .doc-text img, .doc-text svg").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_indicator_chart_points_open_their_sources(page: Any, live: Site) -> None:
    page.goto("/indicator/gdp?region=Liaoning")
    chart = page.locator(".chart[data-ready='1']").first
    chart.wait_for()
    assert chart.locator("canvas").count() >= 1
    screenshot(page, "indicator", full_page=True)
    # The 2022 result (2.1%) of the growth series: where ECharts drew it, clicked like a user would.
    x, y = page.evaluate(
        """() => { const el = document.querySelector('.chart[data-ready="1"]');
            const spec = JSON.parse(el.getAttribute('data-chart'));
            const i = spec.periods.indexOf('2022');
            const r = spec.results.find(p => p.period === '2022');
            const [px, py] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 1}, [i, r.value]);
            const box = el.getBoundingClientRect(); return [box.left + px, box.top + py]; }"""
    )
    page.mouse.move(x, y)
    page.wait_for_selector(".chart-tip")
    assert "2.1%" in page.locator(".chart-tip").first.inner_text()
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/document/.+fact="))
    assert page.locator("mark.fact.current").inner_text() == "2.1%"


def test_tables_sort_filter_and_download_what_is_shown(page: Any, live: Site) -> None:
    import openpyxl

    page.goto("/?year=2022&region=Liaoning")
    total = _rows(page, "targets").count()
    page.fill("[data-filter-for=tbl-targets]", "growth")
    shown = _rows(page, "targets").count()
    assert 0 < shown < total
    assert page.locator("[data-count-for=tbl-targets]").inner_text() == f"{shown} of {total} rows"
    page.click("#tbl-targets th[data-key=indicator] button")
    page.click("#tbl-targets th[data-key=indicator] button")
    assert page.locator("#tbl-targets th[data-key=indicator]").get_attribute("aria-sort") == "descending"
    on_screen = _rows(page, "targets").locator("td:nth-child(3) a").all_inner_texts()
    assert on_screen == sorted(on_screen, key=str.casefold, reverse=True)

    with page.expect_download() as info:
        page.click("[data-export-for=tbl-targets][data-format=csv]")
    assert info.value.suggested_filename == "zhenxing-targets.csv"
    rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["Status", "Area", "Indicator"]
    assert [r[2].split(" (")[0] for r in rows[1:]] == on_screen

    with page.expect_download() as info:
        page.click("[data-export-for=tbl-targets][data-format=xlsx]")
    assert info.value.suggested_filename == "zhenxing-targets.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Status", "Area", "Indicator"]
    assert [str(r[2]).split(" (")[0] for r in values[1:]] == on_screen
    screenshot(page, "overview-sorted-filtered")


def test_closed_loop_assign_override_add_result_and_audit(page: Any, live: Site) -> None:
    key = "urban_jobs:Liaoning:level:2022:target:450000people"
    url = f"/target/{key}"
    page.goto(url)
    assert page.locator("#loop a", has_text="Sign in").count() == 1  # readers see no forms
    assert page.locator("#form-assign").count() == 0
    page.goto("/signin")
    screenshot(page, "signin")
    sign_in(page, live)
    page.goto(url)

    page.fill("#form-assign input[name=owner]", "Provincial Department of Human Resources")
    page.fill("#form-assign input[name=due]", "2023-03-31")
    page.click("#form-assign button[type=submit]")
    page.wait_for_url(re.compile(r"saved=assign"))
    assert page.locator("[data-role=owner]").inner_text() == "Provincial Department of Human Resources"
    assert page.locator("[data-role=due]").inner_text() == "2023-03-31"

    page.select_option("#form-override select[name=status]", "pending")
    page.fill("#form-override textarea[name=reason]", "The yearbook figure is not final yet.")
    page.click("#form-override button[type=submit]")
    page.wait_for_url(re.compile(r"saved=override"))
    assert page.locator(".verdict-badge .badge").inner_text() == "Pending"
    assert (
        "Met" in page.locator(".verdict-badge .note").first.inner_text()
    )  # the rule's own verdict stays visible

    page.watch.expect(422)  # the refused form comes back with its error
    page.fill("#form-result input[name=value]", "not a number")
    page.fill("#form-result input[name=source]", "Liaoning Statistical Yearbook 2023, p. 12")
    page.click("#form-result button[type=submit]")
    assert "value must be a number" in page.locator(".flash.error").inner_text()
    assert (
        page.locator("#form-result input[name=source]").input_value()
        == "Liaoning Statistical Yearbook 2023, p. 12"
    )
    page.fill("#form-result input[name=value]", "463000")
    page.fill("#form-result input[name=source_date]", "2023-12-01")
    page.click("#form-result button[type=submit]")
    page.wait_for_url(re.compile(r"saved=result"))
    assert "Liaoning Statistical Yearbook 2023" in page.locator("#result-sentences").inner_text()

    trail = page.locator("#tbl-audit tbody tr")
    actions = trail.locator("td:nth-child(3)").all_inner_texts()
    assert {"assigned", "overrode the verdict", "added a result"} <= set(actions), actions
    assert set(trail.locator("td:nth-child(2)").all_inner_texts()) == {"test-writer"}
    screenshot(page, "target-closed-loop", full_page=True)

    page.goto("/audit")
    assert page.locator("#tbl-audit tbody tr").count() >= 3
    screenshot(page, "audit")
    page.goto("/?status=pending")
    row = page.locator("#tbl-targets tbody tr", has_text="New urban jobs")
    assert "Provincial Department of Human Resources" in row.inner_text()


def test_translation_side_by_side_and_search(page: Any, live: Site) -> None:
    page.goto("/document/004_a92002791a908d18.txt")
    panes = page.locator(".pane")
    assert panes.count() == 2
    first = page.locator(".pane-original mark.fact[data-peer]").first
    peer_id = first.get_attribute("data-peer")
    first.hover()
    peer = page.locator(f"#fact-{peer_id}")
    assert "peer" in (peer.get_attribute("class") or "")
    assert page.locator(".pane-translation").locator(f"#fact-{peer_id}").count() == 1
    screenshot(page, "document-translation")

    page.goto("/search?q=%E5%B0%B1%E4%B8%9A")  # 就业
    hits = page.locator("#tbl-search tbody tr")
    assert hits.count() >= 1
    assert "就业" in hits.first.locator("mark").first.inner_text()
    page.fill(".search-form input[name=q]", "employment")
    page.click(".search-form button")
    page.wait_for_url(re.compile(r"q=employment"))
    assert page.locator("#tbl-search tbody tr").count() >= 1
    screenshot(page, "search")
    page.locator("#tbl-search tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/document/.+at="))
    assert page.locator(".focus").count() == 1

    page.goto("/conflicts")
    assert page.locator("h1").inner_text() == "Conflicts"
    screenshot(page, "conflicts")
    page.goto("/documents")
    screenshot(page, "documents")
