"""Settings and the load balancer's configuration of the production shape."""
import re
import subprocess

import pytest

from deploy import run_prod


def test_the_environment_overrides_the_example_settings(monkeypatch, tmp_path):
    monkeypatch.setattr(run_prod, "DEPLOY", tmp_path)
    (tmp_path / "prod.env.example").write_text(
        "POSTGRES_USER=postgres\nPOSTGRES_PASSWORD=\nPOSTGRES_HOST=127.0.0.1\nPOSTGRES_PORT=5432\n"
        "POSTGRES_DB=borrower_help  # the database\nRASA_INSTANCES=2\n")
    (tmp_path / "prod.env").write_text("RASA_INSTANCES=3\nPOSTGRES_PASSWORD=s3cr@t/\n")
    env = run_prod.settings({"RASA_INSTANCES": "4", "UNRELATED": "x"})
    assert env["RASA_INSTANCES"] == "4" and "UNRELATED" not in env
    assert env["POSTGRES_DB"] == "borrower_help"
    # The password is quoted in the URL the ticket store uses.
    assert env["TICKET_STORE_URL"] == "postgresql://postgres:s3cr%40t%2F@127.0.0.1:5432/borrower_help"


def test_socketio_is_sticky_and_the_rest_is_balanced(tmp_path):
    env = {"PROD_PORT": "5005"}
    conf = run_prod.render_nginx(env, [5011, 5012, 5013], tmp_path).read_text()
    sticky = re.search(r"upstream rasa_sticky \{(.*?)\}", conf, re.S).group(1)
    balanced = re.search(r"upstream rasa_any \{(.*?)\}", conf, re.S).group(1)
    assert "ip_hash" in sticky and "ip_hash" not in balanced
    for port in (5011, 5012, 5013):
        assert f"127.0.0.1:{port}" in sticky and f"127.0.0.1:{port}" in balanced
    assert "listen 127.0.0.1:5005;" in conf
    assert re.search(r"location /socket.io/ \{[^}]*rasa_sticky[^}]*Upgrade", conf, re.S)


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = "/usr/sbin/nginx"
    if subprocess.run(["bash", "-c", f"test -x {nginx}"]).returncode:
        pytest.skip("nginx is not installed (scripts/ensure-nginx.sh)")
    conf = run_prod.render_nginx({"PROD_PORT": "5005"}, [5011, 5012], tmp_path)
    checked = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
