"""Debian's Chromium, driven by Playwright, on the demo lender page, with
every process `make run` starts, started by the same launcher."""
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import ROOT
from tests.http.conftest import start_servers

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "browser"
# As the machine's probe starts it: no sandbox as root, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Everything `make run` starts, by the same launcher: action server, Rasa
    server, the support console and the demo page, on throw-away stores."""
    started = start_servers(tmp_path_factory.mktemp("servers"), parts=("actions", "rasa", "console", "page"))
    try:
        yield started
    finally:
        started.supervisor.stop()


@pytest.fixture(scope="session")
def page_url(servers):
    """The lender page on the one origin the servers accept from browsers."""
    return servers.page_origin


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
def console_url(servers):
    """The support console the launcher started (gunicorn, as `make run`),
    with one agent."""
    manage = [sys.executable, "-m", "support_console.manage"]
    subprocess.run([*manage, "createuser", CONSOLE_AGENT[0], "--role", "agent", "--name", "Mei",
                    "--password-stdin"], input=CONSOLE_AGENT[1] + "\n", text=True,
                   env=servers.settings.process_env(), cwd=ROOT, check=True, timeout=60, capture_output=True)
    return servers.settings.console_url
