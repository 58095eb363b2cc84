"""Language by Han share, per paragraph and per document."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenxing.text.language import detect_language, paragraph_language, paragraph_languages

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年地区生产总值增长2.1%，固定资产投资增长3.6%。", "zh"),
        ("新建 5G 基站 5.2 万座，GDP 增长 5.8%。", "zh"),
        ("The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%.", "en"),
        ("Report on the Work of Liaoning Provincial People's Government 2022年省政府工作报告", "mixed"),
        ("2,758.4", "en"),
    ],
)
def test_detect_language_of_a_paragraph(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_paragraph_without_letters_has_no_language() -> None:
    assert paragraph_language("2022-01-20 10:52") is None


def test_paragraph_languages_spans() -> None:
    text = "2022年省政府工作报告\n\nFellow Deputies, I will now report.\n2,758.4\n"
    spans = paragraph_languages(text)
    assert [(text[start:end], lang) for start, end, lang in spans] == [
        ("2022年省政府工作报告", "zh"),
        ("Fellow Deputies, I will now report.", "en"),
        ("2,758.4", "en"),  # inherits from the line before
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("003_67a0eda2e3f886dd.txt", "en"),  # English report under a Chinese page header
        ("liaoning-gwr-2023-zh.txt", "zh"),
        ("001_2e2f91a23c4553d8.txt", "en"),
    ],
)
def test_document_language(name: str, expected: str) -> None:
    assert detect_language((EXAMPLES / name).read_text(encoding="utf-8")) == expected


def test_half_and_half_document_is_mixed() -> None:
    zh = "全年地区生产总值增长2.1%，固定资产投资增长3.6%，进出口总额增长2.4%。" * 3
    en = "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, and revenue rose by 4.1%." * 3
    assert detect_language(zh + "\n" + en) == "mixed"
