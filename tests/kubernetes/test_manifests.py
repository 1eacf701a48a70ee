"""The Kubernetes manifests say what the launcher says: the same command
lines, ports, health endpoints, environment variables and secrets
(borrower_help/launcher/, borrower_help/keys.py, deploy/endpoints.prod.yml),
so the two cannot drift apart. Every overlay is rendered and checked."""
import inspect
import pathlib
import re
import shutil
import sys
from dataclasses import replace
from typing import Any, Dict, List
from urllib.parse import urlsplit

import pytest

from borrower_help import keys
from borrower_help.files import ROOT
from borrower_help.launcher import commands, shapes
from borrower_help.launcher import settings as launcher_settings

KUBERNETES = ROOT / "deploy" / "kubernetes"
DOCKER = ROOT / "deploy" / "docker"

APP = "/app"  # where the images put the repository (deploy/docker/*.Dockerfile: WORKDIR)
SECRET_NAMES = {"borrower-help-keys", "borrower-help-postgres", "borrower-help-redis",
                "borrower-help-rabbitmq", "borrower-help-helpdesk"}
# Which secrets each process reads (borrower_help/keys.py users):
# rasa_extensions/server.py (API_SECRET), channels/rest.py + socketio.py
# (SESSION_KEY), endpoints.prod.yml (ACTION_TOKEN); actions/server.py;
# support_console/settings.py (CONSOLE_KEY), rasa_api.py via api_token
# (API_SECRET), the erasure endpoint (ERASURE_TOKEN).
KEYS_BY_CONTAINER = {
    ("Deployment", "borrower-help-rasa", "rasa"): {keys.API_SECRET, keys.SESSION_KEY, keys.ACTION_TOKEN},
    ("Deployment", "borrower-help-actions", "actions"): {keys.ACTION_TOKEN},
    ("Deployment", "borrower-help-console", "console"): {keys.CONSOLE_KEY, keys.API_SECRET, keys.ERASURE_TOKEN},
    ("Job", "borrower-help-migrate", "migrate"): {keys.CONSOLE_KEY},
}
# Variables in the ConfigMap that no Borrower Help code reads by name.
NOT_OURS = {"HOME", "PYTHONUNBUFFERED", "TF_CPP_MIN_LOG_LEVEL", "RASA_TELEMETRY_ENABLED"}


@pytest.fixture()
def cluster_settings(manifests, monkeypatch, tmp_path):
    """The launcher's production settings, fed with the manifests' ConfigMap
    (deploy/prod.env.example underneath, as for `make run-prod`; a local
    deploy/prod.env is left out) and placeholder secrets."""
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(launcher_settings.DEPLOY / "prod.env.example", deploy / "prod.env.example")
    monkeypatch.setattr(launcher_settings, "DEPLOY", deploy)
    environ = dict(manifests.settings(), REDIS_PASSWORD="0123abcd", BORROWER_HELP_VAR=str(tmp_path / "var"),
                   DATABASE_URL="postgresql://borrower_help:pw@db.example.internal:5432/borrower_help")
    production = launcher_settings.production_settings(environ)
    # In a pod every server listens on the pod's address, the Rasa server
    # behind the pod's own nginx; files are where the images put them.
    return replace(production, host="0.0.0.0",
                   endpoints=ROOT / "deploy" / "endpoints.prod.yml")


def in_image(argv: List[str]) -> List[str]:
    """A launcher command line as it reads inside an image."""
    out = []
    for arg in argv:
        if arg == commands.PYTHON:
            arg = "python"
        elif arg == str(launcher_settings.BIN / "gunicorn"):
            arg = "gunicorn"
        elif arg.startswith(str(ROOT) + "/"):
            arg = APP + arg[len(str(ROOT)):]
        out.append(arg)
    return out


def dockerfile_cmd(name: str) -> List[str]:
    import json

    text = (DOCKER / f"{name}.Dockerfile").read_text()
    joined = re.sub(r"\\\n\s*", " ", text)
    found = re.findall(r"^CMD (\[.*\])\s*$", joined, re.M)
    assert found, f"{name}.Dockerfile has no exec-form CMD"
    return json.loads(found[-1])


