"""deploy/kubernetes/check.py can fail: broken manifests and a Dockerfile
that runs as root, in a temporary copy, are rejected with the reason. Runs
the check with the tools' virtualenv (.venv-tools, made by
`make test-kubernetes`)."""
import os
import pathlib
import shutil
import subprocess

import pytest

from tests.kubernetes.conftest import DOCKER, KUBERNETES, ROOT, kubectl

TOOLS_PYTHON = ROOT / ".venv-tools" / "bin" / "python"


def run_check(kustomize_root: pathlib.Path, dockerfiles: pathlib.Path) -> subprocess.CompletedProcess:
    if not TOOLS_PYTHON.exists():
        pytest.skip("the check's tools are not installed: run `make test-kubernetes`")
    if kubectl() is None:
        pytest.skip("kubectl is not installed")
    env = dict(os.environ, KUBECTL=kubectl())
    return subprocess.run([str(TOOLS_PYTHON), str(KUBERNETES / "check.py"), "--kustomize-root", str(kustomize_root),
                           "--dockerfiles", str(dockerfiles)],
                          capture_output=True, text=True, env=env, timeout=600)


def copy_tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """deploy/kubernetes/base and deploy/docker, with no overlay yet."""
    root = tmp_path / "kubernetes"
    shutil.copytree(KUBERNETES / "base", root / "base")
    (root / "overlays").mkdir()
    shutil.copytree(DOCKER, tmp_path / "docker")
    return root


def add_overlay(root: pathlib.Path, name: str, patch: str, target: str) -> None:
    folder = root / "overlays" / name
    folder.mkdir()
    (folder / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: borrower-help\n"
        f"resources:\n  - ../../base\npatches:\n  - target:\n{target}    patch: |-\n"
        + "".join(f"      {line}\n" for line in patch.strip().splitlines()))


DEPLOYMENT_ACTIONS = "      kind: Deployment\n      name: borrower-help-actions\n"


def test_a_field_kubernetes_does_not_know_and_a_root_dockerfile_are_rejected(tmp_path):
    root = copy_tree(tmp_path)
    # A misspelt field (Kubernetes would reject the object, or drop the field).
    add_overlay(root, "typo", """
- op: add
  path: /spec/template/spec/containers/0/readinesProbe
  value: {httpGet: {path: /health, port: http}}
""", DEPLOYMENT_ACTIONS)
    # A Dockerfile that never leaves root.
    dockerfile = tmp_path / "docker" / "worker.Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER 10001:10001\n", ""))
    done = run_check(root, tmp_path / "docker")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "schema validation failed" in done.stderr and "readinesProbe" in done.stderr, done.stderr
    assert "CKV_DOCKER_3" in done.stderr, done.stderr  # "Ensure that a user for the container has been created"


def test_a_privileged_container_and_a_skip_without_a_reason_are_rejected(tmp_path):
    root = copy_tree(tmp_path)
    add_overlay(root, "unsafe", """
- op: replace
  path: /spec/template/spec/containers/0/securityContext
  value: {privileged: true, allowPrivilegeEscalation: true}
- op: add
  path: /metadata/annotations/checkov.io~1skip9
  value: CKV_K8S_21
""", DEPLOYMENT_ACTIONS)
    done = run_check(root, tmp_path / "docker")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CKV_K8S_16" in done.stderr, done.stderr  # "Container should not be privileged"
    assert "CKV_K8S_21 skipped without a reason" in done.stderr, done.stderr


def test_an_overlay_that_does_not_render_is_rejected(tmp_path):
    root = copy_tree(tmp_path)
    folder = root / "overlays" / "missing"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text("resources:\n  - ../../base\n  - not-there.yaml\n")
    done = run_check(root, tmp_path / "docker")
    assert done.returncode == 1 and "kubectl kustomize" in done.stderr, done.stderr
