"""The launcher's settings, the command lines it builds and the load
balancer's configuration of the production shape."""
import re
import subprocess

import pytest

from borrower_help.launcher import commands
from borrower_help.launcher import settings as launcher_settings
from borrower_help.launcher.settings import Settings, production_settings
from borrower_help.launcher.shapes import render_nginx


def test_the_environment_overrides_the_example_settings(monkeypatch, tmp_path):
    monkeypatch.setattr(launcher_settings, "DEPLOY", tmp_path)
    (tmp_path / "prod.env.example").write_text(
        "POSTGRES_USER=postgres\nPOSTGRES_PASSWORD=\nPOSTGRES_HOST=127.0.0.1\nPOSTGRES_PORT=5432\n"
        "POSTGRES_DB=borrower_help  # the database\nRASA_INSTANCES=2\nRASA_FIRST_PORT=5011\nPROD_PORT=5005\n"
        "ACTION_PORT=5055\nCONSOLE_PORT=8000\nREDIS_HOST=127.0.0.1\nREDIS_PORT=6379\nREDIS_PASSWORD=\n"
        "SOCKETIO_REDIS_DB=2\n")
    (tmp_path / "prod.env").write_text("RASA_INSTANCES=3\nPOSTGRES_PASSWORD=s3cr@t/\nREDIS_PASSWORD=r:p\n"
                                       "REDIS_MODE=external\n")
    prod = production_settings({"RASA_INSTANCES": "4", "UNRELATED": "x", "BORROWER_HELP_VAR": str(tmp_path)})
    assert prod.rasa_instances == 4 and prod.rasa_ports == [5011, 5012, 5013, 5014]
    assert "UNRELATED" not in prod.extra_env
    # Passwords are quoted in the URLs the processes get.
    assert prod.database_url == "postgresql://postgres:s3cr%40t%2F@127.0.0.1:5432/borrower_help"
    assert prod.extra_env["SOCKETIO_REDIS_URL"] == "redis://:r%3Ap@127.0.0.1:6379/2"


def test_redis_always_has_a_password(monkeypatch, tmp_path):
    monkeypatch.setattr(launcher_settings, "DEPLOY", tmp_path)
    (tmp_path / "prod.env.example").write_text(
        "POSTGRES_USER=p\nPOSTGRES_HOST=h\nPOSTGRES_PORT=1\nPOSTGRES_DB=d\nRASA_INSTANCES=2\nRASA_FIRST_PORT=5011\n"
        "PROD_PORT=5005\nACTION_PORT=5055\nCONSOLE_PORT=8000\nREDIS_HOST=10.0.0.5\nREDIS_PORT=6380\n"
        "REDIS_PASSWORD=\nSOCKETIO_REDIS_DB=2\nREDIS_MODE=private\n")
    private = production_settings({"BORROWER_HELP_VAR": str(tmp_path / "var")})
    password = (tmp_path / "var" / "redis-password").read_text()
    assert len(password) >= 32 and private.extra_env["REDIS_PASSWORD"] == password
    assert private.extra_env["REDIS_HOST"] == "127.0.0.1"  # the shape's own, on loopback
    with pytest.raises(ValueError, match="REDIS_PASSWORD"):
        production_settings({"REDIS_MODE": "external", "BORROWER_HELP_VAR": str(tmp_path / "var")})


def test_ports_are_set_once_and_reach_every_process(tmp_path):
    settings = Settings.from_environment({"RASA_PORT": "6005", "ACTION_PORT": "6055", "WIDGET_PORT": "6080",
                                          "BORROWER_HELP_VAR": str(tmp_path)})
    env = settings.process_env()
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:6055/webhook"  # endpoints.yml reads it
    assert env["RASA_URL"] == "http://127.0.0.1:6005"  # the console and the demo page
    assert env["CORS_ORIGINS"] == "http://localhost:6080 http://127.0.0.1:6080"
    assert "--port" in commands.rasa_server(settings, 6005) and "6005" in commands.rasa_server(settings, 6005)
    assert commands.action_server(settings)[-2:] == ["--port", "6055"]


def test_no_secret_is_ever_on_a_command_line(tmp_path):
    settings = Settings(var_dir=tmp_path, rasa_instances=2)
    env = settings.process_env()
    secrets = [env["ACTION_SERVER_TOKEN"]] + [p.read_text() for p in tmp_path.iterdir() if p.is_file()]
    lines = [commands.rasa_server(settings, 5011), commands.action_server(settings), commands.console(settings),
             commands.demo_page(settings), commands.worker(settings), commands.rasa_shell(settings)]
    for argv in lines:
        joined = " ".join(argv)
        assert "token" not in joined.lower() and not any(s and s in joined for s in secrets)
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in tmp_path.iterdir() if p.is_file())


def test_socketio_is_sticky_and_the_rest_is_balanced(tmp_path):
    settings = Settings(rasa_port=5005, rasa_instances=3, rasa_first_port=5011,
                        endpoints=launcher_settings.DEPLOY / "endpoints.prod.yml")
    conf = render_nginx(settings, tmp_path).read_text()
    sticky = re.search(r"upstream rasa_sticky \{(.*?)\}", conf, re.S).group(1)
    balanced = re.search(r"upstream rasa_any \{(.*?)\}", conf, re.S).group(1)
    assert "ip_hash" in sticky and "ip_hash" not in balanced
    for port in (5011, 5012, 5013):
        assert f"127.0.0.1:{port}" in sticky and f"127.0.0.1:{port}" in balanced
    assert "listen 127.0.0.1:5005;" in conf
    assert re.search(r"location /socket.io/ \{[^}]*rasa_sticky[^}]*Upgrade", conf, re.S)
    # Access logs without query strings or request headers.
    assert "$request_uri" not in conf and "$args" not in conf and "$http_authorization" not in conf


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = "/usr/sbin/nginx"
    if subprocess.run(["bash", "-c", f"test -x {nginx}"]).returncode:
        pytest.skip("nginx is not installed (scripts/ensure-nginx.sh)")
    settings = Settings(rasa_port=5005, rasa_instances=2, endpoints=launcher_settings.DEPLOY / "endpoints.prod.yml")
    conf = render_nginx(settings, tmp_path)
    checked = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
