"""Gazetteer and place-name scanning: data integrity, every name form, the ambiguity guards, speed.

Sentences marked "corpus" are copied from the sample documents in examples/
(checked to be there, so a test cannot drift away from the real text).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from zhenxing.extract.regions import (
    RegionMention,
    all_regions,
    canonical_region,
    find_local_references,
    find_regions,
    region_of,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def corpus(name: str, sentence: str) -> str:
    """Return ``sentence`` after checking it occurs in the sample document ``name``."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert sentence in text, f"not in {name}: {sentence[:40]}"
    return sentence


def names(text: str) -> list[str]:
    return [m.name for m in find_regions(text)]


# --------------------------------------------------------------------------- data


def test_counts_of_levels() -> None:
    levels = Counter(r.level for r in all_regions())
    assert levels["country"] == 1
    assert levels["province"] == 34
    assert levels["prefecture"] == 333
    assert levels["macro"] >= 5


@pytest.mark.parametrize(
    ("province", "expected"),
    [
        (
            "Liaoning",
            {
                "Shenyang", "Dalian", "Anshan", "Fushun", "Benxi", "Dandong", "Jinzhou",
                "Yingkou", "Fuxin", "Liaoyang", "Panjin", "Tieling", "Chaoyang", "Huludao",
            },
        ),
        (
            "Jilin",
            {"Changchun", "Jilin City", "Siping", "Liaoyuan", "Tonghua", "Baishan", "Songyuan", "Baicheng", "Yanbian"},
        ),
        (
            "Heilongjiang",
            {
                "Harbin", "Qiqihar", "Jixi", "Hegang", "Shuangyashan", "Daqing", "Yichun", "Jiamusi",
                "Qitaihe", "Mudanjiang", "Heihe", "Suihua", "Daxing'anling",
            },
        ),
        (
            "Inner Mongolia",
            {
                "Hohhot", "Baotou", "Wuhai", "Chifeng", "Tongliao", "Ordos", "Hulunbuir", "Bayannur",
                "Ulanqab", "Hinggan League", "Xilingol League", "Alxa League",
            },
        ),
        ("Hainan", {"Haikou", "Sanya", "Sansha", "Danzhou"}),
        ("Ningxia", {"Yinchuan", "Shizuishan", "Wuzhong", "Guyuan", "Zhongwei"}),
    ],
)  # fmt: skip
def test_prefectures_of_a_province(province: str, expected: set[str]) -> None:
    got = {r.name for r in all_regions() if r.level == "prefecture" and r.province == province}
    assert got == expected


def test_prefectures_per_province() -> None:
    per = Counter(r.province for r in all_regions() if r.level == "prefecture")
    assert per["Guangdong"] == 21
    assert per["Sichuan"] == 21
    assert per["Henan"] == 17
    assert per["Shandong"] == 16
    assert per["Xinjiang"] == 14
    assert per["Tibet"] == 7
    # Municipalities and the SARs have no prefecture-level divisions.
    for name in ("Beijing", "Tianjin", "Shanghai", "Chongqing", "Hong Kong", "Macao", "Taiwan"):
        assert per[name] == 0


def test_data_is_consistent() -> None:
    regions = all_regions()
    by_name = {r.name: r for r in regions}
    assert len(by_name) == len(regions)
    for r in regions:
        if r.level == "prefecture":
            assert by_name[r.province].level == "province", r.name
        if r.province is not None:
            assert r.province in by_name, r.name
        assert r.ambiguous <= {r.name, *r.zh_aliases, *r.en_aliases}, r.name
    zh_forms = Counter(f for r in regions for f in (r.zh, *r.zh_aliases))
    assert [f for f, n in zh_forms.items() if n > 1] == []


def test_every_written_form_finds_its_region() -> None:
    for r in all_regions():
        for form in (r.zh, *r.zh_aliases, *r.en_aliases):
            assert canonical_region(form) == r.name or form.casefold() in {"taizhou", "yulin"}, (form, r.name)
            if form in r.ambiguous:
                continue
            found = find_regions(f"({form})")
            assert [m.name for m in found] == [r.name], (form, found)


