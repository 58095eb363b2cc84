"""load_document and expand_paths on the sample corpus and on bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ingest.conftest import CORPUS, DATA, EXAMPLES, example_text
from tests.ingest.pdfmaker import make_pdf
from zhenxing.errors import InputError
from zhenxing.ingest.loader import expand_paths, load_document
from zhenxing.ingest.metadata import read_manifest
from zhenxing.text.normalize import text_id

LIAONING = example_text("liaoning-gwr-2023-zh.txt")


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_file_loads(name: str) -> None:
    document = load_document(EXAMPLES / name)
    assert document.name == name
    assert document.id == text_id(document.text)
    assert document.text == document.text.strip()
    assert "\r" not in document.text
    assert document.language in {"zh", "en", "mixed"}


def test_corpus_metadata() -> None:
    expected = {
        # name: (format, language, date, date_source)
        "000_de1965fb2badf5d8.txt": ("text", "en", "2022-05-29", "meta"),
        "001_2e2f91a23c4553d8.txt": ("text", "en", "2024-04-16", "text"),
        "002_058e5ec80f9b05e6.txt": ("text", "en", "2023-01-12", "text"),
        "003_67a0eda2e3f886dd.txt": ("text", "en", "2022-02-25", "text"),
        "004_a92002791a908d18.txt": ("html", "zh", "2022-05-29", "front-matter"),
        "liaoning-gwr-2023-zh.txt": ("text", "zh", "2023-01-12", "meta"),
    }
    for name, (fmt, language, date, date_source) in expected.items():
        document = load_document(EXAMPLES / name)
        assert (document.format, document.language, document.date, document.date_source) == (
            fmt,
            language,
            date,
            date_source,
        ), name


def test_meta_yaml_overrides_title_date_language_and_keeps_translation_of() -> None:
    document = load_document(EXAMPLES / "000_de1965fb2badf5d8.txt")
    assert document.title.startswith("Follow the Footprint of the General Secretary")
    assert document.translation_of == "004_a92002791a908d18.txt"
    assert document.meta["note"].startswith("English translation of sample 004")
    zh = load_document(EXAMPLES / "liaoning-gwr-2023-zh.txt")
    # The text's own dateline says 2023-01-18 (repost); the sidecar's 2023-01-12 wins.
    assert zh.date == "2023-01-12"
    assert zh.source == "http://district.ce.cn/newarea/roll/202301/18/t20230118_38354255.shtml"


def test_sidecar_language_overrides_detection(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(LIAONING, encoding="utf-8")
    (tmp_path / "report.meta.yaml").write_text("language: mixed\ndate: 2023-01-12\n", encoding="utf-8")
    document = load_document(tmp_path / "report.txt")
    assert document.language == "mixed"
    assert document.date == "2023-01-12" and document.date_source == "meta"


def test_broken_sidecar_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(LIAONING, encoding="utf-8")
    (tmp_path / "report.meta.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid metadata file"):
        load_document(tmp_path / "report.txt")


def test_title_falls_back_to_first_line() -> None:
    document = load_document(EXAMPLES / "003_67a0eda2e3f886dd.txt")
    assert document.title == "2022年省政府工作报告"


def test_manifest_gives_date_title_source(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "pages").mkdir(parents=True)
    (crawl / "pages" / "a.txt").write_text(
        "Untitled first line\n\nGDP grew 5.8% in 2021.\n", encoding="utf-8"
    )
    (crawl / "pages" / "b.txt").write_text(LIAONING, encoding="utf-8")
    (crawl / "pages" / "manifest.csv").write_text(
        "path,date,title,source\n"
        "a.txt,2022-03-01,Crawled title A,https://example.gov.cn/a\n"
        "pages/../pages/b.txt,2023-01-18,Crawled B,https://example.gov.cn/b\n",
        encoding="utf-8",
    )
    rows = read_manifest(crawl / "pages")
    assert str((crawl / "pages" / "a.txt").resolve()) in rows
    a = load_document(crawl / "pages" / "a.txt")
    assert (a.title, a.date, a.date_source, a.source) == (
        "Crawled title A",
        "2022-03-01",
        "manifest",
        "https://example.gov.cn/a",
    )
    # A sidecar beats the manifest.
    (crawl / "pages" / "a.meta.yaml").write_text("date: 2022-04-02\n", encoding="utf-8")
    a = load_document(crawl / "pages" / "a.txt")
    assert (a.date, a.date_source, a.title) == ("2022-04-02", "meta", "Crawled title A")
    # An explicit manifest mapping is used as given.
    explicit = {str((crawl / "pages" / "b.txt").resolve()): {"date": "2020-01-01"}}
    assert load_document(crawl / "pages" / "b.txt", manifest=explicit).date == "2020-01-01"
    # expand_paths skips manifests and sidecars.
    files, errors = expand_paths([str(crawl)])
    assert [path.name for path in files] == ["a.txt", "b.txt"] and not errors


def test_manifest_is_reread_when_it_changes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nSome text here.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,date\na.txt,2021-01-01\n", encoding="utf-8")
    assert load_document(tmp_path / "a.txt").date == "2021-01-01"
    manifest.write_text("path,date\na.txt,2021-12-31\n", encoding="utf-8")
    os.utime(manifest, ns=(1, 10**18))
    assert load_document(tmp_path / "a.txt").date == "2021-12-31"


def test_markdown_front_matter(tmp_path: Path) -> None:
    body = "\n".join(LIAONING.splitlines()[4:])
    path = tmp_path / "report.md"
    path.write_text(
        "---\ntitle: 辽宁省政府工作报告\ndate: Thu, 12 Jan 2023 09:00:00 +0800\nauthor: 李乐成\nsource: 辽宁日报\n---\n\n"
        "# 一、2022年和过去五年工作\n\n" + body,
        encoding="utf-8",
    )
    document = load_document(path)
    assert document.format == "markdown"
    assert (document.title, document.date, document.date_source) == (
        "辽宁省政府工作报告",
        "2023-01-12",
        "front-matter",
    )
    assert (document.author, document.source) == ("李乐成", "辽宁日报")
    assert document.text.startswith("一、2022年和过去五年工作")
    assert "---" not in document.text and "#" not in document.text


def test_front_matter_date_object(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\ndate: 2022-05-29\n---\nThe provincial GDP was 2,758.4 billion yuan.\n", encoding="utf-8"
    )
    document = load_document(path)
    assert document.date == "2022-05-29"
    assert document.title == "The provincial GDP was 2,758.4 billion yuan."


def test_html_in_txt_is_detected_by_content() -> None:
    document = load_document(EXAMPLES / "004_a92002791a908d18.txt")
    assert document.format == "html"
    assert document.title == "奋力开创全面振兴全方位振兴新局面"
    assert document.author == "ZAKER"
    assert document.text.startswith("汤汤辽河水，悠悠黑土情。\n习近平总书记始终对辽宁高度重视")
    for junk in ("<", "img", "http", "data-original", "referrerpolicy", "headimg"):
        assert junk not in document.text
    assert "14.3 万户农村危房完成改造" in document.text
    assert document.text.endswith("在辽沈城乡大地铺开。")


def test_html_page_drops_navigation_related_links_and_footer() -> None:
    document = load_document(DATA / "page.html")
    assert document.format == "html"
    assert (document.title, document.date, document.date_source) == (
        "奋力开创全面振兴全方位振兴新局面",
        "2022-05-29",
        "html",
    )
    assert document.text.startswith("汤汤辽河水，悠悠黑土情。")
    assert document.text.endswith("如虎添翼啊！")
    for junk in ("首页", "相关阅读", "夏季旅游季", "关于我们", "Copyright", "ICP", "jpg", "辽河风光"):
        assert junk not in document.text


def test_pdf_text_layer(tmp_path: Path) -> None:
    lines = [
        "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, the general public budget revenue",
        "was 276.47 billion yuan, a rise of 4.1%, and the industrial added value above the designated",
        "scale increased by 4.6%.",
        "",
        "Fixed-asset investment rose by 2.6%.",
    ]
    path = tmp_path / "report.pdf"
    path.write_bytes(
        make_pdf([lines, ["- 2 -", "Grain output reached 25.385 million metric tons."]], title="Work Report")
    )
    document = load_document(path)
    assert document.format == "pdf"
    assert document.title == "Work Report"
    assert document.meta["pages"] == 2
    # Visual lines are joined back into one paragraph; the page number is gone.
    assert "budget revenue was 276.47 billion yuan" in document.text
    assert "designated scale increased by 4.6%." in document.text
    assert "- 2 -" not in document.text
    assert document.text.endswith("Grain output reached 25.385 million metric tons.")


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: make_pdf([["Hello 5.8%."]])[:300], "truncated PDF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "corrupt PDF"),
        (lambda: make_pdf([["scan"]], with_text=False), "no text layer"),
        (lambda: make_pdf([["Hello 5.8%."]])[9:], "corrupt PDF"),
    ],
)
def test_bad_pdfs(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.pdf"
    path.write_bytes(make())
    with pytest.raises(InputError, match=problem) as caught:
        load_document(path)
    assert caught.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as caught:
        load_document(tmp_path / "missing.txt")
    assert str(tmp_path / "missing.txt") in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="file is empty"):
        load_document(path)


def test_folder_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        load_document(tmp_path)


def test_over_max_bytes_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2_000)
    with pytest.raises(InputError, match=r"file is 2 KB, over the 1 KB limit \(--max-bytes\)"):
        load_document(path, max_bytes=1_000)
    with open(path, "r+b") as handle:  # a sparse 61.2 MB file: refused from its size alone
        handle.truncate(61_200_000)
    with pytest.raises(InputError, match=r"file is 61\.2 MB, over the 50 MB limit \(--max-bytes\)"):
        load_document(path)


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text(
        "<html><head><title>T</title><style>p {}</style></head><body><script>var x = 1;</script>"
        "<img src='a.png'></body></html>"
    )
    with pytest.raises(InputError, match="no main text"):
        load_document(path)


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two", encoding="utf-8")
    (tmp_path / "b" / "1.md").write_text("one", encoding="utf-8")
    (tmp_path / "b" / "1.meta.yaml").write_text("date: 2020-01-01", encoding="utf-8")
    (tmp_path / "b" / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "b" / ".git").mkdir()
    (tmp_path / "b" / ".git" / "x.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "b" / "manifest.csv").write_text("path,date\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    files, errors = expand_paths(
        [
            str(tmp_path / "b"),
            str(tmp_path / "*.txt"),
            str(tmp_path / "missing.txt"),
            str(tmp_path / "b" / "2.txt"),
        ]
    )
    assert [path.relative_to(tmp_path).as_posix() for path in files] == ["b/1.md", "b/2.txt", "a.txt"]
    assert [error.problem for error in errors] == ["no such file or folder"]
    assert errors[0].path == str(tmp_path / "missing.txt")
    files, errors = expand_paths([str(tmp_path / "nothing-*.pdf"), str(tmp_path / "b" / "**" / "*.md")])
    assert [path.name for path in files] == ["1.md"]
    assert [error.problem for error in errors] == ["no files match this pattern"]


def test_expand_paths_is_deterministic() -> None:
    first = expand_paths([str(EXAMPLES)])
    second = expand_paths([str(EXAMPLES)])
    assert first[0] == second[0]
    names = [path.name for path in first[0]]
    assert names == sorted(names)
    assert not any(name.endswith(".meta.yaml") for name in names)
