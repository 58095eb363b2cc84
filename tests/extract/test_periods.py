"""Time expressions: every rule with and without a document date, corpus sentences, the period choice.

Sentences marked "corpus" are copied from the sample documents in examples/
(checked to be there). Expected periods follow eval/gold: e.g. "过去 5 年" in
sample 004 (dated 2022-05-29) is 2017/2021, "3 年多来" is 2019/2021.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zhenxing.extract.periods import (
    PeriodMention,
    clause_bounds,
    find_periods,
    period_for,
    resolve_year_context,
    year_of,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
D004 = "2022-05-29"  # date of samples 000/004 (000's meta file)
D003 = "2022-01-20"
D2023 = "2023-01-12"


def corpus(name: str, sentence: str) -> str:
    """Return ``sentence`` after checking it occurs in the sample document ``name``."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert sentence in text, f"not in {name}: {sentence[:40]}"
    return sentence


def read(text: str, date: str | None) -> list[tuple[str, str | None]]:
    found = find_periods(text, date)
    for p in found:
        assert text[p.start : p.end] == p.text
    return [(p.text, p.period) for p in found]


def only(text: str, date: str | None) -> PeriodMention:
    found = find_periods(text, date)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- rules, with and without a date


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        # explicit years and spans: the date does not matter
        ("2021年，全省地区生产总值增长", None, [("2021年", "2021")]),
        ("2022年度", None, [("2022年度", "2022")]),
        ("In 2021, the investment", None, [("2021", "2021")]),
        ("I. A review of our work in 2021", None, [("2021", "2021")]),
        ("2021 has been a milestone year", None, [("2021", "2021")]),
        ("2016 年至 2021 年，全省", None, [("2016 年至 2021 年", "2016/2021")]),
        ("2016—2021年", None, [("2016—2021年", "2016/2021")]),
        ("2016-2021", None, [("2016-2021", "2016/2021")]),
        ("From 2016 to 2021, jobs", None, [("From 2016 to 2021", "2016/2021")]),
        ("between 2013 and 2018", None, [("between 2013 and 2018", "2013/2018")]),
        ("到2025年，占比达到10%", None, [("到2025年", "2025")]),
        ("by 2025", None, [("by 2025", "2025")]),
        ("截至2022年底", None, [("截至2022年底", "2022")]),
        # plans
        ("“十四五”时期", None, [("“十四五”时期", "2021/2025")]),
        ("十三五期间", None, [("十三五期间", "2016/2020")]),
        ("十四五末", None, [("十四五末", "2025")]),
        ("during the 14th Five-Year Plan period", None, [("during the 14th Five-Year Plan period", "2021/2025")]),
        ("by the end of the 14th Five-Year Plan period", None, [("by the end of the 14th Five-Year Plan period", "2025")]),
        # sub-year with an explicit year
        ("2022年一季度", None, [("2022年一季度", "2022-Q1")]),
        ("2022年上半年", None, [("2022年上半年", "2022-H1")]),
        ("2022年1—11月", None, [("2022年1—11月", "2022-01/2022-11")]),
        ("2023年1月12日", None, [("2023年1月12日", "2023-01")]),
        ("the first quarter of 2022", None, [("the first quarter of 2022", "2022-Q1")]),
        ("the first half of 2022", None, [("the first half of 2022", "2022-H1")]),
        ("January-November 2022", None, [("January-November 2022", "2022-01/2022-11")]),
        ("Q3 2021", None, [("Q3 2021", "2021-Q3")]),
        ("Apr 16, 2024", None, [("Apr 16, 2024", "2024-04")]),
        ("May 2022", None, [("May 2022", "2022-05")]),
        ("on 4 May 2022", None, [("4 May 2022", "2022-05")]),
        # relative to the document's date
        ("今年一季度", D004, [("今年一季度", "2022-Q1")]),
        ("今年一季度", None, [("今年一季度", None)]),
        ("一季度", D004, [("一季度", "2022-Q1")]),
        ("第四季度", D004, [("第四季度", "2022-Q4")]),
        ("前三季度", D004, [("前三季度", "2022-01/2022-09")]),
        ("上半年", D004, [("上半年", "2022-H1")]),
        ("上半年", None, [("上半年", None)]),
        ("1-11月全省进出口增长", "2022-12-20", [("1-11月", "2022-01/2022-11")]),
        ("1-11月全省进出口增长", None, [("1-11月", None)]),
        ("5月份，CPI上涨", "2022-07-15", [("5月份", "2022-05")]),
        ("前两个月", D004, [("前两个月", "2022-01/2022-02")]),
        ("In the first quarter of this year", D004, [("the first quarter of this year", "2022-Q1")]),
        ("in the first quarter", D004, [("the first quarter", "2022-Q1")]),
        ("in the first quarter", None, [("the first quarter", None)]),
        ("from January to November", "2022-12-01", [("from January to November", "2022-01/2022-11")]),
        ("prices fell in May.", "2022-07-15", [("May", "2022-05")]),
        ("prices fell in May.", None, [("May", None)]),
        ("last May", "2022-07-15", [("May", "2021-05")]),
        ("since Jan. 2022", None, [("Jan. 2022", "2022-01")]),
        ("the first three quarters", D004, [("the first three quarters", "2022-01/2022-09")]),
        ("今年", D004, [("今年", "2022")]),
        ("今年", None, [("今年", None)]),
        ("this year", D003, [("this year", "2022")]),
        ("去年辽宁开行中欧班列", D004, [("去年", "2021")]),
        ("Last year, Liaoning", D004, [("Last year", "2021")]),
        ("Last year, Liaoning", None, [("Last year", None)]),
        ("明年", D004, [("明年", "2023")]),
        ("next year", D004, [("next year", "2023")]),
        ("过去 5 年，辽宁", D004, [("过去 5 年", "2017/2021")]),
        ("过去五年", D2023, [("过去五年", "2018/2022")]),
        ("五年来", D2023, [("五年来", "2018/2022")]),
        ("过去五年", None, [("过去五年", None)]),
        ("in the past five years, incomes", D004, [("in the past five years", "2017/2021")]),
        ("over the past three years, the city", D004, [("over the past three years", "2019/2021")]),
        ("一年来", D2023, [("一年来", "2022")]),
        ("Over the past year, we upheld", D003, [("Over the past year", "2021")]),
        ("今后五年", D2023, [("今后五年", "2023/2027")]),
        ("over the next five years", D2023, [("over the next five years", "2023/2027")]),
        ("2013年以来", D004, [("2013年以来", "2013/2022")]),
        ("since 2013", D004, [("since 2013", "2013/2022")]),
        ("since 2013", None, [("since 2013", None)]),
        ("今年以来", D004, [("今年以来", "2022")]),
        ("“十四五”以来", D2023, [("“十四五”以来", "2021/2023")]),
        ("现在每月养老金近 4000 元", D004, [("现在", "2022")]),
        ("At present, research", D004, [("At present", "2022")]),
        ("now it has increased", None, [("now", None)]),
        ("到年底", D004, [("年底", "2022")]),
        # no period, but a time all the same
        ("党的十八大以来", D004, [("党的十八大以来", None)]),
        ("Since the 18th National Congress of the Communist Party of China, he", D004,
         [("Since the 18th National Congress of the Communist Party of China", None)]),
        ("in three years", D004, [("in three years", None)]),
        ("3 年累计减少 1345 个", D004, [("3 年累计", None)]),
        ("近年来", D004, [("近年来", None)]),
        ("in recent years", D004, [("in recent years", None)]),
    ],
)  # fmt: skip
def test_rules(text: str, date: str | None, expected: list[tuple[str, str | None]]) -> None:
    assert read(text, date) == expected


