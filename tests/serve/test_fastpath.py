"""The fast path answers the hot reads exactly as FastAPI does, errors included, or leaves them to it."""

from __future__ import annotations

import httpx
import pytest

from zhenxing.serve.settings import ServeSettings

URLS = [
    "/api/targets",
    "/api/targets?period=2022&region=辽宁&limit=5",
    "/api/targets?status=met&detail=full",
    "/api/targets?status=Met",  # normalised by the endpoint
    "/api/targets?status=nonsense",  # 400 from the endpoint: FastAPI answers it
    "/api/targets?limit=501",  # over the declared bound: 422
    "/api/targets?limit=-1",
    "/api/targets?limit=5.0",
    "/api/targets?limit=",
    "/api/targets?detail=everything",
    "/api/targets?period=2022&period=2023",  # repeated: FastAPI takes the last
    "/api/targets?unknown=1&limit=3",
    "/api/series?indicator=gdp&region=Liaoning",
    "/api/series?indicator=gdp&detail=full&limit=2&offset=1",
    "/api/search?q=就业",
    "/api/search?q=%E7%B2%AE%E9%A3%9F&order=recent&limit=3",
    "/api/search",  # q is required: 422
    "/api/search?q=GDP&order=sideways",
    "/api/search?q=" + "x" * 201,
    "/api/conflicts?period=2022",
    "/api/facts?indicator=gdp&region=Liaoning&limit=3",
    "/api/facts?kind=target&text=%3Cscript%3E",
    "/api/documents?limit=2&offset=1",
    "/api/documents?q=gwr",
]


@pytest.fixture(scope="module")
def pair(start_server):  # type: ignore[no-untyped-def]
    fast = start_server(ServeSettings(warm_cache=False))
    slow = start_server(ServeSettings(warm_cache=False, fast_reads=False), db=fast.db)
    with httpx.Client(base_url=fast.url, timeout=60) as f, httpx.Client(base_url=slow.url, timeout=60) as s:
        yield f, s


@pytest.mark.parametrize("url", URLS)
def test_the_same_answer_with_and_without_the_fast_path(pair, url: str) -> None:  # type: ignore[no-untyped-def]
    fast, slow = pair
    a, b = fast.get(url), slow.get(url)
    assert a.status_code == b.status_code, url
    assert a.headers["content-type"] == b.headers["content-type"]
    assert a.headers.get("content-security-policy") == b.headers.get("content-security-policy")
    assert a.content == b.content, url


def test_the_fast_path_serves_the_hot_reads() -> None:
    from zhenxing.serve import api
    from zhenxing.serve.fastpath import FAST_PATHS, routes_of

    assert sorted(routes_of(api.router)) == sorted(FAST_PATHS)


def test_reads_behind_a_token_go_through_fastapi(start_server) -> None:  # type: ignore[no-untyped-def]
    server = start_server(ServeSettings(warm_cache=False, read_requires_token=True))
    assert httpx.get(server.url + "/api/targets").status_code == 401
