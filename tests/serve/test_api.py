"""The JSON API against a real server (uvicorn on a loopback port) over a ledger built by the real ingest.

Reads: documents, facts, series, targets, verdicts, conflicts, audit, with
filters and pages; answers agree with the library (``evaluate``,
``series_from_ledger``) they shell; errors are ``{"error": ...}`` with the
right status; every response carries the security headers; the OpenAPI
schema and the offline Swagger UI are served.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest

from tests.serve.conftest import LiveServer
from zhenxing.ledger.store import Ledger
from zhenxing.serve.app import CSP


def _key(key: str) -> str:
    return quote(key, safe="")


def _all(client: httpx.Client, path: str, **params: object) -> list[dict]:
    items: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(path, params={**params, "offset": offset, "limit": 7}).json()
        items.extend(page["items"])
        offset = page["next_offset"]
    return items


# -- headers, docs, errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/health", 200),
        ("/api/documents", 200),
        ("/api/targets?status=bogus", 400),
        ("/api/facts?limit=-1", 422),
        ("/api/facts/ffffffffffff-1-2", 404),
        ("/no/such/page", 404),
        ("/docs", 200),
        ("/openapi.json", 200),
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", 200),
        ("/signin", 200),
    ],
)
def test_every_response_has_the_security_headers(client: httpx.Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    policy = response.headers["content-security-policy"]
    if path != "/signin":  # the dashboard pages may set a stricter variant of their own
        assert policy == CSP
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_errors_are_one_json_line(client: httpx.Client) -> None:
    for path, status in (
        ("/api/facts?limit=100000", 422),
        ("/api/facts/ffffffffffff-1-2", 404),
        ("/api/targets?area=nowhere", 400),
        ("/api/verdicts/no:such:target", 404),
        ("/api/search?q=%20", 400),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert list(body) == ["error"] and body["error"] and "\n" not in body["error"], body
        assert "Traceback" not in response.text
    assert client.post("/api/health").status_code == 405


def test_openapi_documents_endpoints_and_models(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/documents",
        "/api/documents/{doc}",
        "/api/facts",
        "/api/facts/{fact_id}",
        "/api/series",
        "/api/series/{key}",
        "/api/targets",
        "/api/verdicts/{target_key}",
        "/api/conflicts",
        "/api/search",
        "/api/audit",
        "/api/results",
        "/api/facts/{fact_id}/correct",
        "/api/facts/{fact_id}/reject",
        "/api/facts/{fact_id}/restore",
        "/api/targets/{key}/assign",
        "/api/targets/{key}/override",
    ):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/documents"]["post"]["requestBody"]["content"]
    models = schema["components"]["schemas"]
    assert {"VerdictOut", "SeriesOut", "FactOut", "SearchPage", "ErrorOut"} <= set(models)
    assert "status" in models["VerdictOut"]["properties"]


def test_docs_need_no_network(client: httpx.Client) -> None:
    page = client.get("/docs").text
    assert "http://" not in page and "https://" not in page  # nothing from a CDN
    assert "<script>" not in page  # no inline script: the CSP forbids it
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "zhenxing-init.js"):
        assert f"/static/vendor/swagger-ui/{asset}" in page
        response = client.get(f"/static/vendor/swagger-ui/{asset}")
        assert response.status_code == 200 and len(response.content) > 100


# -- documents and facts ------------------------------------------------------------------------------


def test_documents_are_paged_and_filtered(client: httpx.Client, live_server: LiveServer) -> None:
    first = client.get("/api/documents", params={"limit": 3}).json()
    with Ledger(live_server.db) as ledger:
        stored = ledger.documents()
    assert first["total"] == len(stored) and first["next_offset"] == 3
    everything = _all(client, "/api/documents")
    assert [d["name"] for d in everything] == [d.name for d in stored]
    assert [d["fact_count"] for d in everything] == [d.fact_count for d in stored]
    chinese = client.get("/api/documents", params={"language": "zh", "limit": 100}).json()["items"]
    assert chinese and all(d["language"] == "zh" for d in chinese)
    assert client.get("/api/documents", params={"q": "' OR 1=1 --"}).json()["total"] == 0


def test_a_document_comes_with_its_text_and_facts(client: httpx.Client) -> None:
    doc = client.get("/api/documents/liaoning-gwr-2023-zh").json()
    assert doc["name"] == "liaoning-gwr-2023-zh.txt" and doc["language"] == "zh"
    assert doc["facts"] and len(doc["facts"]) == doc["fact_count"]
    for fact in doc["facts"]:
        assert doc["text"][fact["start"] : fact["end"]] == fact["text"]
        assert doc["text"][fact["sentence_start"] : fact["sentence_end"]] == fact["quote"]
    assert client.get("/api/documents/no-such-document").status_code == 404


def test_facts_filters_match_the_ledger(client: httpx.Client, live_server: LiveServer) -> None:
    with Ledger(live_server.db) as ledger:
        expected = [f.id for f in ledger.facts(indicator="gdp", region="辽宁")]
        targets = [f.id for f in ledger.facts(kind="target", period="2022")]
    assert expected
    assert [f["id"] for f in _all(client, "/api/facts", indicator="gdp", region="辽宁")] == expected
    assert [f["id"] for f in _all(client, "/api/facts", kind="target", period="2022")] == targets
    fact = client.get(f"/api/facts/{expected[0]}").json()
    assert fact["fact"]["id"] == expected[0] and fact["document"]["id"] == fact["fact"]["doc_id"]
    assert client.get("/api/facts", params={"region": "x' OR '1'='1"}).json()["items"] == []


# -- tracking -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [{}, {"period": "2022"}, {"region": "辽宁"}, {"status": "met"}, {"area": "economy", "period": "2022"}],
)
def test_targets_agree_with_the_library(client: httpx.Client, live_server: LiveServer, filters: dict) -> None:
    from zhenxing.ledger.verdicts import evaluate

    with Ledger(live_server.db) as ledger:
        expected = [v.target.key for v in evaluate(ledger, **filters)]
    page = client.get("/api/targets", params={**filters, "limit": 500}).json()
    assert [t["key"] for t in page["items"]] == expected
    assert page["total"] == len(expected)
    if "status" not in filters:
        assert sum(page["counts"].values()) == len(expected)


def test_a_verdict_by_key_prefix_and_fact_id(client: httpx.Client) -> None:
    targets = client.get("/api/targets", params={"limit": 500}).json()["items"]
    judged = next(t for t in targets if t["results"])
    by_key = client.get("/api/verdicts/" + _key(judged["key"])).json()
    assert by_key["key"] == judged["key"] and by_key["status"] == judged["status"]
    assert by_key["rule"]["version"] and by_key["target"]["quote"]
    by_fact = client.get("/api/verdicts/" + judged["target"]["fact"]).json()
    assert by_fact["key"] == judged["key"]
    assert client.get("/api/verdicts/" + _key("gdp:")).status_code in (200, 409)


def test_series_agree_with_the_library(client: httpx.Client, live_server: LiveServer) -> None:
    from zhenxing.ledger.series import series_from_ledger

    with Ledger(live_server.db) as ledger:
        expected = [s.key for s in series_from_ledger(ledger, "gdp", "Liaoning")]
    found = client.get("/api/series", params={"indicator": "gdp", "region": "Liaoning"}).json()
    assert [s["key"] for s in found["items"]] == expected and expected
    one = client.get("/api/series/" + _key(expected[0])).json()
    assert one["key"] == expected[0]
    assert all(o["sources"] and o["sources"][0]["quote"] for o in one["observations"])
    assert client.get("/api/series/" + _key("gdp:Atlantis:growth")).status_code == 404


def test_conflicts_agree_with_the_library(client: httpx.Client, live_server: LiveServer) -> None:
    """The server finds conflicts in its one build of every series; the library from the results alone."""
    from zhenxing.formats import fact_record
    from zhenxing.formats_tracking import conflict_record
    from zhenxing.ledger.conflicts import find_conflicts

    with Ledger(live_server.db) as ledger:
        expected = [
            {**conflict_record(c), "facts": [fact_record(f) for f in c.facts]} for c in find_conflicts(ledger)
        ]
    found = client.get("/api/conflicts", params={"detail": "full", "limit": 500}).json()["items"]
    assert found == json.loads(json.dumps(expected, ensure_ascii=False)) and expected


def test_conflicts_carry_their_facts(client: httpx.Client) -> None:
    page = client.get("/api/conflicts", params={"detail": "full"}).json()
    assert page["total"] >= 1
    conflict = page["items"][0]
    assert conflict["explanation"] and conflict["observations"] and conflict["facts"]
    summary = client.get("/api/conflicts").json()["items"][0]
    assert "facts" not in summary and summary["observations"][0]["quote"]
    period = conflict["period"]
    narrowed = client.get("/api/conflicts", params={"period": period}).json()["items"]
    assert narrowed and all(c["period"] == period or c["period"].startswith(period + "-") for c in narrowed)


def test_list_pages_keep_one_sentence_per_observation_and_the_way_to_the_rest(client: httpx.Client) -> None:
    """Lists carry each observation's first sentence (series: points); every figure still leads to its sentence."""
    full = client.get("/api/targets", params={"limit": 500, "detail": "full"}).json()["items"]
    summary = client.get("/api/targets", params={"limit": 500}).json()["items"]
    assert [t["key"] for t in summary] == [t["key"] for t in full]
    assert all(
        len(t["results"]) <= 1 and t["result_count"] == len(f["results"])
        for t, f in zip(summary, full, strict=True)
    )
    judged = next(i for i, t in enumerate(full) if t["results"])
    for short, long in (
        (summary[judged]["target"], full[judged]["target"]),
        (summary[judged]["results"][0], full[judged]["results"][0]),
    ):
        assert short["quote"] == long["quote"] == long["sources"][0]["quote"]
        assert all("quote" not in s for s in short["sources"])
        assert [s["fact"] for s in short["sources"]] == [s["fact"] for s in long["sources"]]
    page = client.get("/api/series", params={"indicator": "gdp", "region": "Liaoning"}).json()
    summary = page["items"][0]
    one = client.get("/api/series/" + _key(summary["key"])).json()
    assert summary["observations"] == len(one["observations"]) and "quote" not in summary
    point = summary["latest_result"] or summary["latest_target"]
    assert isinstance(point["sources"], int)
    fact = client.get("/api/facts/" + point["fact"]).json()
    assert fact["fact"]["quote"] in {o["quote"] for o in one["observations"]}
    from zhenxing.ledger.series import period_sort_key

    assert summary["last_period"] == max((o["period"] for o in one["observations"]), key=period_sort_key)
    assert len(client.get("/api/series", params={"detail": "full"}).content) > len(
        client.get("/api/series").content
    )
    assert client.get("/api/series", params={"detail": "everything"}).status_code == 422