def health_paths() -> Dict[str, str]:
    """What the launcher waits for before it calls a process up
    (launcher/shapes.py: supervisor.wait_until_up(name, url))."""
    source = inspect.getsource(shapes._start_common) + inspect.getsource(shapes._start_front)
    found = dict(re.findall(r'wait_until_up\(f?"([\w-]+)[^"]*", f"[^"]*?\}(/[^"]*)"\)', source))
    assert set(found) >= {"actions", "rasa-", "console", "page"}, found
    return {name.rstrip("-"): path for name, path in found.items()}


def port_number(container: Dict[str, Any], name_or_number) -> int:
    if isinstance(name_or_number, int):
        return name_or_number
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    assert name_or_number in ports, f"{container['name']}: no port named {name_or_number}"
    return ports[name_or_number]


# -- command lines -------------------------------------------------------------

def test_every_process_runs_the_launchers_command_line(manifests, cluster_settings):
    s = cluster_settings
    expected = {
        ("borrower-help-rasa", "rasa"): commands.rasa_server(s, s.rasa_first_port),
        ("borrower-help-actions", "actions"): commands.action_server(s),
        ("borrower-help-console", "console"): commands.console(s),
        ("borrower-help-worker", "worker"): commands.worker(s),
    }
    for (deployment, container), argv in expected.items():
        assert manifests.container("Deployment", deployment, container)["command"] == in_image(argv)
    # The demo page: the same, except where the browser finds the assistant
    # (the public Ingress address, not the launcher's loopback one).
    page = manifests.container("Deployment", "borrower-help-page", "page")["command"]
    launcher_page = in_image(commands.demo_page(s))
    assert page[:-1] == launcher_page[:-1] and launcher_page[-2] == "--rasa-url"
    public = urlsplit(page[-1])
    assert public.scheme == "https"
    assert public.netloc in ingress_hosts(manifests, "borrower-help-socketio")


def test_the_images_default_commands_are_the_same(manifests):
    for kind, deployment, container in [("rasa", "borrower-help-rasa", "rasa"),
                                        ("actions", "borrower-help-actions", "actions"),
                                        ("console", "borrower-help-console", "console"),
                                        ("worker", "borrower-help-worker", "worker")]:
        assert dockerfile_cmd(kind) == manifests.container("Deployment", deployment, container)["command"]
    assert dockerfile_cmd("page")[:-1] == manifests.container("Deployment", "borrower-help-page", "page")["command"][:-1]


# -- ports and probes ----------------------------------------------------------

def test_ports_are_the_launchers(manifests, cluster_settings):
    s = cluster_settings
    rasa = manifests.container("Deployment", "borrower-help-rasa", "rasa")
    edge = manifests.container("Deployment", "borrower-help-rasa", "edge")
    assert port_number(rasa, "rasa") == s.rasa_first_port          # RASA_FIRST_PORT, behind nginx
    assert port_number(edge, "http") == s.rasa_port                # PROD_PORT, nginx: what clients use
    assert port_number(manifests.container("Deployment", "borrower-help-actions", "actions"), "http") == s.action_port
    assert port_number(manifests.container("Deployment", "borrower-help-console", "console"), "http") == s.console_port
    assert port_number(manifests.container("Deployment", "borrower-help-page", "page"), "http") == s.page_port
    # The pod's nginx listens where the Service sends and proxies to the Rasa server.
    edge_conf = (KUBERNETES / "base" / "rasa-edge.conf").read_text()
    assert re.search(rf"^\s*listen {s.rasa_port};", edge_conf, re.M)
    assert re.search(rf"proxy_pass http://127\.0\.0\.1:{s.rasa_first_port};", edge_conf)
    # Services: the launcher's port, to a port the pods have.
    for name, container, port in [("borrower-help-rasa", edge, s.rasa_port),
                                  ("borrower-help-actions", "actions", s.action_port),
                                  ("borrower-help-console", "console", s.console_port),
                                  ("borrower-help-page", "page", s.page_port)]:
        service = manifests.get("Service", name)["spec"]["ports"]
        assert [p["port"] for p in service] == [port]
        pod_container = container if isinstance(container, dict) else \
            manifests.container("Deployment", name, container)
        assert port_number(pod_container, service[0]["targetPort"]) == port


