"""Debian's Chromium, driven by Playwright, on the demo lender page, served by
widget/serve.py beside the real servers of tests/http (same fixture)."""
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import sync_playwright

from tests.conftest import ROOT
from tests.http.conftest import servers  # noqa: F401  (the real action + Rasa servers)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "browser"
# As the machine's probe starts it: no sandbox as root, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def page_url(servers):  # noqa: F811
    """The lender page on the one origin the servers accept from browsers."""
    port = urlsplit(servers.page_origin).port
    log = (servers.log_dir / "widget.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "widget" / "serve.py"), "--port", str(port),
         "--rasa-url", servers.url], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(servers.page_origin, timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"page server not up, see {log.name}")
                time.sleep(0.3)
        yield servers.page_origin
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/ensure-browser.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OutsideRequests(list):
    """Every request the page tried to send off this machine (blocked)."""


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    outside = OutsideRequests()

    def keep_on_loopback(route):
        if urlsplit(route.request.url).hostname not in LOOPBACK:
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", keep_on_loopback)
    context.outside_requests = outside
    yield context
    context.close()


@pytest.fixture
def screenshot(request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{name}.png"))

    return take


CONSOLE_AGENT = ("mei", "a-long-enough-passphrase")


@pytest.fixture(scope="session")
def console_url(servers, tmp_path_factory):  # noqa: F811
    """The support console, served by gunicorn as `make run` serves it, on the
    same stores as the servers, with one agent."""
    import secrets
    import socket

    work = tmp_path_factory.mktemp("console")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONSOLE_DATABASE_URL": f"sqlite:///{work / 'console.db'}",
           "CONSOLE_SECRET_KEY": secrets.token_urlsafe(40), "RASA_URL": servers.url,
           "RASA_AUTH_TOKEN": servers.token, "TICKET_STORE_URL": servers.db_url,
           "TRACKER_STORE_URL": servers.db_url}
    manage = [sys.executable, "-m", "support_console.manage"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    subprocess.run([*manage, "createuser", CONSOLE_AGENT[0], "--role", "agent", "--name", "Mei",
                    "--password-stdin"], input=CONSOLE_AGENT[1] + "\n", text=True, env=env, cwd=ROOT,
                   check=True, timeout=60, capture_output=True)
    log = (work / "console.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "support_console.wsgi",
                                "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/login/", timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"console not up, see {log.name}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