def test_english_names_of_special_cases() -> None:
    assert region_of("Inner Mongolia").zh == "内蒙古自治区"
    assert region_of("Tibet").zh == "西藏自治区"
    assert region_of("Xinjiang").zh == "新疆维吾尔自治区"
    assert region_of("Guangxi").zh == "广西壮族自治区"
    assert region_of("Macao").zh == "澳门特别行政区"
    assert region_of("Hohhot").zh == "呼和浩特市"
    assert region_of("Urumqi").zh == "乌鲁木齐市"
    assert region_of("Harbin").zh == "哈尔滨市"
    assert region_of("Shaanxi").zh == "陕西省"
    assert region_of("Shanxi").zh == "山西省"


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("liaoning", "Liaoning"),
        ("辽宁", "Liaoning"),
        ("辽宁省", "Liaoning"),
        ("Liaoning Province", "Liaoning"),
        ("  LIAONING ", "Liaoning"),
        ("shenyang city", "Shenyang"),
        ("沈阳市", "Shenyang"),
        ("inner mongolia", "Inner Mongolia"),
        ("内蒙古", "Inner Mongolia"),
        ("hong kong", "Hong Kong"),
        ("Macau", "Macao"),
        ("xian", "Xi'an"),
        ("Xi’an", "Xi'an"),
        ("jilin", "Jilin"),
        ("吉林市", "Jilin City"),
        ("northeast china", "Northeast China"),
        ("东北", "Northeast China"),
        ("辽西", "Western Liaoning"),
        ("全国", "China"),
        ("朝阳", "Chaoyang"),
        ("Liaoshen", "Liaoning"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_canonical_region(given: str, expected: str | None) -> None:
    assert canonical_region(given) == expected


def test_region_of() -> None:
    info = region_of("大连")
    assert info is not None
    assert (info.name, info.level, info.province) == ("Dalian", "prefecture", "Liaoning")
    assert region_of("nowhere") is None


# --------------------------------------------------------------------------- scanning


def test_mentions_carry_spans_and_parents() -> None:
    text = "辽宁省沈阳市和大连市"
    got = find_regions(text)
    assert got == [
        RegionMention(0, 3, "Liaoning", "province", None, "辽宁省"),
        RegionMention(3, 6, "Shenyang", "prefecture", "Liaoning", "沈阳市"),
        RegionMention(7, 10, "Dalian", "prefecture", "Liaoning", "大连市"),
    ]
    for m in got:
        assert text[m.start : m.end] == m.text


def test_chinese_corpus_sentences() -> None:
    s = corpus("004_a92002791a908d18.txt", "2021 年，辽宁高技术制造业投资增长 71.2%")
    assert names(s) == ["Liaoning"]
    s = corpus("004_a92002791a908d18.txt", "多次就东北、辽宁振兴发展发表重要讲话")
    assert names(s) == ["Northeast China", "Liaoning"]
    s = corpus("004_a92002791a908d18.txt", "4300 万辽沈人民牢记习近平总书记嘱托")
    assert names(s) == ["Liaoning"]
    s = corpus("004_a92002791a908d18.txt", "今年一季度，在疫情不利影响下，沈阳市固定资产投资同比增长 7.6%")
    assert names(s) == ["Shenyang"]
    s = corpus("liaoning-gwr-2023-zh.txt", "勉励我们在新时代东北振兴上展现更大担当和作为")
    assert names(s) == ["Northeast China"]


def test_english_corpus_sentences() -> None:
    s = corpus(
        "000_de1965fb2badf5d8.txt",
        "the investment in fixed assets in Shenyang increased by 7.6% year on year",
    )
    assert names(s) == ["Shenyang"]
    s = corpus("000_de1965fb2badf5d8.txt", "The 43 million Liaoshen people remember")
    assert names(s) == ["Liaoning"]
    s = corpus(
        "001_2e2f91a23c4553d8.txt",
        "In the past five years, the three provinces and one district in Northeast China have anchored",
    )
    assert [(m.name, m.text) for m in find_regions(s)] == [
        ("Northeast China", "three provinces and one district in Northeast China")
    ]
    s = corpus(
        "003_67a0eda2e3f886dd.txt",
        "The industrial cooperation between Western Liaoning and Beijing, Tianjin and Hebei resulted in 110 projects",
    )
    assert names(s) == ["Western Liaoning", "Beijing-Tianjin-Hebei"]
    s = corpus(
        "003_67a0eda2e3f886dd.txt", "support Chaoyang and Huludao to build clean energy industrial bases"
    )
    assert names(s) == ["Chaoyang", "Huludao"]
    s = corpus("001_2e2f91a23c4553d8.txt", "Changyi District, Jilin City, Jilin Province")
    assert names(s) == ["Jilin City", "Jilin"]


def test_english_is_case_insensitive_on_word_boundaries() -> None:
    assert names("SHENYANG and dalian city") == ["Shenyang", "Dalian"]
    assert names("Shenyangese, Dalians") == []
    assert names("Xi’an and Xi'an") == ["Xi'an", "Xi'an"]
    assert names("Beijing–Tianjin–Hebei") == ["Beijing-Tianjin-Hebei"]
    assert names("Inner\nMongolia") == ["Inner Mongolia"]


def test_longest_match_wins() -> None:
    assert [m.text for m in find_regions("东北三省一区")] == ["东北三省一区"]
    assert [m.text for m in find_regions("延边朝鲜族自治州")] == ["延边朝鲜族自治州"]
    assert names("浙江西部") == ["Zhejiang"]  # not 江西
    assert names("Northeast China") == ["Northeast China"]  # not "China"
    assert names("辽西北地区") == ["Northwestern Liaoning"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("朝阳产业发展迅速", []),
        ("北京朝阳区", ["Beijing"]),
        ("辽宁朝阳的光伏项目", ["Liaoning", "Chaoyang"]),
        ("辽宁省朝阳市", ["Liaoning", "Chaoyang"]),
        ("沈阳、朝阳、葫芦岛", ["Shenyang", "Chaoyang", "Huludao"]),
        ("各位来宾", []),
        ("南宁、来宾", ["Nanning", "Laibin"]),
        ("幸福安康", []),
        ("世界大同", []),
        ("长治久安", []),
        ("四平八稳", []),
        ("白山黑水", []),
        ("黄河北岸", []),
        ("东北亚合作", []),
        ("全国人大辽宁代表团", ["Liaoning"]),
        ("建设美丽新乡村", []),
        ("推广安全生产经验", []),
        ("巩固原有成果", []),
        ("文山会海", []),
        ("确保定期开展", []),
        ("客运城市间", []),
        ("中华中医药学会", []),
        ("长江西岸", []),
        ("渤海南岸", []),
        ("新乡市、广安市", ["Xinxiang", "Guang'an"]),
        ("中国共产党", []),
        ("Chaoyang District of Beijing", ["Beijing"]),
        ("Chaoyang, Liaoning", ["Chaoyang", "Liaoning"]),
        ("northeast of the city", []),
        ("Northeast Asia", []),
        ("China-Europe freight trains", []),
        ("Communist Party of China", []),
        ("the country", ["China"]),
    ],
)
def test_ambiguity_guards(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_local_references() -> None:
    got = find_local_references("全省城镇新增就业；the province and our city")
    assert [(r.scope, r.text) for r in got] == [
        ("province", "全省"),
        ("province", "the province"),
        ("prefecture", "our city"),
    ]


def test_no_text_no_work() -> None:
    assert find_regions("") == []
    assert find_regions("12345 %%% ...") == []


def test_scan_speed() -> None:
    """The scan runs on every sentence with a figure: it must stay far above 1 MB/s (about 20+ here)."""
    text = "".join(
        (EXAMPLES / n).read_text(encoding="utf-8")
        for n in ("003_67a0eda2e3f886dd.txt", "004_a92002791a908d18.txt")
    )
    big = text * 12  # ~1.9 MB
    find_regions(text)  # load and compile once
    start = time.perf_counter()
    find_regions(big)
    seconds = time.perf_counter() - start
    mb = len(big.encode("utf-8")) / 1e6
    assert mb / seconds > 4, f"{mb / seconds:.1f} MB/s"