@pytest.mark.parametrize(
    ("text", "kind", "granularity", "relative"),
    [
        ("2016年至2021年", "span", "years", False),
        ("去年", "last_year", "year", True),
        ("今年", "this_year", "year", True),
        ("一季度", "quarter", "quarter", True),
        ("2022年上半年", "half", "half", False),
        ("1—11月", "months", "months", True),
        ("5月", "month", "month", True),
        ("全年", "full_year", "year", True),
        ("到2025年", "by", "year", False),
        ("十四五时期", "plan", "years", False),
        ("过去五年", "past", "years", True),
        ("现在", "now", "year", True),
        ("3 年累计", "duration", None, True),
        ("党的十八大以来", "era", None, True),
    ],
)
def test_kinds(text: str, kind: str, granularity: str | None, relative: bool) -> None:
    p = only(text, D004)
    assert (p.kind, p.granularity, p.relative) == (kind, granularity, relative)


# --------------------------------------------------------------------------- what is not a period


@pytest.mark.parametrize(
    "text",
    [
        "比上年增长5%",
        "较去年下降",
        "与去年相比",
        "上年同期",
        "consumer prices increased by 1.1% over the previous year",
        "up 3% compared with last year",
        "higher than last year",
        "With a coastline of more than 2100 kilometers",
        "treat 2000 hectares of leftover mines",
        "supported 2,020 industrial projects",
        "3 个月",
        "May we all prosper; you may go",
        "the market grew",
        "20 年工龄",
        "——2022120日在辽宁省第十三届人民代表大会第六次会议上",
        "know-how and snow",
        "",
    ],
)
def test_not_periods(text: str) -> None:
    assert find_periods(text, D004) == []