def test_probes_ask_what_the_launcher_waits_for(manifests, cluster_settings):
    paths = health_paths()
    cases = [("borrower-help-rasa", "rasa", paths["rasa"], cluster_settings.rasa_first_port),
             ("borrower-help-actions", "actions", paths["actions"], cluster_settings.action_port),
             ("borrower-help-console", "console", paths["console"], cluster_settings.console_port),
             ("borrower-help-page", "page", paths["page"], cluster_settings.page_port)]
    for deployment, name, path, port in cases:
        container = manifests.container("Deployment", deployment, name)
        for probe in ("readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            assert (get["path"], port_number(container, get["port"])) == (path, port), (deployment, probe)
    # The Rasa server loads its model for up to the launcher's startup time.
    rasa = manifests.container("Deployment", "borrower-help-rasa", "rasa")
    startup = rasa["startupProbe"]
    assert startup["httpGet"]["path"] == paths["rasa"]
    from borrower_help.launcher.supervisor import STARTUP_SECONDS
    assert startup["periodSeconds"] * startup["failureThreshold"] >= STARTUP_SECONDS
    # The action server's probe path is one it answers without the token.
    from actions.server import OPEN_PATHS
    assert paths["actions"] in OPEN_PATHS


def test_the_console_probe_passes_its_own_host_and_https_checks(manifests):
    settings = manifests.settings()
    console = manifests.container("Deployment", "borrower-help-console", "console")
    for probe in ("readinessProbe", "livenessProbe"):
        headers = {h["name"]: h["value"] for h in console[probe]["httpGet"]["httpHeaders"]}
        assert headers["Host"] in settings["CONSOLE_ALLOWED_HOSTS"].split()
        if settings.get("CONSOLE_HTTPS") == "1":  # else Django redirects the probe to https
            assert headers["X-Forwarded-Proto"] == "https"
    console_host = ingress_hosts(manifests, "borrower-help-console")
    assert console_host <= set(settings["CONSOLE_ALLOWED_HOSTS"].split())


# -- environment and secrets ---------------------------------------------------

def test_the_rasa_server_gets_every_variable_its_endpoints_file_names(manifests):
    endpoints = re.sub(r"#.*", "", (ROOT / "deploy" / "endpoints.prod.yml").read_text())  # not comments
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints))
    assert needed, "endpoints.prod.yml names no variable?"
    env = manifests.environment(manifests.container("Deployment", "borrower-help-rasa", "rasa"))
    assert needed <= set(env), needed - set(env)
    # The action server's address: its Service, its port, the launcher's path.
    url = urlsplit(env["ACTION_SERVER_URL"])
    action_url = urlsplit(launcher_settings.Settings().action_url)
    assert url.path == action_url.path
    assert url.hostname == "borrower-help-actions" and url.port == launcher_settings.Settings().action_port


def test_redis_and_proxies_are_set_as_the_launcher_sets_them(manifests, cluster_settings):
    env = manifests.environment(manifests.container("Deployment", "borrower-help-rasa", "rasa"))
    extra = cluster_settings.extra_env
    # REDIS_MODE=external with a password, as the launcher requires.
    assert env["REDIS_MODE"] == "external"
    assert env["REDIS_PASSWORD"]["secretKeyRef"]["key"] == keys.REDIS_PASSWORD.env_var
    # SOCKETIO_REDIS_URL is composed by Kubernetes ($(NAME)); the result is
    # the launcher's for the same values (for a URL-safe password).
    expanded = re.sub(r"\$\((\w+)\)", lambda m: {**env, "REDIS_PASSWORD": "0123abcd"}[m.group(1)],
                      env["SOCKETIO_REDIS_URL"])
    assert expanded == extra["SOCKETIO_REDIS_URL"]
    # The Rasa server trusts X-Forwarded-For only from its pod's nginx.
    assert env["TRUSTED_PROXIES"] == extra["TRUSTED_PROXIES"] == "127.0.0.1"
    # The console reaches the Rasa servers through their Service.
    rasa_url = urlsplit(manifests.settings()["RASA_URL"])
    assert (rasa_url.hostname, rasa_url.port) == ("borrower-help-rasa", cluster_settings.rasa_port)


