"""The shared token on every page and API call, no tracebacks, same-origin posts, headers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from climrisk.web.app import TOKEN_COOKIE
from tests.web.conftest import SMALL, upload

TOKEN = "correct horse battery staple"  # noqa: S105 (a test token)
ID = "0" * 32


def _routes(client) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, path parameters filled with dummy values."""
    found = []
    for route in client.app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/static") or path in ("/login",):
            continue
        filled = (path.replace("{upload_id}", ID).replace("{job_id}", ID)
                  .replace("{name}", "manifest.json"))
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method != "HEAD":
                found.append((method, filled))
    return found


def test_every_page_and_api_call_needs_the_token(make_client):
    client = make_client(token=TOKEN)
    routes = _routes(client)
    assert len(routes) >= 18
    assert ("GET", "/openapi.json") in routes and ("GET", "/docs") in routes
    for method, path in routes:
        answer = client.request(method, path)
        assert answer.status_code == 401, (method, path, answer.status_code)
        if path.startswith("/api/") or path == "/openapi.json":
            assert "token" in answer.json()["detail"]
        else:
            assert "Sign in" in answer.text
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/api/jobs", headers=wrong).status_code == 401
    client.cookies.set(TOKEN_COOKIE, "nope")
    assert client.get("/api/jobs").status_code == 401
    client.cookies.clear()


def test_token_by_header_and_by_login_cookie(make_client):
    client = make_client(token=TOKEN)
    assert client.get("/api/jobs", headers={"Authorization": f"Bearer {TOKEN}"}).json() == []
    assert client.get("/api/health", headers={"X-Climrisk-Token": TOKEN}).status_code == 200
    body = upload(client, "small.csv", SMALL.read_bytes(),
                  headers={"Authorization": f"Bearer {TOKEN}"})
    assert body.status_code == 201
    assert client.get("/static/app.css").status_code == 200  # assets of the sign-in page
    refused = client.post("/login", data={"token": "guess", "next": "/jobs"})
    assert refused.status_code == 401 and "not right" in refused.text
    signed = client.post("/login", data={"token": TOKEN, "next": "/jobs"},
                         follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/jobs"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    client.cookies.set(TOKEN_COOKIE, TOKEN)
    assert client.get("/").status_code == 200
    assert client.get(f"/uploads/{body.json()['upload_id']}").status_code == 200
    offsite = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"},
                          follow_redirects=False)
    assert offsite.headers["location"] == "/"


def test_serve_reads_the_token_from_the_environment(monkeypatch, tmp_path: Path, pack):
    import uvicorn

    from climrisk.cli.serve import serve_command

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(
        serve_command,
        ["--data-dir", str(tmp_path / "d"), "--hazards", str(pack), "--port", "8123",
         "--max-upload-mb", "2", "--max-rows", "50"],
        env={"CLIMRISK_TOKEN": "from-env"},
    )
    assert result.exit_code == 0, result.output
    settings = seen["app"].state.settings
    assert settings.token == "from-env"  # noqa: S105 (a test token)
    assert settings.max_upload_bytes == 2 * 1024 * 1024 and settings.max_rows == 50
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    assert (tmp_path / "d" / "climrisk.sqlite3").exists()
    everywhere = "0.0.0.0"  # noqa: S104 (only the warning is tested; nothing listens)
    result = CliRunner().invoke(serve_command, ["--data-dir", str(tmp_path / "e"),
                                                "--host", everywhere], env={"CLIMRISK_TOKEN": ""})
    assert result.exit_code == 0
    assert "without a token" in result.output


