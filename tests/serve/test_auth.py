"""Tokens, bearer writes, browser sign-in with an HttpOnly session cookie, and CSRF, on a real server.

Writes without a token are 401; with one they succeed and leave an audit
entry naming the token; a browser session writes only with the form's CSRF
token (403 without); reads need a token only on a ``--private`` server. The
token commands print a token once and store only a salted hash.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import typer
from typer.testing import CliRunner

from tests.serve.conftest import LiveServer, make_token
from zhenxing.ledger.store import Ledger
from zhenxing.serve.auth import CSRF_COOKIE, SESSION_COOKIE, list_tokens, verify_token
from zhenxing.serve.settings import ServeSettings


@pytest.fixture(scope="module")
def server(start_server) -> LiveServer:  # type: ignore[no-untyped-def]
    return start_server()


@pytest.fixture(scope="module")
def token(server: LiveServer) -> str:
    return make_token(server.db, "planner")


@pytest.fixture
def anonymous(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _target(client: httpx.Client) -> dict:
    return next(t for t in client.get("/api/targets", params={"limit": 500}).json()["items"] if t["results"])


def _writes(client: httpx.Client) -> list[tuple[str, dict]]:
    target = _target(client)
    fact = target["target"]["fact"]
    key = quote(target["key"], safe="")
    return [
        (f"/api/targets/{key}/override", {"status": "met", "reason": "confirmed by the statistics bureau"}),
        (f"/api/targets/{key}/assign", {"owner": "Provincial NDRC", "due": "2026-12-31"}),
        (
            f"/api/facts/{fact}/correct",
            {"fields": {"label": "regional GDP, as corrected"}, "reason": "clearer label"},
        ),
        (f"/api/facts/{fact}/reject", {"reason": "duplicate"}),
        (f"/api/facts/{fact}/restore", {"reason": "not a duplicate after all"}),
        (
            "/api/results",
            {
                "indicator": "gdp",
                "region": "Liaoning",
                "period": "2024",
                "value": 5.1,
                "unit": "%",
                "change": "growth",
                "source": "Liaoning Statistical Yearbook 2025, p. 3",
            },
        ),
    ]


def test_writes_without_a_token_are_401(anonymous: httpx.Client) -> None:
    for path, body in _writes(anonymous):
        response = anonymous.post(path, json=body)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "token" in response.json()["error"]
    bad = anonymous.post(
        _writes(anonymous)[0][0], json=_writes(anonymous)[0][1], headers={"Authorization": "Bearer zx_nope"}
    )
    assert bad.status_code == 401 and bad.json()["error"] == "invalid or revoked token"
    basic = anonymous.post(_writes(anonymous)[0][0], json={}, headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401


def test_writes_with_a_token_succeed_and_are_audited(server: LiveServer, token: str) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        before = c.get("/api/audit").json()["total"]
        for path, body in _writes(c):
            response = c.post(path, json=body)
            assert response.status_code == 200, (path, response.text)
        audit = c.get("/api/audit", params={"limit": 100}).json()
    assert audit["total"] == before + 6
    newest = audit["items"][:6]
    assert {e["action"] for e in newest} == {
        "override",
        "assign",
        "correct",
        "reject",
        "restore",
        "add_result",
    }
    assert all(e["actor"] == "planner" for e in newest)
    override = next(e for e in newest if e["action"] == "override")
    assert override["reason"] == "confirmed by the statistics bureau"


def test_bad_write_input_is_one_clear_error(server: LiveServer, token: str) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        key = quote(_target(c)["key"], safe="")
        for path, body, status in (
            (f"/api/targets/{key}/override", {"status": "great", "reason": "x"}, 400),
            (f"/api/targets/{key}/override", {"status": "met"}, 422),
            (f"/api/targets/{key}/assign", {"owner": "NDRC", "due": "next year"}, 400),
            ("/api/targets/no:such:target/override", {"status": "met", "reason": "x"}, 404),
            ("/api/facts/ffffffffffff-1-2/reject", {"reason": "x"}, 404),
            ("/api/results", {"indicator": "gdp"}, 422),
        ):
            response = c.post(path, json=body)
            assert response.status_code == status, (path, response.text)
            assert set(response.json()) == {"error"}
        not_json = c.post(
            f"/api/targets/{key}/override", content=b"{", headers={"content-type": "application/json"}
        )
        assert not_json.status_code == 422


def test_a_revoked_token_stops_working(server: LiveServer) -> None:
    from zhenxing.serve.auth import revoke_token

    short_lived = make_token(server.db, "temp")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {short_lived}"}) as c:
        key = quote(_target(c)["key"], safe="")
        path, body = f"/api/targets/{key}/override", {"status": "missed", "reason": "temp check"}
        assert c.post(path, json=body).status_code == 200
        with Ledger(server.db) as ledger:
            revoke_token(ledger, short_lived.split("_")[1])
        assert c.post(path, json=body).status_code == 401


# -- browser sign-in and CSRF ---------------------------------------------------------------------------


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_browser_sign_in_sets_a_strict_httponly_cookie_and_forms_need_csrf(
    server: LiveServer, token: str
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        page = browser.get("/signin")
        assert page.status_code == 200
        seed_cookie = page.headers["set-cookie"]
        assert (
            f"{CSRF_COOKIE}=" in seed_cookie
            and "HttpOnly" in seed_cookie
            and "SameSite=Strict" in seed_cookie
        )
        csrf = _csrf(page.text)

        missing = browser.post("/signin", data={"token": token})
        assert missing.status_code == 403 and "CSRF" in missing.json()["error"]
        forged = browser.post("/signin", data={"token": token, "csrf_token": "forged"})
        assert forged.status_code == 403

        wrong = browser.post("/signin", data={"token": "zx_000000000000_" + "a" * 43, "csrf_token": csrf})
        assert wrong.status_code == 303 and wrong.headers["location"].startswith("/signin?error=")
        assert SESSION_COOKIE not in browser.cookies

        signed = browser.post("/signin", data={"token": token, "csrf_token": csrf, "next": "//evil.example/"})
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        session_cookie = signed.headers["set-cookie"]
        assert f"{SESSION_COOKIE}=" in session_cookie
        assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie.replace(
            "Strict", "strict"
        )
        assert token not in session_cookie

        key = quote(_target(browser)["key"], safe="")
        path, body = f"/api/targets/{key}/override", {"status": "pending", "reason": "from the browser"}
        no_csrf = browser.post(path, json=body)
        assert no_csrf.status_code == 403
        stale = browser.post(path, json=body, headers={"X-CSRF-Token": csrf})  # the pre-sign-in token
        assert stale.status_code == 403
        fresh = _csrf(browser.get("/signin").text)
        assert fresh != csrf
        ok = browser.post(path, json=body, headers={"X-CSRF-Token": fresh})
        assert ok.status_code == 200, ok.text
        entry = browser.get("/api/audit", params={"limit": 1}).json()["items"][0]
        assert entry["actor"] == "planner" and entry["reason"] == "from the browser"

        assert browser.post("/signout", data={}).status_code == 403
        out = browser.post("/signout", data={"csrf_token": fresh})
        assert out.status_code == 303
        assert browser.post(path, json=body, headers={"X-CSRF-Token": fresh}).status_code == 401


def test_another_site_cannot_use_the_session(server: LiveServer, token: str) -> None:
    """A forged cross-site form carries the cookies (were SameSite absent) but cannot know the CSRF token."""
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        csrf = _csrf(browser.get("/signin").text)
        browser.post("/signin", data={"token": token, "csrf_token": csrf})
        key = quote(_target(browser)["key"], safe="")
        attack = browser.post(
            f"/api/targets/{key}/override",
            data={"status": "met", "reason": "forged"},
            headers={"Origin": "https://evil.example"},
        )
        assert attack.status_code in (403, 422)
        assert attack.status_code == 403 or "CSRF" not in attack.text


# -- private servers --------------------------------------------------------------------------------------


def test_a_private_server_needs_a_token_for_reading(start_server) -> None:  # type: ignore[no-untyped-def]
    server = start_server(ServeSettings(read_requires_token=True, warm_cache=False))
    reader = make_token(server.db, "reader")
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for path in ("/api/documents", "/api/targets", "/api/search?q=就业"):
            assert c.get(path).status_code == 401, path
            assert c.get(path, headers={"Authorization": f"Bearer {reader}"}).status_code == 200, path
        assert c.get("/openapi.json").status_code == 200


# -- the token commands -------------------------------------------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    from zhenxing.cli import app  # registers cli_serve's commands

    return app


def test_token_commands_print_once_and_store_only_a_hash(
    cli: typer.Typer, example_ledger: Path, tmp_path: Path
) -> None:
    db = tmp_path / "tokens.db"
    db.write_bytes(example_ledger.read_bytes())
    runner = CliRunner()
    created = runner.invoke(cli, ["token", "create", "--name", "统计局 analyst", "--db", str(db)])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert re.fullmatch(r"zx_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", token)
    assert "not shown again" in created.stderr

    assert token.split("_", 2)[2].encode() not in db.read_bytes()  # the secret is nowhere in the file
    with sqlite3.connect(db) as conn:
        assert token not in str(conn.execute("SELECT * FROM api_tokens").fetchall())

    listed = runner.invoke(cli, ["token", "list", "--json", "--db", str(db)])
    assert listed.exit_code == 0 and token not in listed.stdout
    assert '"name": "统计局 analyst"' in listed.stdout and '"active": true' in listed.stdout

    with Ledger(db) as ledger:
        assert verify_token(ledger.engine, token) is not None
    public_id = token.split("_")[1]
    revoked = runner.invoke(cli, ["token", "revoke", public_id, "--db", str(db)])
    assert revoked.exit_code == 0 and "revoked" in revoked.stderr
    again = runner.invoke(cli, ["token", "revoke", public_id, "--db", str(db)])
    assert again.exit_code == 1 and again.stderr.startswith("error: ") and "already revoked" in again.stderr
    unknown = runner.invoke(cli, ["token", "revoke", "nope", "--db", str(db)])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    with Ledger(db) as ledger:
        assert verify_token(ledger.engine, token) is None
        assert [t.active for t in list_tokens(ledger)] == [False]
    missing = runner.invoke(cli, ["token", "list", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and missing.stderr.startswith("error: ")


def test_a_loopback_server_refuses_other_host_names(start_server) -> None:  # type: ignore[no-untyped-def]
    """DNS rebinding: a page of evil.example whose name resolves to 127.0.0.1 must not read the ledger."""
    from zhenxing.serve.settings import LOOPBACK_HOSTS

    server = start_server(ServeSettings(allowed_hosts=LOOPBACK_HOSTS, warm_cache=False))
    with httpx.Client(base_url=server.url, timeout=30) as c:
        assert c.get("/api/documents").status_code == 200
        port = server.url.rsplit(":", 1)[1]
        assert c.get("/api/documents", headers={"Host": f"localhost:{port}"}).status_code == 200
        rebound = c.get("/api/documents", headers={"Host": f"evil.example:{port}"})
        assert rebound.status_code == 400 and "content-security-policy" in rebound.headers