def test_each_process_gets_the_secrets_it_reads_from_a_secret(manifests):
    provided = set()
    for (kind, workload, name), needed in KEYS_BY_CONTAINER.items():
        env = manifests.environment(manifests.container(kind, workload, name))
        for key in needed:
            assert key.env_var in env, f"{workload}/{name} lacks {key.env_var}"
            ref = env[key.env_var]
            assert isinstance(ref, dict) and "secretKeyRef" in ref, f"{key.env_var} is not from a Secret"
            assert not ref["secretKeyRef"].get("optional"), f"{key.env_var} must not be optional"
            provided.add(key)
    # Every key the project has is set somewhere: none is left to be
    # generated per pod.
    assert set(keys.ALL) <= provided, set(keys.ALL) - provided


def test_secrets_are_referenced_never_committed(manifests):
    assert not manifests.all("Secret"), "a Secret object is in the manifests"
    for container in manifests.every_container():
        for entry in container.get("env", []):
            ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                assert ref["name"] in SECRET_NAMES, ref
                # A Secret's key is the variable's name: one name everywhere.
                assert ref["key"] == entry["name"] or entry["name"] == "CONSOLE_DATABASE_URL", entry
            else:
                assert not re.search(r"PASSWORD|SECRET|TOKEN|KEY$", entry["name"]), \
                    f"{entry['name']} is written in the manifest"
    # Nothing secret-looking in the ConfigMap either.
    assert not [k for k in manifests.settings() if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$", k)]


def test_the_readme_says_how_to_create_every_secret_referenced(manifests):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Running on Kubernetes"):]
    for container in manifests.every_container():
        for entry in container.get("env", []):
            ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                assert f"create secret generic {ref['name']}" in section, ref["name"]
                assert f"{ref['key']}=" in section, ref["key"]


def test_every_setting_is_one_the_code_reads(manifests):
    """A misspelt name would be silently ignored: each ConfigMap variable is
    read by our code (or is one of a few for Python, Rasa or the shell)."""
    sources = "\n".join(p.read_text() for folder in ("borrower_help", "rasa_extensions", "actions", "support_console")
                        for p in (ROOT / folder).rglob("*.py"))
    sources += (ROOT / "deploy" / "endpoints.prod.yml").read_text()
    for name in manifests.settings():
        if name in NOT_OURS:
            continue
        assert re.search(rf"[\"'{{]{name}[\"'}}]", sources), f"{name}: no code reads it"


def test_no_process_can_fall_back_to_generating_secrets(manifests):
    """keys.Key.value() writes a new secret into BORROWER_HELP_VAR when the
    variable is missing: in a pod that must fail, not give each pod its own."""
    var = manifests.settings()["BORROWER_HELP_VAR"]
    assert var.startswith(APP + "/")
    for container in manifests.every_container():
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert all(not m["mountPath"].startswith(var) for m in container.get("volumeMounts", []))


# -- Ingress and network policies ----------------------------------------------

def ingress_hosts(manifests, name: str) -> set:
    return {rule["host"] for rule in manifests.get("Ingress", name)["spec"]["rules"]}


def ingress_paths(manifests, name: str) -> Dict[str, str]:
    return {p["path"]: p["backend"]["service"]["name"]
            for rule in manifests.get("Ingress", name)["spec"]["rules"] for p in rule["http"]["paths"]}


def test_socketio_is_sticky_and_rest_is_balanced(manifests):
    from rasa_extensions.channels.rest import GuardedRestInput

    socketio = manifests.get("Ingress", "borrower-help-socketio")
    notes = socketio["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-path"] == "/socket.io/"
    assert ingress_paths(manifests, "borrower-help-socketio") == {"/socket.io/": "borrower-help-rasa"}
    chat = manifests.get("Ingress", "borrower-help-chat")
    assert "nginx.ingress.kubernetes.io/affinity" not in chat["metadata"].get("annotations", {})
    rest = f"/webhooks/{GuardedRestInput.name()}/webhook"
    assert ingress_paths(manifests, "borrower-help-chat")[rest] == "borrower-help-rasa"
    # The HTTP API (conversations, model) is never routed from outside.
    for ingress in manifests.all("Ingress"):
        for path, service in ingress_paths(manifests, ingress["metadata"]["name"]).items():
            if service == "borrower-help-rasa":
                assert path in ("/socket.io/", rest)
    # The demo page shares the assistant's origin, and browsers are let in.
    assert ingress_hosts(manifests, "borrower-help-chat") == ingress_hosts(manifests, "borrower-help-socketio")
    origins = manifests.settings()["CORS_ORIGINS"].split()
    assert {f"https://{h}" for h in ingress_hosts(manifests, "borrower-help-chat")} <= set(origins)


def pods_selected(manifests, selector: Dict[str, str]) -> set:
    return {w["metadata"]["name"] for w in manifests.workloads()
            if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()}


def test_only_the_rasa_pods_reach_the_action_server(manifests):
    policy = manifests.get("NetworkPolicy", "borrower-help-actions")["spec"]
    assert pods_selected(manifests, policy["podSelector"]["matchLabels"]) == {"borrower-help-actions"}
    sources = [peer for rule in policy["ingress"] for peer in rule["from"]]
    assert len(sources) == 1 and set(sources[0]) == {"podSelector"}
    assert pods_selected(manifests, sources[0]["podSelector"]["matchLabels"]) == {"borrower-help-rasa"}
    assert [p["port"] for rule in policy["ingress"] for p in rule["ports"]] == \
        [launcher_settings.Settings().action_port]
    # Everything else is denied.
    deny = manifests.get("NetworkPolicy", "borrower-help-default-deny")["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}


def test_only_the_database_clients_reach_postgresql(manifests):
    policy = manifests.get("NetworkPolicy", "borrower-help-postgres-clients")["spec"]
    clients = pods_selected(manifests, policy["podSelector"]["matchLabels"])
    # The action server writes tickets and ratings (borrower_help.storage).
    assert clients == {"borrower-help-rasa", "borrower-help-actions", "borrower-help-console",
                       "borrower-help-worker", "borrower-help-migrate", "borrower-help-reporting-rebuild"}
    assert [p["port"] for rule in policy["egress"] for p in rule["ports"]] == [5432]
    # No other policy opens 5432.
    for other in manifests.all("NetworkPolicy"):
        if other["metadata"]["name"] == "borrower-help-postgres-clients":
            continue
        for rule in other["spec"].get("egress", []):
            assert 5432 not in [p.get("port") for p in rule.get("ports", [])]


# -- workloads -----------------------------------------------------------------

def test_every_server_has_probes_resources_and_a_disruption_budget(manifests):
    budgets = [b["spec"]["selector"]["matchLabels"] for b in manifests.all("PodDisruptionBudget")]
    for deployment in manifests.all("Deployment"):
        name = deployment["metadata"]["name"]
        spec = deployment["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in spec.get("initContainers", []) + spec["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"])
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
        if name == "borrower-help-worker":
            continue  # one worker, no port (worker.yaml)
        for container in spec["containers"]:
            assert "readinessProbe" in container and "livenessProbe" in container, (name, container["name"])
        assert any(b.items() <= deployment["spec"]["selector"]["matchLabels"].items() for b in budgets), name


def test_the_rasa_servers_scale_and_roll_without_dropping_conversations(manifests):
    hpa = manifests.get("HorizontalPodAutoscaler", "borrower-help-rasa")["spec"]
    assert hpa["scaleTargetRef"]["name"] == "borrower-help-rasa" and hpa["minReplicas"] >= 2
    rasa = manifests.get("Deployment", "borrower-help-rasa")["spec"]
    assert "replicas" not in rasa, "the HPA owns the count"
    assert rasa["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    # SESSION_KEY is the same on every pod (one Secret key).
    env = manifests.environment(manifests.container("Deployment", "borrower-help-rasa", "rasa"))
    assert env["SESSION_KEY"]["secretKeyRef"] == {"name": "borrower-help-keys", "key": "SESSION_KEY"}
    # The lock store is Redis (endpoints.prod.yml), shared by all pods.
    assert "lock_store:" in (ROOT / "deploy" / "endpoints.prod.yml").read_text()


def test_the_jobs_migrate_both_schemas_and_rebuild_reporting(manifests):
    migrate = manifests.container("Job", "borrower-help-migrate", "migrate")["command"]
    script = " ".join(migrate)
    assert "python -m borrower_help.storage migrate" in script
    assert in_image(commands.console_migrations())[:4] == ["python", "-m", "support_console.manage", "migrate"]
    assert "python -m support_console.manage migrate" in script
    rebuild = manifests.container("Job", "borrower-help-reporting-rebuild", "rebuild")["command"]
    assert rebuild == ["python", "-m", "borrower_help.reporting", "rebuild"]
    # The servers wait for the schema instead of migrating.
    for deployment in ("borrower-help-rasa", "borrower-help-actions", "borrower-help-console"):
        wait = manifests.container("Deployment", deployment, "wait-for-schema", init=True)
        assert "python -m borrower_help.storage status" in " ".join(wait["command"])


def test_python_is_the_one_the_project_runs_on():
    assert sys.version_info[:2] == (3, 10) or pytest.skip("run with the project's .venv (Python 3.10)")
    for dockerfile in pathlib.Path(DOCKER).glob("*.Dockerfile"):
        for image in re.findall(r"^FROM (python:\S+)", dockerfile.read_text(), re.M):
            assert image.startswith("python:3.10"), (dockerfile.name, image)


def test_the_components_change_what_they_say(tmp_path):
    """components/ on top of an overlay (as a lender's overlay adds them)."""
    import os

    from tests.kubernetes.conftest import Manifests, render

    overlay = tmp_path / "lender"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {os.path.relpath(KUBERNETES / 'overlays' / 'small', overlay)}\n"
        f"components:\n  - {os.path.relpath(KUBERNETES / 'components' / 'sticky-by-client-address', overlay)}\n"
        f"  - {os.path.relpath(KUBERNETES / 'components' / 'lender-settings', overlay)}\n")
    manifests = Manifests("lender", render(overlay))
    notes = manifests.get("Ingress", "borrower-help-socketio")["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$binary_remote_addr"
    assert not [k for k in notes if "affinity" in k or "session-cookie" in k]
    actions = manifests.container("Deployment", "borrower-help-actions", "actions")
    env = manifests.environment(actions)
    from borrower_help import lender
    assert '"LENDER_SETTINGS"' in inspect.getsource(lender.settings_path)
    mount = [m for m in actions["volumeMounts"] if m["name"] == "lender"][0]["mountPath"]
    assert env["LENDER_SETTINGS"].startswith(mount + "/")


def test_the_readmes_example_overlay_renders_with_its_hosts(tmp_path):
    import shutil as sh

    from tests.kubernetes.conftest import Manifests, render

    readme = (ROOT / "README.md").read_text()
    marker = "# deploy/kubernetes/overlays/lumen/kustomization.yaml\n"
    block = readme[readme.index(marker):]
    block = block[:block.index("```")]
    lines = [line[3:] if line.startswith("   ") else line for line in block.splitlines()]
    root = tmp_path / "kubernetes"
    for part in ("base", "overlays/small", "components"):
        sh.copytree(KUBERNETES / part, root / part)
    (root / "overlays" / "lumen").mkdir()
    (root / "overlays" / "lumen" / "kustomization.yaml").write_text("\n".join(lines) + "\n")
    manifests = Manifests("lumen", render(root / "overlays" / "lumen"))
    assert ingress_hosts(manifests, "borrower-help-socketio") == {"help.lumen.example"}
    assert ingress_hosts(manifests, "borrower-help-chat") == {"help.lumen.example"}
    assert ingress_hosts(manifests, "borrower-help-console") == {"console.lumen.example"}
    page = manifests.container("Deployment", "borrower-help-page", "page")["command"]
    assert page[-2:] == ["--rasa-url", "https://help.lumen.example"]
    assert manifests.container("Deployment", "borrower-help-rasa", "rasa")["image"] == \
        "registry.example.com/borrower-help/rasa:2026-11-27"
    origins = manifests.settings()["CORS_ORIGINS"].split()
    assert "https://help.lumen.example" in origins