def test_internal_errors_never_show_a_traceback(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail at /srv/private/path")

    monkeypatch.setattr("climrisk.web.app.validate_upload", broken)
    with caplog.at_level(logging.ERROR, logger="climrisk.web"):
        api = upload(client, "small.csv", SMALL.read_bytes())
        page = upload(client, "small.csv", SMALL.read_bytes(), url="/upload")
    for answer in (api, page):
        assert answer.status_code == 500
        assert "Traceback" not in answer.text
        assert "secret internal detail" not in answer.text
        assert "/srv/private" not in answer.text
        assert "internal error" in answer.text and "reference" in answer.text
    assert api.json()["reference"] in caplog.text
    assert "secret internal detail" in caplog.text  # the server log keeps the detail


def test_reader_crash_becomes_a_plain_file_problem(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise MemoryError("secret reader detail")

    monkeypatch.setattr("climrisk.web.validation.read_portfolio", broken)
    with caplog.at_level(logging.ERROR, logger="climrisk.web"):
        body = upload(client, "small.csv", SMALL.read_bytes()).json()
    assert body["valid"] is False
    assert body["issues"][0]["message"].startswith("the file could not be read")
    assert "secret" not in str(body)
    assert "secret reader detail" in caplog.text


def test_http_errors_are_plain_pages_and_json(client):
    page = client.get("/jobs/" + ID)
    assert page.status_code == 404 and "no such job" in page.text
    assert "Traceback" not in page.text and page.headers["content-type"].startswith("text/html")
    api = client.post("/api/jobs", json={"nothing": 1})
    assert api.status_code == 422 and "upload_id" in api.json()["detail"]
    broken_json = client.post("/api/jobs", content=b"{", headers={"content-type":
                                                                  "application/json"})
    assert broken_json.status_code == 422 and "Traceback" not in broken_json.text


def test_cross_site_posts_are_refused(client):
    answer = upload(client, "small.csv", SMALL.read_bytes(),
                    headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    same = upload(client, "small.csv", SMALL.read_bytes(),
                  headers={"Origin": "http://testserver"})
    assert same.status_code == 201


def test_security_headers(client):
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text  # no inline script: the CSP forbids it


@pytest.mark.parametrize("path", ["/", "/jobs", "/api/health", "/openapi.json"])
def test_open_without_token_by_default(client, path):
    assert client.get(path).status_code == 200


def test_dns_rebinding_host_refused_on_every_route(make_client):
    """A page on attacker.example resolving to 127.0.0.1 must not read or write the server."""
    client = make_client(allowed_hosts=())
    evil = {"Host": "attacker.example:8000", "Origin": "http://attacker.example:8000"}
    assert client.get("/api/jobs", headers=evil).status_code == 400
    assert client.get("/", headers=evil).status_code == 400
    assert client.get("/static/app.css", headers=evil).status_code == 400
    refused = upload(client, "a.csv", SMALL.read_bytes(), headers=evil)
    assert refused.status_code == 400
    assert "host not allowed" in refused.json()["detail"]
    job = "0" * 32
    assert client.get(f"/api/jobs/{job}/files/report.pdf", headers=evil).status_code == 400
    assert not list((client.app.state.settings.data_dir / "uploads").iterdir())
    for good in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST", "10.1.2.3"):
        assert client.get("/api/jobs", headers={"Host": good}).status_code == 200, good


def test_allowed_host_names_pass(make_client):
    client = make_client(host="127.0.0.1", allowed_hosts=("risk.example.org",))
    assert client.get("/api/jobs", headers={"Host": "Risk.Example.Org:443"}).status_code == 200
    assert client.get("/api/jobs", headers={"Host": "risk.example.org.evil"}).status_code == 400
    assert client.get("/api/jobs", headers={"Host": "evil.risk.example.org"}).status_code == 400
    bound = make_client(data_dir=client.app.state.settings.data_dir.parent / "other",
                        host="risk-box", allowed_hosts=())
    assert bound.get("/api/jobs", headers={"Host": "risk-box:8000"}).status_code == 200
    assert bound.get("/api/jobs", headers={"Host": "testserver"}).status_code == 400


def test_serve_passes_allowed_hosts(monkeypatch, tmp_path, pack):
    import uvicorn

    from climrisk.cli.serve import serve_command

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(
        serve_command,
        ["--data-dir", str(tmp_path / "d"), "--hazards", str(pack), "--allowed-host", "a.test",
         "--allowed-host", "b.test"], env={"CLIMRISK_TOKEN": ""})
    assert result.exit_code == 0, result.output
    assert seen["app"].state.settings.host_names() == ("127.0.0.1", "a.test", "b.test")
