"""Uploads through ``POST /api/documents`` on a real server: the real loader and extractor, untrusted input.

A document with a ``<script>`` in it is stored and its facts extracted, and
comes back as JSON text (escaped by JSON, served as JSON, under the CSP),
never as HTML; oversized and binary uploads are refused with one clear
message; the client's file name is a label only; each file gets its result.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.ingest.pdfmaker import make_pdf
from tests.serve.conftest import LiveServer, make_token
from zhenxing.serve.settings import ServeSettings

SCRIPT_DOC = (
    "辽宁省2024年政府工作报告\n"
    "<script>alert('x')</script>全年地区生产总值增长5.1%，城镇新增就业46.2万人。\n"
    "Regional GDP grew by 5.1% <img src=x onerror=alert(1)> and 462,000 urban jobs were created.\n"
)


@pytest.fixture(scope="module")
def server(start_server) -> LiveServer:  # type: ignore[no-untyped-def]
    return start_server(ServeSettings(max_upload_bytes=64 * 1024, max_upload_files=3, warm_cache=False))


@pytest.fixture(scope="module")
def writer(server: LiveServer) -> httpx.Client:
    token = make_token(server.db, "uploader")
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def test_a_script_document_is_stored_and_returned_as_json_text(writer: httpx.Client) -> None:
    response = writer.post(
        "/api/documents",
        files={"file": ("报告<script>.txt", SCRIPT_DOC.encode("utf-8"), "text/html")},
        data={"date": "2024-01-20"},
    )
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "added" and result["facts"] >= 2
    assert result["name"] == "报告<script>.txt"

    doc = writer.get(f"/api/documents/{result['doc_id']}")
    assert doc.headers["content-type"].startswith("application/json")
    assert "script-src 'self'" in doc.headers["content-security-policy"]
    assert doc.headers["x-content-type-options"] == "nosniff"
    body = doc.json()
    assert "<script>alert('x')</script>" in body["text"]  # kept verbatim, as data
    assert body["date"] == "2024-01-20" and body["format"] == "text"
    assert "<script>" in doc.text and "<\\/script>" not in doc.text  # JSON, not HTML-escaped markup
    assert {f["text"] for f in body["facts"]} >= {"5.1%", "46.2万人"}
    search = writer.get("/api/search", params={"q": "就业", "doc": result["doc_id"]}).json()
    assert search["items"] and search["items"][0]["doc_id"] == result["doc_id"]
    audit = writer.get("/api/audit", params={"action": "upload"}).json()["items"]
    assert audit and audit[0]["entity_id"] == result["doc_id"] and audit[0]["actor"] == "uploader"

    again = writer.post("/api/documents", files={"file": ("copy.txt", SCRIPT_DOC.encode("utf-8"))})
    assert again.json()["results"][0]["status"] == "unchanged"


def test_html_markdown_and_pdf_are_read_by_content(writer: httpx.Client) -> None:
    html = b"<!doctype html><html><body><article><p>2023\xe5\xb9\xb4\xe5\x85\xa8\xe7\x9c\x81\xe7\xb2\xae\xe9\xa3\x9f\xe6\x80\xbb\xe4\xba\xa7\xe9\x87\x8f2538.4\xe4\xb8\x87\xe5\x90\xa8\xe3\x80\x82</p></article></body></html>"
    markdown = b"---\ntitle: Grain\ndate: 2023-12-01\n---\n# Grain\n\nGrain output reached 25.384 million tonnes in 2023.\n"
    pdf = make_pdf([["Liaoning regional GDP grew by 5.3% in 2023."]], title="Liaoning 2023")
    response = writer.post(
        "/api/documents",
        files=[
            ("file", ("page.txt", html, "text/plain")),
            ("file", ("notes.md", markdown, "application/octet-stream")),
            ("file", ("scan.bin", pdf, "application/octet-stream")),
        ],
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["added", "added", "added"], results
    formats = [writer.get(f"/api/documents/{r['doc_id']}").json()["format"] for r in results]
    assert formats == ["html", "markdown", "pdf"]


def test_binary_uploads_are_refused_with_one_message(writer: httpx.Client) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = writer.post("/api/documents", files={"file": ("chart.txt", png, "text/plain")})
    assert response.status_code == 415
    body = response.json()
    assert body["error"] == "chart.txt: not a text, HTML, Markdown or PDF document (PNG image)" or (
        body["error"].startswith("chart.txt: not a text, HTML, Markdown or PDF document")
    )
    assert "\n" not in body["error"] and body["results"][0]["status"] == "error"

    noise = bytes([0, 1, 2, 3, 250, 251]) * 500
    assert writer.post("/api/documents", files={"file": ("x.pdf", noise)}).status_code == 415
    empty = writer.post("/api/documents", files={"file": ("empty.txt", b"")})
    assert empty.status_code == 422 and empty.json()["error"] == "empty.txt: the file is empty"


def test_oversized_uploads_are_refused_before_parsing(writer: httpx.Client, server: LiveServer) -> None:
    big = ("全年地区生产总值增长5.1%。\n" * 6000).encode("utf-8")  # about 200 KB, the limit is 64 KB
    response = writer.post("/api/documents", files={"file": ("big.txt", big)})
    assert response.status_code == 413
    assert response.json() == {"error": "the request is too large (0.2 MB); the limit is 0.0625 MB"}

    def chunks() -> object:  # no Content-Length: counted as it streams
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 8192

    streamed = writer.post(
        "/api/documents", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert streamed.status_code == 413 and "too large" in streamed.json()["error"]
    big_json = writer.post(
        "/api/results", content=b"[" + b"1," * 600_000 + b"1]", headers={"content-type": "application/json"}
    )
    assert big_json.status_code == 413


def test_names_are_labels_and_files_are_judged_one_by_one(writer: httpx.Client, tmp_path: Path) -> None:
    good = b"Liaoning's grain output reached 25.384 million tonnes in 2023."
    response = writer.post(
        "/api/documents",
        files=[
            ("file", ("../../../../tmp/evil\x07name.txt", good)),
            ("file", ("blob.dat", b"\x00\x01\x02" * 100)),
        ],
    )
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert (
        first["status"] == "added" and first["name"].startswith("evil") and first["name"].endswith("name.txt")
    )
    assert "/" not in first["name"] and ".." not in first["name"]
    assert second["status"] == "error" and second["error"].startswith("blob.dat: ")
    assert not Path("/tmp/evil\x07name.txt").exists() and not Path("/tmp/evilname.txt").exists()

    too_many = writer.post("/api/documents", files=[("file", (f"{i}.txt", good)) for i in range(4)])
    assert too_many.status_code == 400 and "files" in too_many.json()["error"].lower()
    assert writer.post("/api/documents", json={"text": "hi"}).status_code == 415
    assert writer.post("/api/documents", data={"title": "no file"}, files={}).status_code in (400, 415)


def test_uploads_need_a_token(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as anonymous:
        response = anonymous.post("/api/documents", files={"file": ("a.txt", b"GDP grew 5%.")})
    assert response.status_code == 401 and "token" in response.json()["error"]


def test_names_and_types_are_judged_without_touching_the_file_system() -> None:
    from zhenxing.serve.api_upload import UploadRefused, display_name, sniff_suffix

    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert display_name("a\x00b\nc.txt") == "abc.txt"
    assert display_name("") == display_name("...") == "upload"
    assert len(display_name("长" * 1000)) == 200
    assert sniff_suffix(b"%PDF-1.7\n...", "x.txt") == ".pdf"
    assert sniff_suffix(b"<html><body><p>hi</p></body></html>", "x.txt") == ".html"
    assert sniff_suffix("# 标题\n\n正文".encode(), "notes.md") == ".md"
    assert sniff_suffix("正文".encode("gb18030"), "notes.exe") == ".txt"
    with pytest.raises(UploadRefused, match="not a text"):
        sniff_suffix(b"PK\x03\x04" + b"\x00" * 100, "sheet.xlsx")