def test_full_year_needs_a_year() -> None:
    # 全年 in the 2023 report's review is 2022: the text or the caller must say so.
    assert read("全年地区生产总值增长2.1%", D2023) == [("全年", None)]
    assert read("2022年，全年地区生产总值增长2.1%", D2023) == [("2022年", "2022"), ("全年", "2022")]
    assert read("2022年全年", D2023) == [("2022年全年", "2022")]
    found = find_periods("全年地区生产总值增长2.1%", D2023, context_year=2022)
    assert [(p.text, p.period) for p in found] == [("全年", "2022")]


# --------------------------------------------------------------------------- corpus


@pytest.mark.parametrize(
    ("doc", "sentence", "date", "expected"),
    [
        ("004_a92002791a908d18.txt", "2016 年至 2021 年，全省城镇年均新增就业 45.8 万人", D004, [("2016 年至 2021 年", "2016/2021")]),
        ("004_a92002791a908d18.txt", "过去 5 年，辽宁城乡居民人均可支配收入年均分别增长 5.3% 和 7.7%", D004, [("过去 5 年", "2017/2021")]),
        ("004_a92002791a908d18.txt", "抚顺市委书记来鹤介绍，3 年多来全市完成了 1800 户居民的避险搬迁工作", D004, [("3 年多来", "2019/2021")]),
        ("004_a92002791a908d18.txt", "沈阳市自去年底起开展", D004, [("自去年底起", "2021/2022")]),
        ("004_a92002791a908d18.txt", "党的十八大以来，两次赴辽宁考察", D004, [("党的十八大以来", None)]),
        ("004_a92002791a908d18.txt", "2021 年启运首年，就运送了 4000 余辆", D004, [("2021 年", "2021")]),
        ("liaoning-gwr-2023-zh.txt", "一、2022年和过去五年工作", D2023, [("2022年", "2022"), ("过去五年", "2018/2022")]),
        ("liaoning-gwr-2023-zh.txt", "辽宁省政府工作报告(2023年1月12日 李乐成)", None, [("2023年1月12日", "2023-01")]),
        ("000_de1965fb2badf5d8.txt", "Since the end of last year, Shenyang has carried out", D004, [("Since the end of last year", "2021/2022")]),
        ("000_de1965fb2badf5d8.txt", "In the first year of 2021, more than 4000 vehicles will be transported", D004, [("2021", "2021")]),
        ("000_de1965fb2badf5d8.txt", "the number of non coal mines decreased by 1345 in three years, down 42%", D004, [("in three years", None)]),
        ("002_058e5ec80f9b05e6.txt", "Answer: In August 2022, General Secretary Xi Jinping visited Liaoning again", "2023-01-12", [("August 2022", "2022-08")]),
        ("003_67a0eda2e3f886dd.txt", "The main indicators of economic and social development in Liaoning this year are", D003, [("this year", "2022")]),
        ("001_2e2f91a23c4553d8.txt", "Beijing, September 9th (Xinhua News Agency)", "2023-09-10", [("September 9th", "2023-09")]),
    ],
)  # fmt: skip
def test_corpus_sentences(
    doc: str, sentence: str, date: str | None, expected: list[tuple[str, str | None]]
) -> None:
    assert read(corpus(doc, sentence), date) == expected


# --------------------------------------------------------------------------- choosing the period of a figure


def at(
    sentence: str, figure: str, date: str | None, context: str | None = None, last: bool = False
) -> str | None:
    i = sentence.rindex(figure) if last else sentence.index(figure)
    return period_for(sentence, i, date, context)


