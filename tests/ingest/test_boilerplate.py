"""Footers and teasers go; nothing of a real article does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ingest.conftest import CORPUS, DATA, EXAMPLES, GOLD, example_text
from zhenxing.ingest.boilerplate import strip_boilerplate
from zhenxing.ingest.loader import load_document
from zhenxing.text.normalize import normalize_text

SHARED_GOLD = EXAMPLES.parent.parent / "shared" / "eval" / "gold"


def _gold_quotes() -> dict[str, list[str]]:
    folder = GOLD if GOLD.is_dir() else SHARED_GOLD
    quotes: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                quotes.setdefault(record["doc"], []).append(record["quote"])
    return quotes


def _squash(text: str) -> str:
    return " ".join(text.split())


# What may be removed from each corpus file: the first removed line, or None.
EXPECTED_CUT = {
    "000_de1965fb2badf5d8.txt": "Guess you like it",
    "001_2e2f91a23c4553d8.txt": 'Multiple "85 generation" cadres have been promoted to department level',
    "002_058e5ec80f9b05e6.txt": None,
    "003_67a0eda2e3f886dd.txt": "THE END",
    "004_a92002791a908d18.txt": None,
    "liaoning-gwr-2023-zh.txt": None,
}


@pytest.mark.parametrize("name", [name for name in CORPUS if not name.startswith("004")])
def test_only_the_tail_after_the_article_is_cut(name: str) -> None:
    text = normalize_text(example_text(name))
    result = strip_boilerplate(text)
    assert result.text == text[result.start : result.end]
    assert result.start == 0  # no corpus file has navigation above its title
    removed = text[result.end :].strip()
    expected = EXPECTED_CUT[name]
    if expected is None:
        assert removed == ""
    else:
        assert removed.startswith(expected)
        # Every line before the cut is kept: the cut is at the first removed line.
        assert text[: result.end].rstrip() == text[: text.index(expected)].rstrip()


def test_teasers_of_001_are_removed() -> None:
    raw = normalize_text(example_text("001_2e2f91a23c4553d8.txt"))
    document = load_document(EXAMPLES / "001_2e2f91a23c4553d8.txt")
    assert len(raw) == 19_081 and len(document.text) == 12_625
    assert document.text.endswith("benefiting people's livelihoods, and increasing well-being.")
    for teaser in ("85 generation", "Lunar Landing", "presbyopia", "Population Service System", "hegemonic"):
        assert teaser not in document.text
    boilerplate = document.meta["boilerplate"]
    assert boilerplate["removed_chars"] == len(raw) - len(document.text)
    assert boilerplate["removed"][0]["part"] == "teasers"
    # The article's own facts are all there.
    for figure in ("84.563 billion yuan", "2.7 trillion yuan", "5.8%", "1.111 million households", "370000"):
        assert figure in document.text


def test_gold_quotes_survive_loading() -> None:
    quotes = _gold_quotes()
    if not quotes:
        pytest.skip("no gold annotations found")
    for name, doc_quotes in quotes.items():
        text = _squash(load_document(EXAMPLES / name).text)
        missing = [quote for quote in doc_quotes if _squash(quote) not in text]
        assert not missing, (name, missing[:3])


def test_chinese_footer_dated_teasers_and_related_list_are_removed() -> None:
    document = load_document(DATA / "teasers_zh.txt")
    text = document.text
    assert text.startswith("辽宁：改革不停顿，开放不止步\n\n2022年05月30日 08:15   来源：辽宁日报")
    assert text.endswith('企业正由炼油 " 燃料型 " 向化工 " 材料型 " 转变。')
    for junk in ("责任编辑", "防暑", "足球", "手机", "相关阅读", "旅游季"):
        assert junk not in text
    assert (document.date, document.date_source) == ("2022-05-30", "text")


def test_html_page_footer_and_related_list() -> None:
    document = load_document(DATA / "page.html")
    assert "相关阅读" not in document.text and "版权所有" not in document.text


def test_subheadings_and_short_closing_lines_are_kept() -> None:
    # A real report: subheadings (short, unpunctuated) alternate with paragraphs, and it ends
    # with a signature and a date line.  Nothing may go.
    text = (
        normalize_text(example_text("002_058e5ec80f9b05e6.txt")) + "\n\n辽宁省人民政府\n二〇二三年一月十二日"
    )
    result = strip_boilerplate(text)
    assert result.text == text


def test_a_table_at_the_end_is_kept() -> None:
    table = "\n".join(
        [
            "指标\t2021年\t2022年",
            "地区生产总值（亿元）\t27584\t28975",
            "城镇新增就业（万人）\t46.2\t45.8",
            "进出口总额增长（%）\t17.6\t2.4",
        ]
    )
    text = normalize_text(example_text("liaoning-gwr-2023-zh.txt")) + "\n\n" + table
    assert strip_boilerplate(text).text == text


def test_navigation_above_the_title_is_removed() -> None:
    article = normalize_text(example_text("liaoning-gwr-2023-zh.txt"))
    text = "首页 | 新闻 | 政务公开 | 办事服务\n当前位置：首页 > 新闻中心 > 正文\n" + article
    result = strip_boilerplate(text)
    assert result.text == article
    assert result.removed[0]["part"] == "header"


def test_everything_looking_like_boilerplate_is_not_emptied(tmp_path: Path) -> None:
    text = "首页 | 新闻 | 政务\n关于我们 | 联系我们 | 网站地图"
    assert strip_boilerplate(text).text == text


def _teaser_variants() -> dict[str, str]:
    """001 with its teasers reshaped: single headlines with tags, then bare headline + snippet."""
    lines = normalize_text(example_text("001_2e2f91a23c4553d8.txt")).split("\n")
    undoubled: list[str] = []
    for line in lines:
        if undoubled and line.strip() and line == undoubled[-1]:
            continue
        undoubled.append(line)
    tagged = "\n".join(undoubled)
    bare = "\n".join(line.split(" | ")[0] if " | " in line else line for line in undoubled)
    return {"tagged": tagged, "bare": bare}


@pytest.mark.parametrize("variant", ["tagged", "bare"])
def test_teasers_are_found_without_doubled_headlines(variant: str) -> None:
    text = _teaser_variants()[variant]
    result = strip_boilerplate(text)
    assert result.text.endswith("benefiting people's livelihoods, and increasing well-being.")
    assert len(result.text) == 12_625


def test_related_sections_without_final_stops_are_not_cut() -> None:
    # Sections on the same subject (from sample 000) whose paragraphs lack the final stop, as in
    # machine translations: teaser-shaped, but their vocabulary is the article's.
    article = load_document(EXAMPLES / "001_2e2f91a23c4553d8.txt").text
    paragraphs = [
        p for p in load_document(EXAMPLES / "000_de1965fb2badf5d8.txt").text.split("\n") if len(p) > 300
    ]
    headings = [
        "Deepening reform of state-owned enterprises in Liaoning",
        "Opening up along the coast and the border",
        "Improving people's livelihoods in old industrial cities",
    ]
    sections = "\n\n".join(f"{h}\n\n{p.rstrip('.')}" for h, p in zip(headings, paragraphs[5:8], strict=True))
    text = article + "\n\n" + sections
    assert strip_boilerplate(text).text == text