def test_audit_is_paged_newest_first(start_server, writer_token: str) -> None:  # type: ignore[no-untyped-def]
    from tests.serve.conftest import make_token

    server = start_server()
    token = make_token(server.db, "auditor")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        target = c.get("/api/targets", params={"limit": 1}).json()["items"][0]["key"]
        for owner in ("Statistics Bureau", "NDRC", "Finance Department"):
            assert (
                c.post(
                    f"/api/targets/{_key(target)}/assign", json={"owner": owner, "due": "2026-12-31"}
                ).status_code
                == 200
            )
        audit = c.get("/api/audit", params={"limit": 2}).json()
        assert audit["total"] == 3 and audit["next_offset"] == 2
        assert [e["after"]["owner"] for e in audit["items"]] == ["Finance Department", "NDRC"]
        assert all(e["actor"] == "auditor" and e["entity_id"] == target for e in audit["items"])
        verdict = c.get("/api/verdicts/" + _key(target)).json()
        assert verdict["assignment"]["owner"] == "Finance Department"


def test_responses_match_the_documented_models(client: httpx.Client) -> None:
    """The API sends records made by the CLI's own functions; the OpenAPI models must describe them."""
    from zhenxing.serve import api_models as m

    target = client.get("/api/targets", params={"limit": 1}).json()["items"][0]
    series = client.get("/api/series", params={"limit": 1}).json()["items"][0]
    fact = client.get("/api/facts", params={"limit": 1}).json()["items"][0]
    for path, model in (
        ("/api/documents", m.DocumentsPage),
        ("/api/documents/liaoning-gwr-2023-zh", m.DocumentDetailOut),
        ("/api/facts?limit=50", m.FactsPage),
        (f"/api/facts/{fact['id']}", m.FactDetailOut),
        ("/api/series?limit=20", m.SeriesPage),
        ("/api/series?limit=20&detail=full", m.SeriesPage),
        ("/api/targets?limit=100&detail=full", m.TargetsPage),
        ("/api/conflicts?detail=full", m.ConflictsPage),
        ("/api/series/" + _key(series["key"]), m.SeriesOut),
        ("/api/targets?limit=100", m.TargetsPage),
        ("/api/verdicts/" + _key(target["key"]), m.VerdictOut),
        ("/api/conflicts", m.ConflictsPage),
        ("/api/search?q=就业", m.SearchPage),
        ("/api/audit", m.AuditPage),
        ("/api/health", m.HealthOut),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("application/json")
        model.model_validate(response.json())


def test_settings_travel_to_workers_and_refuse_nonsense() -> None:
    from zhenxing.serve.settings import ServeSettings, SettingsError, is_loopback

    settings = ServeSettings(
        read_requires_token=True, max_upload_bytes=5_000_000, allowed_hosts=("localhost",)
    )
    assert ServeSettings.from_env(settings.to_env()) == settings
    assert ServeSettings.from_env("") == ServeSettings()
    with pytest.raises(SettingsError):
        ServeSettings(max_upload_bytes=10)
    with pytest.raises(SettingsError):
        ServeSettings.from_env("{not json")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1") and not is_loopback("example.org")


def test_a_taken_port_is_one_clear_error(live_server: LiveServer) -> None:
    from zhenxing.serve import ServeError, run

    port = int(live_server.url.rsplit(":", 1)[1])
    with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}: the port is in use"):
        run(str(live_server.db), "127.0.0.1", port)
    with pytest.raises(ServeError, match="between 1 and 65535"):
        run(str(live_server.db), "127.0.0.1", 70000)