def test_period_for_corpus() -> None:
    s = corpus(
        "000_de1965fb2badf5d8.txt",
        "In 2021, the investment in high-tech manufacturing in Liaoning will increase by 71.2%, "
        "the output of new energy vehicles will increase by 1.2 times",
    )
    assert at(s, "71.2", None) == "2021"
    assert at(s, "1.2 times", None, context="2020") == "2021"  # the sentence's own year beats the context
    s = corpus(
        "004_a92002791a908d18.txt",
        "今年一季度，在疫情不利影响下，沈阳市固定资产投资同比增长 7.6%，其中基础设施投资增长 1.8 倍",
    )
    assert at(s, "7.6", D004) == "2022-Q1"
    assert at(s, "1.8", D004) == "2022-Q1"
    assert at(s, "7.6", None) is None  # relative and undated: null, not the context
    assert at(s, "7.6", None, context="2021") is None
    s = corpus("004_a92002791a908d18.txt", "非煤矿山 3 年累计减少 1345 个，下降 42%")
    assert at(s, "1345", D004, context="2021") is None  # a duration: no period, and no borrowing
    s = corpus("004_a92002791a908d18.txt", "原本需要 15 天才能完成的工作，凭借一项创新发明，现在只用 5 天")
    assert at(s, "15", D004) is None  # "now" only looks forward
    assert at(s, "5 天", D004, last=True) == "2022"
    s = corpus(
        "000_de1965fb2badf5d8.txt", "The work that used to take 15 days to complete now only takes 5 days"
    )
    assert at(s, "15", D004) is None
    assert at(s, "5 days", D004, last=True) == "2022"


def test_period_for_clause_order_and_context() -> None:
    s = "2021年GDP增长5.8%，2022年预期增长5.5%"
    assert at(s, "5.8", D003) == "2021"
    assert at(s, "5.5", D003) == "2022"  # the same clause beats the nearer-by-characters one
    s = "GDP rose 5.8% in 2021"
    assert at(s, "5.8", None) == "2021"  # later in the same clause
    assert at("城镇新增就业46.2万人", "46.2", D2023, context="2022") == "2022"
    assert at("城镇新增就业46.2万人", "46.2", D2023) is None
    s = "全年地区生产总值增长2.1%"
    assert at(s, "2.1", D2023, context="2022") == "2022"
    assert at(s, "2.1", D2023) == "2023"  # no context: the document's year
    assert at(s, "2.1", None) is None
    # a figure inside a time expression is not given that expression
    assert at("过去 5 年", "5", D004, context="2021") == "2021"


def test_clause_bounds() -> None:
    s = "2021年，GDP 2,758.4亿元，增长5.8%；"
    assert s[slice(*clause_bounds(s, s.index("2,758")))] == "GDP 2,758.4亿元"
    assert s[slice(*clause_bounds(s, s.index("5.8")))] == "增长5.8%"


def test_resolve_year_context() -> None:
    assert resolve_year_context("一、2022年和过去五年工作", D2023) == "2022"
    assert resolve_year_context("I. A review of our work in 2021", D003) == "2021"
    assert resolve_year_context("二、今年工作安排", D2023) == "2023"
    assert resolve_year_context("二、今年工作安排", None) is None
    assert resolve_year_context("近年来", D2023) is None


def test_year_of() -> None:
    assert year_of("2016/2021") == 2021
    assert year_of("2022-Q1") == 2022
    assert year_of("2022-01/2022-11") == 2022
    assert year_of(None) is None


def test_no_digits_no_work() -> None:
    assert find_periods("Liaoning strives to create a new situation of revitalization", D004) == []
    assert find_periods("奋力开创全面振兴全方位振兴新局面", D004) == []


def test_scan_speed() -> None:
    """Whole documents are scanned: stay well above 1 MB/s (about 10 MB/s here)."""
    text = "".join(
        (EXAMPLES / n).read_text(encoding="utf-8")
        for n in ("000_de1965fb2badf5d8.txt", "003_67a0eda2e3f886dd.txt", "004_a92002791a908d18.txt")
    )
    big = text * 6  # ~0.9 MB
    start = time.perf_counter()
    find_periods(big, D004)
    seconds = time.perf_counter() - start
    mb = len(big.encode("utf-8")) / 1e6
    assert mb / seconds > 1.5, f"{mb / seconds:.1f} MB/s"
