"""Documents and facts built by hand from the real example texts.

The ledger is tested on its own, before and independently of the loader and
the extractor: these records use the real sentences (and offsets) of
``examples/`` with the field values of the gold annotations.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from zhenxing.model import EXTRACTOR_VERSION, Document, Fact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DOC_003 = "003_67a0eda2e3f886dd.txt"
DOC_GWR = "liaoning-gwr-2023-zh.txt"


def load_example(name: str, **fields: Any) -> Document:
    """The example file as a Document, with the id the loader would give it (SHA-256 of NFC/LF text)."""
    raw = (EXAMPLES / name).read_text(encoding="utf-8")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return Document(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        name=name,
        text=text,
        path=str(EXAMPLES / name),
        **fields,
    )


def fact_at(
    doc: Document,
    quote: str,
    figure: str,
    value: float,
    unit: str | None,
    *,
    comparator: str = "=",
    indicator: str | None = None,
    label: str = "",
    period: str | None = None,
    region: str | None = "Liaoning",
    kind: str = "result",
    change: str = "level",
    version: str = EXTRACTOR_VERSION,
) -> Fact:
    """A fact for ``figure`` inside the first occurrence of ``quote`` in the document."""
    sentence_start = doc.text.index(quote)
    start = doc.text.index(figure, sentence_start)
    assert start + len(figure) <= sentence_start + len(quote), (quote, figure)
    return Fact(
        doc=doc.name,
        quote=quote,
        value=value,
        unit=unit,
        comparator=comparator,
        indicator=indicator,
        label=label,
        period=period,
        region=region,
        kind=kind,
        change=change,
        start=start,
        end=start + len(figure),
        sentence_start=sentence_start,
        sentence_end=sentence_start + len(quote),
        doc_id=doc.id,
        language=doc.language,
        text=figure,
        extractor_version=version,
    )


RESULTS_2021 = (
    "The provincial GDP was 2,758.4 billion yuan, a rise of 5.8%, the general public budget revenue "
    "was 276.47 billion yuan, a rise of 4.1%"
)
TARGETS_2022 = "regional GDP growth by more than 5.5%"
JOBS_2022 = "creating more than 450,000 urban jobs"
GRAIN_2022 = "grain output remaining stable at about 24 million metric tons"


def sample_003(version: str = EXTRACTOR_VERSION) -> tuple[Document, list[Fact]]:
    """The 2022 English work report: 2021 results and 2022 targets."""
    doc = load_example(
        DOC_003,
        title="2022 Report on the Work of Liaoning Provincial People's Government",
        date="2022-02-25",
        date_source="text",
        language="en",
        meta={"published": date(2022, 2, 25)},
    )
    g = dict(version=version)
    facts = [
        fact_at(
            doc,
            RESULTS_2021,
            "2,758.4 billion yuan",
            2758400000000,
            "CNY",
            indicator="gdp",
            label="provincial GDP",
            period="2021",
            **g,
        ),
        fact_at(
            doc,
            RESULTS_2021,
            "5.8%",
            5.8,
            "%",
            indicator="gdp",
            label="provincial GDP",
            period="2021",
            change="growth",
            **g,
        ),
        fact_at(
            doc,
            RESULTS_2021,
            "276.47 billion yuan",
            276470000000,
            "CNY",
            indicator="budget_revenue",
            label="general public budget revenue",
            period="2021",
            **g,
        ),
        fact_at(
            doc,
            RESULTS_2021,
            "4.1%",
            4.1,
            "%",
            indicator="budget_revenue",
            label="general public budget revenue",
            period="2021",
            change="growth",
            **g,
        ),
        fact_at(
            doc,
            TARGETS_2022,
            "5.5%",
            5.5,
            "%",
            comparator=">",
            indicator="gdp",
            label="regional GDP growth",
            period="2022",
            kind="target",
            change="growth",
            **g,
        ),
        fact_at(
            doc,
            JOBS_2022,
            "450,000",
            450000,
            "people",
            comparator=">",
            indicator="urban_jobs",
            label="urban jobs",
            period="2022",
            kind="target",
            **g,
        ),
        fact_at(
            doc,
            GRAIN_2022,
            "24 million metric tons",
            24000000,
            "t",
            comparator="~",
            indicator="grain_output",
            label="grain output",
            period="2022",
            kind="target",
            **g,
        ),
    ]
    return doc, sorted(facts, key=lambda f: f.start)


ZH_RESULTS_2022 = (
    "全年地区生产总值增长2.1%,固定资产投资增长3.6%,进出口总额增长2.4%,城镇新增就业46.2万人,"
    "居民消费价格上涨2%,城镇和农村居民人均可支配收入分别增长2.2%和3.6%。"
)


def sample_gwr(version: str = EXTRACTOR_VERSION) -> tuple[Document, list[Fact]]:
    """The 2023 Chinese work report: 2022 results."""
    doc = load_example(
        DOC_GWR,
        title="辽宁省政府工作报告（2023年1月12日）",
        date="2023-01-12",
        date_source="meta",
        language="zh",
        source="http://district.ce.cn/newarea/roll/202301/18/t20230118_38354255.shtml",
    )
    g = dict(version=version, period="2022")
    facts = [
        fact_at(
            doc,
            ZH_RESULTS_2022,
            "2.1%",
            2.1,
            "%",
            indicator="gdp",
            label="地区生产总值",
            change="growth",
            **g,
        ),
        fact_at(
            doc,
            ZH_RESULTS_2022,
            "3.6%",
            3.6,
            "%",
            indicator="fixed_asset_investment",
            label="固定资产投资",
            change="growth",
            **g,
        ),
        fact_at(
            doc,
            ZH_RESULTS_2022,
            "46.2万人",
            462000,
            "people",
            indicator="urban_jobs",
            label="城镇新增就业",
            **g,
        ),
        fact_at(
            doc, ZH_RESULTS_2022, "2%", 2, "%", indicator="cpi", label="居民消费价格", change="growth", **g
        ),
    ]
    return doc, sorted(facts, key=lambda f: f.start)
