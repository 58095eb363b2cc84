"""Publication dates: every written form, and only where the page states its own date."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ingest.conftest import example_text
from zhenxing.ingest.dates import find_text_date, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-29", "2022-05-29"),
        (dt.date(2022, 5, 29), "2022-05-29"),
        (dt.datetime(2022, 5, 29, 21, 20), "2022-05-29"),
        ("Sun, 29 May 2022 21:20:46 GMT", "2022-05-29"),
        ("2022-05-29T21:20:46+08:00", "2022-05-29"),
        ("2022/5/9", "2022-05-09"),
        ("2022年02月25日", "2022-02-25"),
        ("2023年1月12日", "2023-01-12"),
        ("Apr 16, 2024 20:35 PM", "2024-04-16"),
        ("January 20, 2022", "2022-01-20"),
        ("16th April 2024", "2024-04-16"),
        ("2022-05", "2022-05"),
        ("2022年5月", "2022-05"),
        ("2022", "2022"),
        ("二〇二三年一月十二日", "2023-01-12"),
        ("二〇二二年十二月三十一日", "2022-12-31"),
        (2022, "2022"),
        ("2022-02-30", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Accumulate Revitalization Momentum\n\nRelease time:Apr 16, 2024 20:35 PM\n\nBeijing, September 9th",
            "2024-04-16",
        ),
        (" date 2023-01-12 Xinhua News Agency, Shenyang, January 11th Topic: An Interview", "2023-01-12"),
        (
            "Report on the Work of Liaoning Provincial People's Government\n\n"
            "Delivered at the Sixth Session of the 13th Liaoning Provincial People's Congress held on January 20, 2022\n",
            "2022-01-20",
        ),
        ("2022年省政府工作报告\n发布时间:2022年02月25日    来源:\n\n正文", "2022-02-25"),
        ("辽宁省政府工作报告\n\n2023年01月18日 10:52   来源:辽宁日报\n\n各位代表：", "2023-01-18"),
        (
            "辽宁省政府工作报告（2023年1月12日）\n\n各位代表：现在，我代表省人民政府向大会报告工作。",
            "2023-01-12",
        ),
        ("政府工作报告\n\n（2023年1月12日）\n\n各位代表：", "2023-01-12"),
        ("Published on 3 March 2021 by the Information Office\n\nText.", "2021-03-03"),
        (
            "政府工作报告\n\n——2023年1月12日在辽宁省第十四届人民代表大会第一次会议上\n\n各位代表：",
            "2023-01-12",
        ),
        ("Title here\n\nBy Zhang San | chinadaily.com.cn | Updated: 2023-01-18 10:52\n\nBody", "2023-01-18"),
        ("关于印发某某方案的通知\n\n（二〇二三年一月十二日）\n\n各市人民政府：", "2023-01-12"),
    ],
)
def test_find_text_date_forms(text: str, expected: str) -> None:
    found = find_text_date(text)
    assert found is not None
    assert found[0] == expected


def test_explicit_marker_beats_speech_date() -> None:
    # 003 carries both the page's release date and the date the report was delivered.
    assert find_text_date(example_text("003_67a0eda2e3f886dd.txt")) == ("2022-02-25", "marker")


def test_dateline_beats_title_date() -> None:
    # The repost's own date line wins over the report date in its title.
    assert find_text_date(example_text("liaoning-gwr-2023-zh.txt")) == ("2023-01-18", "dateline")


def test_event_dates_in_the_body_are_not_publication_dates() -> None:
    text = (
        "依靠创新把实体经济做实、做强、做优\n\n"
        "沈阳鼓风机集团股份有限公司转子车间里，机器轰鸣，轨吊穿梭。数控车工马长好熟练地开动数控机床。\n\n"
        "马长好清楚地记得，2013 年 8 月 30 日上午，习近平总书记来到沈阳鼓风机集团，视察转子车间。"
    )
    assert find_text_date(text) is None
    # 000 (a translation without a date line) has none either.
    assert find_text_date(example_text("000_de1965fb2badf5d8.txt")) is None


def test_only_the_head_is_searched() -> None:
    text = "Title\n\n" + "Words and more words. " * 100 + "\n\nRelease time: Apr 16, 2024"
    assert find_text_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Statistical Communique of Liaoning on 2022\n\nLiaoning Provincial Bureau of Statistics, March 20, 2023\n\nIn 2022, GDP grew.", "2023-03-20"),
        ("A title\nShenyang, December 28, 2023\nThe figures follow.", "2023-12-28"),
        ("辽宁省统计公报\n辽宁省统计局 2024年3月15日\n全年地区生产总值增长5.3%。", "2024-03-15"),
    ],
)
def test_byline_of_an_office_or_city_dates_the_document(text: str, expected: str) -> None:
    found = find_text_date(text)
    assert found is not None and found[0] == expected
