"""The nginx in each Rasa pod (deploy/kubernetes/base/rasa-edge.conf), run
for real with Debian's nginx on loopback in front of a stand-in Rasa server
that reports what it receives: the Rasa server must get the client's
address as the only X-Forwarded-For entry (it trusts that header from
127.0.0.1 alone: TRUSTED_PROXIES), the websocket upgrade, and nothing else
from the client's claims. Skipped where nginx is not installed
(scripts/ensure-nginx.sh installs it)."""
import ipaddress
import json
import pathlib
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from borrower_help.launcher.throwaway import free_port
from rasa_extensions.channels.limits import client_address

ROOT = pathlib.Path(__file__).resolve().parents[2]
EDGE_CONF = ROOT / "deploy" / "kubernetes" / "base" / "rasa-edge.conf"


class Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"peer": self.client_address[0], "path": self.path,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture()
def edge(tmp_path):
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if pathlib.Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    rasa_port, edge_port = free_port(), free_port()
    upstream = ThreadingHTTPServer(("127.0.0.1", rasa_port), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    conf = EDGE_CONF.read_text()
    # The same file, on free loopback ports; here the "ingress controller"
    # connects from 127.0.0.2, so that address joins the controller's ranges.
    conf = conf.replace("listen 5005;", f"listen 127.0.0.1:{edge_port};")
    conf = conf.replace("proxy_pass http://127.0.0.1:5011;", f"proxy_pass http://127.0.0.1:{rasa_port};")
    conf = conf.replace("access_log /dev/stdout edge_paths;", f"access_log {tmp_path}/access.log edge_paths;")
    conf = conf.replace("/tmp/nginx-", f"{tmp_path}/nginx-")
    conf = conf.replace("real_ip_header X-Forwarded-For;", "set_real_ip_from 127.0.0.2;\nreal_ip_header X-Forwarded-For;")
    (tmp_path / "edge.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s;\n"
        f"  include {tmp_path}/edge.conf;\n}}\n")
    process = subprocess.Popen([binary, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{edge_port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/edge-health", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
                time.sleep(0.05)
        yield url, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()


def get(url: str, headers: dict, source: str = "127.0.0.2") -> tuple:
    """GET from `source` (127.0.0.2: the ingress controller): status and JSON body."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5, source_address=(source, 0))
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def fetch(url: str, headers: dict, source: str = "127.0.0.2") -> dict:
    """What the stand-in Rasa server received (the edge passed the request on)."""
    status, body = get(url, headers, source)
    assert status == 200
    return body


def test_the_rasa_server_gets_the_clients_address_and_nothing_it_claimed(edge):
    url, folder = edge
    # What the ingress controller sends: the client's claims, then the
    # address it saw.
    seen = fetch(f"{url}/webhooks/rest/webhook?secret=should-not-be-logged",
                 {"X-Forwarded-For": "198.51.100.66, 203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen["headers"]["x-forwarded-for"] == "203.0.113.7"
    assert seen["headers"]["x-forwarded-proto"] == "https"
    assert seen["peer"] == "127.0.0.1"
    # What the Rasa server makes of it (TRUSTED_PROXIES=127.0.0.1).
    proxies = frozenset({ipaddress.ip_network("127.0.0.1")})
    assert client_address(seen["peer"], seen["headers"]["x-forwarded-for"], proxies) == "203.0.113.7"
    # A client that is not the controller cannot name itself someone else.
    direct = fetch(f"{url}/webhooks/rest/webhook", {"X-Forwarded-For": "203.0.113.7"}, source="127.0.0.1")
    assert direct["headers"]["x-forwarded-for"] == "127.0.0.1"
    # Paths only in the log: no query string.
    time.sleep(0.2)
    log = (folder / "access.log").read_text()
    assert "/webhooks/rest/webhook" in log and "should-not-be-logged" not in log


def test_websocket_upgrades_reach_the_rasa_server(edge):
    url, _ = edge
    seen = fetch(f"{url}/socket.io/?EIO=4&transport=websocket",
                 {"Upgrade": "websocket", "Connection": "Upgrade", "X-Forwarded-For": "203.0.113.9"})
    assert seen["headers"]["upgrade"] == "websocket"
    assert seen["headers"]["connection"].lower() == "upgrade"
    assert seen["headers"]["x-forwarded-for"] == "203.0.113.9"


def test_the_edge_answers_its_own_health_check(edge):
    url, _ = edge
    with urllib.request.urlopen(f"{url}/edge-health", timeout=5) as response:
        assert response.status == 200
    assert re.search(r"location = /edge-health", EDGE_CONF.read_text())


def test_a_token_in_the_url_is_refused_and_written_nowhere(edge):
    url, folder = edge
    status, body = get(f"{url}/conversations/someone/tracker?include_events=ALL&token=should-not-be-kept", {})
    assert status == 400 and "Authorization header" in body["error"]
    seen = fetch(f"{url}/conversations/someone/tracker?include_events=ALL", {})
    assert seen["path"].endswith("?include_events=ALL")  # other query strings still reach Rasa
    time.sleep(0.2)
    written = "".join(p.read_text(errors="replace") for p in folder.glob("*.log"))
    assert "/conversations/someone/tracker" in written and "should-not-be-kept" not in written
