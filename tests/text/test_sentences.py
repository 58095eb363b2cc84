"""Sentence spans: exact slices, abbreviations, decimals, Chinese punctuation, paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenxing.text.sentences import HARD_MAX, sentence_at, sentences, split_sentences

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_english_abbreviations_and_decimals() -> None:
    text = (
        "Jing Changhong, Deputy General Manager of Heilongjiang Shanxing Medical Technology Co., Ltd., said "
        "the company registered in Harbin. The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%. "
        "Mr. Li met Dr. Wang at No. 5 Zhongshan Road on Jan. 20. The U.S. economy grew 2.1 percent. "
        "Exports rose, e.g. to Korea, by 3.9 billion yuan."
    )
    assert sentences(text) == [
        "Jing Changhong, Deputy General Manager of Heilongjiang Shanxing Medical Technology Co., Ltd., said "
        "the company registered in Harbin.",
        "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%.",
        "Mr. Li met Dr. Wang at No. 5 Zhongshan Road on Jan. 20.",
        "The U.S. economy grew 2.1 percent.",
        "Exports rose, e.g. to Korea, by 3.9 billion yuan.",
    ]


def test_sentence_ending_with_company_suffix_and_quotes() -> None:
    text = (
        'Shenyang Machine Tool (Group) Co., Ltd. "The General Secretary encouraged us." Ma said. '
        '"The rice bowl of energy must be in one\'s own hands." In the past five years, output rose.'
    )
    assert sentences(text) == [
        "Shenyang Machine Tool (Group) Co., Ltd.",
        '"The General Secretary encouraged us."',
        "Ma said.",
        '"The rice bowl of energy must be in one\'s own hands."',
        "In the past five years, output rose.",
    ]


def test_list_numbers_and_headings_are_not_sentences() -> None:
    text = "I. A review of our work in 2021\n1. The economy grew. 2. Jobs rose by 484,000."
    assert sentences(text) == [
        "I. A review of our work in 2021",
        "1. The economy grew.",
        "2. Jobs rose by 484,000.",
    ]


def test_chinese_punctuation() -> None:
    text = "全年地区生产总值增长2.1%，固定资产投资增长3.6%。城镇新增就业46.2万人！这是真的吗？是的。"
    assert sentences(text) == [
        "全年地区生产总值增长2.1%，固定资产投资增长3.6%。",
        "城镇新增就业46.2万人！",
        "这是真的吗？",
        "是的。",
    ]


def test_chinese_quotes_close_with_the_sentence() -> None:
    text = "“从服务到赋能，我们积极推动软件与各行业深度融合。”东软集团董事长刘积仁说。"
    assert sentences(text) == [
        "“从服务到赋能，我们积极推动软件与各行业深度融合。”",
        "东软集团董事长刘积仁说。",
    ]
    # Reposted pages write both quotes as a straight ": an opening one starts the next sentence.
    text = '沈阳机床（集团）有限责任公司。" 总书记勉励年轻一代为发展壮大实体经济多作贡献。" 马长好说。'
    assert sentences(text) == [
        "沈阳机床（集团）有限责任公司。",
        '" 总书记勉励年轻一代为发展壮大实体经济多作贡献。"',
        "马长好说。",
    ]


def test_semicolons_split_only_long_sentences() -> None:
    short = "非煤矿山 3 年累计减少 1345 个，下降 42%；建成绿色矿山 100 家，589 家矿企纳入创建库。"
    assert sentences(short) == [short]
    clause = "建成绿色矿山 100 家，589 家矿企纳入创建库，生态修复面积 115 万平方米"
    long = "；".join([clause] * 12) + "。"
    parts = sentences(long)
    assert len(parts) == 12
    assert all(len(part) <= 60 for part in parts)
    assert "".join(parts) == long


def test_no_sentence_is_longer_than_hard_max() -> None:
    run_on = "，".join(["城镇和农村居民人均可支配收入分别增长2.2%和3.6%"] * 200)
    spans = split_sentences(run_on)
    assert all(end - start <= HARD_MAX for start, end in spans)
    assert "".join(run_on[start:end] for start, end in spans) == run_on


def test_line_breaks_always_end_sentences() -> None:
    text = "Reform and innovation unleash the momentum of revitalization\nThe sixth generation project is underway"
    assert sentences(text) == [
        "Reform and innovation unleash the momentum of revitalization",
        "The sixth generation project is underway",
    ]


def test_mixed_text() -> None:
    text = "2022年省政府工作报告\n发布时间:2022年02月25日\nFellow Deputies, I will now report. 各位代表：现在报告工作。"
    assert sentences(text) == [
        "2022年省政府工作报告",
        "发布时间:2022年02月25日",
        "Fellow Deputies, I will now report.",
        "各位代表：现在报告工作。",
    ]


@pytest.mark.parametrize(
    "name", ["003_67a0eda2e3f886dd.txt", "004_a92002791a908d18.txt", "001_2e2f91a23c4553d8.txt"]
)
def test_spans_slice_the_corpus_exactly(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end
        piece = text[start:end]
        assert piece == piece.strip()
        assert "\n" not in piece
        assert text[previous_end:start].strip() == ""
        previous_end = end
    assert text[previous_end:].strip() == ""


def test_sentence_at() -> None:
    text = "GDP rose 5.8%. Jobs rose.\n城镇新增就业46.2万人。"
    spans = split_sentences(text)
    assert sentence_at(spans, text.index("5.8")) == spans[0]
    assert sentence_at(spans, text.index("46.2")) == spans[2]
    assert sentence_at(spans, text.index("\n")) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab .。！？;；\n"”“Mr2%，,')), max_size=300))
def test_spans_are_ordered_trimmed_and_cover_all_words(text: str) -> None:
    spans = split_sentences(text)
    covered = []
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered.append(text[start:end])
        last = end
    assert "".join("".join(covered).split()) == "".join(text.split())
