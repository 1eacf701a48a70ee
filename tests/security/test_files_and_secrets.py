"""Items 1, 3 and 12: no file outside the page's own folders is served, no
secret is in a process list or a URL, var/ is private from the first byte."""
import http.client
import os
import pathlib
import stat
from urllib.parse import urlsplit

import pytest

from borrower_help.files import ROOT

TRAVERSALS = [
    "/../../var/api-secret", "/../var/session-key", "/dist/../../var/action-token", "/%2e%2e/%2e%2e/var/api-secret",
    "/%2E%2E%2F%2E%2E%2Fvar%2Fapi-secret", "/..%2f..%2fvar%2fapi-secret", "/..\\..\\var\\api-secret",
    "/dist/..%5c..%5cvar%5capi-secret", "/%252e%252e/var/api-secret", "/../../etc/passwd", "/dist/../../../etc/passwd",
    "//etc/passwd", "/dist//etc/passwd", "/.%00./etc/passwd", "/dist/", "/dist", "/../../var/borrower_help.db",
    "/../../var/console.db",
]


def raw_get(base: str, path: str):
    """The path sent exactly as written (no client-side normalisation)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("path", TRAVERSALS)
def test_the_page_server_serves_nothing_outside_its_folders(servers, path):
    status, body = raw_get(servers.page_origin, path)
    assert status == 404, f"{path} answered {status}"
    for secret in servers.settings.var_dir.iterdir():
        if secret.is_file() and secret.stat().st_size < 200:
            assert secret.read_bytes().strip() not in body
    assert b"root:" not in body


def test_a_symlink_out_of_the_folders_is_not_followed(servers):
    link = ROOT / "widget" / "dist" / "bh-security-test-link"
    link.symlink_to("/etc/passwd")
    try:
        status, body = raw_get(servers.page_origin, "/dist/bh-security-test-link")
    finally:
        link.unlink()
    assert status == 404 and b"root:" not in body


def test_the_page_itself_is_still_served_with_a_strict_policy(servers):
    status, body = raw_get(servers.page_origin, "/")
    assert status == 200 and b"<html" in body.lower()
    assert raw_get(servers.page_origin, "/dist/webchat.js")[0] == 200


def _command_lines():
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue


def test_no_secret_is_on_any_command_line(servers):
    secrets = [servers.api_secret, servers.session_key] + [
        p.read_text().strip() for p in servers.settings.var_dir.iterdir() if p.is_file() and p.stat().st_size < 200]
    lines = list(_command_lines())
    ours = [line for line in lines if b"rasa_extensions.server" in line or b"actions.server" in line]
    assert len(ours) >= 2, "the servers were found in the process list"
    for line in lines:
        for secret in secrets:
            assert secret.encode() not in line
        assert b"--auth-token" not in line


def test_var_and_everything_in_it_is_private(servers):
    var = servers.settings.var_dir
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for path in var.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_a_console_error_shows_no_address_or_token(servers):
    """Item 3a: a failed call shows the agent a reason, never the URL (which
    held the token) — and no token travels in a URL at all."""
    from support_console.rasa_api import RasaApi, RasaUnavailable

    api = RasaApi(servers.url, servers.api_secret)
    with pytest.raises(RasaUnavailable) as failure:
        api._call("GET", "/conversations/../nothing/tracker")
    assert servers.url not in str(failure.value) and "token" not in str(failure.value).lower()
    unreachable = RasaApi("http://127.0.0.1:9", servers.api_secret)
    with pytest.raises(RasaUnavailable) as failure:
        unreachable.tracker("w-0123")
    assert "127.0.0.1" not in str(failure.value)


def test_the_api_refuses_a_token_in_the_url_and_a_wrong_or_old_bearer(servers):
    import requests

    from borrower_help.api_token import bearer_token

    url = f"{servers.url}/status"
    assert requests.get(url, params={"token": servers.api_secret}, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": f"Bearer {bearer_token('x', 60, secret='guess')}"},
                        timeout=10).status_code == 401
    old = bearer_token("x", -3600, secret=servers.api_secret)
    assert requests.get(url, headers={"Authorization": f"Bearer {old}"}, timeout=10).status_code == 401
    assert requests.get(url, headers=servers.authorization(), timeout=10).status_code == 200


def test_logs_and_database_are_not_world_readable_even_while_written(servers):
    for path in servers.settings.var_dir.glob("*.log"):
        assert not os.stat(path).st_mode & 0o044
