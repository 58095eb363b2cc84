"""Format detection by content, Markdown and HTML specifics, reflow of wrapped lines."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.conftest import example_text
from zhenxing.ingest.formats import convert_text
from zhenxing.ingest.html import extract_html, looks_like_html
from zhenxing.ingest.loader import load_document
from zhenxing.ingest.markdown import markdown_to_text, split_front_matter
from zhenxing.ingest.reflow import looks_hard_wrapped, reflow
from zhenxing.text.normalize import normalize_text

LEAD = "汤汤辽河水，悠悠黑土情。"
PARAGRAPH = "习近平总书记始终对辽宁高度重视、深情牵挂、亲切关怀，党的十八大以来，两次赴辽宁考察。"


def test_html_is_detected_by_content_not_extension() -> None:
    assert looks_like_html(example_text("004_a92002791a908d18.txt").split("---", 2)[2])
    assert looks_like_html("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert not looks_like_html(example_text("003_67a0eda2e3f886dd.txt"))
    assert not looks_like_html("# Title\n\nSome text<br>with one tag.\n\n- item\n")
    assert (
        convert_text("<html><body><article><p>" + PARAGRAPH + "</p></article></body></html>", ".txt").format
        == "html"
    )


def test_loose_text_after_an_image_block_is_kept() -> None:
    # The line is neither in a <p> nor in the image block: trafilatura alone drops it.
    markup = (
        '<div><div class="img_box"><div class="content_img_div"><img src="https://example.cn/a.jpg" '
        f'data-width="1500"></div></div>{LEAD}<p></p>' + f"<p>{PARAGRAPH}</p>" * 4 + "</div>"
    )
    text = extract_html(markup).text
    assert text.startswith(LEAD + "\n")
    assert "example.cn" not in text and "1500" not in text


def test_br_separated_lines_in_a_div_become_paragraphs() -> None:
    markup = f"<html><body><div class='content'><p>{PARAGRAPH}</p>第一行文字，内容较长一些。<br>第二行 <b>加粗</b> 文字。<br></div></body></html>"
    text = extract_html(markup).text
    assert "第一行文字，内容较长一些。" in text
    assert "第二行 加粗 文字。" in text


def test_html_metadata() -> None:
    markup = (
        "<html><head><title>Page title - Site</title>"
        '<meta property="article:published_time" content="2023-01-18T10:52:00+08:00">'
        '<meta property="og:site_name" content="China Economic Net"></head>'
        f"<body><article><p>{PARAGRAPH}</p></article></body></html>"
    )
    page = extract_html(markup)
    assert (page.title, page.date, page.source) == ("Page title - Site", "2023-01-18", "China Economic Net")


def test_front_matter_split() -> None:
    metadata, body, problem = split_front_matter("\n---\ntitle: 'T'\ndate: 2022-05-29\n---\n\nBody")
    assert metadata == {"title": "T", "date": __import__("datetime").date(2022, 5, 29)}
    assert body.strip() == "Body" and problem is None
    metadata, body, problem = split_front_matter("---\ntitle: [broken\n---\nBody")
    assert metadata == {} and body == "Body" and problem and "invalid YAML" in problem
    assert split_front_matter("No front matter\n---\n") == (None, "No front matter\n---\n", None)


def test_broken_front_matter_does_not_stop_the_document(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: [broken\n---\nGDP grew 5.8% in 2021.\n", encoding="utf-8")
    document = load_document(path)
    assert document.text == "GDP grew 5.8% in 2021."
    assert "invalid YAML" in document.meta["front_matter_problem"]


def test_markdown_to_text_keeps_words_and_paragraphs() -> None:
    source = (
        "# 2022年省政府工作报告\n\n"
        "The provincial GDP was **2,758.4 billion yuan**, a rise of 5.8%,\n"
        "and the [general public budget](https://example.gov.cn) revenue rose by 4.1%.\n\n"
        "![chart](chart.png)\n\n"
        "- 新建 5G 基站 5.2 万座\n"
        "- 上云企业近 9 万户\n\n"
        "| 指标 | 2022 |\n|---|---|\n| 增长 | 2.1% |\n"
    )
    assert normalize_text(markdown_to_text(source)).split("\n") == [
        "2022年省政府工作报告",
        "",
        "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, and the general public budget revenue rose by 4.1%.",
        "",
        "新建 5G 基站 5.2 万座",
        "上云企业近 9 万户",
        "",
        "指标\t2022",
        "增长\t2.1%",
    ]


def test_reflow_joins_wrapped_lines() -> None:
    wrapped = (
        "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, the general\n"
        "public budget revenue was 276.47 billion yuan, a rise of 4.1%, and the\n"
        "industrial added value increased by 4.6%.\n"
        "Fixed-asset investment rose by 2.6%.\n"
    )
    assert reflow(wrapped) == [
        "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, the general public budget revenue was "
        "276.47 billion yuan, a rise of 4.1%, and the industrial added value increased by 4.6%.",
        "Fixed-asset investment rose by 2.6%.",
    ]
    chinese = "全年地区生产总值增长2.1%，固定资产投资增长3.6%，进出口总额\n增长2.4%，城镇新增就业46.2万人。\n"
    assert reflow(chinese) == [
        "全年地区生产总值增长2.1%，固定资产投资增长3.6%，进出口总额增长2.4%，城镇新增就业46.2万人。"
    ]


def test_hard_wrapped_plain_text_is_reflowed(tmp_path: Path) -> None:
    paragraph = example_text("002_058e5ec80f9b05e6.txt").split("\n")[2]
    words, lines, line = paragraph.split(), [], ""
    for word in words:
        if len(line) + len(word) > 70:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    wrapped = "\n".join(lines)
    assert looks_hard_wrapped(wrapped)
    assert not looks_hard_wrapped(example_text("002_058e5ec80f9b05e6.txt"))
    path = tmp_path / "wrapped.txt"
    path.write_text(wrapped, encoding="utf-8")
    assert load_document(path).text == " ".join(words)
